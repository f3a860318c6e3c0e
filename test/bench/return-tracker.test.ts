// The driver's bookkeeping of open returns, without any server: what counts as done, as backlog and as a duplicate.
import assert from 'node:assert/strict';
import { ReturnTracker } from '../../bench/subjects/return-tracker';
import { createWorkload } from '../../bench/workload';

describe('ReturnTracker', () => {
  const workload = createWorkload();
  const tracker = () => new ReturnTracker(workload.indexOf);

  describe('when each team answers a return once', () => {
    it('should resolve the return after the last answer, and not before', async () => {
      const returns = tracker();
      let done = false;
      const completion = returns.expect(0, 'B0').then(() => (done = true));
      for (const team of ['sales', 'inventory', 'manufacturing', 'customer-care'] as const) {
        returns.teamAnswered('B0', team);
      }
      await Promise.resolve();
      assert.equal(done, false);
      assert.deepEqual(returns.outstandingPerTeam(), {
        sales: 0,
        inventory: 0,
        manufacturing: 0,
        accounting: 1,
        'customer-care': 0,
      });
      returns.teamAnswered('B0', 'accounting');
      await completion;
      assert.equal(returns.outstanding(), 0);
      assert.deepEqual(returns.indexesIn('completed'), [0]);
    });
  });

  describe('when a team answers twice, or answers a return that is not open', () => {
    it('should count the answer apart and change nothing', () => {
      const returns = tracker();
      void returns.expect(1, 'B1');
      returns.teamAnswered('B1', 'sales');
      returns.teamAnswered('B1', 'sales');
      returns.teamAnswered('B9', 'sales');
      assert.equal(returns.duplicateAnswers, 1);
      assert.equal(returns.unmatchedAnswers, 1);
      assert.equal(returns.outstanding(), 1);
      assert.equal(returns.outstandingPerTeam().sales, 0);
    });
  });

  describe('when a return cannot be sent', () => {
    it('should reject it, count it failed, and wake whoever waits for the backlog to empty', async () => {
      const returns = tracker();
      const failed = returns.expect(2, 'B2');
      const idle = returns.waitUntilIdle(1_000);
      returns.fail('B2', new Error('broker gone'));
      await assert.rejects(failed, /broker gone/);
      assert.equal(await idle, true);
      assert.deepEqual(returns.indexesIn('failed'), [2]);
      assert.deepEqual(returns.outstandingPerTeam(), {
        sales: 0,
        inventory: 0,
        manufacturing: 0,
        accounting: 0,
        'customer-care': 0,
      });
    });
  });
});

describe('Benchmark workload', () => {
  describe('when the same index is asked for twice', () => {
    it('should give the same payload, with ids of its own', () => {
      const first = createWorkload(7);
      const second = createWorkload(7);
      assert.deepEqual(first.request(1234), second.request(1234));
      assert.notEqual(first.request(1).order.orderId, first.request(1001).order.orderId);
      assert.equal(first.indexOf(first.returnId(1234)), 1234);
    });
  });
});
