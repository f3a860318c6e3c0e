// Team events of version 2 name the content of the request they answer; those of version 1, written before, are
// still read, with that content unknown. Types that came with Sales' verdict name it from their version 1, and an
// event caused by another team's event copies what that one named. No broker: this is the gate every reader passes.
import assert from 'node:assert/strict';
import { decideOrderRefund, holdReplacement, refundEvent, settleReplacement, shipmentEvent } from '../../domain';
import { requestContentId } from '../../domain/request-content';
import {
  decodeRequest,
  decodeTeamEvent,
  encodeEnvelope,
  requestEnvelope,
  teamEventEnvelope,
} from '../../event-sourced/envelope';
import { aReturn } from '../fixtures/domain-scenarios';

const AT = '2026-05-11T10:00:05.000Z';
const request = requestEnvelope(aReturn({ returnId: 'R-1' }), AT);
const refunded = refundEvent(decideOrderRefund(request.data, { earlierRefundOfOrder: null }));
const refund = teamEventEnvelope('sales', refunded, request, AT);

const record = (key: string, value: unknown) => ({ key, value: Buffer.from(JSON.stringify(value)) });

// The event as version 1 wrote it: no causationContentId.
function asVersion1(event: typeof refund): Record<string, unknown> {
  const { causationContentId: _dropped, ...rest } = event;
  return { ...rest, version: 1 };
}

describe('Team event versions', () => {
  describe('when a team answers a request', () => {
    it('should write version 2, naming the content of the request after its eventId', () => {
      assert.equal(refund.version, 2);
      assert.equal(refund.causationId, request.eventId);
      assert.equal(refund.causationContentId, requestContentId(request.data));
      assert.deepEqual(Object.keys(JSON.parse(String(encodeEnvelope(refund).value))), [
        'eventId',
        'type',
        'version',
        'returnId',
        'occurredAt',
        'producer',
        'causationId',
        'causationContentId',
        'data',
      ]);
    });

    it('should name another content for another request under the same returnId, with the same eventId', () => {
      const other = requestEnvelope(aReturn({ returnId: 'R-1', orderId: 'O-OTHER' }), AT);
      const answer = teamEventEnvelope('sales', refunded, other, AT);
      assert.equal(other.eventId, request.eventId);
      assert.notEqual(answer.causationContentId, refund.causationContentId);
    });
  });

  describe('when an event of version 1 is read', () => {
    it('should read it as version 2 with the same record, and the content of its request unknown', () => {
      assert.deepEqual(decodeTeamEvent(record('R-1', asVersion1(refund)), 'sales'), {
        ok: true,
        envelope: { ...refund, causationContentId: null },
      });
    });

    it('should refuse a version 1 event that names a content, which version 1 never wrote', () => {
      const decoded = decodeTeamEvent(
        record('R-1', { ...asVersion1(refund), causationContentId: 'ab'.repeat(8) }),
        'sales',
      );
      assert.deepEqual(decoded.ok ? 'ok' : decoded.reason, 'invalid-envelope');
    });
  });

  describe('when a team writes an event of a type that came with the verdict', () => {
    const held = teamEventEnvelope(
      'inventory',
      shipmentEvent(holdReplacement(request.data, { unitsTakenOfModel: 0 })),
      request,
      AT,
    );

    it('should name the content of its request at version 1 already', () => {
      assert.equal(held.version, 1);
      assert.equal(held.causationContentId, requestContentId(request.data));
      const { causationContentId: _dropped, ...unnamed } = held;
      const decoded = decodeTeamEvent(record('R-1', unnamed), 'inventory');
      assert.ok(!decoded.ok && decoded.reason === 'invalid-envelope' && /causationContentId/.test(decoded.detail));
    });

    it("should leave the content unknown only when its cause is another team's event that named none", () => {
      const caused = { ...held, causationId: 'sales:RefundIssued:R-1', causationContentId: null };
      assert.deepEqual(decodeTeamEvent(record('R-1', caused), 'inventory'), { ok: true, envelope: caused });
      const fromRequest = { ...held, causationContentId: null };
      const decoded = decodeTeamEvent(record('R-1', fromRequest), 'inventory');
      assert.ok(!decoded.ok && decoded.reason === 'invalid-envelope' && /causationContentId/.test(decoded.detail));
    });

    it('should copy into a reaction the content its cause named, or that it named none', () => {
      const legacy = decodeTeamEvent(record('R-1', asVersion1(refund)), 'sales');
      assert.ok(legacy.ok);
      const shipped = settleReplacement(request.data, held.data, { kind: 'accepted' }, { unitsTakenOfModel: 1 });
      const reaction = teamEventEnvelope('inventory', shipmentEvent(shipped, held.data), legacy.envelope, AT);
      assert.equal(reaction.causationContentId, null);
      assert.deepEqual(decodeTeamEvent(record('R-1', reaction), 'inventory'), { ok: true, envelope: reaction });
    });
  });

  describe('when an event does not say what its version says', () => {
    it('should refuse a version 2 event that names no content', () => {
      const decoded = decodeTeamEvent(record('R-1', { ...asVersion1(refund), version: 2 }), 'sales');
      assert.ok(!decoded.ok && decoded.reason === 'invalid-envelope' && /causationContentId/.test(decoded.detail));
    });

    it('should refuse a content id that is not 16 hex digits', () => {
      const decoded = decodeTeamEvent(record('R-1', { ...refund, causationContentId: 'not-a-content-id' }), 'sales');
      assert.deepEqual(decoded.ok ? 'ok' : decoded.reason, 'invalid-envelope');
    });

    it('should refuse a request that names a content of its own cause', () => {
      const decoded = decodeRequest(record('R-1', { ...request, causationContentId: refund.causationContentId }));
      assert.deepEqual(decoded.ok ? 'ok' : decoded.reason, 'invalid-envelope');
      assert.deepEqual(decodeRequest(record('R-1', request)), { ok: true, envelope: request });
    });
  });
});
