// Accounting's endpoint in the traditional model. Step 4 of the seed: User Support charges an AssetDisposal here.
import { type AssetDisposal, decideAssetDisposal, type RefundRequest } from '../../domain';
import type { TeamDependencies, TeamStore, TeamTable } from '../team-store';

type AccountingColumn = 'cost_centre' | 'currency';
export type AccountingStore = TeamStore<AssetDisposal, AccountingColumn>;

export const ACCOUNTING_TABLE: TeamTable<AssetDisposal, AccountingColumn> = {
  name: 'asset_disposals',
  recordId: (disposal) => disposal.disposalId,
  columns: { cost_centre: (disposal) => disposal.costCentre, currency: (disposal) => disposal.amount.currency },
  indexes: [['cost_centre', 'currency']],
};

export function createAccountingActivities({ store, clock }: TeamDependencies<AccountingStore>) {
  return {
    async chargeAssetDisposal(request: RefundRequest): Promise<AssetDisposal> {
      return store.recordOnce(request.returnId, clock().toISOString(), () => decideAssetDisposal(request));
    },
  };
}

export type AccountingActivities = ReturnType<typeof createAccountingActivities>;
