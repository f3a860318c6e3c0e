// Accounting's decider: answers the Cost part of each RefundRequested with an AssetDisposalCharged to the cost
// centre of the site that holds the device. It decides on the request alone, so it keeps no state.
import { decideAssetDisposal, disposalEvent } from '../../domain';
import type { TeamDecider } from './decider';

export const accountingDecider: TeamDecider<'accounting', null> = {
  team: 'accounting',

  initialState: () => null,

  decide: (request) => [disposalEvent(decideAssetDisposal(request.data))],

  evolve: (state) => state,
};
