import assert from 'node:assert/strict';
import { createProgress, type ProgressStream } from '../../bench/lib/progress';

function fakeStream(isTTY: boolean, columns = 100) {
  const writes: string[] = [];
  const stream: ProgressStream = { isTTY, columns, write: (text: string) => writes.push(text) };
  return { stream, writes };
}

function fakeClock() {
  let now = 0;
  return { clock: () => now, advanceBy: (ms: number) => (now += ms) };
}

describe('Progress', () => {
  describe('when stderr is not a terminal', () => {
    it('should print a plain line at each phase change and then at most every five seconds', () => {
      const { stream, writes } = fakeStream(false);
      const time = fakeClock();
      const progress = createProgress({ stream, clock: time.clock, timer: false });

      progress.phase('warm-up', 10);
      for (let i = 0; i < 6; i += 1) {
        time.advanceBy(100);
        progress.advance();
      }
      assert.equal(writes.length, 1, 'no line between the phase start and five seconds');
      time.advanceBy(5_000);
      progress.advance();
      assert.equal(writes.length, 2);
      assert.match(writes[1], /^\[bench\] warm-up:\s+70% 7\/10 5\.6s eta 2\.4s\n$/);

      progress.phase('step 200/s', 0);
      progress.advance(3);
      progress.done();
      assert.match(writes[2], /warm-up: 100% 10\/10/);
      assert.match(writes[3], /^\[bench\] step 200\/s: 0 0\.0s\n$/);
      assert.match(writes[4], /^\[bench\] step 200\/s: 3 0\.0s\n$/);
      assert.ok(writes.every((text) => !text.includes('\r') && !text.includes('\u001b')));
    });
  });

  describe('when stderr is a terminal', () => {
    it('should redraw one line in place at most ten times a second, with a bar, percent, elapsed and ETA', () => {
      const { stream, writes } = fakeStream(true, 60);
      const time = fakeClock();
      const progress = createProgress({ stream, clock: time.clock, timer: false });

      progress.phase('ramp', 200);
      for (let i = 0; i < 50; i += 1) {
        time.advanceBy(1);
        progress.advance();
      }
      assert.equal(writes.length, 1, 'redraws within 100 ms are skipped');
      time.advanceBy(150);
      progress.advance(50);
      assert.equal(writes.length, 2);
      assert.match(writes[1], /^\rramp \[#+-+\]\s+50% 100\/200 0\.2s eta 0\.2s\u001b\[K$/);

      progress.done();
      assert.match(writes[2], /100% 200\/200/);
      assert.equal(writes[3], '\n');
      for (const text of writes.filter((entry) => entry.startsWith('\r'))) {
        const visible = text.replace('\r', '').replace('\u001b[K', '');
        assert.ok(visible.length < 60, `"${visible}" is wider than the terminal`);
      }
    });
  });

  describe('when advanced outside a phase', () => {
    it('should print nothing', () => {
      const { stream, writes } = fakeStream(false);
      const progress = createProgress({ stream, timer: false });
      progress.advance(5);
      progress.done();
      assert.deepEqual(writes, []);
    });
  });
});
