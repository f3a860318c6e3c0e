// When the stores of one scope disagree because of earlier runs, both the traditional model and the side-by-side
// comparison say it is stale state and name `npm run reset`; neither reports it as a difference between the models.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { StaleScopeError } from '../../cli/stale-scope-error';
import {
  classifyTeamRecords,
  closeBothModels,
  compareRecordsOfBoth,
  describeStaleRecords,
  returnsSeenByBoth,
  type StaleRecord,
  teamRecordsOfBoth,
  type TeamRecordSets,
} from '../../compare/both-models';
import { TEAMS } from '../../domain';
import { startEventSourcedDeployment } from '../../event-sourced/deployment';
import { startTraditionalDeployment } from '../../traditional/deployment';
import { SAMPLE_RETURNS } from '../../samples/sample-returns';
import { aReturn, sampleReturn } from '../fixtures/domain-scenarios';
import { runScript } from '../../model/script-process';
import { sharedWorkflowBundle } from '../traditional/deployment-fixture';
import { openBothOnScope, submitEachToBoth, testScopes } from './support/scope-stores';

// Orders and models of their own, so neither extra return changes what the samples come to in either model.
const ONLY_ON_KAFKA = aReturn({
  returnId: 'R-KAFKA-ONLY',
  orderId: 'O-KAFKA-ONLY',
  modelId: 'PHONE-X2',
  serialNumber: 'SN-X2-000001',
});
const ONLY_IN_TEMPORAL = aReturn({
  returnId: 'R-TEMPORAL-ONLY',
  orderId: 'O-TEMPORAL-ONLY',
  modelId: 'TABLET-T5',
  serialNumber: 'SN-T5-000001',
});

const staleOf = (store: StaleRecord['store'], returnId: string): StaleRecord[] =>
  TEAMS.map((team) => ({ team, returnId, store }));
const byReturnAndTeam = (left: StaleRecord, right: StaleRecord) =>
  `${left.returnId}|${left.team}|${left.store}`.localeCompare(`${right.returnId}|${right.team}|${right.store}`);

describe('when the stores of a scope disagree because of earlier runs', function () {
  this.timeout(600_000);

  describe('and npm run traditional runs again after the team databases were deleted', () => {
    const scopes = testScopes('stale-traditional', 1);
    const [config] = scopes.configs;
    const env = { RETURNS_SCOPE: config.scope, DATA_DIR: config.dataDir };
    after(() => scopes.remove());

    it('should say which store lacks which record, name npm run reset, and exit 1 without a stack trace', async () => {
      const first = await runScript('traditional', [], env);
      assert.equal(first.code, 0, first.stderr);
      rmSync(path.join(config.dataDir, config.scope), { recursive: true, force: true });
      const second = await runScript('traditional', [], env);
      assert.equal(second.code, 1, second.stdout);
      assert.match(
        second.stderr,
        new RegExp(
          `Stale state in scope "${config.scope}": Temporal holds the finished workflow ${config.scope}\\.return\\.R-1001`,
        ),
      );
      assert.match(
        second.stderr,
        /records of sales, inventory, manufacturing, accounting, customer-care, but the team databases in .*traditional \(sales\.db, inventory\.db, manufacturing\.db, accounting\.db, customer-care\.db\) hold no record of R-1001/,
      );
      assert.match(second.stderr, /`npm run reset`/);
      assert.match(second.stderr, /RETURNS_SCOPE=<new-scope>/);
      assert.doesNotMatch(second.stderr, /\n\s+at /, 'no stack trace');
    });
  });

  describe('and both models run side by side on it', () => {
    const scopes = testScopes('stale-both', 1);
    const [config] = scopes.configs;
    after(() => scopes.remove());

    before(async () => {
      // One return reaches the event-sourced model only, another the traditional model only.
      const eventSourced = await startEventSourcedDeployment(config);
      try {
        await eventSourced.submit(ONLY_ON_KAFKA, { timeoutMs: 60_000 });
      } finally {
        await eventSourced.close();
      }
      const traditional = await startTraditionalDeployment(config, { workflowBundle: await sharedWorkflowBundle() });
      try {
        await traditional.submit(ONLY_IN_TEMPORAL);
      } finally {
        await traditional.close();
      }
    });

    it('should call records of returns the other model never saw stale state of one store, not a difference', async () => {
      const models = await openBothOnScope(config);
      try {
        await submitEachToBoth(models, SAMPLE_RETURNS);
        const { differences, stale } = await compareRecordsOfBoth(models);
        assert.deepEqual(differences, []);
        assert.deepEqual(
          [...stale].sort(byReturnAndTeam),
          [
            ...staleOf('kafka-topics', ONLY_ON_KAFKA.returnId),
            ...staleOf('traditional-stores', ONLY_IN_TEMPORAL.returnId),
          ].sort(byReturnAndTeam),
        );
        const lines = describeStaleRecords(config, stale);
        assert.match(
          lines.join('\n'),
          /Stale state in kafka-topics: .*5 team record\(s\) of 1 return\(s\) \(R-KAFKA-ONLY\)/,
        );
        assert.match(lines.join('\n'), /Stale state in traditional-stores: .*\(R-TEMPORAL-ONLY\)/);
        assert.match(lines.at(-1) ?? '', /`npm run reset`/);
      } finally {
        await closeBothModels(models);
      }
    });

    it("should call records Temporal's finished runs name but the deleted databases lack stale state of the databases", async () => {
      rmSync(path.join(config.dataDir, config.scope), { recursive: true, force: true });
      const models = await openBothOnScope(config);
      try {
        const { differences, stale } = await compareRecordsOfBoth(models);
        assert.deepEqual(differences, []);
        assert.deepEqual(
          [...stale].sort(byReturnAndTeam),
          [
            ...SAMPLE_RETURNS.flatMap(({ returnId }) => staleOf('team-databases', returnId)),
            ...staleOf('kafka-topics', ONLY_ON_KAFKA.returnId),
          ].sort(byReturnAndTeam),
        );
        // The traditional model itself refuses to report the remembered outcome as if its teams had recorded it.
        await assert.rejects(models.traditional.submit(sampleReturn('R-1001')), (error: unknown) => {
          assert.ok(error instanceof StaleScopeError, String(error));
          assert.match(error.message, /hold no record of R-1001/);
          return true;
        });
      } finally {
        await closeBothModels(models);
      }
    });

    it('should still report a record the models decided differently, or one model left out, as a difference', async () => {
      const models = await openBothOnScope(config);
      try {
        const returnIds = ['R-1001', 'R-1002'];
        // Both models saw these returns: Temporal ran them and the request topic has them.
        const seen = await returnsSeenByBoth(models, returnIds);
        const decided = (await teamRecordsOfBoth(models))['event-sourced'];
        const copy = () =>
          Object.fromEntries(
            TEAMS.map((team) => [team, new Map(returnIds.map((returnId) => [returnId, decided[team].get(returnId)]))]),
          ) as TeamRecordSets;
        const [traditional, eventSourced] = [copy(), copy()];
        eventSourced.sales.set('R-1001', { ...(decided.sales.get('R-1001') as object), status: 'rejected' });
        eventSourced.inventory.delete('R-1002');
        const { differences, stale } = classifyTeamRecords({ traditional, 'event-sourced': eventSourced }, seen);
        assert.deepEqual(differences.map(({ team, returnId }) => `${team} ${returnId}`).sort(), [
          'inventory R-1002',
          'sales R-1001',
        ]);
        assert.deepEqual(stale, []);
      } finally {
        await closeBothModels(models);
      }
    });
  });
});
