// Customer Care's decider: reads the other teams' topics, not the requests, and once every team's record for a
// return stands under Sales' verdict, tells the customer the result with one CustomerNotified. A unit still held,
// or an order a refusal has not cancelled yet, is no result to tell.
import {
  decideNotification,
  notificationEvent,
  RECORD_OF_TEAM,
  type Team,
  TEAM_OF_EVENT,
  teamHasSettled,
  type TeamRecords,
} from '../../domain';
import { BucketMap } from '../bucket-map';
import { GrowOnlySet } from '../grow-only';
import { type TeamDecider, unchanged } from './decider';

export interface CustomerCareState {
  // Returns not notified yet, by returnId: the latest record of each team it reads.
  readonly pending: BucketMap<TeamRecords>;
  // Returns notified, by Customer Care's own topic: an event of one of them, read again, writes nothing. Ids only.
  readonly notified: GrowOnlySet;
}

export function createCustomerCareDecider(reads: readonly Team[]): TeamDecider<'customer-care', CustomerCareState> {
  return {
    team: 'customer-care',
    readsRequests: false,
    reads,

    initialState: () => ({ pending: BucketMap.empty(), notified: GrowOnlySet.empty() }),

    // Customer Care reads no requests: its runner is never handed one.
    decide: (_request, state) => unchanged(state),

    // An event delivered again may stand for a moment in place of a later one of its team, until that one comes
    // again after it; no record that stands is ever followed by another, so no notification comes of it.
    react(event, state) {
      const team = TEAM_OF_EVENT[event.type];
      const { returnId } = event.data;
      if (!reads.includes(team) || state.notified.has(returnId)) return unchanged(state);
      const records: TeamRecords = { ...state.pending.get(returnId), [RECORD_OF_TEAM[team]]: event.data };
      const learned = { ...state, pending: state.pending.with(returnId, records) };
      const { refund, replacement } = records;
      if (!refund || !replacement || !reads.every((read) => teamHasSettled(read, records))) return unchanged(learned);
      return { state: learned, events: [notificationEvent(decideNotification({ refund, replacement }))] };
    },

    evolve(state, event) {
      const { returnId } = event.data;
      return { pending: state.pending.without(returnId), notified: state.notified.with(returnId) };
    },
  };
}
