// Manufacturing's endpoint in the traditional model. Step 3 of the seed: User Support registers a
// DisassemblyOrder here.
import { decideDisassemblyOrder, type DisassemblyOrder, type RefundRequest } from '../../domain';
import type { TeamDependencies, TeamStore, TeamTable } from '../team-store';

type ManufacturingColumn = 'serial_number' | 'site_id';
export type ManufacturingStore = TeamStore<DisassemblyOrder, ManufacturingColumn>;

export const MANUFACTURING_TABLE: TeamTable<DisassemblyOrder, ManufacturingColumn> = {
  name: 'disassembly_orders',
  recordId: (order) => order.disassemblyOrderId,
  columns: { serial_number: (order) => order.serialNumber, site_id: (order) => order.siteId },
  indexes: [['site_id'], ['serial_number']],
};

export function createManufacturingActivities({ store, clock }: TeamDependencies<ManufacturingStore>) {
  return {
    async registerDisassemblyOrder(request: RefundRequest): Promise<DisassemblyOrder> {
      return store.recordOnce(request.returnId, clock().toISOString(), () => decideDisassemblyOrder(request));
    },
  };
}

export type ManufacturingActivities = ReturnType<typeof createManufacturingActivities>;
