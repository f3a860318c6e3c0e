// The crash point: every team's process dies after its effect is stored and before it is acknowledged (the
// events appended, the request not committed; the record inserted, the activity not reported done). With
// idempotency on, the redelivery or retry finds the effect; with it off (the negative control) the same crashes
// leave duplicates, which proves the crashes land in the window that matters.
import assert from 'node:assert/strict';
import type { CrashPoint } from '../../faults/inject';
import type { ScenarioResult } from '../../faults/scenario';
import {
  eventSourcedCrashPoint,
  eventSourcedNegativeControl,
  traditionalCrashPoint,
  traditionalNegativeControl,
} from '../../faults/scenarios/crash-point';
import { TEAMS } from '../../domain';
import { compareOutcomes } from '../../model/effects-check';
import { assertClean, testContext } from './support/fault-context';

function assertEveryCrashPointReached(result: ScenarioResult): void {
  const points = result.details.crashPoints as CrashPoint[];
  assert.equal(points.length, TEAMS.length);
  assert.deepEqual(
    points.map(({ role, reached, exit }) => ({ role, reached, exit })),
    points.map(({ role }) => ({ role, reached: true, exit: 'signal SIGKILL' })),
  );
}

describe('Faults: the crash point between storing an effect and acknowledging it', () => {
  const contexts = {
    eventSourced: testContext(21),
    traditional: testContext(22),
    eventSourcedControl: testContext(23),
    traditionalControl: testContext(24),
  };
  let eventSourced: ScenarioResult;
  let traditional: ScenarioResult;
  const controls = new Map<string, ScenarioResult>();

  before(async () => {
    // All four side by side, each model in its own scope with its own processes: most of the time is spent
    // waiting for a crashed process to be replaced.
    let eventSourcedControl: ScenarioResult;
    let traditionalControl: ScenarioResult;
    [eventSourced, traditional, eventSourcedControl, traditionalControl] = await Promise.all([
      eventSourcedCrashPoint.run(contexts.eventSourced),
      traditionalCrashPoint.run(contexts.traditional),
      eventSourcedNegativeControl.run(contexts.eventSourcedControl),
      traditionalNegativeControl.run(contexts.traditionalControl),
    ]);
    controls.set('event-sourced', eventSourcedControl);
    controls.set('traditional', traditionalControl);
  });

  describe('when every event-sourced team dies after appending its events and before committing the request', () => {
    it('should reach each crash point once, with a hard kill', () => assertEveryCrashPointReached(eventSourced));

    it('should lose nothing and decide nothing twice', () => assertClean(eventSourced, contexts.eventSourced));
  });

  describe('when every traditional team worker dies after inserting its record and before completing the activity', () => {
    it('should reach each crash point once, with a hard kill', () => assertEveryCrashPointReached(traditional));

    it('should lose nothing and decide nothing twice', () => assertClean(traditional, contexts.traditional));
  });

  describe('when both models ran the same returns through the same crashes', () => {
    it('should give every return the same outcome in both', () => {
      const comparison = compareOutcomes(traditional.outcomes, eventSourced.outcomes, 'traditional', 'event-sourced');
      assert.equal(comparison.compared, traditional.returns);
      assert.deepEqual(comparison.differences, []);
    });
  });

  describe('when the same crashes hit both models with idempotency switched off (the negative control)', () => {
    for (const model of ['event-sourced', 'traditional'] as const) {
      it(`should reach each crash point in the ${model} model`, () =>
        assertEveryCrashPointReached(controls.get(model)!));

      it(`should show duplicated effects in the ${model} model: what idempotency prevents, the checker sees`, () => {
        const result = controls.get(model)!;
        const context = model === 'event-sourced' ? contexts.eventSourcedControl : contexts.traditionalControl;
        assert.ok(result.figures.duplicated > 0, `no duplicate:\n${context.said()}`);
        assert.equal(result.figures.lost, 0);
        assert.ok(result.passed, result.problems.join('\n'));
      });
    }
  });
});
