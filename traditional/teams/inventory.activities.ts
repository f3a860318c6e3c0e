// Inventory's endpoint in the traditional model. Step 2 of the seed: User Support creates a ShipmentRequest here.
import { decideReplacementShipment, type RefundRequest, type ReplacementShipment } from '../../domain';
import type { TeamDependencies, TeamStore, TeamTable } from '../team-store';

type InventoryColumn = 'model_id' | 'status';
export type InventoryStore = TeamStore<ReplacementShipment, InventoryColumn>;

export const INVENTORY_TABLE: TeamTable<ReplacementShipment, InventoryColumn> = {
  name: 'replacement_shipments',
  recordId: (shipment) => shipment.shipmentId,
  columns: { model_id: (shipment) => shipment.modelId, status: (shipment) => shipment.status },
  indexes: [['model_id', 'status']],
};

export function createInventoryActivities({ store, clock }: TeamDependencies<InventoryStore>) {
  return {
    async createShipmentRequest(request: RefundRequest): Promise<ReplacementShipment> {
      return store.recordOnce(request.returnId, clock().toISOString(), () =>
        decideReplacementShipment(request, {
          unitsShippedOfModel: store.countWhere({ model_id: request.model.modelId, status: 'shipped' }),
        }),
      );
    },
  };
}

export type InventoryActivities = ReturnType<typeof createInventoryActivities>;
