// Sales' decider: answers the Order part of each RefundRequested with a RefundIssued or a RefundRejected.
// Its state is what its own events say: which orders are refunded, and by which return.
import { decideOrderRefund, refundEvent, type SalesView } from '../../domain';
import { GrowOnlyMap } from '../grow-only';
import type { TeamDecider } from './decider';

export interface SalesState {
  // orderId -> the return whose RefundIssued covers that order.
  readonly refundedOrders: GrowOnlyMap<string>;
}

export const salesDecider: TeamDecider<'sales', SalesState> = {
  team: 'sales',

  initialState: () => ({ refundedOrders: GrowOnlyMap.empty<string>() }),

  decide(request, state) {
    const view: SalesView = { earlierRefundOfOrder: state.refundedOrders.get(request.data.order.orderId) ?? null };
    return [refundEvent(decideOrderRefund(request.data, view))];
  },

  evolve(state, event) {
    if (event.type !== 'RefundIssued') return state;
    return { refundedOrders: state.refundedOrders.with(event.data.orderId, event.data.returnId) };
  },
};
