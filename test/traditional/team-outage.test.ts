// A team that is down: its calls wait on its task queue rather than fail, and each return completes once the team
// is back. In parallel the other teams act meanwhile; in the seed's order every team after it waits as well.
import assert from 'node:assert/strict';
import type { WorkflowHandle } from '@temporalio/client';
import { type Team, TEAMS } from '../../domain';
import { waitFor } from '../../model/wait-for';
import type { AuditEvent } from '../../traditional/audit-trail';
import type { ReturnWorkflow } from '../../traditional/client';
import { aReturn } from '../fixtures/domain-scenarios';
import { startTestDeployment, type TestDeployment } from './deployment-fixture';

const OUTAGE_RETURNS = [
  aReturn({ returnId: 'R-OUT-1', orderId: 'O-OUT-1', modelId: 'PHONE-X1' }),
  aReturn({ returnId: 'R-OUT-2', orderId: 'O-OUT-2', modelId: 'TABLET-T5', reportedDefect: 'Screen flickers' }),
  aReturn({ returnId: 'R-OUT-3', orderId: 'O-OUT-3', modelId: 'LAPTOP-L3', requestedAt: '2026-06-15T10:00:00.000Z' }),
];
const RETURN_IDS = OUTAGE_RETURNS.map((request) => request.returnId);

const isScheduledOn = (team: string) => (event: AuditEvent) =>
  event.type === 'ActivityTaskScheduled' && event.team === team;

for (const variant of ['parallel', 'sequential'] as const) {
  describe(`traditional model, ${variant} variant, a team outage`, () => {
    let test: TestDeployment;
    let handles: WorkflowHandle<ReturnWorkflow>[];

    const returnIdsRecordedBy = async (team: Team) =>
      (await test.deployment.readRecords(team)).map(({ record }) => record.returnId).sort();

    before(async () => {
      test = await startTestDeployment(`outage-${variant}`);
    });

    after(async () => {
      await test?.close();
    });

    describe('when Inventory is down while three returns come in', () => {
      before(async () => {
        await test.deployment.stopTeam('inventory');
        handles = await Promise.all(OUTAGE_RETURNS.map((request) => test.deployment.start(request, variant)));
        await waitFor(
          'Sales to record all three returns',
          async () => (await returnIdsRecordedBy('sales')).length === RETURN_IDS.length,
        );
      });

      if (variant === 'parallel') {
        it('should let Manufacturing and Accounting act while the returns wait for Inventory', async () => {
          for (const team of ['manufacturing', 'accounting'] as const) {
            await waitFor(
              `${team} to record all three returns`,
              async () => (await returnIdsRecordedBy(team)).length === RETURN_IDS.length,
            );
          }
          assert.deepEqual(await returnIdsRecordedBy('inventory'), []);
          for (const handle of handles) assert.equal((await handle.describe()).status.name, 'RUNNING');
        });
      } else {
        it('should hold Manufacturing and Accounting back until Inventory answers: the cost of the seed order', async () => {
          for (const returnId of RETURN_IDS) {
            // Once step 2 is scheduled and unanswered, step 3 cannot be: no waiting for something not to happen.
            const history = await waitFor(`${returnId} to call Inventory`, async () => {
              const events = await test.deployment.workflowHistory(returnId);
              return events.some(isScheduledOn('inventory')) && events;
            });
            assert.ok(!history.some(isScheduledOn('manufacturing')), `${returnId} has not called Manufacturing`);
            assert.ok(!history.some(isScheduledOn('accounting')), `${returnId} has not called Accounting`);
          }
          assert.deepEqual(await returnIdsRecordedBy('inventory'), []);
          assert.deepEqual(await returnIdsRecordedBy('manufacturing'), []);
          assert.deepEqual(await returnIdsRecordedBy('accounting'), []);
          for (const handle of handles) assert.equal((await handle.describe()).status.name, 'RUNNING');
        });
      }

      it('should complete every return once Inventory is back, with one record per team', async () => {
        await test.deployment.startTeam('inventory');
        const outcomes = await Promise.all(handles.map((handle) => handle.result()));

        assert.deepEqual(
          outcomes.map((outcome) => [outcome.returnId, outcome.replacement.status, outcome.refund.status]),
          [
            ['R-OUT-1', 'shipped', 'issued'],
            ['R-OUT-2', 'shipped', 'issued'],
            ['R-OUT-3', 'cancelled', 'rejected'],
          ],
        );
        for (const team of TEAMS) assert.deepEqual(await returnIdsRecordedBy(team), RETURN_IDS, `${team}'s records`);
      });
    });
  });
}
