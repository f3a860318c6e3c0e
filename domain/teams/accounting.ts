// Accounting charges an asset disposal of the item's book value to the cost centre of its location.
import type { Money } from '../money';
import type { RefundRequest } from '../refund-request';
import { defineTeam } from './team-module';

export interface AssetDisposal {
  readonly disposalId: string;
  readonly returnId: string;
  readonly serialNumber: string;
  readonly costCentre: string;
  readonly amount: Money;
}

function assetDisposalIdOf(returnId: string): string {
  return `disposal:${returnId}`;
}

export function costCentreFor(siteId: string): string {
  return `CC-${siteId.toUpperCase()}`;
}

export function decideAssetDisposal(request: RefundRequest): AssetDisposal {
  return {
    disposalId: assetDisposalIdOf(request.returnId),
    returnId: request.returnId,
    serialNumber: request.defectiveItem.serialNumber,
    costCentre: costCentreFor(request.location.siteId),
    amount: request.cost.bookValue,
  };
}

export interface AssetDisposalChargedV2 {
  readonly type: 'AssetDisposalCharged';
  readonly version: 2;
  readonly data: AssetDisposal;
}

export function disposalEvent(disposal: AssetDisposal): AssetDisposalChargedV2 {
  return { type: 'AssetDisposalCharged', version: 2, data: disposal };
}

export const ACCOUNTING_TEAM = defineTeam({
  team: 'accounting',
  outcomeField: 'disposal',
  recordIds: { assetDisposal: assetDisposalIdOf },
  eventTypes: ['AssetDisposalCharged'],
  eventOf: disposalEvent,
  decideOnItsOwn: decideAssetDisposal,
});
