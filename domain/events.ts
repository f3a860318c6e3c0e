// The event vocabulary: past-tense business facts, each with a version. The Kafka envelope around them lives in
// event-sourced/; the names and payloads live here so that both models speak one language.
import type { RefundRequest } from './refund-request';
import type { AssetDisposal, DisassemblyOrder, OrderRefund, ReplacementShipment, Team } from './teams';

export interface RefundRequestedV1 {
  readonly type: 'RefundRequested';
  readonly version: 1;
  readonly data: RefundRequest;
}
export interface RefundIssuedV1 {
  readonly type: 'RefundIssued';
  readonly version: 1;
  readonly data: OrderRefund;
}
export interface RefundRejectedV1 {
  readonly type: 'RefundRejected';
  readonly version: 1;
  readonly data: OrderRefund;
}
export interface ReplacementShippedV1 {
  readonly type: 'ReplacementShipped';
  readonly version: 1;
  readonly data: ReplacementShipment;
}
export interface ReplacementBackorderedV1 {
  readonly type: 'ReplacementBackordered';
  readonly version: 1;
  readonly data: ReplacementShipment;
}
export interface DisassemblyOrderedV1 {
  readonly type: 'DisassemblyOrdered';
  readonly version: 1;
  readonly data: DisassemblyOrder;
}
export interface AssetDisposalChargedV1 {
  readonly type: 'AssetDisposalCharged';
  readonly version: 1;
  readonly data: AssetDisposal;
}

export type TeamEvent =
  | RefundIssuedV1
  | RefundRejectedV1
  | ReplacementShippedV1
  | ReplacementBackorderedV1
  | DisassemblyOrderedV1
  | AssetDisposalChargedV1;

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
export function refundEvent(refund: OrderRefund): RefundIssuedV1 | RefundRejectedV1 {
  return refund.status === 'issued'
    ? { type: 'RefundIssued', version: 1, data: refund }
    : { type: 'RefundRejected', version: 1, data: refund };
}

export function shipmentEvent(shipment: ReplacementShipment): ReplacementShippedV1 | ReplacementBackorderedV1 {
  return shipment.status === 'shipped'
    ? { type: 'ReplacementShipped', version: 1, data: shipment }
    : { type: 'ReplacementBackordered', version: 1, data: shipment };
}

export function disassemblyEvent(order: DisassemblyOrder): DisassemblyOrderedV1 {
  return { type: 'DisassemblyOrdered', version: 1, data: order };
}

export function disposalEvent(disposal: AssetDisposal): AssetDisposalChargedV1 {
  return { type: 'AssetDisposalCharged', version: 1, data: disposal };
}
