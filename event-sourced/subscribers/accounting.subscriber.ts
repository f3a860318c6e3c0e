// Accounting's subscriber: answers the Cost part of each RefundRequested with an AssetDisposalCharged to the
// cost centre of the site that holds the device.
import { decideAssetDisposal, disposalEvent } from '../../domain';
import type { TeamDecider } from './decider';
import { GrowOnlySet } from './grow-only';

export interface AccountingState {
  readonly handledReturnIds: GrowOnlySet;
}

export const accountingSubscriber: TeamDecider<'accounting', AccountingState> = {
  team: 'accounting',

  initialState: () => ({ handledReturnIds: GrowOnlySet.empty() }),

  decide(request, state) {
    if (state.handledReturnIds.has(request.data.returnId)) return [];
    return [disposalEvent(decideAssetDisposal(request.data))];
  },

  evolve(state, event) {
    return { handledReturnIds: state.handledReturnIds.with(event.data.returnId) };
  },
};
