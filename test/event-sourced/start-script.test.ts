// `npm run event-sourced` as a user runs it: the valid returns are published and their outcomes printed, one
// JSON line each; the invalid one is reported by its index, never published, and the exit code says so.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { aReturn } from '../fixtures/domain-scenarios';
import { runScript, type ScriptRun } from '../../model/script-process';
import { testConfig } from '../support/test-config';
import { outcomeOnItsOwn } from '../../domain';
import { removeScope } from './support/scope';

const FIRST = aReturn({ returnId: 'R-CLI-1', orderId: 'O-CLI-1', modelId: 'TABLET-T5' });
const SECOND = aReturn({ returnId: 'R-CLI-2', orderId: 'O-CLI-2', requestedAt: '2026-07-01T10:00:00.000Z' });
const INVALID = { ...aReturn({ returnId: 'R-CLI-BAD' }), model: { modelId: 'TOASTER' } };

describe('Event-sourced model: the start script', () => {
  const config = testConfig('start-script');
  let directory: string;
  let run: ScriptRun;

  before(async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'event-sourced-start-'));
    const file = path.join(directory, 'requests.json');
    await writeFile(file, JSON.stringify([FIRST, INVALID, SECOND]));
    run = await runScript('event-sourced', ['--requests', file, '--json'], { RETURNS_SCOPE: config.scope });
  });

  after(async () => {
    await rm(directory, { recursive: true, force: true });
    await removeScope(config);
  });

  describe('when given two valid requests and an invalid one with --json', () => {
    it('should print exactly the two outcomes on stdout, one JSON document per line', () => {
      const lines = run.stdout.split('\n').filter((line) => line.length > 0);
      assert.deepEqual(
        lines.map((line) => JSON.parse(line)),
        [outcomeOnItsOwn(FIRST), outcomeOnItsOwn(SECOND)],
        run.stderr,
      );
    });

    it('should name the invalid request by its index and what is wrong with it, on stderr', () => {
      assert.match(run.stderr, /request 1 in .*requests\.json was not submitted/);
      assert.match(run.stderr, /model\.modelId: is not a model in the catalogue/);
    });

    it('should exit with code 1', () => {
      assert.equal(run.code, 1);
    });
  });
});
