import assert from 'node:assert/strict';
import {
  decideAssetDisposal,
  decideDisassemblyOrder,
  decideOrderRefund,
  decideReplacementShipment,
  recordIds,
  type RefundRequest,
} from '../../domain';
import { aReturn, gbp, RECORD_ID_SCENARIOS } from '../fixtures/domain-scenarios';

// All four records of a return, each decided from the same request.
function decideAll(request: RefundRequest) {
  return {
    refund: decideOrderRefund(request, { earlierRefundOfOrder: null }),
    replacement: decideReplacementShipment(request, { unitsTakenOfModel: 0 }),
    disassembly: decideDisassemblyOrder(request),
    disposal: decideAssetDisposal(request),
  };
}

function idsOf(records: ReturnType<typeof decideAll>): string[] {
  return [
    records.refund.refundId,
    records.replacement.shipmentId,
    records.disassembly.disassemblyOrderId,
    records.disposal.disposalId,
  ];
}

describe('Record ids', () => {
  describe('when naming the records of a return', () => {
    for (const scenario of RECORD_ID_SCENARIOS) {
      it(`should find that ${scenario.name}`, () => {
        const expected = [scenario.refundId, scenario.shipmentId, scenario.disassemblyOrderId, scenario.disposalId];
        assert.deepEqual(idsOf(decideAll(aReturn({ returnId: scenario.returnId }))), expected);
        assert.deepEqual(
          [
            recordIds.refund(scenario.returnId),
            recordIds.shipment(scenario.returnId),
            recordIds.disassemblyOrder(scenario.returnId),
            recordIds.assetDisposal(scenario.returnId),
          ],
          expected,
        );
      });
    }
  });

  describe('when the same return is decided twice (a retry or a duplicate delivery)', () => {
    it('should produce identical records, ids included', () => {
      assert.deepEqual(decideAll(aReturn({ returnId: 'R-5' })), decideAll(aReturn({ returnId: 'R-5' })));
    });
  });

  describe('when two requests share a return id but differ in every other detail', () => {
    it('should give their records the same ids, since ids derive from the return id alone', () => {
      const first = decideAll(aReturn({ returnId: 'R-5' }));
      const second = decideAll(
        aReturn({
          returnId: 'R-5',
          orderId: 'O-9',
          modelId: 'WATCH-W1',
          siteId: 'MAN-1',
          serialNumber: 'SN-9',
          amountPaid: gbp(1),
        }),
      );
      assert.deepEqual(idsOf(second), idsOf(first));
    });
  });

  describe('when two returns differ only in their return id', () => {
    it('should give them different ids for every record', () => {
      const first = idsOf(decideAll(aReturn({ returnId: 'R-5' })));
      const second = idsOf(decideAll(aReturn({ returnId: 'R-6' })));
      first.forEach((id, index) => assert.notEqual(id, second[index]));
    });
  });
});
