// Several replicas of every worker on the team's task queue, each team replica over a store connection of its own,
// as on several hosts: Temporal hands each call to one of them, and where replicas race for returns that share an
// order or a model, the store's transaction decides. On both stores, against the real Temporal server.
import assert from 'node:assert/strict';
import { TEAM_STORES } from '../../config';
import { initialStockOf, type ReturnOutcome, TEAMS } from '../../domain';
import { SAMPLE_RETURNS } from '../../samples/sample-returns';
import { competingReturns } from '../fixtures/domain-scenarios';
import { SAMPLE_OUTCOMES, startTestDeployment } from './deployment-fixture';

for (const teamStore of TEAM_STORES) {
  describe(`Traditional model: three replicas of every worker, over ${teamStore}`, () => {
    it('should give the sample returns, one after another, the outcomes one worker gives', async () => {
      const test = await startTestDeployment(`replicas-${teamStore}`, { instances: 3 }, teamStore);
      try {
        const outcomes: ReturnOutcome[] = [];
        for (const request of SAMPLE_RETURNS) outcomes.push(await test.deployment.submit(request));
        assert.deepEqual(outcomes, SAMPLE_OUTCOMES);
      } finally {
        await test.close();
      }
    });

    it('should refund an order once and ship its one watch once, for returns in flight together', async () => {
      const test = await startTestDeployment(`replicas-race-${teamStore}`, { instances: 3 }, teamStore);
      try {
        const requests = competingReturns('TOGETHER', 9);
        const outcomes = await Promise.all(requests.map((request) => test.deployment.submit(request, 'parallel')));
        const issued = outcomes.filter((outcome) => outcome.refund.status === 'issued');
        assert.equal(issued.length, 1, `refunds issued for one order: ${issued.map((o) => o.returnId).join(', ')}`);
        for (const outcome of outcomes.filter((each) => each.refund.status !== 'issued')) {
          assert.equal(outcome.refund.refundedByReturnId, issued[0].returnId, outcome.returnId);
        }
        const shipped = outcomes.filter((outcome) => outcome.replacement.status === 'shipped');
        assert.ok(shipped.length <= initialStockOf('WATCH-W1'), `${shipped.length} watches shipped`);
        // Only an accepted return ships: the unit held for a refused one goes back to stock.
        for (const outcome of shipped) assert.equal(outcome.returnId, issued[0].returnId);
        // One record per return and team, whichever replica took the call.
        const records = await test.deployment.readAllRecords();
        for (const team of TEAMS) {
          const returnIds = records[team].map(({ record }) => record.returnId).sort();
          assert.deepEqual(returnIds, requests.map((request) => request.returnId).sort(), team);
        }
      } finally {
        await test.close();
      }
    });
  });
}
