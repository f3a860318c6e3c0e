// Ctrl-C and SIGTERM, at start-up and mid-run, as a user sends them: Ctrl-C to the whole process group (as a
// terminal does), SIGTERM to npm alone (as `kill PID` does, which npm does not pass on to the script). Every
// command ends within its stop grace, says what it did without a stack trace, and leaves no process behind; a
// run stopped half-way goes on where it stopped when run again in the same scope.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { waitFor } from '../../model/wait-for';
import { generateReturns } from '../../samples/generate-returns';
import { type Finished, hasStackTrace, runScript, ScriptProcess } from '../../model/script-process';
import { uniqueScope } from '../support/test-config';

// The returns of a run long enough to be interrupted, with returns that depend on earlier ones (the same order,
// models with little stock), so that resuming it is checked where order matters.
const RETURNS = generateReturns({ seed: 11, count: 40, idPrefix: 'SIG', repeatedOrderShare: 0.2 });

async function stopped(script: ScriptProcess): Promise<{ run: Finished; left: number[] }> {
  try {
    const run = await script.finished;
    return { run, left: await script.leftBehind() };
  } finally {
    script.killAll();
  }
}

// Through npm the script's own exit code is hidden: npm reports the signal it was sent. The stop itself is seen
// in what the command prints, and in its processes all being gone.
function assertEndedBySignal({ run, left }: { run: Finished; left: number[] }, signal: NodeJS.Signals): void {
  const code = signal === 'SIGINT' ? 130 : 143;
  assert.ok(run.signal === signal || run.code === code, `ended with ${run.signal ?? run.code}:\n${run.stderr}`);
  assert.ok(!hasStackTrace(run.stderr), run.stderr);
  assert.doesNotMatch(run.stderr, /closed while .* was awaited|failed unexpectedly/);
  assert.deepEqual(left, [], `still running: ${left.join(', ')}`);
}

