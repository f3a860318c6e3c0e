// Accounting's endpoint in the traditional model. Step 4 of the seed: User Support charges an AssetDisposal here.
// On a refusal no charge stands: one already made is reversed.
import {
  type AssetDisposal,
  decideAssetDisposal,
  type RefundRequest,
  settleAssetDisposal,
  type Verdict,
} from '../../domain';
import type { TeamDependencies, TeamStore, TeamTable } from '../team-store';

type AccountingColumn = 'cost_centre' | 'currency';
export type AccountingStore = TeamStore<AssetDisposal, AccountingColumn>;

export const ACCOUNTING_TABLE: TeamTable<AssetDisposal, AccountingColumn> = {
  name: 'asset_disposals',
  recordId: (disposal) => disposal.disposalId,
  columns: { cost_centre: (disposal) => disposal.costCentre, currency: (disposal) => disposal.amount.currency },
  indexes: [['cost_centre', 'currency']],
  // Disposals stored before the verdict gated the return had no status: every one of them was charged.
  upgrade: (disposal) => ({ ...disposal, status: disposal.status ?? 'charged' }),
};

export function createAccountingActivities({ store, clock }: TeamDependencies<AccountingStore>) {
  const refuse = (request: RefundRequest, refused: Verdict) =>
    store.settleOnce(request.returnId, clock().toISOString(), (recorded) =>
      settleAssetDisposal(request, recorded, refused),
    );
  return {
    async chargeAssetDisposal(request: RefundRequest): Promise<AssetDisposal> {
      return store.recordOnce(request.returnId, clock().toISOString(), () => decideAssetDisposal(request));
    },
    // The compensation: the charge made for a refused return is reversed.
    async reverseAssetDisposal(request: RefundRequest, refused: Verdict): Promise<AssetDisposal> {
      return refuse(request, refused);
    },
    // The return is refused before anything was charged: nothing to reverse, and no charge is made.
    async waiveAssetDisposal(request: RefundRequest, refused: Verdict): Promise<AssetDisposal> {
      return refuse(request, refused);
    },
  };
}

export type AccountingActivities = ReturnType<typeof createAccountingActivities>;
