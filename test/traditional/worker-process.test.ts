// A team's worker as its own process, as a team would deploy it: it serves the team's task queue next to the
// in-process workers, and a SIGTERM stops it cleanly after its in-flight calls.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { waitFor } from '../../model/wait-for';
import { sampleReturn } from '../fixtures/domain-scenarios';
import { SAMPLE_OUTCOMES, startTestDeployment, type TestDeployment } from './deployment-fixture';

const PROJECT_ROOT = path.resolve(__dirname, '../..');

describe('traditional/worker.ts as its own process', () => {
  let test: TestDeployment;
  let child: ChildProcess;
  let stderr = '';
  let exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  before(async () => {
    test = await startTestDeployment('worker-process', {
      teams: ['user-support', 'sales', 'manufacturing', 'accounting'],
    });
    child = spawn(process.execPath, ['-r', 'ts-node/register', 'traditional/worker.ts', '--team', 'inventory'], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, RETURNS_SCOPE: test.config.scope, DATA_DIR: test.config.dataDir },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  });

  after(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await test?.close();
  });

  describe('when Inventory runs in its own process', () => {
    it('should serve the return with the other teams and keep its record in its own database', async () => {
      const exitedEarly = exited.then(({ code }) => {
        throw new Error(`the inventory worker exited with code ${code}:\n${stderr}`);
      });
      const outcome = await Promise.race([test.deployment.submit(sampleReturn('R-1001'), 'sequential'), exitedEarly]);

      assert.deepEqual(outcome, SAMPLE_OUTCOMES[0]);
      assert.deepEqual(
        test.deployment.readRecords('inventory').map(({ record }) => record),
        [SAMPLE_OUTCOMES[0].replacement],
      );
    });

    it('should stop cleanly on SIGTERM', async () => {
      await waitFor('the worker to say it serves its queue', () =>
        stderr.includes(`serving ${test.config.scope}.inventory`),
      );
      child.kill('SIGTERM');

      assert.deepEqual(await exited, { code: 0, signal: null }, stderr);
      assert.match(stderr, /inventory worker stopped/);
    });
  });
});
