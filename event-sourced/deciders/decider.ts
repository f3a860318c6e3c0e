// The shape of every team's decider: decide turns a request and the team's own state into the team's new events;
// evolve folds one of those events into the state. Both are pure, so a decider is tested without a broker, and the
// state can always be rebuilt by folding the team's own topic from the beginning.
// The state is the business's alone: what a decision needs to know, such as which orders are refunded. Which
// returns the team has answered is the runner's to know (team-runner.ts), as a team's store knows it in the
// traditional model: decide is called only for a return the team has not answered yet.
import type { RefundRequestedV1, Team } from '../../domain';
import type { TeamEventsOf } from '../envelope';

export interface TeamDecider<T extends Team, State> {
  readonly team: T;
  initialState(): State;
  decide(request: RefundRequestedV1, state: State): TeamEventsOf[T][];
  evolve(state: State, event: TeamEventsOf[T]): State;
}
