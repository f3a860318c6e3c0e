// given(earlier events).when(request).then(new events): a team subscriber's rules read as a specification, and
// run without a broker, after emmett's DeciderSpecification.
import assert from 'node:assert/strict';
import { type RefundRequest, refundRequested, type Team } from '../../../domain';
import type { TeamEventsOf } from '../../../event-sourced/envelope';
import type { TeamDecider } from '../../../event-sourced/subscribers/decider';

export interface Specification<T extends Team, State> {
  when(request: RefundRequest): {
    then(expected: readonly TeamEventsOf[T][]): void;
    thenState(check: (state: State) => void): void;
  };
}

export function specificationOf<T extends Team, State>(decider: TeamDecider<T, State>) {
  return (given: readonly TeamEventsOf[T][]): Specification<T, State> => ({
    when(request) {
      const state = given.reduce((current, event) => decider.evolve(current, event), decider.initialState());
      const events = decider.decide(refundRequested(request), state);
      return {
        then: (expected) => assert.deepEqual(events, expected),
        thenState: (check) => check(events.reduce((current, event) => decider.evolve(current, event), state)),
      };
    },
  });
}
