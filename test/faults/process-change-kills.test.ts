// The windows the process change opened, hit with SIGKILLs in each model while a third of the returns are refused:
// Inventory killed while it holds units, Customer Care killed while returns wait for their notification. Nothing
// lost, no step taken twice, no refused return with anything standing, never more units shipped and held than in
// stock, and one notification per return.
import assert from 'node:assert/strict';
import type { ScenarioResult } from '../../faults/scenario';
import {
  eventSourcedCustomerCareKills,
  eventSourcedInventoryHoldingKills,
  traditionalCustomerCareKills,
  traditionalInventoryHoldingKills,
} from '../../faults/scenarios/kills';
import { compareOutcomes } from '../../model/effects-check';
import { assertClean, testContext } from './support/fault-context';

const SCENARIOS = [
  { scenario: eventSourcedInventoryHoldingKills, seed: 31 },
  { scenario: traditionalInventoryHoldingKills, seed: 32 },
  { scenario: eventSourcedCustomerCareKills, seed: 33 },
  { scenario: traditionalCustomerCareKills, seed: 34 },
] as const;

describe('Faults: the windows of the process change, hit with SIGKILLs', () => {
  const contexts = SCENARIOS.map(({ seed }) => testContext(seed));
  const results: ScenarioResult[] = [];

  before(async () => {
    // Two at a time, each in its own scope with its own processes.
    for (let index = 0; index < SCENARIOS.length; index += 2) {
      results.push(
        ...(await Promise.all(
          SCENARIOS.slice(index, index + 2).map(({ scenario }, offset) => scenario.run(contexts[index + offset])),
        )),
      );
    }
  });

  SCENARIOS.forEach(({ scenario }, index) => {
    it(`${scenario.id}: should lose nothing, take no step twice and leave nothing standing for a refused return`, () => {
      assertClean(results[index], contexts[index]);
      assert.equal((results[index].details.kills as unknown[]).length, 3);
    });
  });

  it('should come to the same outcomes in both models, Inventory killed or Customer Care', () => {
    for (const [eventSourced, traditional] of [
      [results[0], results[1]],
      [results[2], results[3]],
    ]) {
      const comparison = compareOutcomes(eventSourced.outcomes, traditional.outcomes, 'event-sourced', 'traditional');
      assert.equal(comparison.compared, eventSourced.returns);
      assert.deepEqual(comparison.differences, []);
    }
  });
});
