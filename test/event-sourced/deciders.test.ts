// The five teams' deciders: given what the team has seen (requests, its own events, the events of the teams it
// reads), when a request or another team's event comes, then these new events. No broker: a team's rules are plain
// functions.
import assert from 'node:assert/strict';
import {
  type AssetDisposal,
  decideAssetDisposal,
  decideDisassemblyOrder,
  decideNotification,
  decideOrderRefund,
  type DisassemblyOrder,
  disassemblyEvent,
  disposalEvent,
  holdReplacement,
  notificationEvent,
  refundEvent,
  type RefundRequest,
  type ReplacementShipment,
  shipmentEvent,
} from '../../domain';
import { createAccountingDecider } from '../../event-sourced/deciders/accounting.decider';
import { createCustomerCareDecider } from '../../event-sourced/deciders/customer-care.decider';
import { createInventoryDecider } from '../../event-sourced/deciders/inventory.decider';
import { createManufacturingDecider } from '../../event-sourced/deciders/manufacturing.decider';
import { createSalesDecider } from '../../event-sourced/deciders/sales.decider';
import { decodeTeamEvent } from '../../event-sourced/envelope';
import { BucketMap } from '../../event-sourced/bucket-map';
import { GrowOnlyMap } from '../../event-sourced/grow-only';
import { TEAM_INPUTS } from '../../event-sourced/teams';
import { ADA, aReturn, eur } from '../fixtures/domain-scenarios';
import { specificationOf } from './support/decider-specification';

const salesDecider = createSalesDecider(TEAM_INPUTS.sales);
const inventoryDecider = createInventoryDecider(TEAM_INPUTS.inventory);
const manufacturingDecider = createManufacturingDecider(TEAM_INPUTS.manufacturing);
const accountingDecider = createAccountingDecider(TEAM_INPUTS.accounting);
const customerCareDecider = createCustomerCareDecider(TEAM_INPUTS['customer-care']);

// Sales' verdict on a return: its refund issued, or rejected because the order was refunded before.
const accepted = (request: RefundRequest) => refundEvent(decideOrderRefund(request, { earlierRefundOfOrder: null }));
const refused = (request: RefundRequest) =>
  refundEvent(decideOrderRefund(request, { earlierRefundOfOrder: 'R-EARLIER' }));
const plain = (state: unknown): unknown => JSON.parse(JSON.stringify(state));

const shipment = (request: RefundRequest, status: ReplacementShipment['status']): ReplacementShipment => ({
  shipmentId: `shipment:${request.returnId}`,
  returnId: request.returnId,
  modelId: request.model.modelId,
  shipTo: ADA,
  status,
});

describe('Sales decider', () => {
  const given = specificationOf(salesDecider);
  const withinWindow = aReturn({ returnId: 'R-1', orderId: 'O-1', requestedAt: '2026-05-11T10:00:00.000Z' });
  const lateForSameOrder = aReturn({ returnId: 'R-2', orderId: 'O-1', requestedAt: '2026-06-15T10:00:00.000Z' });

  describe('when a return within the 30-day window is requested', () => {
    it('should issue a refund of the amount paid', () => {
      given([])
        .when(withinWindow)
        .then([
          {
            type: 'RefundIssued',
            version: 2,
            data: {
              refundId: 'refund:R-1',
              returnId: 'R-1',
              orderId: 'O-1',
              status: 'issued',
              refundedAmount: eur(79900),
              rejectionReason: null,
              refundedByReturnId: null,
            },
          },
        ]);
    });
  });

  describe('when a return of an order it already refunded is requested', () => {
    it('should reject the refund and name the return that refunded the order', () => {
      given([accepted(withinWindow)])
        .when(aReturn({ returnId: 'R-2', orderId: 'O-1' }))
        .then([
          {
            type: 'RefundRejected',
            version: 2,
            data: {
              refundId: 'refund:R-2',
              returnId: 'R-2',
              orderId: 'O-1',
              status: 'rejected',
              refundedAmount: eur(0),
              rejectionReason: 'order-already-refunded',
              refundedByReturnId: 'R-1',
            },
          },
        ]);
    });
  });

  describe('when an order was only refused a refund before', () => {
    it('should still refund a later return of it within the window', () => {
      const refusedFirst = aReturn({ returnId: 'R-0', orderId: 'O-1', requestedAt: '2026-06-15T10:00:00.000Z' });
      given([accepted(refusedFirst)])
        .when(withinWindow)
        .thenState((state) => assert.equal(state.refundedOrders.get('O-1'), 'R-1'));
    });
  });

  describe('when a return after the window is requested', () => {
    it('should reject it as outside the return window and remember no refund', () => {
      given([])
        .when(lateForSameOrder)
        .thenState((state, answered) => {
          assert.equal(answered.has('R-2'), true);
          assert.equal(state.refundedOrders.has('O-1'), false);
        });
    });
  });

  describe('when the same request arrives twice', () => {
    it('should decide nothing new and leave its state as it was', () => {
      given([accepted(withinWindow)])
        .when(withinWindow)
        .then([]);
      const state = salesDecider.evolve(salesDecider.initialState(), accepted(withinWindow));
      given([accepted(withinWindow)])
        .when(withinWindow)
        .thenState((after) => assert.deepEqual(plain(after), plain(state)));
    });
  });
});

