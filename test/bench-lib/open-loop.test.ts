// These tests assert what the generator counts and measures, never how fast this machine is: every timing
// assertion is a lower bound implied by a stall the test itself causes.
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { runOpenLoop, type OpenLoopReport, type SettledOperation } from '../../bench/lib/open-loop';

// Generous limits for tests about something other than lag, so a busy CI machine does not fail them.
const LENIENT_LAG = { p99Ms: 10_000, maxMs: 10_000 };

function blockEventLoop(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // Busy-wait on purpose: nothing else in this process may run meanwhile.
  }
}

function assertCountsAddUp(report: OpenLoopReport): void {
  assert.equal(
    report.completed + report.failed + report.dropped + report.unfinished,
    report.offered,
    `completed ${report.completed} + failed ${report.failed} + dropped ${report.dropped} + unfinished ${report.unfinished} != offered ${report.offered}`,
  );
  assert.equal(report.dispatched + report.dropped, report.offered);
}

describe('runOpenLoop', () => {
  describe('when the schedule is laid out', () => {
    it('should intend operation i at i / rate and offer every operation of the duration', async () => {
      const settled: SettledOperation[] = [];
      const report = await runOpenLoop({
        ratePerSecond: 100,
        durationMs: 100,
        start: async () => undefined,
        lagLimits: LENIENT_LAG,
        onSettled: (operation) => settled.push(operation),
      });
      assert.equal(report.offered, 10);
      assert.deepEqual(
        settled.map((operation) => operation.intendedAtMs).sort((a, b) => a - b),
        [0, 10, 20, 30, 40, 50, 60, 70, 80, 90],
      );
      assert.equal(report.completed, 10);
      assert.equal(report.latency.count, 10);
      assert.ok(report.achievedRatePerSecond > 0);
      assert.equal(report.valid, true, report.invalidReasons.join('; '));
    });

    it('should round a fractional number of operations up (the first one is at t0)', async () => {
      const report = await runOpenLoop({
        ratePerSecond: 30,
        durationMs: 100,
        start: async () => undefined,
        lagLimits: LENIENT_LAG,
      });
      assert.equal(report.offered, 3);
    });

    it('should reject a rate that is not positive', async () => {
      await assert.rejects(
        runOpenLoop({ ratePerSecond: 0, durationMs: 100, start: async () => undefined }),
        RangeError,
      );
    });
  });

  describe('when one operation blocks the process for 200 ms (coordinated omission)', () => {
    it('should charge the wait to every operation intended during the stall, from its intended time', async () => {
      const latencyByIndex = new Map<number, number>();
      const report = await runOpenLoop({
        ratePerSecond: 100,
        durationMs: 500,
        start: async (index) => {
          if (index === 10) blockEventLoop(200);
        },
        onSettled: ({ index, latencyMs }) => latencyByIndex.set(index, latencyMs),
      });

      assert.equal(report.completed, 50);
      // Operation 10 is intended at 100 ms and holds the process until at least 300 ms, so operation j intended at
      // 10·j ms during the stall cannot complete before 300 ms. A tool timing from the send would report ~0 for them.
      for (let index = 11; index < 30; index += 1) {
        const floor = 300 - 10 * index;
        const latency = latencyByIndex.get(index) ?? Number.NaN;
        assert.ok(
          latency >= floor - 1,
          `operation ${index}: latency ${latency} ms should include the ${floor} ms wait`,
        );
      }
      assert.ok(report.latency.max >= 199, `max ${report.latency.max}`);
      // 20 of the 50 operations (10..29) waited 10 ms or more; 11 of them (10..20) 100 ms or more.
      assert.ok(report.latency.p90 >= 99, `p90 ${report.latency.p90} should show the stall`);
      assert.ok(report.lag.max >= 189, `lag max ${report.lag.max}`);
      assert.equal(report.generatorKeptUp, false);
    });
  });

  describe('when the system queues work behind one slow operation', () => {
    it('should keep sending on schedule and charge the queueing to the later operations', async () => {
      // One server, first come first served: 1 ms per operation, 200 ms for operation 5.
      let serverFreeAt = 0;
      const dispatchedWhileBusy: number[] = [];
      const latencyByIndex = new Map<number, number>();
      const report = await runOpenLoop({
        ratePerSecond: 100,
        durationMs: 300,
        lagLimits: LENIENT_LAG,
        start: (index) => {
          const now = performance.now();
          if (now < serverFreeAt) dispatchedWhileBusy.push(index);
          serverFreeAt = Math.max(now, serverFreeAt) + (index === 5 ? 200 : 1);
          return new Promise((resolve) => setTimeout(resolve, serverFreeAt - now));
        },
        onSettled: ({ index, latencyMs }) => latencyByIndex.set(index, latencyMs),
      });

      assert.equal(report.completed, 30);
      // Sending never waited for completions: operations kept going out while the server was busy with 5.
      assert.ok(dispatchedWhileBusy.length >= 10, `only ${dispatchedWhileBusy.length} sent while the server was busy`);
      // Operation 5 is intended at 50 ms and occupies the server until at least 250 ms. Timers may fire a few
      // milliseconds early by the performance clock, hence the slack.
      for (let index = 6; index < 24; index += 1) {
        const floor = 250 - 10 * index;
        const latency = latencyByIndex.get(index) ?? Number.NaN;
        assert.ok(
          latency >= floor - 5,
          `operation ${index}: latency ${latency} ms should include the ${floor} ms queue`,
        );
      }
    });
  });

  describe('when no operation completes before the drain deadline', () => {
    it('should have sent everything anyway and report the operations as unfinished', async () => {
      const releases: (() => void)[] = [];
      const report = await runOpenLoop({
        ratePerSecond: 200,
        durationMs: 200,
        graceMs: 0,
        drainTimeoutMs: 20,
        lagLimits: LENIENT_LAG,
        start: () => new Promise<void>((resolve) => releases.push(resolve)),
      });

      assert.equal(report.offered, 40);
      assert.equal(report.dispatched, 40);
      assert.equal(report.atSendEnd.inFlight, 40);
      assert.equal(report.completed, 0);
      assert.equal(report.unfinished, 40);
      assert.equal(report.drain.drained, false);
      assert.ok(report.drain.drainMs >= 15, `drain waited ${report.drain.drainMs} ms`);
      assert.equal(report.valid, false);
      assert.match(report.invalidReasons.join('\n'), /still in flight/);
      assertCountsAddUp(report);

      // Completions after the deadline do not change a report already returned.
      for (const release of releases) release();
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(report.completed, 0);
    });
  });

  describe('when the operations in flight finish during the drain', () => {
    it('should report the drain as complete', async () => {
      const report = await runOpenLoop({
        ratePerSecond: 100,
        durationMs: 50,
        graceMs: 0,
        drainTimeoutMs: 10_000,
        lagLimits: LENIENT_LAG,
        start: () => new Promise((resolve) => setTimeout(resolve, 30)),
      });
      assert.equal(report.drain.drained, true);
      assert.equal(report.completed, report.offered);
      assert.ok(report.drain.drainMs < 10_000);
    });
  });

  describe('when operations fail, throw, or exceed maxInFlight', () => {
    it('should count each outcome once, keep the first error messages, and mark the run invalid', async () => {
      const report = await runOpenLoop({
        ratePerSecond: 500,
        durationMs: 200,
        maxInFlight: 5,
        lagLimits: LENIENT_LAG,
        start: (index) => {
          if (index % 10 === 3) return Promise.reject(new Error('broker unavailable'));
          if (index % 10 === 7) throw new TypeError('bad request');
          return new Promise((resolve) => setTimeout(resolve, 20));
        },
      });

      assertCountsAddUp(report);
      assert.equal(report.offered, 100);
      assert.equal(report.unfinished, 0);
      assert.ok(report.dropped > 0, 'eight 20 ms operations are intended in the first 20 ms: some must be dropped');
      assert.ok(report.peakInFlight <= 5);
      assert.equal(
        report.errors.reduce((sum, error) => sum + error.count, 0),
        report.failed,
      );
      assert.deepEqual(report.errors.map((error) => error.message).sort(), [
        'Error: broker unavailable',
        'TypeError: bad request',
      ]);
      assert.equal(report.latency.count, report.completed);
      assert.equal(report.valid, false);
      assert.match(report.invalidReasons.join('\n'), /maxInFlight \(5\)/);
    });

    it('should keep only the first few distinct messages but count every failure', async () => {
      const report = await runOpenLoop({
        ratePerSecond: 1000,
        durationMs: 20,
        maxErrorKinds: 2,
        lagLimits: LENIENT_LAG,
        start: (index) => Promise.reject(new Error(`failure ${index}`)),
      });
      assert.equal(report.failed, 20);
      assert.equal(report.errors.length, 2);
    });
  });

  describe('when the process is starved while sending', () => {
    it('should mark the run invalid because of the generator lag', async () => {
      // Something else in the process (not an operation) holds the event loop for 120 ms mid-run.
      setTimeout(() => blockEventLoop(120), 30);
      const report = await runOpenLoop({ ratePerSecond: 200, durationMs: 300, start: async () => undefined });

      assert.ok(report.lag.max >= 100, `lag max ${report.lag.max}`);
      assert.equal(report.generatorKeptUp, false);
      assert.equal(report.valid, false);
      assert.match(report.invalidReasons.join('\n'), /generator lag max/);
      assertCountsAddUp(report);
    });
  });

  describe('when given a clock', () => {
    it('should measure every time with it', async () => {
      // A clock running ten times faster than real time: 10 ms of real waiting is 100 ms of this clock.
      const origin = performance.now();
      const fast = () => (performance.now() - origin) * 10;
      const report = await runOpenLoop({
        ratePerSecond: 100,
        durationMs: 500,
        clock: fast,
        lagLimits: LENIENT_LAG,
        start: () => new Promise((resolve) => setTimeout(resolve, 10)),
      });
      assert.equal(report.offered, 50);
      assert.ok(report.latency.p50 >= 90, `p50 ${report.latency.p50} in clock milliseconds`);
    });
  });
});
