// What every team module declares about itself, so that the list of teams (index.ts) can derive each map of teams
// (outcome fields, record ids, the team of each event) instead of writing it out again.
import type { RefundRequest } from '../refund-request';
import type { Verdict } from './sales';

export interface TeamModule {
  readonly team: string;
  // The field of a return's outcome that the team's record fills.
  readonly outcomeField: string;
  // The team's entries of recordIds, each from the returnId alone.
  readonly recordIds: { readonly [kind: string]: (returnId: string) => string };
  // Every type of event the team writes: the team of an event is looked up by its type.
  readonly eventTypes: readonly string[];
  // The team's record as its event, written after the record the team held before for the same return, if any (a
  // held unit released is another event than a replacement cancelled). Its parameter names the team's record
  // type, its result the team's events.
  readonly eventOf: (
    record: never,
    before?: never,
  ) => { readonly type: string; readonly version: number; readonly data: unknown };
  // The team's record for a return nothing earlier interferes with (no earlier refund of its order, no unit of its
  // model taken yet), given the records of the teams before it in TEAM_MODULES: the one that stands once settled.
  readonly decideOnItsOwn: (request: RefundRequest, earlier: never) => { readonly returnId: string };
  // Whether the record is the one that stands for the return under Sales' verdict: a unit still held, or a charge
  // the verdict undoes, does not stand yet.
  readonly standsUnder: (record: never, verdict: Verdict) => boolean;
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
