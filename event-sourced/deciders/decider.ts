// The shape of every team's decider: decide answers a request, react answers another team's event, and each says
// what the team learns (its new state) and what it writes (its new events); evolve folds one of the team's own events
// into the state. All are pure, so a decider is tested without a broker, and the state can always be rebuilt by
// folding the team's own topic from the beginning and reading again the topics it reads (team-runner.ts).
// The state is the business's alone: what a decision needs to know, such as which orders are refunded. Which
// returns the team has answered is the runner's to know (team-runner.ts), as a team's store knows it in the
// traditional model: decide is called only for a return the team has not answered yet. react is called for every
// event of the teams it reads, again after a restart, so a reaction is idempotent by the state: an event the team
// has reacted to before writes nothing.
import type { RefundRequestedV1, Team, TeamEvent } from '../../domain';
import type { TeamEventsOf } from '../envelope';

export interface Reaction<T extends Team, State> {
  // What the team learned: its state before the events below are folded in.
  readonly state: State;
  readonly events: readonly TeamEventsOf[T][];
}

export interface TeamDecider<T extends Team, State> {
  readonly team: T;
  // Whether the team answers the requests: every team but one that only listens to the others (Customer Care).
  readonly readsRequests: boolean;
  // The teams whose topics the team reads besides the requests (TEAM_INPUTS in teams.ts).
  readonly reads: readonly Team[];
  initialState(): State;
  decide(request: RefundRequestedV1, state: State): Reaction<T, State>;
  // An event of one of the teams it reads.
  react(event: TeamEvent, state: State): Reaction<T, State>;
  // A request the team answered before, delivered again or read again when the runner starts: what the team keeps
  // of it while the return is not settled (the request of a held unit, say), and what it writes now that it has it
  // again (a verdict that waited for it). A team that needs nothing of an answered request has none.
  recall?(request: RefundRequestedV1, state: State): Reaction<T, State>;
  evolve(state: State, event: TeamEventsOf[T]): State;
}

// The reaction of a team that learns nothing from the event and writes nothing.
export function unchanged<T extends Team, State>(state: State): Reaction<T, State> {
  return { state, events: [] };
}
