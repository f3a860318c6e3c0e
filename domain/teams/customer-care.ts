// Customer Care tells the customer the result of the return, once: after every other team's record for it stands.
// It is the one team that needs the whole picture; what it says comes from Sales' verdict and Inventory's
// replacement, and when it may say it, from every team.
import type { Money } from '../money';
import { RETURN_WINDOW_DAYS, type OrderRefund, type RefundRejectionReason, verdictOf } from './sales';
import type { ReplacementShipment } from './inventory';
import { defineTeam } from './team-module';

export interface CustomerNotification {
  readonly notificationId: string;
  readonly returnId: string;
  readonly recipient: string;
  readonly verdict: 'accepted' | 'refused';
  // Accepted: the amount refunded, and whether the replacement shipped or is backordered.
  readonly refundedAmount: Money | null;
  readonly replacement: 'shipped' | 'backordered' | null;
  // Refused: why.
  readonly refusalReason: RefundRejectionReason | null;
  readonly message: string;
}

// What the notification is made of: the records that stand for the return.
export interface SettledReturn {
  readonly refund: OrderRefund;
  readonly replacement: ReplacementShipment;
}

function notificationIdOf(returnId: string): string {
  return `notification:${returnId}`;
}

function amountText({ amountCents, currency }: Money): string {
  return `${Math.floor(amountCents / 100)}.${String(amountCents % 100).padStart(2, '0')} ${currency}`;
}

function refusalText(refund: OrderRefund, reason: RefundRejectionReason): string {
  return reason === 'outside-return-window'
    ? `it was requested more than ${RETURN_WINDOW_DAYS} days after the purchase`
    : `order ${refund.orderId} was already refunded by return ${refund.refundedByReturnId ?? 'another return'}`;
}

export function decideNotification({ refund, replacement }: SettledReturn): CustomerNotification {
  const { returnId } = refund;
  const base = { notificationId: notificationIdOf(returnId), returnId, recipient: replacement.shipTo.recipient };
  const verdict = verdictOf(refund);
  if (verdict.kind === 'refused') {
    return {
      ...base,
      verdict: 'refused',
      refundedAmount: null,
      replacement: null,
      refusalReason: verdict.reason,
      message: `Your return ${returnId} is refused: ${refusalText(refund, verdict.reason)}. No replacement is sent.`,
    };
  }
  const shipped = replacement.status === 'shipped';
  if (!shipped && replacement.status !== 'backordered') {
    throw new Error(`Return ${returnId} is accepted, but its replacement is ${replacement.status}`);
  }
  return {
    ...base,
    verdict: 'accepted',
    refundedAmount: refund.refundedAmount,
    replacement: shipped ? 'shipped' : 'backordered',
    refusalReason: null,
    message:
      `Your return ${returnId} is accepted: ${amountText(refund.refundedAmount)} refunded, and your replacement ` +
      `${replacement.modelId} ${shipped ? 'has shipped' : 'is backordered'}.`,
  };
}

export interface CustomerNotifiedV1 {
  readonly type: 'CustomerNotified';
  readonly version: 1;
  readonly data: CustomerNotification;
}

export function notificationEvent(notification: CustomerNotification): CustomerNotifiedV1 {
  return { type: 'CustomerNotified', version: 1, data: notification };
}

export const CUSTOMER_CARE_TEAM = defineTeam({
  team: 'customer-care',
  outcomeField: 'notification',
  recordIds: { notification: notificationIdOf },
  eventTypes: ['CustomerNotified'],
  eventOf: notificationEvent,
  decideOnItsOwn: (_request: unknown, earlier: SettledReturn) => decideNotification(earlier),
  // Written once everything else stands, and never changed.
  standsUnder: () => true,
});
