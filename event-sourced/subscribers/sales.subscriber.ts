// Sales' subscriber: answers the Order part of each RefundRequested with a RefundIssued or a RefundRejected.
// Its state is what its own events say: which returns it has answered, and which orders are refunded by which.
import { decideOrderRefund, refundEvent, type SalesView } from '../../domain';
import type { TeamDecider } from './decider';
import { GrowOnlyMap, GrowOnlySet } from './grow-only';

export interface SalesState {
  readonly handledReturnIds: GrowOnlySet;
  // orderId -> the return whose RefundIssued covers that order.
  readonly refundedOrders: GrowOnlyMap<string>;
}

export const salesSubscriber: TeamDecider<'sales', SalesState> = {
  team: 'sales',

  initialState: () => ({ handledReturnIds: GrowOnlySet.empty(), refundedOrders: GrowOnlyMap.empty<string>() }),

  decide(request, state) {
    const { returnId, order } = request.data;
    if (state.handledReturnIds.has(returnId)) return [];
    const view: SalesView = { earlierRefundOfOrder: state.refundedOrders.get(order.orderId) ?? null };
    return [refundEvent(decideOrderRefund(request.data, view))];
  },

  evolve(state, event) {
    const refund = event.data;
    return {
      handledReturnIds: state.handledReturnIds.with(refund.returnId),
      refundedOrders:
        event.type === 'RefundIssued'
          ? state.refundedOrders.with(refund.orderId, refund.returnId)
          : state.refundedOrders,
    };
  },
};
