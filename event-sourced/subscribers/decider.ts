// The shape of every team subscriber: a decider. decide turns a request and the team's own state into the
// team's new events; evolve folds one of those events into the state. Both are pure, so a subscriber is tested
// without a broker, and the state can always be rebuilt by folding the team's own topic from the beginning.
import type { RefundRequestedV1, Team } from '../../domain';
import type { TeamEventsOf } from '../envelope';

export interface TeamDecider<T extends Team, State> {
  readonly team: T;
  initialState(): State;
  // No events when the team has handled this return already: a redelivered request changes nothing.
  decide(request: RefundRequestedV1, state: State): TeamEventsOf[T][];
  evolve(state: State, event: TeamEventsOf[T]): State;
}
