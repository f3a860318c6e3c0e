// Manufacturing's decider: on each RefundRequested it registers a DisassemblyOrdered at the site that holds the
// device, at once, without waiting for Sales' verdict; a refusal cancels the order (DisassemblyCancelled, the
// compensation), or, when the verdict came first, sends the unit back without one (DefectiveUnitReturned). On an
// acceptance it writes nothing more: the order stands.
// Why at once, when Accounting waits: registering an order is cheap to cancel, and it lets the workshop plan the
// disassembly as soon as the return is known rather than after Sales has answered.
import {
  decideDisassemblyOrder,
  type DisassemblyOrder,
  disassemblyEvent,
  disassemblyStandsUnder,
  settleDisassembly,
} from '../../domain';
import { BucketMap } from '../bucket-map';
import { GrowOnlySet } from '../grow-only';
import type { TeamDecider } from './decider';
import { type GatedState, verdictGatedDecider } from './verdict-gated';

export type ManufacturingState = GatedState<DisassemblyOrder>;

export function createManufacturingDecider(
  reads: readonly ['sales'],
): TeamDecider<'manufacturing', ManufacturingState> {
  return verdictGatedDecider<'manufacturing', ManufacturingState>(
    {
      team: 'manufacturing',
      initialState: () => ({ open: BucketMap.empty(), settled: GrowOnlySet.empty() }),
      beforeVerdict: (request) => decideDisassemblyOrder(request),
      settle: (request, recorded, verdict) => settleDisassembly(request, recorded, verdict),
      standsUnder: disassemblyStandsUnder,
      eventOf: disassemblyEvent,
    },
    reads,
  );
}
