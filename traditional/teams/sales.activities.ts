// Sales' endpoint in the traditional model. Step 1 of the seed: User Support creates an OrderRefundRequest here.
import { decideOrderRefund, type OrderRefund, type RefundRequest } from '../../domain';
import type { TeamDependencies, TeamStore, TeamTable } from '../team-store';

type SalesColumn = 'order_id' | 'status';
export type SalesStore = TeamStore<OrderRefund, SalesColumn>;

export const SALES_TABLE: TeamTable<OrderRefund, SalesColumn> = {
  name: 'order_refunds',
  recordId: (refund) => refund.refundId,
  columns: { order_id: (refund) => refund.orderId, status: (refund) => refund.status },
  indexes: [['order_id', 'status']],
};

export function createSalesActivities({ store, clock }: TeamDependencies<SalesStore>) {
  return {
    async createOrderRefundRequest(request: RefundRequest): Promise<OrderRefund> {
      return store.recordOnce(request.returnId, clock().toISOString(), async (view) =>
        decideOrderRefund(request, {
          // Only an issued refund covers the order; a rejected one leaves it open to a later return.
          earlierRefundOfOrder: await view.firstReturnIdWhere({ order_id: request.order.orderId, status: 'issued' }),
        }),
      );
    },
  };
}

export type SalesActivities = ReturnType<typeof createSalesActivities>;
