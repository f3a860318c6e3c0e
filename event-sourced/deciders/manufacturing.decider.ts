// Manufacturing's decider: answers the DefectiveItem and Location parts of each RefundRequested with a
// DisassemblyOrdered at the site that holds the device. It decides on the request alone, so it keeps no state.
import { decideDisassemblyOrder, disassemblyEvent } from '../../domain';
import type { TeamDecider } from './decider';

export const manufacturingDecider: TeamDecider<'manufacturing', null> = {
  team: 'manufacturing',

  initialState: () => null,

  decide: (request) => [disassemblyEvent(decideDisassemblyOrder(request.data))],

  evolve: (state) => state,
};
