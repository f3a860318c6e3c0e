// Inventory ships a replacement of the returned model while it has stock, and backorders it when it has none.
import { initialStockOf } from '../catalogue';
import type { Address, RefundRequest } from '../refund-request';
import { defineTeam } from './team-module';

export const SHIPMENT_STATUSES = ['shipped', 'backordered'] as const;

export interface ReplacementShipment {
  readonly shipmentId: string;
  readonly returnId: string;
  readonly modelId: string;
  readonly shipTo: Address;
  readonly status: (typeof SHIPMENT_STATUSES)[number];
}

export interface InventoryView {
  // Units of the requested model shipped so far by Inventory's own records.
  readonly unitsShippedOfModel: number;
}

function shipmentIdOf(returnId: string): string {
  return `shipment:${returnId}`;
}

export function unitsInStock(modelId: string, unitsShipped: number): number {
  if (!Number.isInteger(unitsShipped) || unitsShipped < 0) {
    throw new Error(`Units shipped must be a whole number of at least 0, got ${unitsShipped}`);
  }
  return Math.max(0, initialStockOf(modelId) - unitsShipped);
}

export function decideReplacementShipment(request: RefundRequest, inventory: InventoryView): ReplacementShipment {
  const { modelId } = request.model;
  const inStock = unitsInStock(modelId, inventory.unitsShippedOfModel) > 0;
  return {
    shipmentId: shipmentIdOf(request.returnId),
    returnId: request.returnId,
    modelId,
    shipTo: request.shipment.shipTo,
    status: inStock ? 'shipped' : 'backordered',
  };
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

export function shipmentEvent(shipment: ReplacementShipment): ReplacementShippedV2 | ReplacementBackorderedV2 {
  return shipment.status === 'shipped'
    ? { type: 'ReplacementShipped', version: 2, data: shipment }
    : { type: 'ReplacementBackordered', version: 2, data: shipment };
}

export const INVENTORY_TEAM = defineTeam({
  team: 'inventory',
  outcomeField: 'replacement',
  recordIds: { shipment: shipmentIdOf },
  eventTypes: ['ReplacementShipped', 'ReplacementBackordered'],
  eventOf: shipmentEvent,
  decideOnItsOwn: (request: RefundRequest) => decideReplacementShipment(request, { unitsShippedOfModel: 0 }),
});
