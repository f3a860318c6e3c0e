// Inventory's decider: answers the Model and Shipment parts of each RefundRequested with a ReplacementShipped,
// or a ReplacementBackordered when its own shipments have used up the model's stock.
import { decideReplacementShipment, type InventoryView, shipmentEvent } from '../../domain';
import type { TeamDecider } from './decider';

export interface InventoryState {
  // modelId -> units shipped so far. One entry per model in the catalogue at most, so copying it is cheap.
  readonly shippedUnits: Readonly<Record<string, number>>;
}

export const inventoryDecider: TeamDecider<'inventory', InventoryState> = {
  team: 'inventory',

  initialState: () => ({ shippedUnits: {} }),

  decide(request, state) {
    const view: InventoryView = { unitsShippedOfModel: state.shippedUnits[request.data.model.modelId] ?? 0 };
    return [shipmentEvent(decideReplacementShipment(request.data, view))];
  },

  evolve(state, event) {
    if (event.type !== 'ReplacementShipped') return state;
    const { modelId } = event.data;
    return { shippedUnits: { ...state.shippedUnits, [modelId]: (state.shippedUnits[modelId] ?? 0) + 1 } };
  },
};