describe('Inventory decider', () => {
  const given = specificationOf(inventoryDecider);
  const firstWatch = aReturn({ returnId: 'R-1', modelId: 'WATCH-W1' });
  const secondWatch = aReturn({ returnId: 'R-2', modelId: 'WATCH-W1' });

  describe('when a model in stock is requested, before the verdict', () => {
    it('should hold a unit for the replacement', () => {
      given([])
        .when(firstWatch)
        .then([{ type: 'UnitHeld', version: 1, data: shipment(firstWatch, 'held') }]);
    });
  });

  describe('when the return of a held unit is accepted', () => {
    it('should ship the held unit, and count it taken once', () => {
      given([firstWatch])
        .when(accepted(firstWatch))
        .then([{ type: 'ReplacementShipped', version: 2, data: shipment(firstWatch, 'shipped') }]);
      given([firstWatch])
        .when(accepted(firstWatch))
        .thenState((state) => assert.deepEqual(state.takenUnits, { 'WATCH-W1': 1 }));
    });
  });

  describe('when the return of a held unit is refused', () => {
    it('should release the unit back to stock, so that the next return gets it', () => {
      given([firstWatch])
        .when(refused(firstWatch))
        .then([{ type: 'ReplacementReleased', version: 1, data: shipment(firstWatch, 'cancelled') }]);
      given([firstWatch, refused(firstWatch)])
        .when(secondWatch)
        .then([{ type: 'UnitHeld', version: 1, data: shipment(secondWatch, 'held') }]);
    });
  });

  describe('when a unit is held for a return not settled yet', () => {
    it('should count it against the stock: the next return of the model is backordered', () => {
      given([firstWatch])
        .when(secondWatch)
        .then([{ type: 'ReplacementBackordered', version: 2, data: shipment(secondWatch, 'backordered') }]);
    });
  });

  describe('when a backordered return is settled', () => {
    it('should leave the backorder standing on an acceptance, and cancel it on a refusal', () => {
      given([firstWatch, secondWatch]).when(accepted(secondWatch)).then([]);
      given([firstWatch, secondWatch])
        .when(refused(secondWatch))
        .then([{ type: 'ReplacementCancelled', version: 1, data: shipment(secondWatch, 'cancelled') }]);
    });
  });

  describe('when the verdict comes before the request', () => {
    it('should write nothing on the verdict, and the replacement that stands on the request, at once', () => {
      given([]).when(accepted(firstWatch)).then([]);
      given([accepted(firstWatch)])
        .when(firstWatch)
        .then([{ type: 'ReplacementShipped', version: 2, data: shipment(firstWatch, 'shipped') }]);
      given([refused(firstWatch)])
        .when(firstWatch)
        .then([{ type: 'ReplacementCancelled', version: 1, data: shipment(firstWatch, 'cancelled') }]);
    });
  });

  describe('when the verdict is delivered twice', () => {
    it('should write nothing the second time', () => {
      given([firstWatch, accepted(firstWatch)])
        .when(accepted(firstWatch))
        .then([]);
      given([accepted(firstWatch), firstWatch])
        .when(accepted(firstWatch))
        .then([]);
    });
  });

  describe('when a return has settled', () => {
    it('should keep only its id, not the return', () => {
      given([firstWatch])
        .when(accepted(firstWatch))
        .thenState((state) => {
          assert.equal(state.open.size, 0);
          assert.equal(state.settled.has('R-1'), true);
        });
    });
  });

  describe('when a discontinued model is requested', () => {
    it('should backorder it', () => {
      const discontinued = aReturn({ modelId: 'PHONE-X0' });
      given([])
        .when(discontinued)
        .then([{ type: 'ReplacementBackordered', version: 2, data: shipment(discontinued, 'backordered') }]);
    });
  });

  describe('when the same request arrives twice', () => {
    it('should hold nothing more and count the unit once', () => {
      const held = shipmentEvent(holdReplacement(firstWatch, { unitsTakenOfModel: 0 }));
      given([held]).when(firstWatch).then([]);
      given([firstWatch])
        .when(firstWatch)
        .thenState((state) => assert.deepEqual(state.takenUnits, { 'WATCH-W1': 1 }));
    });
  });
});

