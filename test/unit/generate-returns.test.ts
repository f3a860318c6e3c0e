import assert from 'node:assert/strict';
import { isWithinReturnWindow, MODEL_IDS, validateRefundRequest } from '../../domain';
import { generateReturns } from '../../samples/generate-returns';

describe('Generated returns', () => {
  const returns = generateReturns({ seed: 42, count: 300 });

  describe('when generated twice from the same seed', () => {
    it('should produce the very same 300 returns', () => {
      assert.equal(returns.length, 300);
      assert.deepEqual(generateReturns({ seed: 42, count: 300 }), returns);
    });
  });

  describe('when generated from different seeds', () => {
    it('should produce different returns', () => {
      const other = generateReturns({ seed: 43, count: 300, idPrefix: 'G42' });
      assert.notDeepEqual(other, returns);
      assert.ok(other.some((request, index) => request.requestedAt !== returns[index].requestedAt));
    });
  });

  describe('when each generated return meets the edge', () => {
    it('should be accepted by validateRefundRequest exactly as generated', () => {
      const rejected = returns.flatMap((request) => {
        const validation = validateRefundRequest(request);
        if (!validation.ok) return [`${request.returnId}: ${validation.problems.join('; ')}`];
        assert.deepEqual(validation.request, request);
        return [];
      });
      assert.deepEqual(rejected, []);
    });

    it('should survive a JSON round trip unchanged, like a Temporal payload or a Kafka message', () => {
      assert.deepEqual(JSON.parse(JSON.stringify(returns)), returns);
    });

    it('should give every return its own id', () => {
      assert.equal(new Set(returns.map((request) => request.returnId)).size, returns.length);
    });
  });

  describe('when the 300 returns are used to exercise both models', () => {
    it('should include returns inside and outside the 30-day window', () => {
      const inside = returns.filter((request) => isWithinReturnWindow(request.order.purchasedAt, request.requestedAt));
      assert.ok(inside.length > 0 && inside.length < returns.length, `${inside.length} of ${returns.length} inside`);
    });

    it('should include orders returned more than once, to exercise "order already refunded"', () => {
      const orders = returns.map((request) => request.order.orderId);
      assert.ok(new Set(orders).size < orders.length);
    });

    it('should include every catalogue model, the watch and the discontinued phone among them', () => {
      assert.deepEqual(new Set(returns.map((request) => request.model.modelId)), new Set(MODEL_IDS));
    });
  });
});
