// Inventory holds a unit of the returned model for the replacement as soon as it hears of the return, and ships it
// once Sales accepts the return; on a refusal the held unit goes back to stock. With no unit in stock the
// replacement is backordered, and a backorder is not filled later.
import { initialStockOf } from '../catalogue';
import type { Address, RefundRequest } from '../refund-request';
import { type OrderRefund, type Verdict, verdictOf } from './sales';
import { defineTeam } from './team-module';

// held: a unit is set aside until the verdict, the one status that never stands. cancelled: the return was
// refused, so nothing ships (a held unit went back to stock, or none was ever held).
export const SHIPMENT_STATUSES = ['held', 'shipped', 'backordered', 'cancelled'] as const;
export type ShipmentStatus = (typeof SHIPMENT_STATUSES)[number];

export interface ReplacementShipment {
  readonly shipmentId: string;
  readonly returnId: string;
  readonly modelId: string;
  readonly shipTo: Address;
  readonly status: ShipmentStatus;
}

export interface InventoryView {
  // Units of the requested model taken by Inventory's own records: shipped, or held for a return not yet settled.
  readonly unitsTakenOfModel: number;
}

function shipmentIdOf(returnId: string): string {
  return `shipment:${returnId}`;
}

// Units that take stock: a held unit is not available to any other return.
export function takesStock(status: ShipmentStatus): boolean {
  return status === 'held' || status === 'shipped';
}

export function unitsInStock(modelId: string, unitsTaken: number): number {
  if (!Number.isInteger(unitsTaken) || unitsTaken < 0) {
    throw new Error(`Units taken must be a whole number of at least 0, got ${unitsTaken}`);
  }
  return Math.max(0, initialStockOf(modelId) - unitsTaken);
}

function shipmentOf(request: RefundRequest, status: ShipmentStatus): ReplacementShipment {
  return {
    shipmentId: shipmentIdOf(request.returnId),
    returnId: request.returnId,
    modelId: request.model.modelId,
    shipTo: request.shipment.shipTo,
    status,
  };
}

// Before the verdict: a unit is held while the model is in stock, otherwise the replacement is backordered.
export function holdReplacement(request: RefundRequest, inventory: InventoryView): ReplacementShipment {
  const inStock = unitsInStock(request.model.modelId, inventory.unitsTakenOfModel) > 0;
  return shipmentOf(request, inStock ? 'held' : 'backordered');
}

// Once the return is accepted, and nothing was held for it before: shipped while in stock, otherwise backordered.
export function decideReplacementShipment(request: RefundRequest, inventory: InventoryView): ReplacementShipment {
  const inStock = unitsInStock(request.model.modelId, inventory.unitsTakenOfModel) > 0;
  return shipmentOf(request, inStock ? 'shipped' : 'backordered');
}

// The replacement that stands under the verdict, from what Inventory recorded before it (nothing, a held unit, a
// backorder). A record that already stands is returned as it is, so settling twice changes nothing.
export function settleReplacement(
  request: RefundRequest,
  recorded: ReplacementShipment | undefined,
  verdict: Verdict,
  inventory: InventoryView,
): ReplacementShipment {
  if (recorded && recorded.status !== 'held') {
    if (verdict.kind === 'refused' && recorded.status === 'backordered') return shipmentOf(request, 'cancelled');
    return recorded;
  }
  if (verdict.kind === 'refused') return shipmentOf(request, 'cancelled');
  return recorded ? shipmentOf(request, 'shipped') : decideReplacementShipment(request, inventory);
}

export function replacementStandsUnder(shipment: ReplacementShipment, verdict: Verdict): boolean {
  return verdict.kind === 'accepted'
    ? shipment.status === 'shipped' || shipment.status === 'backordered'
    : shipment.status === 'cancelled';
}

export interface UnitHeldV1 {
  readonly type: 'UnitHeld';
  readonly version: 1;
  readonly data: ReplacementShipment;
}
export interface ReplacementShippedV2 {
  readonly type: 'ReplacementShipped';
  readonly version: 2;
  readonly data: ReplacementShipment;
}
export interface ReplacementBackorderedV2 {
  readonly type: 'ReplacementBackordered';
  readonly version: 2;
  readonly data: ReplacementShipment;
}
// The compensation: the unit held for a refused return goes back to stock.
export interface ReplacementReleasedV1 {
  readonly type: 'ReplacementReleased';
  readonly version: 1;
  readonly data: ReplacementShipment;
}
// A refused return that held no unit: its backorder is dropped, or nothing was asked of Inventory before.
export interface ReplacementCancelledV1 {
  readonly type: 'ReplacementCancelled';
  readonly version: 1;
  readonly data: ReplacementShipment;
}
export type InventoryEvent =
  UnitHeldV1 | ReplacementShippedV2 | ReplacementBackorderedV2 | ReplacementReleasedV1 | ReplacementCancelledV1;

// Which events may carry a record of each status: a cancelled replacement is a release when a unit was held.
export const SHIPMENT_EVENT_TYPES: Readonly<Record<ShipmentStatus, readonly InventoryEvent['type'][]>> = {
  held: ['UnitHeld'],
  shipped: ['ReplacementShipped'],
  backordered: ['ReplacementBackordered'],
  cancelled: ['ReplacementReleased', 'ReplacementCancelled'],
};

// The event of a record, written after the one recorded before it for the same return (if any).
export function shipmentEvent(shipment: ReplacementShipment, before?: ReplacementShipment): InventoryEvent {
  switch (shipment.status) {
    case 'held':
      return { type: 'UnitHeld', version: 1, data: shipment };
    case 'shipped':
      return { type: 'ReplacementShipped', version: 2, data: shipment };
    case 'backordered':
      return { type: 'ReplacementBackordered', version: 2, data: shipment };
    case 'cancelled':
      return before?.status === 'held'
        ? { type: 'ReplacementReleased', version: 1, data: shipment }
        : { type: 'ReplacementCancelled', version: 1, data: shipment };
  }
}

export const INVENTORY_TEAM = defineTeam({
  team: 'inventory',
  outcomeField: 'replacement',
  recordIds: { shipment: shipmentIdOf },
  eventTypes: [
    'UnitHeld',
    'ReplacementShipped',
    'ReplacementBackordered',
    'ReplacementReleased',
    'ReplacementCancelled',
  ],
  eventOf: shipmentEvent,
  decideOnItsOwn: (request: RefundRequest, earlier: { readonly refund: OrderRefund }) =>
    settleReplacement(request, undefined, verdictOf(earlier.refund), { unitsTakenOfModel: 0 }),
  standsUnder: replacementStandsUnder,
});
