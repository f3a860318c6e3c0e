// Accounting charges an asset disposal of the item's book value to the cost centre of its location. For a refused
// return no charge stands: the device goes back to the customer, and a charge already made is reversed.
import { type Money, zero } from '../money';
import type { RefundRequest } from '../refund-request';
import { type OrderRefund, type Verdict, verdictOf } from './sales';
import { defineTeam } from './team-module';

export const DISPOSAL_STATUSES = ['charged', 'not-charged'] as const;
export type DisposalStatus = (typeof DISPOSAL_STATUSES)[number];

export interface AssetDisposal {
  readonly disposalId: string;
  readonly returnId: string;
  readonly serialNumber: string;
  readonly costCentre: string;
  // The book value when charged; zero when not, as a rejected refund's amount is.
  readonly amount: Money;
  readonly status: DisposalStatus;
}

function assetDisposalIdOf(returnId: string): string {
  return `disposal:${returnId}`;
}

export function costCentreFor(siteId: string): string {
  return `CC-${siteId.toUpperCase()}`;
}

function disposalOf(request: RefundRequest, status: DisposalStatus): AssetDisposal {
  const { bookValue } = request.cost;
  return {
    disposalId: assetDisposalIdOf(request.returnId),
    returnId: request.returnId,
    serialNumber: request.defectiveItem.serialNumber,
    costCentre: costCentreFor(request.location.siteId),
    amount: status === 'charged' ? bookValue : zero(bookValue.currency),
    status,
  };
}

export function decideAssetDisposal(request: RefundRequest): AssetDisposal {
  return disposalOf(request, 'charged');
}

// The disposal that stands under the verdict, from what Accounting recorded before it, if anything.
export function settleAssetDisposal(
  request: RefundRequest,
  recorded: AssetDisposal | undefined,
  verdict: Verdict,
): AssetDisposal {
  if (verdict.kind === 'refused') return disposalOf(request, 'not-charged');
  return recorded ?? decideAssetDisposal(request);
}

export function disposalStandsUnder(disposal: AssetDisposal, verdict: Verdict): boolean {
  return disposal.status === (verdict.kind === 'accepted' ? 'charged' : 'not-charged');
}

// Version 3 added the status; a disposal of version 1 or 2 was always a charge (read as 'charged').
export interface AssetDisposalChargedV3 {
  readonly type: 'AssetDisposalCharged';
  readonly version: 3;
  readonly data: AssetDisposal;
}
// The compensation: a charge made for a refused return is reversed.
export interface AssetDisposalReversedV1 {
  readonly type: 'AssetDisposalReversed';
  readonly version: 1;
  readonly data: AssetDisposal;
}
// A refused return that was never charged.
export interface AssetDisposalNotChargedV1 {
  readonly type: 'AssetDisposalNotCharged';
  readonly version: 1;
  readonly data: AssetDisposal;
}
export type AccountingEvent = AssetDisposalChargedV3 | AssetDisposalReversedV1 | AssetDisposalNotChargedV1;

export const DISPOSAL_EVENT_TYPES: Readonly<Record<DisposalStatus, readonly AccountingEvent['type'][]>> = {
  charged: ['AssetDisposalCharged'],
  'not-charged': ['AssetDisposalReversed', 'AssetDisposalNotCharged'],
};

export function disposalEvent(disposal: AssetDisposal, before?: AssetDisposal): AccountingEvent {
  if (disposal.status === 'charged') return { type: 'AssetDisposalCharged', version: 3, data: disposal };
  return before?.status === 'charged'
    ? { type: 'AssetDisposalReversed', version: 1, data: disposal }
    : { type: 'AssetDisposalNotCharged', version: 1, data: disposal };
}

export const ACCOUNTING_TEAM = defineTeam({
  team: 'accounting',
  outcomeField: 'disposal',
  recordIds: { assetDisposal: assetDisposalIdOf },
  eventTypes: ['AssetDisposalCharged', 'AssetDisposalReversed', 'AssetDisposalNotCharged'],
  eventOf: disposalEvent,
  decideOnItsOwn: (request: RefundRequest, earlier: { readonly refund: OrderRefund }) =>
    settleAssetDisposal(request, undefined, verdictOf(earlier.refund)),
  standsUnder: disposalStandsUnder,
});