describe('Manufacturing decider', () => {
  const given = specificationOf(manufacturingDecider);
  const wet = aReturn({ returnId: 'R-1', reportedDefect: 'Dropped in water, screen cracked', siteId: 'DAL-2' });
  const order = (status: DisassemblyOrder['status']): DisassemblyOrder => ({
    disassemblyOrderId: 'disassembly:R-1',
    returnId: 'R-1',
    serialNumber: 'SN-X1-000123',
    siteId: 'DAL-2',
    diagnosis: 'liquid-damage',
    status,
  });

  describe('when a defective device is returned, before the verdict', () => {
    it('should order its disassembly at once, at the site that holds it, with a diagnosis', () => {
      given([])
        .when(wet)
        .then([{ type: 'DisassemblyOrdered', version: 3, data: order('ordered') }]);
    });
  });

  describe('when the return is accepted after the order', () => {
    it('should write nothing more: the order stands', () => {
      given([wet]).when(accepted(wet)).then([]);
    });
  });

  describe('when the return is refused after the order', () => {
    it('should cancel the order and send the unit back', () => {
      given([wet])
        .when(refused(wet))
        .then([{ type: 'DisassemblyCancelled', version: 1, data: order('unit-returned') }]);
    });
  });

  describe('when the refusal comes before the request', () => {
    it('should order nothing, and send the unit back', () => {
      given([refused(wet)])
        .when(wet)
        .then([{ type: 'DefectiveUnitReturned', version: 1, data: order('unit-returned') }]);
    });
  });

  describe('when the refusal is delivered twice', () => {
    it('should cancel the order once', () => {
      given([wet, refused(wet)])
        .when(refused(wet))
        .then([]);
    });
  });

  describe('when an order of version 2, written before orders had a status, is read', () => {
    it('should take it for an order that stands until a refusal, and cancel it on one', () => {
      const { disassemblyOrderId, returnId, serialNumber, siteId, diagnosis } = order('ordered');
      const version2 = {
        eventId: 'manufacturing:DisassemblyOrdered:R-1',
        type: 'DisassemblyOrdered',
        version: 2,
        returnId,
        occurredAt: '2026-05-11T10:00:05.000Z',
        producer: 'manufacturing',
        causationId: 'user-support:RefundRequested:R-1',
        causationContentId: 'ab'.repeat(8),
        data: { disassemblyOrderId, returnId, serialNumber, siteId, diagnosis },
      };
      const decoded = decodeTeamEvent({ key: 'R-1', value: Buffer.from(JSON.stringify(version2)) }, 'manufacturing');
      assert.ok(decoded.ok, JSON.stringify(decoded));
      const { type, version, data } = decoded.envelope;
      assert.deepEqual({ type, version, data }, disassemblyEvent(order('ordered')));
      given([{ type, version, data } as ReturnType<typeof disassemblyEvent>, wet])
        .when(refused(wet))
        .then([{ type: 'DisassemblyCancelled', version: 1, data: order('unit-returned') }]);
    });
  });

  describe('when the same request arrives twice', () => {
    it('should order nothing more', () => {
      given([disassemblyEvent(decideDisassemblyOrder(wet))])
        .when(wet)
        .then([]);
    });
  });
});