describe('Entry points stopped by a signal', function () {
  this.timeout(400_000);
  let folder: string;
  let requestsFile: string;

  before(() => {
    folder = mkdtempSync(path.join(os.tmpdir(), 'signals-'));
    requestsFile = path.join(folder, 'returns.json');
    writeFileSync(requestsFile, JSON.stringify(RETURNS));
  });

  after(() => {
    rmSync(folder, { recursive: true, force: true });
  });

  describe('when npm start gets Ctrl-C while it starts both models', () => {
    it('should stop at once, saying so, and leave no process behind', async () => {
      const script = ScriptProcess.npm('start', [], { RETURNS_SCOPE: uniqueScope('sig-start-up') });
      await script.waitForOutput('npm start to start the models', /starting both models/);
      script.signalGroup('SIGINT');
      const result = await stopped(script);
      assertEndedBySignal(result, 'SIGINT');
      assert.match(result.run.stderr, /SIGINT: stop/);
    });
  });

  describe('when npm start gets Ctrl-C half-way through a file, and is run again in the same scope', () => {
    const scope = uniqueScope('sig-resume');
    let first: { run: Finished; left: number[] };

    before(async () => {
      const script = ScriptProcess.npm('start', ['--requests', requestsFile], { RETURNS_SCOPE: scope });
      await script.waitForOutput('the third return to be compared', new RegExp(`^${RETURNS[2].returnId} `, 'm'));
      script.signalGroup('SIGINT');
      first = await stopped(script);
    });

    it('should stop on the first Ctrl-C, within its grace, with no process left behind', () => {
      assertEndedBySignal(first, 'SIGINT');
      assert.doesNotMatch(first.run.stderr, /stopping at once/);
    });

    it('should say how many requests were submitted and completed, and how to go on', () => {
      const summary = /Stopped: (\d+) of 40 requests submitted, (\d+) completed/.exec(first.run.stderr);
      assert.ok(summary, first.run.stderr);
      assert.ok(Number(summary[2]) >= 3 && Number(summary[2]) < 40, summary[0]);
      assert.match(first.run.stderr, new RegExp(`Run the same command again with RETURNS_SCOPE=${scope} to go on`));
    });

    it('should, run again, finish every return with identical outcomes and records in both models', async () => {
      const again = await runScript('start', ['--requests', requestsFile], { RETURNS_SCOPE: scope });
      assert.equal(again.code, 0, again.stdout + again.stderr);
      assert.match(again.stdout, /Identical in both models: 40 of 40 outcomes, and every team record/);
    });
  });

  describe('when npm run traditional is sent SIGTERM (to npm) half-way through a file', () => {
    it('should notice, stop, say what was done and leave no process behind', async () => {
      const script = ScriptProcess.npm('traditional', ['--requests', requestsFile], {
        RETURNS_SCOPE: uniqueScope('sig-term'),
      });
      await script.waitForOutput('the second outcome', new RegExp(`^${RETURNS[1].returnId} `, 'm'));
      script.signalFirst('SIGTERM');
      const result = await stopped(script);
      assertEndedBySignal(result, 'SIGTERM');
      assert.match(result.run.stderr, /the command that started this one has ended/);
      assert.match(result.run.stderr, /Stopped: \d+ of 40 requests submitted/);
    });
  });

  describe('when npm run event-sourced gets SIGTERM on its whole group while it starts', () => {
    it('should stop and leave no process behind', async () => {
      const script = ScriptProcess.npm('event-sourced', ['--requests', requestsFile], {
        RETURNS_SCOPE: uniqueScope('sig-es'),
      });
      await script.waitForOutput('the stack check', /\[stack\]/);
      script.signalGroup('SIGTERM');
      assertEndedBySignal(await stopped(script), 'SIGTERM');
    });
  });

  describe('when the start scripts run by Node itself are stopped mid-run', () => {
    for (const [file, signal] of [
      ['traditional/start.ts', 'SIGINT'],
      ['event-sourced/start.ts', 'SIGTERM'],
    ] as const) {
      it(`${file} should exit with ${signal === 'SIGINT' ? 130 : 143} on ${signal}`, async () => {
        const script = ScriptProcess.node(file, ['--requests', requestsFile], {
          RETURNS_SCOPE: uniqueScope('sig-code'),
        });
        await script.waitForOutput('the first return', new RegExp(`^${RETURNS[0].returnId} `, 'm'));
        script.signalFirst(signal);
        const result = await stopped(script);
        assert.equal(result.run.code, signal === 'SIGINT' ? 130 : 143, result.run.stderr);
        assertEndedBySignal(result, signal);
        assert.match(result.run.stderr, /Stopped: \d+ of 40 requests submitted/);
      });
    }

    it('compare/start.ts should end with 130 however soon a second Ctrl-C follows the first', async () => {
      const script = ScriptProcess.node('compare/start.ts', ['--requests', requestsFile], {
        RETURNS_SCOPE: uniqueScope('sig-twice'),
      });
      await script.waitForOutput('the first return', new RegExp(`^${RETURNS[0].returnId} `, 'm'));
      script.signalFirst('SIGINT');
      await script.waitForOutput('the stop to begin', /SIGINT: stopping/);
      script.signalFirst('SIGINT');
      const result = await stopped(script);
      assert.equal(result.run.code, 130, result.run.stderr);
      assert.deepEqual(result.left, []);
    });
  });

  describe('when the benchmark and the fault suite get Ctrl-C while their team processes run', () => {
    for (const [script, args] of [
      ['bench', ['--quick', '--only', 'choreography', '--no-ceilings']],
      ['faults', ['--quick', '--only', 'es-kill-subscribers']],
    ] as const) {
      it(`npm run ${script} should stop every team process it started`, async () => {
        const out = path.join(folder, `${script}-results`);
        const started = ScriptProcess.npm(script, [...args, '--out', out], {});
        await waitFor(
          `${script} to start its team processes`,
          () => started.descendantsRunning(/run-team\.ts/).length > 0,
          {
            timeoutMs: 300_000,
            intervalMs: 200,
          },
        );
        started.signalGroup('SIGINT');
        const result = await stopped(started);
        assertEndedBySignal(result, 'SIGINT');
      });
    }
  });
});
