// A team's state is nothing but a fold of its own topic and of the topics it reads: reading them again from offset 0
// rebuilds exactly the state the running team holds, and a restarted team decides on it as if it had never stopped,
// what it learned without writing anything (a verdict before its request, a request waiting for its verdict) too.
import assert from 'node:assert/strict';
import { decideOrderRefund, refundEvent, TEAMS } from '../../domain';
import type { EventSourcedDeployment } from '../../event-sourced/deployment';
import { requestEnvelope, teamEventEnvelope, encodeEnvelope } from '../../event-sourced/envelope';
import { rebuildTeamState } from '../../event-sourced/team-runner';
import { TEAM_DECIDERS } from '../../event-sourced/teams';
import { waitFor } from '../../model/wait-for';
import { SAMPLE_RETURNS } from '../../samples/sample-returns';
import { aReturn } from '../fixtures/domain-scenarios';
import { testConfig } from '../support/test-config';
import { removeScope, startTestDeployment, stepsOf } from './support/scope';

// Grow-only collections compare by their sorted JSON, whatever order their entries arrived in; a team's state is one
// per partition of its input.
const plain = (states: ReadonlyMap<number, unknown>): unknown => JSON.parse(JSON.stringify(Object.fromEntries(states)));

describe('Event-sourced model: rebuilding a team from its topics', () => {
  let deployment: EventSourcedDeployment;
  const config = testConfig('rebuild');

  before(async () => {
    deployment = await startTestDeployment(config);
    for (const request of SAMPLE_RETURNS) await deployment.submit(request, { timeoutMs: 30_000 });
  });

  after(async () => {
    await deployment?.close();
    await removeScope(config);
  });

  for (const team of TEAMS) {
    describe(`when ${team}'s topics are read again from offset 0`, () => {
      it('should rebuild exactly the state the running team holds, with nothing left to write', async () => {
        const rebuilt = await rebuildTeamState(deployment.eventLog, deployment.config.scope, TEAM_DECIDERS[team]);
        assert.equal(rebuilt.events, (await deployment.readTeamEvents(team)).length);
        assert.ok(rebuilt.events >= SAMPLE_RETURNS.length, `${rebuilt.events} events`);
        assert.deepEqual(rebuilt.written, []);
        const decided = new Map([...rebuilt.partitions].map(([partition, state]) => [partition, state.decided]));
        assert.deepEqual([...decided.keys()], [0, 1, 2]);
        assert.deepEqual(plain(decided), plain(deployment.teamState(team)));
      });
    });
  }

  describe('when Inventory and Sales restart', () => {
    it('should remember the watch it shipped and the order it refunded', async () => {
      const before = {
        inventory: plain(deployment.teamState('inventory')),
        sales: plain(deployment.teamState('sales')),
      };
      await Promise.all([deployment.stopTeam('inventory'), deployment.stopTeam('sales')]);
      await Promise.all([deployment.startTeam('inventory'), deployment.startTeam('sales')]);
      assert.deepEqual(
        { inventory: plain(deployment.teamState('inventory')), sales: plain(deployment.teamState('sales')) },
        before,
      );

      const watch = await deployment.submit(
        aReturn({ returnId: 'R-WATCH-AFTER-RESTART', orderId: 'O-WATCH-AFTER-RESTART', modelId: 'WATCH-W1' }),
        { timeoutMs: 30_000 },
      );
      const order = await deployment.submit(
        aReturn({ returnId: 'R-ORDER-AFTER-RESTART', orderId: 'O-5001', requestedAt: '2026-05-12T10:00:00.000Z' }),
        { timeoutMs: 30_000 },
      );
      assert.deepEqual(
        [watch.replacement.status, order.refund.rejectionReason, order.refund.refundedByReturnId],
        ['backordered', 'order-already-refunded', 'R-1001'],
      );
    });
  });
});

describe('Event-sourced model: a team restarted while it waits', () => {
  let deployment: EventSourcedDeployment;
  const config = testConfig('rebuild-waiting');
  const AT = '2026-05-11T10:00:05.000Z';

  before(async () => {
    // Sales is left out, so that a verdict is on its topic only when a test writes it there.
    deployment = await startTestDeployment(config, { teams: TEAMS.filter((team) => team !== 'sales') });
  });

  after(async () => {
    await deployment?.close();
    await removeScope(config);
  });

  const restart = async () => {
    await deployment.stopTeam('accounting');
    await deployment.startTeam('accounting');
  };

  describe('when Sales’ verdict came before the request, and Accounting restarted in between', () => {
    it('should still charge once the request comes: the verdict is read again on the restart', async () => {
      const request = aReturn({ returnId: 'R-VERDICT-FIRST', orderId: 'O-VERDICT-FIRST' });
      const verdict = refundEvent(decideOrderRefund(request, { earlierRefundOfOrder: null }));
      const written = teamEventEnvelope('sales', verdict, requestEnvelope(request, AT), AT);
      await deployment.eventLog.append(deployment.topics.teamEvents.sales, [encodeEnvelope(written)]);
      await waitFor('accounting to take the verdict', async () => (await deployment.teamLag('accounting')) === 0);
      await restart();
      await deployment.publish(request);
      const steps = await waitFor('accounting to charge the return', async () => {
        const found = await stepsOf(deployment, 'accounting', request.returnId);
        return found.length > 0 && found;
      });
      assert.deepEqual(steps, ['AssetDisposalCharged']);
    });
  });

  describe('when the request came before the verdict, and Accounting restarted in between', () => {
    it('should still charge once the verdict comes: the request is read again on the restart', async () => {
      const request = aReturn({ returnId: 'R-REQUEST-FIRST', orderId: 'O-REQUEST-FIRST' });
      await deployment.publish(request);
      await waitFor('accounting to take the request', async () => (await deployment.teamLag('accounting')) === 0);
      assert.deepEqual(await stepsOf(deployment, 'accounting', request.returnId), []);
      await restart();
      const verdict = refundEvent(decideOrderRefund(request, { earlierRefundOfOrder: null }));
      const written = teamEventEnvelope('sales', verdict, requestEnvelope(request, AT), AT);
      await deployment.eventLog.append(deployment.topics.teamEvents.sales, [encodeEnvelope(written)]);
      const steps = await waitFor('accounting to charge the return', async () => {
        const found = await stepsOf(deployment, 'accounting', request.returnId);
        return found.length > 0 && found;
      });
      assert.deepEqual(steps, ['AssetDisposalCharged']);
    });
  });
});
