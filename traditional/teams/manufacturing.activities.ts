// Manufacturing's endpoint in the traditional model. Step 3 of the seed: User Support registers a
// DisassemblyOrder here. On a refusal no order stands: one registered is cancelled, and the unit goes back.
import {
  decideDisassemblyOrder,
  type DisassemblyOrder,
  type RefundRequest,
  settleDisassembly,
  type Verdict,
} from '../../domain';
import type { TeamDependencies, TeamStore, TeamTable } from '../team-store';

type ManufacturingColumn = 'serial_number' | 'site_id';
export type ManufacturingStore = TeamStore<DisassemblyOrder, ManufacturingColumn>;

export const MANUFACTURING_TABLE: TeamTable<DisassemblyOrder, ManufacturingColumn> = {
  name: 'disassembly_orders',
  recordId: (order) => order.disassemblyOrderId,
  columns: { serial_number: (order) => order.serialNumber, site_id: (order) => order.siteId },
  indexes: [['site_id'], ['serial_number']],
  // Orders stored before the verdict gated the return had no status: every one of them stood.
  upgrade: (order) => ({ ...order, status: order.status ?? 'ordered' }),
};

export function createManufacturingActivities({ store, clock }: TeamDependencies<ManufacturingStore>) {
  const refuse = (request: RefundRequest, refused: Verdict) =>
    store.settleOnce(request.returnId, clock().toISOString(), (recorded) =>
      settleDisassembly(request, recorded, refused),
    );
  return {
    async registerDisassemblyOrder(request: RefundRequest): Promise<DisassemblyOrder> {
      return store.recordOnce(request.returnId, clock().toISOString(), () => decideDisassemblyOrder(request));
    },
    // The compensation: the order registered for a refused return is cancelled, and the unit sent back.
    async cancelDisassemblyOrder(request: RefundRequest, refused: Verdict): Promise<DisassemblyOrder> {
      return refuse(request, refused);
    },
    // The return is refused before any order was registered: the unit is sent back, nothing to undo.
    async returnUnitToCustomer(request: RefundRequest, refused: Verdict): Promise<DisassemblyOrder> {
      return refuse(request, refused);
    },
  };
}

export type ManufacturingActivities = ReturnType<typeof createManufacturingActivities>;
