// Team processes SIGKILLed at random moments while returns flow, in each model: nothing lost, nothing decided
// twice, every return completed once the victim is back, and both models come to the same outcomes.
import assert from 'node:assert/strict';
import type { ScenarioResult } from '../../faults/scenario';
import { eventSourcedKills, traditionalKills } from '../../faults/scenarios/kills';
import { compareOutcomes } from '../../model/effects-check';
import { assertClean, testContext } from './support/fault-context';

describe('Faults: team processes SIGKILLed at random moments', () => {
  const eventSourcedContext = testContext(11);
  const traditionalContext = testContext(12);
  let eventSourced: ScenarioResult;
  let traditional: ScenarioResult;

  before(async () => {
    // Side by side: each model in its own scope, with its own processes.
    [eventSourced, traditional] = await Promise.all([
      eventSourcedKills.run(eventSourcedContext),
      traditionalKills.run(traditionalContext),
    ]);
  });

  describe('when event-sourced team subscribers are SIGKILLed three times', () => {
    it('should lose nothing, decide nothing twice and complete every return', () => {
      assertClean(eventSourced, eventSourcedContext);
      assert.equal((eventSourced.details.kills as unknown[]).length, 3);
    });
  });

  describe('when traditional team workers are SIGKILLed three times mid-activity', () => {
    it('should lose nothing, decide nothing twice and complete every return', () => {
      assertClean(traditional, traditionalContext);
      assert.equal((traditional.details.kills as unknown[]).length, 3);
    });
  });

  describe('when both models ran the same returns in the same dependency order', () => {
    it('should give every return the same outcome in both', () => {
      const comparison = compareOutcomes(eventSourced.outcomes, traditional.outcomes, 'event-sourced', 'traditional');
      assert.equal(comparison.compared, eventSourced.returns);
      assert.deepEqual(comparison.differences, []);
    });
  });
});
