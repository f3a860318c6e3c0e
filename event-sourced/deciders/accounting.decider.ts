// Accounting's decider: charges the book value of the returned device to the cost centre of its site
// (AssetDisposalCharged) once Sales has accepted the return, and records that nothing is charged
// (AssetDisposalNotCharged) once Sales has refused it. It needs the request (serial number, site, book value) and
// the verdict, and writes as soon as it has both, whichever came first.
// Why it waits, when Manufacturing acts at once: it never charges a refused return, since a ledger entry booked and
// then reversed is two entries an auditor must reconcile. A charge written before the verdict gated Accounting is
// still reversed on a refusal (AssetDisposalReversed), as the domain settles it.
import { type AssetDisposal, disposalEvent, disposalStandsUnder, settleAssetDisposal } from '../../domain';
import { BucketMap } from '../bucket-map';
import { GrowOnlySet } from '../grow-only';
import type { TeamDecider } from './decider';
import { type GatedState, verdictGatedDecider } from './verdict-gated';

// Its open returns are requests waiting for their verdict and verdicts waiting for their request.
export type AccountingState = GatedState<AssetDisposal>;

export function createAccountingDecider(reads: readonly ['sales']): TeamDecider<'accounting', AccountingState> {
  return verdictGatedDecider<'accounting', AccountingState>(
    {
      team: 'accounting',
      initialState: () => ({ open: BucketMap.empty(), settled: GrowOnlySet.empty() }),
      beforeVerdict: () => null,
      settle: (request, recorded, verdict) => settleAssetDisposal(request, recorded, verdict),
      standsUnder: disposalStandsUnder,
      eventOf: disposalEvent,
    },
    reads,
  );
}
