// Every sample return through the real Temporal server and real workers, in both variants and over both team
// stores: the same outcomes, and the order of the team calls that tells the two variants apart.
import assert from 'node:assert/strict';
import { WorkflowNotFoundError } from '@temporalio/client';
import { TEAM_STORES } from '../../config';
import { InvalidRefundRequestError, TEAMS } from '../../domain';
import type { AuditEvent } from '../../traditional/audit-trail';
import { RETURN_VARIANTS } from '../../traditional/client';
import { SAMPLE_RETURNS } from '../../samples/sample-returns';
import { sampleReturn } from '../fixtures/domain-scenarios';
import { SAMPLE_OUTCOMES, SAMPLE_PATHS, startTestDeployment, type TestDeployment } from './deployment-fixture';

// The calls of an accepted return, in the order each variant schedules them, with the team called.
const ACCEPTED_CALLS = {
  // Sales first: the others act on its verdict.
  sequential: [
    ['createOrderRefundRequest', 'sales'],
    ['shipReplacement', 'inventory'],
    ['registerDisassemblyOrder', 'manufacturing'],
    ['chargeAssetDisposal', 'accounting'],
    ['notifyCustomer', 'customer-care'],
  ],
  // All at once, Inventory holding a unit; the held unit ships once the verdict is in.
  parallel: [
    ['createOrderRefundRequest', 'sales'],
    ['holdReplacement', 'inventory'],
    ['registerDisassemblyOrder', 'manufacturing'],
    ['chargeAssetDisposal', 'accounting'],
    ['shipReplacement', 'inventory'],
    ['notifyCustomer', 'customer-care'],
  ],
} as const;

// The calls of a refused return: the sequential variant tells each team, with nothing to undo; the parallel saga
// compensates what its teams did, in the reverse order of the steps.
const REFUSED_CALLS = {
  sequential: [
    ['createOrderRefundRequest', 'sales'],
    ['cancelReplacement', 'inventory'],
    ['returnUnitToCustomer', 'manufacturing'],
    ['waiveAssetDisposal', 'accounting'],
    ['notifyCustomer', 'customer-care'],
  ],
  parallel: [
    ['createOrderRefundRequest', 'sales'],
    ['holdReplacement', 'inventory'],
    ['registerDisassemblyOrder', 'manufacturing'],
    ['chargeAssetDisposal', 'accounting'],
    ['reverseAssetDisposal', 'accounting'],
    ['cancelDisassemblyOrder', 'manufacturing'],
    ['releaseReplacement', 'inventory'],
    ['notifyCustomer', 'customer-care'],
  ],
} as const;

const callsOf = (history: readonly AuditEvent[]) =>
  eventsOf(history, 'ActivityTaskScheduled').map(({ activity, team }) => [activity, team]);

const eventsOf = (history: readonly AuditEvent[], type: string) => history.filter((event) => event.type === type);

// PostgreSQL, the store of workers on several hosts, must come to the very same records as SQLite.
const VARIANTS_AND_STORES = RETURN_VARIANTS.flatMap((variant) => TEAM_STORES.map((store) => [variant, store] as const));

for (const [variant, teamStore] of VARIANTS_AND_STORES) {
  describe(`traditional model, ${variant} variant, ${teamStore} team stores`, () => {
    let test: TestDeployment;

    before(async () => {
      test = await startTestDeployment(`samples-${variant}-${teamStore}`, {}, teamStore);
    });

    after(async () => {
      await test?.close();
    });

    // In order: R-1003 repeats R-1001's order, and R-1005 asks for the watch R-1004 took the last unit of.
    describe('when the sample returns are submitted one after another', () => {
      for (const expected of SAMPLE_OUTCOMES) {
        it(`should find that ${SAMPLE_PATHS[expected.returnId]} (${expected.returnId})`, async () => {
          const outcome = await test.deployment.submit(sampleReturn(expected.returnId), variant);

          assert.deepEqual(outcome, expected);
          assert.deepEqual(await test.deployment.recordsOfReturn(expected.returnId), {
            refund: expected.refund,
            replacement: expected.replacement,
            disassembly: expected.disassembly,
            disposal: expected.disposal,
            notification: expected.notification,
          });
        });
      }

      it('should leave exactly one record per team per return', async () => {
        const records = await test.deployment.readAllRecords();
        for (const team of TEAMS) {
          assert.deepEqual(
            records[team].map(({ record }) => record.returnId),
            SAMPLE_RETURNS.map((request) => request.returnId),
            `${team}'s records`,
          );
        }
      });

      it(`should show in the workflow history that it ran as ${variant}`, async () => {
        const history = await test.deployment.workflowHistory('R-1001');
        const workflowType = variant === 'sequential' ? 'processReturnSequential' : 'processReturnParallel';
        assert.equal(eventsOf(history, 'WorkflowExecutionStarted')[0]?.workflowType, workflowType);
        assert.equal(eventsOf(history, 'WorkflowExecutionCompleted').length, 1);
        assert.deepEqual(callsOf(history), ACCEPTED_CALLS[variant]);
        assert.ok(
          eventsOf(history, 'ActivityTaskStarted').every((event) => event.attempt === 1),
          'no call needed a retry',
        );
      });

      it(`should show in the history of a refused return what the ${variant} variant did about it`, async () => {
        for (const returnId of ['R-1002', 'R-1003']) {
          assert.deepEqual(callsOf(await test.deployment.workflowHistory(returnId)), REFUSED_CALLS[variant], returnId);
        }
      });

      if (variant === 'sequential') {
        it('should call each team only after the team before it has answered', async () => {
          const history = await test.deployment.workflowHistory('R-1001');
          const scheduled = eventsOf(history, 'ActivityTaskScheduled');
          const completed = eventsOf(history, 'ActivityTaskCompleted');
          const order = ACCEPTED_CALLS.sequential.map(([activity]) => activity);
          for (let step = 1; step < order.length; step++) {
            const previousDone = completed.find((event) => event.activity === order[step - 1]);
            assert.ok(
              previousDone && previousDone.eventId < scheduled[step].eventId,
              `${order[step]} waited for ${order[step - 1]}`,
            );
          }
        });
      } else {
        it('should call the four teams of the seed before any has answered', async () => {
          const history = await test.deployment.workflowHistory('R-1001');
          const firstSteps = eventsOf(history, 'ActivityTaskScheduled').slice(0, 4);
          const lastScheduled = Math.max(...firstSteps.map((event) => event.eventId));
          const firstCompleted = Math.min(...eventsOf(history, 'ActivityTaskCompleted').map((event) => event.eventId));
          assert.ok(lastScheduled < firstCompleted);
        });
      }
    });

    describe('when a request is invalid', () => {
      it('should reject it with every problem before starting anything', async () => {
        const invalid = {
          ...sampleReturn('R-1001'),
          returnId: 'R-INVALID',
          model: { modelId: 'NOT-A-MODEL' },
          cost: { bookValue: { amountCents: -1, currency: 'EUR' } },
        };

        await assert.rejects(test.deployment.submit(invalid, variant), (error: unknown) => {
          assert.ok(error instanceof InvalidRefundRequestError);
          assert.deepEqual(error.problems, [
            'model.modelId: is not a model in the catalogue',
            'cost.bookValue.amountCents: must not be negative',
          ]);
          return true;
        });
        await assert.rejects(
          test.deployment.client.workflow.getHandle(test.deployment.workflowId('R-INVALID')).describe(),
          WorkflowNotFoundError,
        );
        assert.deepEqual(await test.deployment.recordsOfReturn('R-INVALID'), {});
      });
    });
  });
}
