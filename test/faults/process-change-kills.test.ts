// The windows the process change opened, hit with SIGKILLs in each model while a third of the returns are refused:
// Inventory killed while it holds units; a refusal's undo interrupted (User Support's workflow worker between the
// saga's compensations, or the teams that read the verdict while they undo); Customer Care killed while returns
// wait for their notification. Then Sales' verdict delivered twice. Nothing lost, no step taken twice, no refused
// return with anything standing, never more units shipped and held than in stock, and one notification per return.
import assert from 'node:assert/strict';
import type { ScenarioResult } from '../../faults/scenario';
import {
  eventSourcedCompensatingKills,
  eventSourcedCustomerCareKills,
  eventSourcedInventoryHoldingKills,
  traditionalCustomerCareKills,
  traditionalInventoryHoldingKills,
  traditionalUserSupportCompensatingKills,
} from '../../faults/scenarios/kills';
import { eventSourcedVerdictTwice } from '../../faults/scenarios/verdict-twice';
import { compareOutcomes } from '../../model/effects-check';
import { assertClean, testContext } from './support/fault-context';

const SCENARIOS = [
  { scenario: eventSourcedInventoryHoldingKills, seed: 31 },
  { scenario: traditionalInventoryHoldingKills, seed: 32 },
  { scenario: eventSourcedCustomerCareKills, seed: 33 },
  { scenario: traditionalCustomerCareKills, seed: 34 },
  { scenario: eventSourcedCompensatingKills, seed: 35 },
  { scenario: traditionalUserSupportCompensatingKills, seed: 36 },
] as const;

describe('Faults: the windows of the process change, hit with SIGKILLs', () => {
  const contexts = SCENARIOS.map(({ seed }) => testContext(seed));
  const results: ScenarioResult[] = [];

  before(async function () {
    // Each kill may wait out a 10 s activity timeout or a 6 s session timeout, and a loaded machine slows every
    // restart: a few minutes per pair of scenarios.
    this.timeout(SCENARIOS.length * 180_000);
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

  it('should come to the same outcomes in both models, whichever window was hit', () => {
    for (const [eventSourced, traditional] of [
      [results[0], results[1]],
      [results[2], results[3]],
      [results[4], results[5]],
    ]) {
      const comparison = compareOutcomes(eventSourced.outcomes, traditional.outcomes, 'event-sourced', 'traditional');
      assert.equal(comparison.compared, eventSourced.returns);
      assert.deepEqual(comparison.differences, []);
    }
  });
});

describe("Faults: Sales' verdict delivered twice to the teams that read it", () => {
  const context = testContext(37);
  let result: ScenarioResult;

  before(async function () {
    this.timeout(600_000);
    result = await eventSourcedVerdictTwice.run(context);
  });

  it('should take no step twice on a verdict read again, at once or long after', () => {
    assertClean(result, context);
    const { copiedAtOnce, copiedLate } = result.details as { copiedAtOnce: number; copiedLate: number };
    assert.equal(copiedAtOnce, result.returns);
    assert.equal(copiedLate, result.returns);
    assert.ok(result.figures.copies >= copiedAtOnce + copiedLate);
  });
});
