// Manufacturing registers a disassembly order for the defective unit at its location, with a diagnosis read from
// the reported defect. For a refused return no disassembly order stands: one already registered is cancelled, and
// the unit is sent back to the customer.
import type { RefundRequest } from '../refund-request';
import { type OrderRefund, type Verdict, verdictOf } from './sales';
import { defineTeam } from './team-module';

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

// ordered: the unit will be disassembled. unit-returned: the return was refused, so the unit goes back to the
// customer instead, and no disassembly order stands.
export const DISASSEMBLY_STATUSES = ['ordered', 'unit-returned'] as const;
export type DisassemblyStatus = (typeof DISASSEMBLY_STATUSES)[number];

export interface DisassemblyOrder {
  readonly disassemblyOrderId: string;
  readonly returnId: string;
  readonly serialNumber: string;
  readonly siteId: string;
  readonly diagnosis: Diagnosis;
  readonly status: DisassemblyStatus;
}

function disassemblyOrderIdOf(returnId: string): string {
  return `disassembly:${returnId}`;
}

function disassemblyOf(request: RefundRequest, status: DisassemblyStatus): DisassemblyOrder {
  return {
    disassemblyOrderId: disassemblyOrderIdOf(request.returnId),
    returnId: request.returnId,
    serialNumber: request.defectiveItem.serialNumber,
    siteId: request.location.siteId,
    diagnosis: diagnoseDefect(request.defectiveItem.reportedDefect),
    status,
  };
}

export function decideDisassemblyOrder(request: RefundRequest): DisassemblyOrder {
  return disassemblyOf(request, 'ordered');
}

// The disassembly that stands under the verdict, from what Manufacturing recorded before it, if anything.
export function settleDisassembly(
  request: RefundRequest,
  recorded: DisassemblyOrder | undefined,
  verdict: Verdict,
): DisassemblyOrder {
  if (verdict.kind === 'refused') return disassemblyOf(request, 'unit-returned');
  return recorded ?? decideDisassemblyOrder(request);
}

export function disassemblyStandsUnder(order: DisassemblyOrder, verdict: Verdict): boolean {
  return order.status === (verdict.kind === 'accepted' ? 'ordered' : 'unit-returned');
}

// Version 3 added the status; an order of version 1 or 2 was always an order that stands (read as 'ordered').
export interface DisassemblyOrderedV3 {
  readonly type: 'DisassemblyOrdered';
  readonly version: 3;
  readonly data: DisassemblyOrder;
}
// The compensation: the order registered for a refused return is cancelled and the unit sent back.
export interface DisassemblyCancelledV1 {
  readonly type: 'DisassemblyCancelled';
  readonly version: 1;
  readonly data: DisassemblyOrder;
}
// A refused return that had no order yet: the unit is sent back, and no order is registered.
export interface DefectiveUnitReturnedV1 {
  readonly type: 'DefectiveUnitReturned';
  readonly version: 1;
  readonly data: DisassemblyOrder;
}
export type ManufacturingEvent = DisassemblyOrderedV3 | DisassemblyCancelledV1 | DefectiveUnitReturnedV1;

export const DISASSEMBLY_EVENT_TYPES: Readonly<Record<DisassemblyStatus, readonly ManufacturingEvent['type'][]>> = {
  ordered: ['DisassemblyOrdered'],
  'unit-returned': ['DisassemblyCancelled', 'DefectiveUnitReturned'],
};

export function disassemblyEvent(order: DisassemblyOrder, before?: DisassemblyOrder): ManufacturingEvent {
  if (order.status === 'ordered') return { type: 'DisassemblyOrdered', version: 3, data: order };
  return before?.status === 'ordered'
    ? { type: 'DisassemblyCancelled', version: 1, data: order }
    : { type: 'DefectiveUnitReturned', version: 1, data: order };
}

export const MANUFACTURING_TEAM = defineTeam({
  team: 'manufacturing',
  outcomeField: 'disassembly',
  recordIds: { disassemblyOrder: disassemblyOrderIdOf },
  eventTypes: ['DisassemblyOrdered', 'DisassemblyCancelled', 'DefectiveUnitReturned'],
  eventOf: disassemblyEvent,
  decideOnItsOwn: (request: RefundRequest, earlier: { readonly refund: OrderRefund }) =>
    settleDisassembly(request, undefined, verdictOf(earlier.refund)),
  standsUnder: disassemblyStandsUnder,
});
