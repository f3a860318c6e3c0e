// Manufacturing registers a disassembly order for the defective unit at its location, with a diagnosis read from
// the reported defect.
import type { RefundRequest } from '../refund-request';
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

export interface DisassemblyOrder {
  readonly disassemblyOrderId: string;
  readonly returnId: string;
  readonly serialNumber: string;
  readonly siteId: string;
  readonly diagnosis: Diagnosis;
}

function disassemblyOrderIdOf(returnId: string): string {
  return `disassembly:${returnId}`;
}

export function decideDisassemblyOrder(request: RefundRequest): DisassemblyOrder {
  return {
    disassemblyOrderId: disassemblyOrderIdOf(request.returnId),
    returnId: request.returnId,
    serialNumber: request.defectiveItem.serialNumber,
    siteId: request.location.siteId,
    diagnosis: diagnoseDefect(request.defectiveItem.reportedDefect),
  };
}

export interface DisassemblyOrderedV2 {
  readonly type: 'DisassemblyOrdered';
  readonly version: 2;
  readonly data: DisassemblyOrder;
}

export function disassemblyEvent(order: DisassemblyOrder): DisassemblyOrderedV2 {
  return { type: 'DisassemblyOrdered', version: 2, data: order };
}

export const MANUFACTURING_TEAM = defineTeam({
  team: 'manufacturing',
  outcomeField: 'disassembly',
  recordIds: { disassemblyOrder: disassemblyOrderIdOf },
  eventTypes: ['DisassemblyOrdered'],
  eventOf: disassemblyEvent,
  decideOnItsOwn: decideDisassemblyOrder,
});
