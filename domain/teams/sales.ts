// Sales refunds the order a returned device was bought with, once per order and only within the return window.
import { type Money, zero } from '../money';
import type { RefundRequest } from '../refund-request';
import { defineTeam } from './team-module';

export const RETURN_WINDOW_DAYS = 30;
const DAY_MILLIS = 24 * 60 * 60 * 1000;

export const REFUND_STATUSES = ['issued', 'rejected'] as const;
export const REFUND_REJECTION_REASONS = ['outside-return-window', 'order-already-refunded'] as const;
export type RefundRejectionReason = (typeof REFUND_REJECTION_REASONS)[number];

export interface OrderRefund {
  readonly refundId: string;
  readonly returnId: string;
  readonly orderId: string;
  readonly status: (typeof REFUND_STATUSES)[number];
  readonly refundedAmount: Money;
  readonly rejectionReason: RefundRejectionReason | null;
  // The return whose refund already covers this order, when rejected for that reason.
  readonly refundedByReturnId: string | null;
}

export interface SalesView {
  // The return that already refunded this order, or null: Sales' only state that matters to a new refund.
  readonly earlierRefundOfOrder: string | null;
}

function refundIdOf(returnId: string): string {
  return `refund:${returnId}`;
}

export function isWithinReturnWindow(purchasedAt: string, requestedAt: string): boolean {
  return Date.parse(requestedAt) - Date.parse(purchasedAt) <= RETURN_WINDOW_DAYS * DAY_MILLIS;
}

export function decideOrderRefund(request: RefundRequest, sales: SalesView): OrderRefund {
  const { order, returnId } = request;
  const base = { refundId: refundIdOf(returnId), returnId, orderId: order.orderId };
  if (sales.earlierRefundOfOrder !== null && sales.earlierRefundOfOrder !== returnId) {
    return {
      ...base,
      status: 'rejected',
      refundedAmount: zero(order.amountPaid.currency),
      rejectionReason: 'order-already-refunded',
      refundedByReturnId: sales.earlierRefundOfOrder,
    };
  }
  if (!isWithinReturnWindow(order.purchasedAt, request.requestedAt)) {
    return {
      ...base,
      status: 'rejected',
      refundedAmount: zero(order.amountPaid.currency),
      rejectionReason: 'outside-return-window',
      refundedByReturnId: null,
    };
  }
  return {
    ...base,
    status: 'issued',
    refundedAmount: order.amountPaid,
    rejectionReason: null,
    refundedByReturnId: null,
  };
}

export interface RefundIssuedV2 {
  readonly type: 'RefundIssued';
  readonly version: 2;
  readonly data: OrderRefund;
}
export interface RefundRejectedV2 {
  readonly type: 'RefundRejected';
  readonly version: 2;
  readonly data: OrderRefund;
}

// Sales' refund is the verdict every other team's effect depends on: a return is accepted when the refund is
// issued, and refused, with its reason, when it is rejected.
export type Verdict =
  | { readonly kind: 'accepted' }
  | { readonly kind: 'refused'; readonly reason: RefundRejectionReason; readonly refundedByReturnId: string | null };

export function verdictOf(refund: OrderRefund): Verdict {
  if (refund.status === 'issued') return { kind: 'accepted' };
  if (refund.rejectionReason === null) throw new Error(`Refund ${refund.refundId} is rejected without a reason`);
  return { kind: 'refused', reason: refund.rejectionReason, refundedByReturnId: refund.refundedByReturnId };
}

// Records become events by what they say happened, never by who asked.
export function refundEvent(refund: OrderRefund): RefundIssuedV2 | RefundRejectedV2 {
  return refund.status === 'issued'
    ? { type: 'RefundIssued', version: 2, data: refund }
    : { type: 'RefundRejected', version: 2, data: refund };
}

export const SALES_TEAM = defineTeam({
  team: 'sales',
  outcomeField: 'refund',
  recordIds: { refund: refundIdOf },
  eventTypes: ['RefundIssued', 'RefundRejected'],
  eventOf: refundEvent,
  decideOnItsOwn: (request: RefundRequest) => decideOrderRefund(request, { earlierRefundOfOrder: null }),
  // Sales' record stands as it is made: nothing later undoes a verdict.
  standsUnder: () => true,
});
