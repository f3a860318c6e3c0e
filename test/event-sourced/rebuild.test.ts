// A team's state is nothing but a fold of its own topic: replaying the topic from offset 0 rebuilds exactly the
// state the running team holds, and a restarted team decides on it as if it had never stopped.
import assert from 'node:assert/strict';
import { TEAMS } from '../../domain';
import type { EventSourcedDeployment } from '../../event-sourced/deployment';
import { rebuildTeamState } from '../../event-sourced/team-runner';
import { TEAM_DECIDERS } from '../../event-sourced/teams';
import { SAMPLE_RETURNS } from '../../samples/sample-returns';
import { aReturn } from '../fixtures/domain-scenarios';
import { testConfig } from '../support/test-config';
import { removeScope, startTestDeployment } from './support/scope';

// Grow-only collections compare by their sorted JSON, whatever order their entries arrived in.
const plain = (state: unknown): unknown => JSON.parse(JSON.stringify(state));

describe('Event-sourced model: rebuilding a team from its topic', () => {
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
    describe(`when ${team}'s topic is replayed from offset 0`, () => {
      it('should rebuild exactly the state the running team holds', async () => {
        const rebuilt = await rebuildTeamState(deployment.eventLog, deployment.config.scope, TEAM_DECIDERS[team]);
        assert.equal(rebuilt.events, SAMPLE_RETURNS.length);
        assert.deepEqual(plain(rebuilt.state), plain(deployment.teamState(team)));
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

      const outcome = await deployment.submit(
        aReturn({
          returnId: 'R-AFTER-RESTART',
          orderId: 'O-5001',
          modelId: 'WATCH-W1',
          requestedAt: '2026-05-12T10:00:00.000Z',
        }),
        { timeoutMs: 30_000 },
      );
      assert.deepEqual(
        [outcome.replacement.status, outcome.refund.rejectionReason, outcome.refund.refundedByReturnId],
        ['backordered', 'order-already-refunded', 'R-1001'],
      );
    });
  });
});
