// The same returns submitted three times at once, then all again after they finished, with every team a process
// of its own: each team decides each return once, and the traditional model runs one workflow per return.
import assert from 'node:assert/strict';
import type { ScenarioResult } from '../../faults/scenario';
import { eventSourcedDuplicates, traditionalDuplicates } from '../../faults/scenarios/duplicates';
import { compareOutcomes } from '../../model/effects-check';
import { assertClean, testContext } from './support/fault-context';

describe('Faults: duplicate submissions', () => {
  const eventSourcedContext = testContext(31);
  const traditionalContext = testContext(32);
  let eventSourced: ScenarioResult;
  let traditional: ScenarioResult;

  before(async () => {
    [eventSourced, traditional] = await Promise.all([
      eventSourcedDuplicates.run(eventSourcedContext),
      traditionalDuplicates.run(traditionalContext),
    ]);
  });

  for (const model of ['event-sourced', 'traditional'] as const) {
    describe(`when every return reaches the ${model} model four times, three of them at once`, () => {
      it('should have each team decide each return exactly once', () => {
        const result = model === 'event-sourced' ? eventSourced : traditional;
        assertClean(result, model === 'event-sourced' ? eventSourcedContext : traditionalContext);
        assert.equal(result.details.submissions, result.returns * 4);
      });
    });
  }

  describe('when the traditional model took the copies', () => {
    it('should have started one workflow run per return', () => {
      assert.equal(traditional.details.workflowRuns, traditional.returns);
    });
  });

  describe('when both models took the same copies', () => {
    it('should give every return the same outcome in both', () => {
      const comparison = compareOutcomes(eventSourced.outcomes, traditional.outcomes, 'event-sourced', 'traditional');
      assert.equal(comparison.compared, eventSourced.returns);
      assert.deepEqual(comparison.differences, []);
    });
  });
});
