// The four teams' deciders: given the team's own earlier events, when a return is requested, then these new
// events. No broker: a team's rules are plain functions.
import assert from 'node:assert/strict';
import {
  decideAssetDisposal,
  decideDisassemblyOrder,
  decideOrderRefund,
  decideReplacementShipment,
  disassemblyEvent,
  disposalEvent,
  refundEvent,
  type RefundRequest,
  shipmentEvent,
} from '../../domain';
import { accountingDecider } from '../../event-sourced/deciders/accounting.decider';
import { inventoryDecider } from '../../event-sourced/deciders/inventory.decider';
import { manufacturingDecider } from '../../event-sourced/deciders/manufacturing.decider';
import { salesDecider } from '../../event-sourced/deciders/sales.decider';
import { GrowOnlyMap } from '../../event-sourced/grow-only';
import { ADA, aReturn, eur } from '../fixtures/domain-scenarios';
import { specificationOf } from './support/decider-specification';

// What each team recorded for an earlier return, as its own event.
const refunded = (request: RefundRequest) => refundEvent(decideOrderRefund(request, { earlierRefundOfOrder: null }));
const shipped = (request: RefundRequest) =>
  shipmentEvent(decideReplacementShipment(request, { unitsShippedOfModel: 0 }));
const plain = (state: unknown): unknown => JSON.parse(JSON.stringify(state));

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
      given([refunded(withinWindow)])
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
      given([refunded(refusedFirst)])
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
      given([refunded(withinWindow)])
        .when(withinWindow)
        .then([]);
      const state = salesDecider.evolve(salesDecider.initialState(), refunded(withinWindow));
      given([refunded(withinWindow)])
        .when(withinWindow)
        .thenState((after) => assert.deepEqual(plain(after), plain(state)));
    });
  });
});

describe('Inventory decider', () => {
  const given = specificationOf(inventoryDecider);
  const firstWatch = aReturn({ returnId: 'R-1', modelId: 'WATCH-W1' });
  const secondWatch = aReturn({ returnId: 'R-2', modelId: 'WATCH-W1' });

  describe('when a model in stock is requested', () => {
    it('should ship a replacement to the customer', () => {
      given([])
        .when(firstWatch)
        .then([
          {
            type: 'ReplacementShipped',
            version: 2,
            data: { shipmentId: 'shipment:R-1', returnId: 'R-1', modelId: 'WATCH-W1', shipTo: ADA, status: 'shipped' },
          },
        ]);
    });
  });

  describe('when its own shipments have used up the last unit', () => {
    it('should backorder the replacement', () => {
      given([shipped(firstWatch)])
        .when(secondWatch)
        .then([
          {
            type: 'ReplacementBackordered',
            version: 2,
            data: {
              shipmentId: 'shipment:R-2',
              returnId: 'R-2',
              modelId: 'WATCH-W1',
              shipTo: ADA,
              status: 'backordered',
            },
          },
        ]);
    });
  });

  describe('when earlier replacements were only backordered', () => {
    it('should count only shipped units against the stock', () => {
      const backordered = shipmentEvent(decideReplacementShipment(firstWatch, { unitsShippedOfModel: 1 }));
      given([backordered])
        .when(secondWatch)
        .thenState((state) => assert.deepEqual(state.shippedUnits, { 'WATCH-W1': 1 }));
    });
  });

  describe('when a discontinued model is requested', () => {
    it('should backorder it', () => {
      const [event] = inventoryDecider.decide(
        { type: 'RefundRequested', version: 1, data: aReturn({ modelId: 'PHONE-X0' }) },
        inventoryDecider.initialState(),
      );
      assert.equal(event.type, 'ReplacementBackordered');
    });
  });

  describe('when the same request arrives twice', () => {
    it('should ship nothing more and count the unit once', () => {
      given([shipped(firstWatch)])
        .when(firstWatch)
        .then([]);
      given([shipped(firstWatch)])
        .when(firstWatch)
        .thenState((state) => assert.deepEqual(state.shippedUnits, { 'WATCH-W1': 1 }));
    });
  });
});

describe('Manufacturing decider', () => {
  const given = specificationOf(manufacturingDecider);
  const wet = aReturn({ returnId: 'R-1', reportedDefect: 'Dropped in water, screen cracked', siteId: 'DAL-2' });

  describe('when a defective device is returned', () => {
    it('should order its disassembly at the site that holds it, with a diagnosis', () => {
      given([])
        .when(wet)
        .then([
          {
            type: 'DisassemblyOrdered',
            version: 2,
            data: {
              disassemblyOrderId: 'disassembly:R-1',
              returnId: 'R-1',
              serialNumber: 'SN-X1-000123',
              siteId: 'DAL-2',
              diagnosis: 'liquid-damage',
            },
          },
        ]);
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

  describe('when a defective device is returned', () => {
    it("should charge its book value to the cost centre of the device's site", () => {
      given([])
        .when(returned)
        .then([
          {
            type: 'AssetDisposalCharged',
            version: 2,
            data: {
              disposalId: 'disposal:R-1',
              returnId: 'R-1',
              serialNumber: 'SN-X1-000123',
              costCentre: 'CC-MAN-1',
              amount: eur(15500),
            },
          },
        ]);
    });
  });

  describe('when the same request arrives twice', () => {
    it('should charge nothing more', () => {
      given([disposalEvent(decideAssetDisposal(returned))])
        .when(returned)
        .then([]);
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
