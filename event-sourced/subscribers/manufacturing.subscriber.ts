// Manufacturing's subscriber: answers the DefectiveItem and Location parts of each RefundRequested with a
// DisassemblyOrdered at the site that holds the device.
import { decideDisassemblyOrder, disassemblyEvent } from '../../domain';
import type { TeamDecider } from './decider';
import { GrowOnlySet } from './grow-only';

export interface ManufacturingState {
  readonly handledReturnIds: GrowOnlySet;
}

export const manufacturingSubscriber: TeamDecider<'manufacturing', ManufacturingState> = {
  team: 'manufacturing',

  initialState: () => ({ handledReturnIds: GrowOnlySet.empty() }),

  decide(request, state) {
    if (state.handledReturnIds.has(request.data.returnId)) return [];
    return [disassemblyEvent(decideDisassemblyOrder(request.data))];
  },

  evolve(state, event) {
    return { handledReturnIds: state.handledReturnIds.with(event.data.returnId) };
  },
};
