// Inventory's subscriber: answers the Model and Shipment parts of each RefundRequested with a ReplacementShipped,
// or a ReplacementBackordered when its own shipments have used up the model's stock.
import { decideReplacementShipment, type InventoryView, shipmentEvent } from '../../domain';
import type { TeamDecider } from './decider';
import { GrowOnlySet } from './grow-only';

export interface InventoryState {
  readonly handledReturnIds: GrowOnlySet;
  // modelId -> units shipped so far. One entry per model in the catalogue at most, so copying it is cheap.
  readonly shippedUnits: Readonly<Record<string, number>>;
}

export const inventorySubscriber: TeamDecider<'inventory', InventoryState> = {
  team: 'inventory',

  initialState: () => ({ handledReturnIds: GrowOnlySet.empty(), shippedUnits: {} }),

  decide(request, state) {
    const { returnId, model } = request.data;
    if (state.handledReturnIds.has(returnId)) return [];
    const view: InventoryView = { unitsShippedOfModel: state.shippedUnits[model.modelId] ?? 0 };
    return [shipmentEvent(decideReplacementShipment(request.data, view))];
  },

  evolve(state, event) {
    const { returnId, modelId } = event.data;
    return {
      handledReturnIds: state.handledReturnIds.with(returnId),
      shippedUnits:
        event.type === 'ReplacementShipped'
          ? { ...state.shippedUnits, [modelId]: (state.shippedUnits[modelId] ?? 0) + 1 }
          : state.shippedUnits,
    };
  },
};
