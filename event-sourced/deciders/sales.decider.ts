// Sales' decider: answers the Order part of each RefundRequested with a RefundIssued or a RefundRejected, the
// verdict the other teams wait for. Its state is what its own events say: which orders are refunded, and by which
// return. It reads no other team.
import { decideOrderRefund, refundEvent, type SalesView } from '../../domain';
import { GrowOnlyMap } from '../grow-only';
import { type TeamDecider, unchanged } from './decider';

export interface SalesState {
  // orderId -> the return whose RefundIssued covers that order.
  readonly refundedOrders: GrowOnlyMap<string>;
}

export function createSalesDecider(reads: readonly []): TeamDecider<'sales', SalesState> {
  return {
    team: 'sales',
    readsRequests: true,
    reads,

    initialState: () => ({ refundedOrders: GrowOnlyMap.empty<string>() }),

    decide(request, state) {
      const view: SalesView = { earlierRefundOfOrder: state.refundedOrders.get(request.data.order.orderId) ?? null };
      return { state, events: [refundEvent(decideOrderRefund(request.data, view))] };
    },

    react: (_event, state) => unchanged(state),

    evolve(state, event) {
      if (event.type !== 'RefundIssued') return state;
      return { refundedOrders: state.refundedOrders.with(event.data.orderId, event.data.returnId) };
    },
  };
}
