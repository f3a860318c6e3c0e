// `npm run traditional` as a user runs it: valid requests go through, invalid ones are reported by index with
// every problem and not submitted, and --json keeps stdout to one outcome per line.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { validateRefundRequest } from '../../domain';
import { sampleReturn } from '../fixtures/domain-scenarios';
import { runScript, type ScriptRun } from '../../model/script-process';
import { uniqueScope } from '../support/test-config';
import { SAMPLE_OUTCOMES, temporaryDataDir } from './deployment-fixture';

function runStartScript(args: readonly string[], env: NodeJS.ProcessEnv): Promise<ScriptRun> {
  return runScript('traditional', args, env);
}

describe('npm run traditional', () => {
  let data: ReturnType<typeof temporaryDataDir>;

  before(() => {
    data = temporaryDataDir('start-script');
  });

  after(() => {
    data?.remove();
  });

  describe('when the file holds two valid requests and an invalid one between them', () => {
    const invalid = { ...sampleReturn('R-1002'), requestedAt: 'yesterday', location: {} };
    let finished: ScriptRun;

    before(async () => {
      const file = path.join(data.dir, 'requests.json');
      writeFileSync(file, JSON.stringify([sampleReturn('R-1001'), invalid, sampleReturn('R-1004')]));
      finished = await runStartScript(['--requests', file, '--json'], {
        ...process.env,
        RETURNS_SCOPE: uniqueScope('start-script'),
        DATA_DIR: data.dir,
      });
    });

    it('should print exactly the two outcomes on stdout, one JSON document per line', () => {
      const lines = finished.stdout.split('\n').filter((line) => line.length > 0);
      assert.deepEqual(
        lines.map((line) => JSON.parse(line)),
        [SAMPLE_OUTCOMES[0], SAMPLE_OUTCOMES[3]],
        finished.stderr,
      );
    });

    it('should name the invalid request by its index with every one of its problems on stderr', () => {
      const validation = validateRefundRequest(invalid);
      assert.ok(!validation.ok);
      assert.ok(validation.problems.length >= 2);
      assert.match(finished.stderr, /request 1 in .*requests\.json was not submitted/);
      for (const problem of validation.problems)
        assert.ok(finished.stderr.includes(problem), `stderr names "${problem}"`);
    });

    it('should exit with code 1', () => {
      assert.equal(finished.code, 1, finished.stderr);
    });
  });
});
