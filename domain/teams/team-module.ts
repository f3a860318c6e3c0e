// What every team module declares about itself, so that the list of teams (index.ts) can derive each map of teams
// (outcome fields, record ids, the team of each event) instead of writing it out again.
import type { RefundRequest } from '../refund-request';

export interface TeamModule {
  readonly team: string;
  // The field of a return's outcome that the team's record fills.
  readonly outcomeField: string;
  // The team's entries of recordIds, each from the returnId alone.
  readonly recordIds: { readonly [kind: string]: (returnId: string) => string };
  // Every type of event the team writes: the team of an event is looked up by its type.
  readonly eventTypes: readonly string[];
  // The team's record as its event. Its parameter names the team's record type, its result the team's events.
  readonly eventOf: (record: never) => { readonly type: string; readonly version: number; readonly data: unknown };
  // The team's record for a return nothing earlier interferes with: no earlier refund of its order, no unit of its
  // model shipped yet.
  readonly decideOnItsOwn: (request: RefundRequest) => { readonly returnId: string };
}

// A type of event that eventOf can return but eventTypes leaves out would have no team: the compiler then asks for
// unlistedEventTypes and names them in its error.
type EveryEventTypeListed<M extends TeamModule> = [UnlistedEventTypes<M>] extends [never]
  ? unknown
  : { readonly unlistedEventTypes: UnlistedEventTypes<M> };
type UnlistedEventTypes<M extends TeamModule> = Exclude<ReturnType<M['eventOf']>['type'], M['eventTypes'][number]>;

export function defineTeam<const M extends TeamModule>(module: M & EveryEventTypeListed<M>): M {
  return module;
}
