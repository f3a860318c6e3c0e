// The parity contract: one scenario table through the traditional model (both workflow variants) and the
// event-sourced model, against the real servers. Every outcome and every team record must be identical.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { initialStockOf, type ReturnOutcome, TEAMS } from '../../domain';
import {
  closeBothModels,
  compareTeamRecords,
  standingDecisions,
  type ModelPair,
  openBothModels,
  type TeamRecordSets,
} from '../../compare/both-models';
import { describeDifference, firstDifference } from '../../compare/first-difference';
import { submitInDependencyOrder } from '../../compare/submission-order';
import type { Model } from '../../model/port';
import type { ReturnVariant } from '../../traditional/client';
import { generateReturns } from '../../samples/generate-returns';
import { type ExpectedDecisions, PARITY_SCENARIOS } from '../fixtures/parity-scenarios';
import { removeScope } from '../event-sourced/support/scope';
import { testConfig } from '../support/test-config';
import { sharedWorkflowBundle, temporaryDataDir } from '../traditional/deployment-fixture';

// Enough returns in flight to exercise concurrency, few enough that a 2-core machine keeps up.
const CONCURRENCY = 16;

interface ModelRun {
  readonly outcomes: Map<string, ReturnOutcome>;
  readonly records: TeamRecordSets;
}

// Both models on a scope of their own, with team databases in a temporary folder: stock and refunded orders are
// per scope, so the runs cannot see each other.
async function openOnScopeOfItsOwn(label: string, variant: ReturnVariant): Promise<ModelPair> {
  const config = testConfig(label, { dataDir: temporaryDataDir(label).dir });
  return openBothModels(config, { variant, workflowBundle: await sharedWorkflowBundle() });
}

// Closes both models, then clears what they left: the scope's topics, and the team databases' folder.
async function closeAndClear(models: ModelPair): Promise<void> {
  const { config } = models.traditional;
  await closeBothModels(models);
  await removeScope(config).catch(() => undefined);
  rmSync(config.dataDir, { recursive: true, force: true });
}

// The record that stands for each team and return, read back from where the model stores it: a step taken twice
// (a unit held twice, two notifications) fails the test.
async function recordsOf(model: Model): Promise<TeamRecordSets> {
  const effects = await model.effects();
  for (const team of TEAMS) {
    assert.equal(effects.copies[team], 0, `${team} stored a copy of a decision in ${model.label}`);
    for (const [returnId, decisions] of effects.decisions[team]) {
      const steps = decisions.map(({ step }) => step);
      assert.deepEqual(steps, [...new Set(steps)], `${team} took a step of ${returnId} twice in ${model.label}`);
    }
  }
  return standingDecisions(effects);
}

function assertSameOutcomes(
  left: Map<string, ReturnOutcome>,
  right: Map<string, ReturnOutcome>,
  leftName: string,
  rightName: string,
): void {
  const problems: string[] = [];
  for (const returnId of [...new Set([...left.keys(), ...right.keys()])].sort()) {
    const difference = firstDifference(left.get(returnId) ?? null, right.get(returnId) ?? null);
    if (difference) problems.push(describeDifference(returnId, difference, leftName, rightName));
  }
  assert.equal(
    problems.length,
    0,
    `${problems.length} outcomes differ, return by return:\n  ${problems.slice(0, 20).join('\n  ')}`,
  );
}

function assertSameRecords(left: TeamRecordSets, right: TeamRecordSets, leftName: string, rightName: string): void {
  const mismatches = compareTeamRecords(left, right).map((mismatch) =>
    describeDifference(`${mismatch.team} record of ${mismatch.returnId}`, mismatch.difference, leftName, rightName),
  );
  assert.equal(
    mismatches.length,
    0,
    `${mismatches.length} team records differ:\n  ${mismatches.slice(0, 20).join('\n  ')}`,
  );
}

