// Inventory's decider: on each RefundRequested it holds a unit of the returned model while it has stock, and
// backorders the replacement when its own records have taken the model's last unit; on Sales' verdict the held
// unit ships, or goes back to stock on a refusal (ReplacementReleased, the compensation). A verdict that came before
// its request settles the replacement at once when the request comes.
import {
  holdReplacement,
  type InventoryView,
  type RefundRequest,
  type ReplacementShipment,
  replacementStandsUnder,
  settleReplacement,
  shipmentEvent,
  takesStock,
} from '../../domain';
import { BucketMap } from '../bucket-map';
import { GrowOnlySet } from '../grow-only';
import type { TeamDecider } from './decider';
import { type GatedState, verdictGatedDecider } from './verdict-gated';

export interface InventoryState extends GatedState<ReplacementShipment> {
  // modelId -> units taken: shipped, or held for a return not settled yet. One entry per model in the catalogue at
  // most, so copying it is cheap.
  readonly takenUnits: Readonly<Record<string, number>>;
}

function viewOf(request: RefundRequest, state: InventoryState): InventoryView {
  return { unitsTakenOfModel: state.takenUnits[request.model.modelId] ?? 0 };
}

export function createInventoryDecider(reads: readonly ['sales']): TeamDecider<'inventory', InventoryState> {
  return verdictGatedDecider<'inventory', InventoryState>(
    {
      team: 'inventory',
      initialState: () => ({ open: BucketMap.empty(), settled: GrowOnlySet.empty(), takenUnits: {} }),
      beforeVerdict: (request, state) => holdReplacement(request, viewOf(request, state)),
      settle: (request, recorded, verdict, state) =>
        settleReplacement(request, recorded, verdict, viewOf(request, state)),
      standsUnder: replacementStandsUnder,
      eventOf: shipmentEvent,
      count(state, record, before) {
        const change = Number(takesStock(record.status)) - Number(before !== undefined && takesStock(before.status));
        if (change === 0) return state;
        const { modelId } = record;
        return { ...state, takenUnits: { ...state.takenUnits, [modelId]: (state.takenUnits[modelId] ?? 0) + change } };
      },
    },
    reads,
  );
}
