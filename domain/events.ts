// The event vocabulary: past-tense business facts, each with a version. The Kafka envelope around them lives in
// event-sourced/; the names and payloads live here so that both models speak one language.
import type { RefundRequest } from './refund-request';
import type { AssetDisposal, DisassemblyOrder, OrderRefund, ReplacementShipment, Team } from './teams';

export interface RefundRequestedV1 {
  readonly type: 'RefundRequested';
  readonly version: 1;
  readonly data: RefundRequest;
}
// Every team event is at version 2. Its data is version 1's, the team's record; what version 2 added is that the
// event names the content of the request it answers (requestContentId), which a version 1 event left unknown.
// The event-sourced envelope carries that name and reads version 1 as version 2 (event-sourced/envelope.ts).
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
export interface ReplacementShippedV2 {
  readonly type: 'ReplacementShipped';
  readonly version: 2;
  readonly data: ReplacementShipment;
}
export interface ReplacementBackorderedV2 {
  readonly type: 'ReplacementBackordered';
  readonly version: 2;
  readonly data: ReplacementShipment;
}
export interface DisassemblyOrderedV2 {
  readonly type: 'DisassemblyOrdered';
  readonly version: 2;
  readonly data: DisassemblyOrder;
}
export interface AssetDisposalChargedV2 {
  readonly type: 'AssetDisposalCharged';
  readonly version: 2;
  readonly data: AssetDisposal;
}

export type TeamEvent =
  | RefundIssuedV2
  | RefundRejectedV2
  | ReplacementShippedV2
  | ReplacementBackorderedV2
  | DisassemblyOrderedV2
  | AssetDisposalChargedV2;

export type TeamEventType = TeamEvent['type'];

export const TEAM_OF_EVENT: Readonly<Record<TeamEventType, Team>> = {
  RefundIssued: 'sales',
  RefundRejected: 'sales',
  ReplacementShipped: 'inventory',
  ReplacementBackordered: 'inventory',
  DisassemblyOrdered: 'manufacturing',
  AssetDisposalCharged: 'accounting',
};

export function refundRequested(request: RefundRequest): RefundRequestedV1 {
  return { type: 'RefundRequested', version: 1, data: request };
}

// Records become events by what they say happened, never by who asked.
export function refundEvent(refund: OrderRefund): RefundIssuedV2 | RefundRejectedV2 {
  return refund.status === 'issued'
    ? { type: 'RefundIssued', version: 2, data: refund }
    : { type: 'RefundRejected', version: 2, data: refund };
}

export function shipmentEvent(shipment: ReplacementShipment): ReplacementShippedV2 | ReplacementBackorderedV2 {
  return shipment.status === 'shipped'
    ? { type: 'ReplacementShipped', version: 2, data: shipment }
    : { type: 'ReplacementBackordered', version: 2, data: shipment };
}

export function disassemblyEvent(order: DisassemblyOrder): DisassemblyOrderedV2 {
  return { type: 'DisassemblyOrdered', version: 2, data: order };
}

export function disposalEvent(disposal: AssetDisposal): AssetDisposalChargedV2 {
  return { type: 'AssetDisposalCharged', version: 2, data: disposal };
}
