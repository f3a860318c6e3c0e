// given(what the team has seen).when(a request, or another team's event).then(the team's new events): a team's
// rules read as a specification, and run without a broker, after emmett's DeciderSpecification. The team takes each
// as its runner has it take it (team-runner.ts): a request it has not answered is decided, a request it has
// answered changes nothing, an event of a team it reads is reacted to, and one of its own events is folded in.
import assert from 'node:assert/strict';
import { type RefundRequest, type Team, type TeamEvent, TEAM_OF_EVENT } from '../../../domain';
import type { TeamDecider } from '../../../event-sourced/deciders/decider';
import {
  eventIdOf,
  requestEnvelope,
  type TeamEventEnvelope,
  type TeamEventsOf,
  USER_SUPPORT,
} from '../../../event-sourced/envelope';
import {
  type AnsweredRequests,
  evolveTeamState,
  initialTeamState,
  type Taken,
  takeRequest,
  takeTeamEvent,
  type TeamState,
} from '../../../event-sourced/team-runner';

const AT = '2026-05-11T10:00:05.000Z';

// A request, or an event of any team: what a team may be handed.
export type Seen = RefundRequest | TeamEvent;

export interface Specification<T extends Team, State> {
  when(next: Seen): {
    then(expected: readonly TeamEventsOf[T][]): void;
    // The decider's state after the new events, and the returns the team has answered by then.
    thenState(check: (state: State, answered: AnsweredRequests) => void): void;
  };
}

function isTeamEvent(seen: Seen): seen is TeamEvent {
  return 'type' in seen && 'data' in seen;
}

// Another team's event as the team reads it: caused by its request, whose content it does not name.
function asRead(event: TeamEvent): TeamEventEnvelope {
  const team = TEAM_OF_EVENT[event.type];
  const { returnId } = event.data;
  return {
    eventId: eventIdOf(team, event.type, returnId),
    ...event,
    returnId,
    occurredAt: AT,
    producer: team,
    causationId: eventIdOf(USER_SUPPORT, 'RefundRequested', returnId),
    causationContentId: null,
  };
}

export function specificationOf<T extends Team, State>(decider: TeamDecider<T, State>) {
  // The team's own given events name no content of the request they answered, as events of version 1: a request
  // under their returnId is then the same request again.
  const take = (state: TeamState<State>, seen: Seen): Taken<T, State> => {
    if (!isTeamEvent(seen)) {
      const taken = takeRequest(decider, state, requestEnvelope(seen, AT), () => AT);
      if (taken.answer.kind === 'conflicting-duplicate') throw new Error('A given event names no request content');
      return taken;
    }
    if (TEAM_OF_EVENT[seen.type] === decider.team) {
      const own = seen as TeamEventsOf[T];
      return { state: evolveTeamState(decider, state, { ...own, causationContentId: null }), written: [] };
    }
    return takeTeamEvent(decider, state, asRead(seen), () => AT);
  };
  return (given: readonly Seen[]): Specification<T, State> => ({
    when(next) {
      const state = given.reduce((before, seen) => take(before, seen).state, initialTeamState(decider));
      const { state: after, written } = take(state, next);
      const events = written.map(({ type, version, data }) => ({ type, version, data }));
      return {
        then: (expected) => assert.deepEqual(events, expected),
        thenState: (check) => check(after.decided, after.answered),
      };
    },
  });
}
