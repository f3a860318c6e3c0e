// given(earlier events).when(request).then(new events): a team's rules read as a specification, and run without a
// broker, after emmett's DeciderSpecification. The team answers as its runner has it answer: its decider decides a
// return the team has not answered, and a request for one it has answered changes nothing.
import assert from 'node:assert/strict';
import { type RefundRequest, refundRequested, type Team } from '../../../domain';
import type { TeamDecider } from '../../../event-sourced/deciders/decider';
import type { TeamEventsOf } from '../../../event-sourced/envelope';
import {
  type AnsweredRequests,
  answerOf,
  evolveTeamState,
  initialTeamState,
  type TeamState,
} from '../../../event-sourced/team-runner';

export interface Specification<T extends Team, State> {
  when(request: RefundRequest): {
    then(expected: readonly TeamEventsOf[T][]): void;
    // The decider's state after the new events, and the returns the team has answered by then.
    thenState(check: (state: State, answered: AnsweredRequests) => void): void;
  };
}

export function specificationOf<T extends Team, State>(decider: TeamDecider<T, State>) {
  // The given events name no content of the request they answered, as events of version 1: a request under their
  // returnId is then the same request again.
  const evolve = (state: TeamState<State>, event: TeamEventsOf[T]) =>
    evolveTeamState(decider, state, { ...event, causationContentId: null });
  return (given: readonly TeamEventsOf[T][]): Specification<T, State> => ({
    when(request) {
      const state = given.reduce(evolve, initialTeamState(decider));
      const answer = answerOf(decider, state, refundRequested(request));
      if (answer.kind === 'conflicting-duplicate') throw new Error('A given event names no request content');
      const events = answer.kind === 'decided' ? answer.events : [];
      return {
        then: (expected) => assert.deepEqual(events, expected),
        thenState: (check) => {
          const after = events.reduce(evolve, state);
          check(after.decided, after.answered);
        },
      };
    },
  });
}