describe('Accounting decider', () => {
  const given = specificationOf(accountingDecider);
  const returned = aReturn({ returnId: 'R-1', siteId: 'man-1', bookValue: eur(15500) });
  const disposal = (status: AssetDisposal['status'], amount = eur(15500)): AssetDisposal => ({
    disposalId: 'disposal:R-1',
    returnId: 'R-1',
    serialNumber: 'SN-X1-000123',
    costCentre: 'CC-MAN-1',
    amount,
    status,
  });

  describe('when a defective device is returned, before the verdict', () => {
    it('should charge nothing yet', () => {
      given([]).when(returned).then([]);
    });
  });

  describe('when the return is accepted after its request', () => {
    it("should charge its book value to the cost centre of the device's site", () => {
      given([returned])
        .when(accepted(returned))
        .then([{ type: 'AssetDisposalCharged', version: 3, data: disposal('charged') }]);
    });
  });

  describe('when the return is refused after its request', () => {
    it('should record that nothing is charged', () => {
      given([returned])
        .when(refused(returned))
        .then([{ type: 'AssetDisposalNotCharged', version: 1, data: disposal('not-charged', eur(0)) }]);
    });
  });

  describe('when the verdict comes before the request', () => {
    it('should charge, or not, once the request comes', () => {
      given([accepted(returned)])
        .when(returned)
        .then([{ type: 'AssetDisposalCharged', version: 3, data: disposal('charged') }]);
      given([refused(returned)])
        .when(returned)
        .then([{ type: 'AssetDisposalNotCharged', version: 1, data: disposal('not-charged', eur(0)) }]);
    });
  });

  describe('when the verdict is delivered twice', () => {
    it('should charge once', () => {
      given([returned, accepted(returned)])
        .when(accepted(returned))
        .then([]);
    });
  });

  describe('when a charge made before the verdict gated Accounting meets a refusal', () => {
    it('should reverse it', () => {
      given([disposalEvent(decideAssetDisposal(returned)), returned])
        .when(refused(returned))
        .then([{ type: 'AssetDisposalReversed', version: 1, data: disposal('not-charged', eur(0)) }]);
    });
  });

  describe('when the same request arrives twice', () => {
    it('should charge nothing more', () => {
      given([returned, accepted(returned)])
        .when(returned)
        .then([]);
    });
  });
});

