// A return is processed once however often it arrives: a resubmission joins or reads the one workflow run, and a
// team's call retried after a failure finds the record it already wrote instead of deciding again. A resubmission
// with other content is refused, and the first submission stands.
import assert from 'node:assert/strict';
import type { Client } from '@temporalio/client';
import { TEAM_STORES } from '../../config';
import { outcomeOnItsOwn, TEAMS } from '../../domain';
import { requestContentId } from '../../domain/request-content';
import { waitFor } from '../../model/wait-for';
import { ConflictingReturnError, WORKFLOW_TYPE_OF_VARIANT } from '../../traditional/client';
import { openTeamStore, taskQueueOf, teamTaskQueues, USER_SUPPORT } from '../../traditional/teams';
import type { InventoryStore } from '../../traditional/teams/inventory.activities';
import { aReturn, changedVersionOf, sampleReturn } from '../fixtures/domain-scenarios';
import {
  SAMPLE_OUTCOMES,
  startTestDeployment,
  type TemporaryTeamStores,
  type TestDeployment,
  temporaryTeamStores,
} from './deployment-fixture';

async function runsOf(client: Client, workflowId: string): Promise<{ status: string }[]> {
  const runs: { status: string }[] = [];
  for await (const execution of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
    runs.push({ status: execution.status.name });
  }
  return runs;
}

async function assertOneRecordPerTeam(test: TestDeployment, returnIds: readonly string[]): Promise<void> {
  const records = await test.deployment.readAllRecords();
  for (const team of TEAMS) {
    assert.deepEqual(
      records[team].map(({ record }) => record.returnId).sort(),
      [...returnIds].sort(),
      `${team}'s records`,
    );
  }
}

