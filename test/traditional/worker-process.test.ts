// A team's worker as its own process, as a team would deploy it: it serves the team's task queue next to the
// in-process workers, and a SIGTERM stops it cleanly after its in-flight calls. With TEAM_STORE=postgres, two such
// processes serve one team's queue over one database, as replicas on two hosts would.
import assert from 'node:assert/strict';
import { configEnv } from '../../config';
import { ScriptProcess } from '../../model/script-process';
import { sampleReturn } from '../fixtures/domain-scenarios';
import { SAMPLE_OUTCOMES, startTestDeployment, type TestDeployment } from './deployment-fixture';

describe('traditional/worker.ts as its own process', () => {
  let test: TestDeployment;
  let worker: ScriptProcess;

  before(async () => {
    test = await startTestDeployment('worker-process', {
      teams: ['user-support', 'sales', 'manufacturing', 'accounting', 'customer-care'],
    });
    worker = ScriptProcess.node('traditional/worker.ts', ['--team', 'inventory'], {
      RETURNS_SCOPE: test.config.scope,
      DATA_DIR: test.config.dataDir,
    });
  });

  after(async () => {
    worker?.killAll();
    await test?.close();
  });

  describe('when Inventory runs in its own process', () => {
    it('should serve the return with the other teams and keep its record in its own database', async () => {
      const exitedEarly = worker.finished.then(({ code, stderr }) => {
        throw new Error(`the inventory worker exited with code ${code}:\n${stderr}`);
      });
      const outcome = await Promise.race([test.deployment.submit(sampleReturn('R-1001'), 'sequential'), exitedEarly]);

      assert.deepEqual(outcome, SAMPLE_OUTCOMES[0]);
      assert.deepEqual(
        (await test.deployment.readRecords('inventory')).map(({ record }) => record),
        [SAMPLE_OUTCOMES[0].replacement],
      );
    });

    it('should stop cleanly on SIGTERM', async () => {
      await worker.waitForOutput(
        'the worker to say it serves its queue',
        new RegExp(`serving ${test.config.scope}\\.inventory`),
      );
      worker.signalFirst('SIGTERM');

      const { code, signal, stderr } = await worker.finished;
      assert.deepEqual({ code, signal }, { code: 0, signal: null }, stderr);
      assert.match(stderr, /inventory worker stopped/);
    });
  });
});

describe('traditional/worker.ts, two replicas of one team over PostgreSQL', () => {
  let test: TestDeployment;
  let replicas: ScriptProcess[];

  before(async () => {
    test = await startTestDeployment(
      'worker-replicas',
      { teams: ['user-support', 'sales', 'manufacturing', 'accounting', 'customer-care'] },
      'postgres',
    );
    // The whole configuration, TEAM_STORE=postgres and TEAM_DATABASE_URL among it, as each host would be given it.
    replicas = [0, 1].map(() =>
      ScriptProcess.node('traditional/worker.ts', ['--team', 'inventory'], configEnv(test.config)),
    );
    await Promise.all(
      replicas.map((replica) =>
        replica.waitForOutput(
          'the replica to say it serves its queue',
          new RegExp(`serving ${test.config.scope}\\.inventory`),
        ),
      ),
    );
  });

  after(async () => {
    for (const replica of replicas ?? []) replica.killAll();
    await test?.close();
  });

  describe('when the sample returns are submitted one after another', () => {
    it('should come to every sample outcome and keep one Inventory record per return, whichever replica served it', async () => {
      for (const expected of SAMPLE_OUTCOMES) {
        assert.deepEqual(await test.deployment.submit(sampleReturn(expected.returnId), 'parallel'), expected);
      }
      assert.deepEqual(
        (await test.deployment.readRecords('inventory')).map(({ record }) => record),
        SAMPLE_OUTCOMES.map(({ replacement }) => replacement),
      );
    });
  });
});