describe('Customer Care decider', () => {
  const given = specificationOf(customerCareDecider);
  const request = aReturn({ returnId: 'R-1', modelId: 'PHONE-X1' });
  const refund = decideOrderRefund(request, { earlierRefundOfOrder: null });
  const held = shipmentEvent(shipment(request, 'held'));
  const shipped = shipmentEvent(shipment(request, 'shipped'), shipment(request, 'held'));
  const ordered = disassemblyEvent(decideDisassemblyOrder(request));
  const charged = disposalEvent(decideAssetDisposal(request));
  const notified = notificationEvent(decideNotification({ refund, replacement: shipment(request, 'shipped') }));

  describe('when every other team has answered, but a unit is only held', () => {
    it('should tell the customer nothing yet', () => {
      given([refundEvent(refund), ordered, charged])
        .when(held)
        .then([]);
    });
  });

  describe("when the last team's record comes to stand", () => {
    it('should tell the customer once, what Sales and Inventory decided', () => {
      given([refundEvent(refund), held, ordered, charged])
        .when(shipped)
        .then([notified]);
      given([shipped, charged, refundEvent(refund)])
        .when(ordered)
        .then([notified]);
    });
  });

  describe('when an event of a notified return comes again', () => {
    it('should tell the customer nothing more, and forget the return but its id', () => {
      given([refundEvent(refund), ordered, charged, shipped])
        .when(shipped)
        .then([]);
      given([refundEvent(refund), ordered, charged, shipped])
        .when(charged)
        .thenState((state) => {
          assert.equal(state.pending.size, 0);
          assert.equal(state.notified.has('R-1'), true);
        });
    });
  });

  describe('when its own notification is read back on a restart', () => {
    it('should tell the customer nothing more', () => {
      given([notified, refundEvent(refund), ordered, charged])
        .when(shipped)
        .then([]);
    });
  });

  describe('when a refused return has been undone by every team', () => {
    it('should tell the customer why, and only after the order is cancelled', () => {
      const rejection = refused(request);
      const cancelled = disassemblyEvent({ ...ordered.data, status: 'unit-returned' }, ordered.data);
      const released = shipmentEvent(shipment(request, 'cancelled'), shipment(request, 'held'));
      const notCharged = disposalEvent({ ...charged.data, amount: eur(0), status: 'not-charged' });
      given([rejection, released, notCharged]).when(ordered).then([]);
      given([rejection, released, notCharged, ordered])
        .when(cancelled)
        .then([
          notificationEvent(
            decideNotification({ refund: rejection.data, replacement: shipment(request, 'cancelled') }),
          ),
        ]);
    });
  });
});

describe('Team state that only grows', () => {
  it('should leave an older version unchanged when a newer one grows', () => {
    const empty = GrowOnlyMap.empty<string>();
    const one = empty.with('O-1', 'R-1');
    const two = one.with('O-2', 'R-2');
    assert.deepEqual(
      [empty.toJSON(), one.toJSON(), two.toJSON()],
      [{}, { 'O-1': 'R-1' }, { 'O-1': 'R-1', 'O-2': 'R-2' }],
    );
  });

  it('should keep both branches apart when an older version grows again', () => {
    const one = GrowOnlyMap.empty<string>().with('O-1', 'R-1');
    const left = one.with('O-2', 'R-2');
    const right = one.with('O-3', 'R-3');
    assert.deepEqual(
      [left.toJSON(), right.toJSON(), one.toJSON()],
      [{ 'O-1': 'R-1', 'O-2': 'R-2' }, { 'O-1': 'R-1', 'O-3': 'R-3' }, { 'O-1': 'R-1' }],
    );
  });

  it('should keep the first value given for a key', () => {
    assert.equal(GrowOnlyMap.empty<string>().with('O-1', 'R-1').with('O-1', 'R-9').get('O-1'), 'R-1');
  });
});

describe('Team state of what is in flight', () => {
  it('should leave every older version unchanged when a newer one gains or loses an entry', () => {
    const empty = BucketMap.empty<string>();
    const one = empty.with('R-1', 'held');
    const changed = one.with('R-1', 'shipped');
    const gone = changed.without('R-1');
    assert.deepEqual(
      [empty.toJSON(), one.toJSON(), changed.toJSON(), gone.toJSON()],
      [{}, { 'R-1': 'held' }, { 'R-1': 'shipped' }, {}],
    );
    assert.deepEqual([empty.size, one.size, changed.size, gone.size], [0, 1, 1, 0]);
  });

  it('should keep many entries apart, and forget each one alone', () => {
    const ids = Array.from({ length: 500 }, (_, index) => `R-${index}`);
    const full = ids.reduce((map, id) => map.with(id, id.toLowerCase()), BucketMap.empty<string>());
    const half = ids.filter((_, index) => index % 2 === 0).reduce((map, id) => map.without(id), full);
    assert.equal(full.size, 500);
    assert.deepEqual(
      ids.map((id) => half.get(id) ?? null),
      ids.map((id, index) => (index % 2 === 0 ? null : id.toLowerCase())),
    );
    assert.equal(half.size, 250);
    assert.equal(full.get('R-0'), 'r-0');
  });
});