// Over both team stores: PostgreSQL, the store of workers on several hosts, must record once per team as SQLite does.
for (const teamStore of TEAM_STORES) {
  describe(`traditional model, duplicate submissions, ${teamStore} team stores`, () => {
    let test: TestDeployment;

    before(async () => {
      test = await startTestDeployment(`duplicates-${teamStore}`, {}, teamStore);
    });

    after(async () => {
      await test?.close();
    });

    describe('when the same return is submitted again after it finished', () => {
      it('should answer with the first outcome from the one workflow run, whichever variant asks', async () => {
        const expected = SAMPLE_OUTCOMES[0];
        const first = await test.deployment.submit(sampleReturn('R-1001'), 'parallel');
        const again = await test.deployment.submit(sampleReturn('R-1001'), 'parallel');
        const otherVariant = await test.deployment.submit(sampleReturn('R-1001'), 'sequential');

        assert.deepEqual([first, again, otherVariant], [expected, expected, expected]);
        const runs = await waitFor('the run to be listed', async () => {
          const listed = await runsOf(test.deployment.client, test.deployment.workflowId('R-1001'));
          return listed.length > 0 && listed;
        });
        assert.deepEqual(runs, [{ status: 'COMPLETED' }]);
        await assertOneRecordPerTeam(test, ['R-1001']);
      });
    });

    describe('when the same return is submitted five times at once', () => {
      it('should start one workflow run, give all five the same outcome and record once per team', async () => {
        const request = aReturn({ returnId: 'R-CONCURRENT', orderId: 'O-CONCURRENT' });
        const outcomes = await Promise.all(
          ['parallel', 'sequential', 'parallel', 'sequential', 'parallel'].map((variant) =>
            test.deployment.submit(request, variant as 'parallel' | 'sequential'),
          ),
        );

        for (const outcome of outcomes) assert.deepEqual(outcome, outcomes[0]);
        assert.equal(outcomes[0].refund.status, 'issued');
        const runs = await waitFor('the run to be listed as completed', async () => {
          const listed = await runsOf(test.deployment.client, test.deployment.workflowId('R-CONCURRENT'));
          return listed.some((run) => run.status === 'COMPLETED') && listed;
        });
        assert.equal(runs.length, 1);
        await assertOneRecordPerTeam(test, ['R-1001', 'R-CONCURRENT']);
      });
    });

    describe('when the same returnId is submitted again with other content', () => {
      const first = aReturn({ returnId: 'R-CONFLICT', orderId: 'O-CONFLICT' });
      const second = changedVersionOf(first);

      const refusal = (returnId: string, laterContentId: string) => (error: unknown) => {
        assert.ok(error instanceof ConflictingReturnError, String(error));
        assert.deepEqual(
          {
            returnId: error.returnId,
            workflowId: error.workflowId,
            firstContentId: error.firstContentId,
            laterContentId: error.laterContentId,
            exitCode: error.exitCode,
          },
          {
            returnId,
            workflowId: test.deployment.workflowId(returnId),
            firstContentId: requestContentId(first),
            laterContentId,
            exitCode: 1,
          },
        );
        assert.match(error.message, /already submitted with other content/);
        assert.match(error.message, /first submission stands/);
        assert.ok(error.message.includes(test.deployment.workflowId(returnId)), error.message);
        return true;
      };

      it('should differ from the first version in every team record, or the test would prove nothing', () => {
        const [one, other] = [outcomeOnItsOwn(first), outcomeOnItsOwn(second)];
        for (const record of ['refund', 'replacement', 'disassembly', 'disposal', 'notification'] as const) {
          assert.notDeepEqual(one[record], other[record], record);
        }
      });

      it('should refuse it while the first run waits for a team, and still by either variant', async () => {
        await test.deployment.stopTeam('accounting');
        try {
          const running = await test.deployment.start(first, 'parallel');
          await assert.rejects(
            test.deployment.start(second, 'parallel'),
            refusal('R-CONFLICT', requestContentId(second)),
          );
          await assert.rejects(
            test.deployment.submit(second, 'sequential'),
            refusal('R-CONFLICT', requestContentId(second)),
          );
          // The same content again joins the run that waits, as it always did.
          const joined = await test.deployment.start(first, 'sequential');
          assert.equal(joined.workflowId, running.workflowId);
        } finally {
          await test.deployment.startTeam('accounting');
        }
        assert.deepEqual(await test.deployment.submit(first, 'parallel'), outcomeOnItsOwn(first));
      });

      it('should refuse it after the first run finished, leaving one run and the first version in every team', async () => {
        await assert.rejects(
          test.deployment.submit(second, 'parallel'),
          refusal('R-CONFLICT', requestContentId(second)),
        );
        const runs = await waitFor('the run to be listed as completed', async () => {
          const listed = await runsOf(test.deployment.client, test.deployment.workflowId('R-CONFLICT'));
          return listed.some((run) => run.status === 'COMPLETED') && listed;
        });
        assert.deepEqual(runs, [{ status: 'COMPLETED' }]);
        const expected = outcomeOnItsOwn(first);
        assert.deepEqual(await test.deployment.recordsOfReturn('R-CONFLICT'), {
          refund: expected.refund,
          replacement: expected.replacement,
          disassembly: expected.disassembly,
          disposal: expected.disposal,
          notification: expected.notification,
        });
        await assertOneRecordPerTeam(test, ['R-1001', 'R-CONCURRENT', 'R-CONFLICT']);
      });

      it('should join, unreported as before, a run started before runs named the content of their request', async () => {
        const legacy = aReturn({ returnId: 'R-LEGACY', orderId: 'O-LEGACY' });
        const { config } = test;
        await test.deployment.client.workflow.start(WORKFLOW_TYPE_OF_VARIANT.parallel, {
          workflowId: test.deployment.workflowId('R-LEGACY'),
          taskQueue: taskQueueOf(config.scope, USER_SUPPORT),
          args: [{ request: legacy, taskQueues: teamTaskQueues(config.scope) }],
        });
        assert.deepEqual(await test.deployment.submit(changedVersionOf(legacy), 'parallel'), outcomeOnItsOwn(legacy));
      });
    });
  });

  for (const variant of ['sequential', 'parallel'] as const) {
    describe(`traditional model, ${variant} variant, ${teamStore} team stores, a team call retried after a failure`, () => {
      let test: TestDeployment;
      let store: InventoryStore;
      let retryStores: TemporaryTeamStores;
      const failed = new Set<string>();

      before(async () => {
        retryStores = temporaryTeamStores('retry-store', teamStore);
        store = await openTeamStore(retryStores.config, 'inventory');
        // The failure that hurts most: Inventory commits the shipment, then its answer is lost. A retry that decided
        // again would count that shipment and backorder the return's own watch.
        // The shipment is the step after the verdict, in both variants (settleOnce).
        const losesFirstAnswer: InventoryStore = Object.create(store);
        losesFirstAnswer.settleOnce = async (returnId, recordedAt, settle) => {
          const record = await store.settleOnce(returnId, recordedAt, settle);
          if (!failed.has(returnId)) {
            failed.add(returnId);
            throw new Error(`connection lost after recording ${returnId}`);
          }
          return record;
        };
        test = await startTestDeployment(`retry-${variant}`, { stores: { inventory: losesFirstAnswer } }, teamStore);
      });

      after(async () => {
        await test?.close();
        await store?.close();
        await retryStores?.remove();
      });

      describe('when Inventory fails after recording the shipment of the last watch', () => {
        it('should retry, find the shipment it recorded, and still ship the watch to this return', async () => {
          const outcome = await test.deployment.submit(
            aReturn({ returnId: 'R-RETRY', orderId: 'O-RETRY', modelId: 'WATCH-W1' }),
            variant,
          );

          assert.equal(outcome.replacement.status, 'shipped');
          assert.deepEqual(
            (await store.records()).map(({ record }) => record),
            [outcome.replacement],
          );
          await assertOneRecordPerTeam(test, ['R-RETRY']);
        });

        it('should show the second attempt and the failure before it in the workflow history', async () => {
          const history = await test.deployment.workflowHistory('R-RETRY');
          const started = history.filter(
            (event) => event.type === 'ActivityTaskStarted' && event.activity === 'shipReplacement',
          );

          assert.deepEqual(
            started.map(({ attempt, failure }) => ({ attempt, failure })),
            [{ attempt: 2, failure: 'connection lost after recording R-RETRY' }],
          );
        });
      });
    });
  }
}
