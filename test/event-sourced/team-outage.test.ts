// A team that is down while returns are published: the teams that do not need it answer anyway, and the stopped
// team catches up from its group's last commit when it is back. Nothing is lost and nothing is recorded twice.
import assert from 'node:assert/strict';
import { TEAMS, teamHasSettled } from '../../domain';
import type { EventSourcedDeployment } from '../../event-sourced/deployment';
import { waitFor } from '../../model/wait-for';
import { generateReturns } from '../../samples/generate-returns';
import { testConfig } from '../support/test-config';
import { outcomeOnItsOwn } from '../../domain';
import { allCaughtUp, countsByEventId, removeScope, startTestDeployment } from './support/scope';

// Fresh orders and models in stock: each return's outcome depends on nothing published alongside it.
const REQUESTS = generateReturns({
  seed: 11,
  count: 6,
  idPrefix: 'OUT',
  repeatedOrderShare: 0,
  models: ['PHONE-X1', 'PHONE-X2', 'TABLET-T5', 'LAPTOP-L3'],
});

describe('Event-sourced model: a team that is down', () => {
  let deployment: EventSourcedDeployment;
  const config = testConfig('outage');

  before(async () => {
    deployment = await startTestDeployment(config);
    await deployment.stopTeam('manufacturing');
    for (const request of REQUESTS) await deployment.publish(request);
  });

  after(async () => {
    await deployment?.close();
    await removeScope(config);
  });

  describe('when Manufacturing is stopped while returns are published', () => {
    it('should let Sales, Inventory and Accounting answer every return, and Customer Care wait for it', async () => {
      const answering = ['sales', 'inventory', 'accounting'] as const;
      await waitFor('the records of sales, inventory and accounting to stand for every return', () =>
        REQUESTS.every(({ returnId }) =>
          answering.every((team) => teamHasSettled(team, deployment.recordsOfReturn(returnId))),
        ),
      );
      assert.deepEqual(
        REQUESTS.filter(({ returnId }) => deployment.recordsOfReturn(returnId).disassembly),
        [],
        'Manufacturing answered while it was stopped',
      );
      assert.deepEqual(
        REQUESTS.filter(({ returnId }) => deployment.recordsOfReturn(returnId).notification),
        [],
        'Customer Care told a customer before Manufacturing had answered',
      );
      // Every request, and Sales' verdict on it.
      assert.equal(await deployment.teamLag('manufacturing'), 2 * REQUESTS.length);
    });
  });

  describe('when Manufacturing is started again', () => {
    it('should catch up, and every return should complete as if nothing had happened', async () => {
      await deployment.startTeam('manufacturing');
      const outcomes = await Promise.all(
        REQUESTS.map(({ returnId }) => deployment.waitForOutcome(returnId, { timeoutMs: 30_000 })),
      );
      assert.deepEqual(outcomes, REQUESTS.map(outcomeOnItsOwn));
    });

    it('should have lost nothing and recorded nothing twice', async () => {
      for (const team of TEAMS) {
        const events = await deployment.readTeamEvents(team);
        const counts = countsByEventId(events);
        assert.deepEqual(
          [...counts.values()].filter((count) => count !== 1),
          [],
          `${team} recorded an event twice`,
        );
        assert.deepEqual(
          [...new Set(events.map(({ envelope }) => envelope.returnId))].sort(),
          REQUESTS.map(({ returnId }) => returnId).sort(),
          `${team} did not answer every return`,
        );
      }
      await allCaughtUp(deployment);
    });
  });
});
