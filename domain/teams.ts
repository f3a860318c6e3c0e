// The four teams' decisions. Each is a pure function from the request, and the slice of the team's own state it
// needs, to the team's record. Both models call exactly these functions; only how they are reached differs.
import { initialStockOf } from './catalogue';
import { type Money, zero } from './money';
import { assembleOutcome, type ReturnOutcome } from './outcome';
import type { Address, RefundRequest } from './refund-request';

export const TEAMS = ['sales', 'inventory', 'manufacturing', 'accounting'] as const;
export type Team = (typeof TEAMS)[number];

export const RETURN_WINDOW_DAYS = 30;
const DAY_MILLIS = 24 * 60 * 60 * 1000;

// Record ids derive from the returnId alone, so both models produce the same ids for the same return.
export const recordIds = {
  refund: (returnId: string) => `refund:${returnId}`,
  shipment: (returnId: string) => `shipment:${returnId}`,
  disassemblyOrder: (returnId: string) => `disassembly:${returnId}`,
  assetDisposal: (returnId: string) => `disposal:${returnId}`,
};

// Sales -----------------------------------------------------------------------------------------------------------

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

export function isWithinReturnWindow(purchasedAt: string, requestedAt: string): boolean {
  return Date.parse(requestedAt) - Date.parse(purchasedAt) <= RETURN_WINDOW_DAYS * DAY_MILLIS;
}

export function decideOrderRefund(request: RefundRequest, sales: SalesView): OrderRefund {
  const { order, returnId } = request;
  const base = { refundId: recordIds.refund(returnId), returnId, orderId: order.orderId };
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
  return { ...base, status: 'issued', refundedAmount: order.amountPaid, rejectionReason: null, refundedByReturnId: null };
}

// Inventory -------------------------------------------------------------------------------------------------------

export const SHIPMENT_STATUSES = ['shipped', 'backordered'] as const;

export interface ReplacementShipment {
  readonly shipmentId: string;
  readonly returnId: string;
  readonly modelId: string;
  readonly shipTo: Address;
  readonly status: (typeof SHIPMENT_STATUSES)[number];
}

export interface InventoryView {
  // Units of the requested model shipped so far by Inventory's own records.
  readonly unitsShippedOfModel: number;
}

export function unitsInStock(modelId: string, unitsShipped: number): number {
  if (!Number.isInteger(unitsShipped) || unitsShipped < 0) {
    throw new Error(`Units shipped must be a whole number of at least 0, got ${unitsShipped}`);
  }
  return Math.max(0, initialStockOf(modelId) - unitsShipped);
}

export function decideReplacementShipment(request: RefundRequest, inventory: InventoryView): ReplacementShipment {
  const { modelId } = request.model;
  const inStock = unitsInStock(modelId, inventory.unitsShippedOfModel) > 0;
  return {
    shipmentId: recordIds.shipment(request.returnId),
    returnId: request.returnId,
    modelId,
    shipTo: request.shipment.shipTo,
    status: inStock ? 'shipped' : 'backordered',
  };
}

// Manufacturing ---------------------------------------------------------------------------------------------------

export const DIAGNOSES = ['liquid-damage', 'battery', 'display', 'other'] as const;
export type Diagnosis = (typeof DIAGNOSES)[number];

// First match wins, in this order: liquid damage ruins every part, so it outranks a symptom it may have caused;
// a battery fault is a safety risk, so it outranks a display fault.
const DIAGNOSIS_KEYWORDS: readonly (readonly [Diagnosis, RegExp])[] = [
  ['liquid-damage', /\b((under)?water|liquid|spill\w*|wet|moisture|corro\w*|rain|pool|toilet)\b/i],
  ['battery', /\b(batter(y|ies)|charg\w*|swell\w*|swollen|drain\w*|power\w*|overheat\w*)\b/i],
  ['display', /\b(screen|display|pixels?|crack\w*|touch\w*|flicker\w*|backlight)\b/i],
];

export function diagnoseDefect(reportedDefect: string): Diagnosis {
  const match = DIAGNOSIS_KEYWORDS.find(([, pattern]) => pattern.test(reportedDefect));
  return match ? match[0] : 'other';
}

export interface DisassemblyOrder {
  readonly disassemblyOrderId: string;
  readonly returnId: string;
  readonly serialNumber: string;
  readonly siteId: string;
  readonly diagnosis: Diagnosis;
}

export function decideDisassemblyOrder(request: RefundRequest): DisassemblyOrder {
  return {
    disassemblyOrderId: recordIds.disassemblyOrder(request.returnId),
    returnId: request.returnId,
    serialNumber: request.defectiveItem.serialNumber,
    siteId: request.location.siteId,
    diagnosis: diagnoseDefect(request.defectiveItem.reportedDefect),
  };
}

// Accounting ------------------------------------------------------------------------------------------------------

export interface AssetDisposal {
  readonly disposalId: string;
  readonly returnId: string;
  readonly serialNumber: string;
  readonly costCentre: string;
  readonly amount: Money;
}

export function costCentreFor(siteId: string): string {
  return `CC-${siteId.toUpperCase()}`;
}

export function decideAssetDisposal(request: RefundRequest): AssetDisposal {
  return {
    disposalId: recordIds.assetDisposal(request.returnId),
    returnId: request.returnId,
    serialNumber: request.defectiveItem.serialNumber,
    costCentre: costCentreFor(request.location.siteId),
    amount: request.cost.bookValue,
  };
}

// The outcome of a return nothing earlier interferes with (no earlier refund of its order, no unit of its model
// shipped yet): what a return on its own must come to in either model.
export function outcomeOnItsOwn(request: RefundRequest): ReturnOutcome {
  const outcome = assembleOutcome(request.returnId, {
    refund: decideOrderRefund(request, { earlierRefundOfOrder: null }),
    replacement: decideReplacementShipment(request, { unitsShippedOfModel: 0 }),
    disassembly: decideDisassemblyOrder(request),
    disposal: decideAssetDisposal(request),
  });
  if (!outcome) throw new Error('all four records were given');
  return outcome;
}
