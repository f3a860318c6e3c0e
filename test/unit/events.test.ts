import assert from 'node:assert/strict';
import {
  decideAssetDisposal,
  decideDisassemblyOrder,
  decideOrderRefund,
  decideReplacementShipment,
  disassemblyEvent,
  disposalEvent,
  holdReplacement,
  refundEvent,
  refundRequested,
  settleAssetDisposal,
  settleDisassembly,
  settleReplacement,
  shipmentEvent,
  TEAM_OF_EVENT,
  verdictOf,
} from '../../domain';
import { aReturn } from '../fixtures/domain-scenarios';

describe('Events', () => {
  const inWindow = aReturn({ requestedAt: '2026-05-11T10:00:00.000Z' });
  const late = aReturn({ requestedAt: '2026-06-15T10:00:00.000Z' });

  describe('when a refund is decided', () => {
    it('should record an issued refund as RefundIssued, version 1, carrying the record', () => {
      const refund = decideOrderRefund(inWindow, { earlierRefundOfOrder: null });
      assert.deepEqual(refundEvent(refund), { type: 'RefundIssued', version: 2, data: refund });
    });

    it('should record a rejected refund as RefundRejected, version 1, carrying the record', () => {
      const refund = decideOrderRefund(late, { earlierRefundOfOrder: null });
      assert.deepEqual(refundEvent(refund), { type: 'RefundRejected', version: 2, data: refund });
    });
  });

  describe('when a replacement is decided', () => {
    it('should record a shipped replacement as ReplacementShipped', () => {
      const shipment = decideReplacementShipment(aReturn({ modelId: 'WATCH-W1' }), { unitsTakenOfModel: 0 });
      assert.deepEqual(shipmentEvent(shipment), { type: 'ReplacementShipped', version: 2, data: shipment });
    });

    it('should record a backordered replacement as ReplacementBackordered', () => {
      const shipment = decideReplacementShipment(aReturn({ modelId: 'WATCH-W1' }), { unitsTakenOfModel: 1 });
      assert.deepEqual(shipmentEvent(shipment), { type: 'ReplacementBackordered', version: 2, data: shipment });
    });
  });

  describe('when a disassembly and a disposal are decided', () => {
    it('should record them as DisassemblyOrdered and AssetDisposalCharged', () => {
      const order = decideDisassemblyOrder(inWindow);
      const disposal = decideAssetDisposal(inWindow);
      assert.deepEqual(disassemblyEvent(order), { type: 'DisassemblyOrdered', version: 3, data: order });
      assert.deepEqual(disposalEvent(disposal), { type: 'AssetDisposalCharged', version: 3, data: disposal });
    });
  });

  describe('when a refused return settles', () => {
    const refused = verdictOf(decideOrderRefund(late, { earlierRefundOfOrder: null }));

    it('should record a unit held before as UnitHeld, then its release as ReplacementReleased', () => {
      const held = holdReplacement(late, { unitsTakenOfModel: 0 });
      const released = settleReplacement(late, held, refused, { unitsTakenOfModel: 1 });
      assert.equal(shipmentEvent(held).type, 'UnitHeld');
      assert.equal(shipmentEvent(released, held).type, 'ReplacementReleased');
    });

    it('should record a replacement refused with nothing held as ReplacementCancelled', () => {
      const cancelled = settleReplacement(late, undefined, refused, { unitsTakenOfModel: 0 });
      assert.equal(shipmentEvent(cancelled).type, 'ReplacementCancelled');
    });

    it('should tell a cancelled order from a unit returned with no order, and a reversal from no charge', () => {
      const ordered = decideDisassemblyOrder(late);
      const charged = decideAssetDisposal(late);
      const returned = settleDisassembly(late, ordered, refused);
      const notCharged = settleAssetDisposal(late, charged, refused);
      assert.equal(disassemblyEvent(returned, ordered).type, 'DisassemblyCancelled');
      assert.equal(disassemblyEvent(returned).type, 'DefectiveUnitReturned');
      assert.equal(disposalEvent(notCharged, charged).type, 'AssetDisposalReversed');
      assert.equal(disposalEvent(notCharged).type, 'AssetDisposalNotCharged');
    });
  });

  describe('when a refund is requested', () => {
    it('should record RefundRequested, version 1, carrying the request', () => {
      assert.deepEqual(refundRequested(inWindow), { type: 'RefundRequested', version: 1, data: inWindow });
    });
  });

  describe('when routing a team event to its team', () => {
    it('should attribute each event to the team that records it', () => {
      assert.deepEqual(TEAM_OF_EVENT, {
        RefundIssued: 'sales',
        RefundRejected: 'sales',
        UnitHeld: 'inventory',
        ReplacementShipped: 'inventory',
        ReplacementBackordered: 'inventory',
        ReplacementReleased: 'inventory',
        ReplacementCancelled: 'inventory',
        DisassemblyOrdered: 'manufacturing',
        DisassemblyCancelled: 'manufacturing',
        DefectiveUnitReturned: 'manufacturing',
        AssetDisposalCharged: 'accounting',
        AssetDisposalReversed: 'accounting',
        AssetDisposalNotCharged: 'accounting',
        CustomerNotified: 'customer-care',
      });
    });
  });
});
