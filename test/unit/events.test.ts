import assert from 'node:assert/strict';
import {
  decideAssetDisposal,
  decideDisassemblyOrder,
  decideOrderRefund,
  decideReplacementShipment,
  disassemblyEvent,
  disposalEvent,
  refundEvent,
  refundRequested,
  shipmentEvent,
  TEAM_OF_EVENT,
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
      const shipment = decideReplacementShipment(aReturn({ modelId: 'WATCH-W1' }), { unitsShippedOfModel: 0 });
      assert.deepEqual(shipmentEvent(shipment), { type: 'ReplacementShipped', version: 2, data: shipment });
    });

    it('should record a backordered replacement as ReplacementBackordered', () => {
      const shipment = decideReplacementShipment(aReturn({ modelId: 'WATCH-W1' }), { unitsShippedOfModel: 1 });
      assert.deepEqual(shipmentEvent(shipment), { type: 'ReplacementBackordered', version: 2, data: shipment });
    });
  });

  describe('when a disassembly and a disposal are decided', () => {
    it('should record them as DisassemblyOrdered and AssetDisposalCharged', () => {
      const order = decideDisassemblyOrder(inWindow);
      const disposal = decideAssetDisposal(inWindow);
      assert.deepEqual(disassemblyEvent(order), { type: 'DisassemblyOrdered', version: 2, data: order });
      assert.deepEqual(disposalEvent(disposal), { type: 'AssetDisposalCharged', version: 2, data: disposal });
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
        ReplacementShipped: 'inventory',
        ReplacementBackordered: 'inventory',
        DisassemblyOrdered: 'manufacturing',
        AssetDisposalCharged: 'accounting',
      });
    });
  });
});