function decisionsOf(outcome: ReturnOutcome): ExpectedDecisions {
  return {
    refund: outcome.refund.status === 'issued' ? 'issued' : (outcome.refund.rejectionReason ?? undefined),
    verdict: outcome.verdict,
    replacement: outcome.replacement.status as ExpectedDecisions['replacement'],
    diagnosis: outcome.disassembly.diagnosis,
    disassembly: outcome.disassembly.status,
    disposal: outcome.disposal.status,
  };
}

describe('Parity: both models decide every return identically', function () {
  this.timeout(300_000);

  for (const scenario of PARITY_SCENARIOS) {
    describe(`when ${scenario.name}`, () => {
      const runs = new Map<'parallel' | 'sequential' | 'event-sourced', ModelRun>();

      before(async () => {
        // The parallel workflow and the event-sourced model share one scope; the sequential workflow needs its
        // own, since workflow ids derive from the returnId and a second variant would join the first's runs.
        const shared = await openOnScopeOfItsOwn('parity', 'parallel');
        const sequential = await openOnScopeOfItsOwn('parity-seq', 'sequential');
        try {
          const submitAll = (model: Model) =>
            submitInDependencyOrder(scenario.returns, (request) => model.submit(request), { concurrency: CONCURRENCY });
          const [parallelOutcomes, eventSourcedOutcomes, sequentialOutcomes] = await Promise.all([
            submitAll(shared.traditional),
            submitAll(shared.eventSourced),
            submitAll(sequential.traditional),
          ]);
          runs.set('parallel', { outcomes: parallelOutcomes, records: await recordsOf(shared.traditional) });
          runs.set('sequential', { outcomes: sequentialOutcomes, records: await recordsOf(sequential.traditional) });
          runs.set('event-sourced', { outcomes: eventSourcedOutcomes, records: await recordsOf(shared.eventSourced) });
        } finally {
          await Promise.all([closeAndClear(shared), closeAndClear(sequential)]);
        }
      });

      it('should produce the same ReturnOutcome in the event-sourced model as in the parallel workflow', () => {
        assertSameOutcomes(
          runs.get('parallel')!.outcomes,
          runs.get('event-sourced')!.outcomes,
          'traditional (parallel)',
          'event-sourced',
        );
        assert.equal(runs.get('event-sourced')!.outcomes.size, scenario.returns.length);
      });

      it('should produce the same ReturnOutcome in the sequential workflow as in the parallel one', () => {
        assertSameOutcomes(
          runs.get('parallel')!.outcomes,
          runs.get('sequential')!.outcomes,
          'traditional (parallel)',
          'traditional (sequential)',
        );
      });

      it('should keep identical team records in both models: same ids, same values, one per return', () => {
        for (const team of TEAMS) {
          assert.equal(runs.get('event-sourced')!.records[team].size, scenario.returns.length, `${team} event count`);
        }
        assertSameRecords(
          runs.get('parallel')!.records,
          runs.get('event-sourced')!.records,
          'traditional (parallel)',
          'event-sourced',
        );
        assertSameRecords(
          runs.get('sequential')!.records,
          runs.get('event-sourced')!.records,
          'traditional (sequential)',
          'event-sourced',
        );
      });

      if (scenario.expect) {
        it('should decide what the business rules say', () => {
          for (const [returnId, expected] of Object.entries(scenario.expect!)) {
            const outcome = runs.get('event-sourced')!.outcomes.get(returnId);
            assert.ok(outcome, `no outcome for ${returnId}`);
            const actual = decisionsOf(outcome);
            const picked = Object.fromEntries(
              Object.keys(expected).map((key) => [key, actual[key as keyof ExpectedDecisions]]),
            );
            assert.deepEqual(picked, expected, `decisions for ${returnId}`);
          }
        });
      }
    });
  }

  describe('when 200 returns are submitted all at once, with no order between dependent ones', () => {
    // Which of two returns of one order is refunded, or who gets the last unit, may then differ between the
    // models; what each model must still guarantee is checked instead.
    const requests = generateReturns({ seed: 7, count: 200, idPrefix: 'P-BURST', repeatedOrderShare: 0.15 });
    const outcomes = new Map<string, Map<string, ReturnOutcome>>();

    before(async () => {
      const models = await openOnScopeOfItsOwn('parity-burst', 'parallel');
      try {
        const [traditional, eventSourced] = await Promise.all([
          Promise.all(requests.map((request) => models.traditional.submit(request))),
          Promise.all(requests.map((request) => models.eventSourced.submit(request))),
        ]);
        outcomes.set('traditional', new Map(traditional.map((outcome) => [outcome.returnId, outcome])));
        outcomes.set('event-sourced', new Map(eventSourced.map((outcome) => [outcome.returnId, outcome])));
      } finally {
        await closeAndClear(models);
      }
    });

    for (const model of ['traditional', 'event-sourced']) {
      it(`should, in the ${model} model, never ship more than stock, and ship min(stock, demand) where none was refused`, () => {
        // A refused return may hold the last unit while an accepted one comes and is backordered: the unit goes
        // back to stock on the refusal, and a backorder is not filled later. So only where no return of a model
        // was refused must every unit in stock have shipped.
        const byModel = new Map<string, { shipped: number; backordered: number; cancelled: number }>();
        for (const outcome of outcomes.get(model)!.values()) {
          const counts = byModel.get(outcome.replacement.modelId) ?? { shipped: 0, backordered: 0, cancelled: 0 };
          const { status } = outcome.replacement;
          assert.notEqual(status, 'held', `${outcome.returnId} settled with a unit still held`);
          if (status !== 'held') counts[status]++;
          byModel.set(outcome.replacement.modelId, counts);
        }
        for (const [modelId, counts] of byModel) {
          const demand = counts.shipped + counts.backordered;
          const stock = initialStockOf(modelId);
          assert.ok(counts.shipped <= Math.min(stock, demand), `${modelId}: ${counts.shipped} shipped of ${stock}`);
          if (counts.cancelled === 0) assert.equal(counts.shipped, Math.min(stock, demand), `${modelId} shipped`);
        }
      });

      it(`should, in the ${model} model, leave nothing standing for a refused return, and notify each return once`, () => {
        for (const outcome of outcomes.get(model)!.values()) {
          const refused = outcome.verdict === 'refused';
          assert.equal(refused, outcome.refund.status === 'rejected', `${outcome.returnId} verdict`);
          if (refused) {
            assert.equal(outcome.replacement.status, 'cancelled', `${outcome.returnId} replacement`);
            assert.equal(outcome.disassembly.status, 'unit-returned', `${outcome.returnId} disassembly`);
            assert.equal(outcome.disposal.status, 'not-charged', `${outcome.returnId} disposal`);
          }
          assert.equal(outcome.notification.verdict, outcome.verdict, `${outcome.returnId} notification`);
        }
      });

      it(`should, in the ${model} model, refund each order at most once, and once when any return came in time`, () => {
        const byOrder = new Map<string, ReturnOutcome[]>();
        for (const outcome of outcomes.get(model)!.values()) {
          byOrder.set(outcome.refund.orderId, [...(byOrder.get(outcome.refund.orderId) ?? []), outcome]);
        }
        for (const [orderId, returns] of byOrder) {
          const issued = returns.filter((outcome) => outcome.refund.status === 'issued').length;
          const inTime = returns.some((outcome) => outcome.refund.rejectionReason !== 'outside-return-window');
          assert.equal(issued, inTime ? 1 : 0, `refunds issued for ${orderId}`);
        }
      });
    }

    it('should agree on every return whose outcome does not depend on another', () => {
      const orderCount = new Map<string, number>();
      for (const request of requests)
        orderCount.set(request.order.orderId, (orderCount.get(request.order.orderId) ?? 0) + 1);
      const independent = requests.filter(
        (request) =>
          orderCount.get(request.order.orderId) === 1 && initialStockOf(request.model.modelId) >= requests.length,
      );
      assert.ok(independent.length > 50, 'the burst should hold many independent returns');
      const pick = (model: string) =>
        new Map(independent.map(({ returnId }) => [returnId, outcomes.get(model)!.get(returnId)!]));
      assertSameOutcomes(pick('traditional'), pick('event-sourced'), 'traditional', 'event-sourced');
    });
  });
});
