// The traditional model's test-only worker entry (faults/edge/traditional-worker.ts): which faults its arguments
// ask for, and a clear usage error (exit 2) for an argument it cannot run with.
import assert from 'node:assert/strict';
import { ActionableError } from '../../cli/actionable-error';
import { parseTraditionalWorkerArguments } from '../../faults/edge/traditional-worker';
import { hasStackTrace, ScriptProcess } from '../../model/script-process';

const BAD_ARGUMENTS: readonly (readonly string[])[] = [
  [],
  ['--team', 'nobody'],
  ['--team', 'sales', '--crash-after-record', 'R 1'],
  ['--team', 'sales', '--crash-after-record', 'x'.repeat(201)],
  ['--team', 'sales', '--crash-after-record', 'R\t1'],
  ['--team', 'sales', '--crash-after-record'],
  ['--team', 'sales', '--decide-again=yes'],
  ['--team', 'sales', '--idempotency', 'off'],
  ['--team', 'user-support', '--decide-again'],
  ['--team', 'user-support', '--crash-after-record', 'R-1'],
];

describe('faults/edge/traditional-worker.ts arguments', () => {
  describe('when only a team is given', () => {
    it('should run the team as production does, with no fault', () => {
      assert.deepEqual(parseTraditionalWorkerArguments(['--team', 'sales']), {
        team: 'sales',
        crashAfterRecord: null,
        decideAgain: false,
      });
      assert.deepEqual(parseTraditionalWorkerArguments(['--team', 'user-support']), {
        team: 'user-support',
        crashAfterRecord: null,
        decideAgain: false,
      });
    });
  });

  describe('when a crash point and the negative control are asked for', () => {
    it('should arm both on the team', () => {
      assert.deepEqual(
        parseTraditionalWorkerArguments(['--team', 'inventory', '--decide-again', '--crash-after-record', 'R-1']),
        {
          team: 'inventory',
          crashAfterRecord: 'R-1',
          decideAgain: true,
        },
      );
    });
  });

  describe('when an argument is bad', () => {
    for (const args of BAD_ARGUMENTS) {
      it(`should refuse ${JSON.stringify(args.map((arg) => (arg.length > 20 ? `${arg.slice(0, 20)}…` : arg)))} as a usage error that shows the usage`, () => {
        assert.throws(
          () => parseTraditionalWorkerArguments(args),
          (error: unknown) => {
            assert.ok(error instanceof ActionableError, String(error));
            assert.equal(error.exitCode, 2);
            assert.match(error.message, /\n\nUsage: ts-node faults\/edge\/traditional-worker\.ts --team /);
            return true;
          },
        );
      });
    }

    it('should end the script with exit code 2 and no stack trace', async function () {
      this.timeout(60_000);
      const run = await ScriptProcess.node('faults/edge/traditional-worker.ts', ['--team', 'nobody'], {}).finished;
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, /Unknown team "nobody"/);
      assert.ok(!hasStackTrace(run.stderr), run.stderr);
    });
  });
});
