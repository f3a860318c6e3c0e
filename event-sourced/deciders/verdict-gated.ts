// The steps every team that Sales' verdict gates (Inventory, Manufacturing, Accounting) takes for a return, whatever
// it records: the request and the verdict arrive on two topics, in either order, and the team's record stands once
// it is the one the verdict leaves. Each team gives its own rules (what it records before the verdict, how the
// verdict settles it); the bookkeeping of what it has heard of each return is here, once.
import { isDeepStrictEqual } from 'node:util';
import { type RefundRequest, type Team, type TeamEvent, type Verdict, verdictOf } from '../../domain';
import type { BucketMap } from '../bucket-map';
import type { TeamEventsOf } from '../envelope';
import type { GrowOnlySet } from '../grow-only';
import { type Reaction, type TeamDecider, unchanged } from './decider';

type RecordOf<T extends Team> = TeamEventsOf[T]['data'];

// What the team has heard of a return that has not settled for it: each part arrives on its own.
export interface OpenReturn<R> {
  readonly request?: RefundRequest;
  // The team's latest record of the return.
  readonly record?: R;
  readonly verdict?: Verdict;
}

export interface GatedState<R> {
  // Returns not settled for the team yet, by returnId: the only ones it keeps whole, so this holds what is in
  // flight, not the history. A request waiting for its verdict, a verdict that came before its request, a held unit.
  readonly open: BucketMap<OpenReturn<R>>;
  // Returns whose record stands: the verdict on one of them, read again, writes nothing. Ids only.
  readonly settled: GrowOnlySet;
}

export interface GatedRules<T extends Team, State extends GatedState<RecordOf<T>>> {
  readonly team: T;
  initialState(): State;
  // What the team records on the request while the verdict is not known; null to wait for the verdict.
  beforeVerdict(request: RefundRequest, state: State): RecordOf<T> | null;
  // The record that stands under the verdict, from the one recorded before it, if any.
  settle(request: RefundRequest, recorded: RecordOf<T> | undefined, verdict: Verdict, state: State): RecordOf<T>;
  standsUnder(record: RecordOf<T>, verdict: Verdict): boolean;
  // The event of a record, written after the one the team recorded before it (a release is not a cancellation).
  eventOf(record: RecordOf<T>, before: RecordOf<T> | undefined): TeamEventsOf[T];
  // What else the state keeps when a record replaces the one before it (Inventory's units taken).
  count?(state: State, record: RecordOf<T>, before: RecordOf<T> | undefined): State;
}

// Sales' verdict, from one of Sales' events; null for any other event.
export function verdictOfEvent(event: TeamEvent): Verdict | null {
  return event.type === 'RefundIssued' || event.type === 'RefundRejected' ? verdictOf(event.data) : null;
}

// reads names Sales: a team the verdict gates cannot do without Sales' topic.
export function verdictGatedDecider<T extends Team, State extends GatedState<RecordOf<T>>>(
  rules: GatedRules<T, State>,
  reads: readonly ['sales', ...Team[]],
): TeamDecider<T, State> {
  const withOpen = (state: State, returnId: string, open: OpenReturn<RecordOf<T>>): State => ({
    ...state,
    open: state.open.with(returnId, open),
  });
  const settledIn = (state: State, returnId: string): State => ({
    ...state,
    open: state.open.without(returnId),
    settled: state.settled.with(returnId),
  });
  // The record that stands under the verdict, written unless it is the one recorded already.
  const settleUnder = (
    learned: State,
    request: RefundRequest,
    recorded: RecordOf<T> | undefined,
    verdict: Verdict,
  ): Reaction<T, State> => {
    const settled = rules.settle(request, recorded, verdict, learned);
    // A record the verdict cannot move (a unit shipped by the release before the change, for a return now
    // refused) stays as it is: writing it again would be a second effect of one step.
    if (recorded !== undefined && isDeepStrictEqual(settled, recorded)) return unchanged(learned);
    return { state: learned, events: [rules.eventOf(settled, recorded)] };
  };
  return {
    team: rules.team,
    readsRequests: true,
    reads,
    initialState: () => rules.initialState(),

    // With the verdict known already, the record that stands is recorded at once.
    decide(request, state) {
      const { returnId } = request.data;
      const open = state.open.get(returnId) ?? {};
      const record = open.verdict
        ? rules.settle(request.data, undefined, open.verdict, state)
        : rules.beforeVerdict(request.data, state);
      return {
        state: withOpen(state, returnId, { ...open, request: request.data }),
        events: record === null ? [] : [rules.eventOf(record, undefined)],
      };
    },

    react(event, state) {
      const verdict = verdictOfEvent(event);
      const { returnId } = event.data;
      if (verdict === null || state.settled.has(returnId)) return unchanged(state);
      const open = state.open.get(returnId) ?? {};
      // Delivered again, or read again on a restart: the verdict was taken.
      if (open.verdict) return unchanged(state);
      if (open.record !== undefined && rules.standsUnder(open.record, verdict)) {
        return unchanged(settledIn(state, returnId));
      }
      const learned = withOpen(state, returnId, { ...open, verdict });
      // Before its request: kept until the request comes.
      if (!open.request) return unchanged(learned);
      return settleUnder(learned, open.request, open.record, verdict);
    },

    // The request of a return the team answered, read again after its verdict: the verdict waited for it (the
    // re-keying of a scope's history forwards the two topics in no set order), so the record is settled now.
    recall(request, state) {
      const { returnId } = request.data;
      const open = state.open.get(returnId);
      if (!open || open.request) return unchanged(state);
      const learned = withOpen(state, returnId, { ...open, request: request.data });
      return open.verdict ? settleUnder(learned, request.data, open.record, open.verdict) : unchanged(learned);
    },

    evolve(state, event) {
      const record = event.data as RecordOf<T>;
      const { returnId } = record as { readonly returnId: string };
      if (state.settled.has(returnId)) return state;
      const open = state.open.get(returnId) ?? {};
      const counted = rules.count ? rules.count(state, record, open.record) : state;
      return open.verdict && rules.standsUnder(record, open.verdict)
        ? settledIn(counted, returnId)
        : withOpen(counted, returnId, { ...open, record });
    },
  };
}
