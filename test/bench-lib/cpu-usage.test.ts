import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import {
  clockTicksPerSecond,
  descendantsOf,
  diff,
  parseProcessStat,
  readProcessStat,
  snapshot,
} from '../../bench/lib/cpu-usage';

const onLinux = process.platform === 'linux';

// Spends CPU until this process has used `ms` of it: a condition on CPU time, not on wall-clock time.
function burnCpu(ms: number): void {
  const start = process.cpuUsage();
  let spent = 0;
  while (spent < ms) {
    for (let i = 0; i < 1e5; i += 1) Math.sqrt(i);
    const used = process.cpuUsage(start);
    spent = (used.user + used.system) / 1000;
  }
}

// A shell that runs node as a child (the `; true` keeps the shell from exec-ing into it). Node waits for a line
// on stdin, burns `ms` of CPU, says "burnt", and idles until killed.
function spawnBurner(ms: number): ChildProcess {
  const script = `
    process.stdin.once('data', () => {
      const start = process.cpuUsage();
      let spent = 0;
      while (spent < ${ms}) {
        for (let i = 0; i < 1e5; i += 1) Math.sqrt(i);
        const used = process.cpuUsage(start);
        spent = (used.user + used.system) / 1000;
      }
      process.stdout.write('burnt\\n');
      setInterval(() => undefined, 1000);
    });`;
  return spawn('sh', ['-c', '"$0" -e "$1"; true', process.execPath, script], { stdio: ['pipe', 'pipe', 'inherit'] });
}

async function waitForLine(child: ChildProcess, line: string): Promise<void> {
  let seen = '';
  for await (const chunk of child.stdout as NodeJS.ReadableStream) {
    seen += String(chunk);
    if (seen.includes(line)) return;
  }
  throw new Error(`the child ended without printing ${line}`);
}

describe('CPU usage', () => {
  describe('when /proc/<pid>/stat is parsed', () => {
    it('should read the name up to the last parenthesis and the times after it', () => {
      const fields = ['S', '42', ...Array(9).fill('0'), '150', '25', '7', '3'];
      const stat = parseProcessStat(`1234 (java (kafka) server) ${fields.join(' ')} 20 0 1 0`);
      assert.deepEqual(stat, {
        pid: 1234,
        name: 'java (kafka) server',
        ppid: 42,
        utime: 150,
        stime: 25,
        cutime: 7,
        cstime: 3,
      });
    });
  });

  describe('when the clock tick is asked', () => {
    it('should be a positive whole number of ticks per second', () => {
      const ticks = clockTicksPerSecond();
      assert.ok(Number.isInteger(ticks) && ticks > 0);
    });
  });

  describe('when this process spends CPU between two snapshots', function () {
    before(function () {
      if (!onLinux) this.skip();
    });

    it('should measure it from process.cpuUsage() and from /proc', () => {
      const before = snapshot([process.pid], { includeDescendants: false });
      burnCpu(100);
      const after = snapshot([process.pid], { includeDescendants: false });
      const delta = diff(before, after);

      assert.ok(delta.self.totalMs >= 100, `self ${delta.self.totalMs} ms`);
      assert.equal(delta.self.totalMs, delta.self.userMs + delta.self.systemMs);
      const fromProc = delta.processes.find((entry) => entry.pid === process.pid);
      assert.ok(fromProc && !fromProc.exited);
      // /proc counts in clock ticks (10 ms at 100 Hz): allow two ticks of rounding.
      assert.ok(fromProc.totalMs >= 100 - 2000 / clockTicksPerSecond(), `/proc ${fromProc.totalMs} ms`);
      assert.ok(delta.elapsedMs > 0 && fromProc.cores > 0);
    });
  });

  describe('when a spawned child and its own child spend CPU', function () {
    let child: ChildProcess | undefined;
    before(function () {
      if (!onLinux) this.skip();
    });
    afterEach(async () => {
      if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) {
        const exited = once(child, 'exit');
        // The shell's child: stop it first, then the shell (both started by this test).
        const [grandchild] = descendantsOf(child.pid);
        if (grandchild !== undefined) process.kill(grandchild, 'SIGTERM');
        child.kill('SIGTERM');
        await exited;
      }
    });

    it('should count the descendant under the pid it was given', async () => {
      child = spawnBurner(200);
      const pid = child.pid as number;
      await new Promise((resolve) => setTimeout(resolve, 0));
      const before = snapshot([pid]);
      (child.stdin as NodeJS.WritableStream).write('go\n');
      await waitForLine(child, 'burnt');
      const after = snapshot([pid]);

      const shell = after.processes.get(pid);
      assert.ok(shell?.alive);
      assert.equal(shell.descendants.length, 1, `descendants: ${shell.descendants.join(', ')}`);
      assert.equal(readProcessStat(shell.descendants[0])?.ppid, pid);
      const [entry] = diff(before, after).processes;
      assert.equal(entry.pid, pid);
      assert.ok(entry.totalMs >= 200 - 2000 / clockTicksPerSecond(), `child ${entry.totalMs} ms`);
    }).timeout(30_000);

    it('should not count a process that was never there', () => {
      const missing = 2 ** 22 + 12_345;
      const delta = diff(snapshot([missing]), snapshot([missing]));
      assert.deepEqual(
        delta.processes.map((entry) => [entry.pid, entry.exited, entry.totalMs]),
        [[missing, true, 0]],
      );
    });
  });
});
