// Inventory's endpoint in the traditional model. Step 2 of the seed: User Support creates a ShipmentRequest here.
// Since Sales' verdict gates the return, a unit is held first and shipped or released once the verdict is known.
import {
  decideReplacementShipment,
  holdReplacement,
  type InventoryView,
  type RefundRequest,
  type ReplacementShipment,
  settleReplacement,
  type Verdict,
} from '../../domain';
import type { TeamDependencies, TeamStore, TeamTable, TeamView } from '../team-store';

type InventoryColumn = 'model_id' | 'status';
export type InventoryStore = TeamStore<ReplacementShipment, InventoryColumn>;

export const INVENTORY_TABLE: TeamTable<ReplacementShipment, InventoryColumn> = {
  name: 'replacement_shipments',
  recordId: (shipment) => shipment.shipmentId,
  columns: { model_id: (shipment) => shipment.modelId, status: (shipment) => shipment.status },
  indexes: [['model_id', 'status']],
};

const ACCEPTED: Verdict = { kind: 'accepted' };

export function createInventoryActivities({ store, clock }: TeamDependencies<InventoryStore>) {
  // Units of the model shipped or held: a held unit is not available to any other return.
  const viewOf = async (request: RefundRequest, view: TeamView<InventoryColumn>): Promise<InventoryView> => {
    const modelId = request.model.modelId;
    const taken = await view.countWhere({ model_id: modelId, status: 'shipped' });
    return { unitsTakenOfModel: taken + (await view.countWhere({ model_id: modelId, status: 'held' })) };
  };
  const settle = (request: RefundRequest, verdict: Verdict) =>
    store.settleOnce(request.returnId, clock().toISOString(), async (recorded, view) =>
      settleReplacement(request, recorded, verdict, await viewOf(request, view)),
    );
  return {
    // Before the verdict gated the return: ships at once. Kept for the returns started before that change.
    async createShipmentRequest(request: RefundRequest): Promise<ReplacementShipment> {
      return store.recordOnce(request.returnId, clock().toISOString(), async (view) =>
        decideReplacementShipment(request, await viewOf(request, view)),
      );
    },
    // Before the verdict: a unit set aside, or a backorder.
    async holdReplacement(request: RefundRequest): Promise<ReplacementShipment> {
      return store.recordOnce(request.returnId, clock().toISOString(), async (view) =>
        holdReplacement(request, await viewOf(request, view)),
      );
    },
    // The return is accepted: the held unit ships (or, with nothing held before, one ships now while in stock).
    async shipReplacement(request: RefundRequest): Promise<ReplacementShipment> {
      return settle(request, ACCEPTED);
    },
    // The compensation: the return is refused, and the held unit goes back to stock (a backorder is dropped).
    async releaseReplacement(request: RefundRequest, refused: Verdict): Promise<ReplacementShipment> {
      return settle(request, refused);
    },
    // The return is refused before anything was asked of Inventory: nothing to undo, nothing ships.
    async cancelReplacement(request: RefundRequest, refused: Verdict): Promise<ReplacementShipment> {
      return settle(request, refused);
    },
  };
}

export type InventoryActivities = ReturnType<typeof createInventoryActivities>;
