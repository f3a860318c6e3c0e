// Several instances of each team in its consumer group, against the real broker. Each team's input is re-keyed by
// the key its decisions share state under, so the one instance holding a key's partition decides for it: an order
// is refunded once and a model's stock is never overdrawn, however the returns spread over the instances, and
// partitions that move between instances in a rebalance are built again before they are decided on.
import assert from 'node:assert/strict';
import { initialStockOf, type RefundRequest, type ReturnOutcome, TEAMS } from '../../domain';
import type { EventSourcedDeployment } from '../../event-sourced/deployment';
import { SAMPLE_RETURNS } from '../../samples/sample-returns';
import { competingReturns } from '../fixtures/domain-scenarios';
import { testConfig } from '../support/test-config';
import { allCaughtUp, countsByEventId, removeScope, startTestDeployment } from './support/scope';

const TIMEOUT_MS = 60_000;

async function submitOneAfterAnother(
  deployment: EventSourcedDeployment,
  requests: readonly RefundRequest[],
): Promise<ReturnOutcome[]> {
  const outcomes: ReturnOutcome[] = [];
  for (const request of requests) outcomes.push(await deployment.submit(request, { timeoutMs: TIMEOUT_MS }));
  return outcomes;
}

// Published at once, so that they are in flight together, then awaited.
async function submitAtOnce(
  deployment: EventSourcedDeployment,
  requests: readonly RefundRequest[],
): Promise<ReturnOutcome[]> {
  await Promise.all(requests.map((request) => deployment.publish(request)));
  return Promise.all(requests.map((request) => deployment.waitForOutcome(request.returnId, { timeoutMs: TIMEOUT_MS })));
}

// Resolves with how many units the returns took.
function assertOneRefundAndNoOverdraw(outcomes: readonly ReturnOutcome[], unitsLeft: number): number {
  const issued = outcomes.filter((outcome) => outcome.refund.status === 'issued');
  assert.equal(issued.length, 1, `refunds issued for one order: ${issued.map((o) => o.returnId).join(', ')}`);
  for (const outcome of outcomes) {
    if (outcome.refund.status === 'issued') continue;
    assert.equal(outcome.refund.rejectionReason, 'order-already-refunded', outcome.returnId);
    assert.equal(outcome.refund.refundedByReturnId, issued[0].returnId, outcome.returnId);
  }
  const shipped = outcomes.filter((outcome) => outcome.replacement.status === 'shipped');
  assert.ok(shipped.length <= unitsLeft, `${shipped.length} watches shipped with ${unitsLeft} in stock`);
  // Only an accepted return ships: the unit held for a refused one goes back to stock.
  for (const outcome of shipped) assert.equal(outcome.returnId, issued[0].returnId);
  return shipped.length;
}

async function assertEachEventOnce(deployment: EventSourcedDeployment): Promise<void> {
  for (const team of TEAMS) {
    const copies = [...countsByEventId(await deployment.readTeamEvents(team))].filter(([, count]) => count > 1);
    assert.deepEqual(copies, [], `${team} wrote an event twice`);
  }
}

describe('Event-sourced model: three instances of each team', () => {
  const one = testConfig('instances-one');
  const three = testConfig('instances-three');
  let single: EventSourcedDeployment | undefined;
  let deployment: EventSourcedDeployment;

  before(async () => {
    deployment = await startTestDeployment(three, { instances: 3 });
  });

  after(async () => {
    await single?.close();
    await deployment?.close();
    await Promise.all([removeScope(one), removeScope(three)]);
  });

  it('should hold every partition of every team’s input among them', () => {
    for (const team of TEAMS) {
      assert.deepEqual([...deployment.teamState(team).keys()].sort(), [0, 1, 2], team);
    }
  });

  it('should give the sample returns, one after another, the outcomes one instance gives', async () => {
    single = await startTestDeployment(one, { instances: 1 });
    const expected = await submitOneAfterAnother(single, SAMPLE_RETURNS);
    await single.close();
    single = undefined;
    assert.deepEqual(await submitOneAfterAnother(deployment, SAMPLE_RETURNS), expected);
  });
  it('should refund an order once and ship its model’s one watch once, for returns in flight together', async () => {
    const outcomes = await submitAtOnce(deployment, competingReturns('TOGETHER', 9));
    // The samples took the one watch: none is left for these.
    assertOneRefundAndNoOverdraw(outcomes, 0);
    await allCaughtUp(deployment);
    await assertEachEventOnce(deployment);
  });
});

describe('Event-sourced model: instances that join and leave while returns are in flight', () => {
  const config = testConfig('instances-rebalance');
  let deployment: EventSourcedDeployment;
  let joining: EventSourcedDeployment | undefined;

  before(async () => {
    deployment = await startTestDeployment(config, { instances: 1 });
  });

  after(async () => {
    await joining?.close();
    await deployment?.close();
    await removeScope(config);
  });

  it('should move partitions to an instance that joins and back when it leaves, deciding each key once', async () => {
    const before = competingReturns('BEFORE', 6);
    const during = competingReturns('DURING', 6);
    const after = competingReturns('AFTER', 6);
    const published = Promise.all(before.map((request) => deployment.publish(request)));
    // A second process's worth of Sales and Inventory joins their groups: a rebalance with returns in flight.
    joining = await startTestDeployment(config, { teams: ['sales', 'inventory'], instances: 2 });
    await published;
    const outcomesBefore = await Promise.all(
      before.map((request) => deployment.waitForOutcome(request.returnId, { timeoutMs: TIMEOUT_MS })),
    );
    const outcomesDuring = await submitAtOnce(deployment, during);
    for (const team of ['sales', 'inventory'] as const) {
      assert.ok(joining.teamState(team).size > 0, `the joining ${team} instances hold no partition`);
      assert.ok(deployment.teamState(team).size < 3, `the first ${team} instance still holds every partition`);
    }
    // And leaves: its partitions come back to the first instance, which builds them again.
    const leaving = joining.close();
    const outcomesAfter = await submitAtOnce(deployment, after);
    await leaving;
    joining = undefined;

    let unitsLeft = initialStockOf('WATCH-W1');
    for (const outcomes of [outcomesBefore, outcomesDuring, outcomesAfter]) {
      unitsLeft -= assertOneRefundAndNoOverdraw(outcomes, unitsLeft);
    }
    await allCaughtUp(deployment);
    await assertEachEventOnce(deployment);
    for (const team of TEAMS) assert.deepEqual([...deployment.teamState(team).keys()].sort(), [0, 1, 2], team);
  });
});
