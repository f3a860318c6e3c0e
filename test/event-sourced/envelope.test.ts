// The gate every record passes when it is read: what is let through, and the reason for what is not.
import assert from 'node:assert/strict';
import { decideOrderRefund, refundEvent } from '../../domain';
import {
  decodeRequest,
  decodeTeamEvent,
  encodeEnvelope,
  type PoisonReason,
  requestEnvelope,
  teamEventEnvelope,
  upcast,
} from '../../event-sourced/envelope';
import { aReturn } from '../fixtures/domain-scenarios';

const AT = '2026-05-11T10:00:05.000Z';
const request = requestEnvelope(aReturn({ returnId: 'R-1' }), AT);
const refund = teamEventEnvelope(
  'sales',
  refundEvent(decideOrderRefund(request.data, { earlierRefundOfOrder: null })),
  request,
  AT,
);

const record = (key: string | null, value: unknown) => ({
  key,
  value: Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
});
const reasonOf = (decoded: { ok: true } | { ok: false; reason: PoisonReason }): PoisonReason | 'ok' =>
  decoded.ok ? 'ok' : decoded.reason;

describe('The event envelope', () => {
  describe('when User Support publishes a request', () => {
    it('should give it an id derived from the return alone, so a duplicate is recognisable', () => {
      assert.equal(request.eventId, 'user-support:RefundRequested:R-1');
      assert.equal(requestEnvelope(aReturn({ returnId: 'R-1' }), '2026-07-01T00:00:00.000Z').eventId, request.eventId);
      assert.equal(request.causationId, null);
    });

    it('should key the record by the returnId', () => {
      assert.equal(encodeEnvelope(request).key, 'R-1');
    });
  });

  describe('when a team answers a request', () => {
    it('should name the request as its cause', () => {
      assert.deepEqual(
        {
          eventId: refund.eventId,
          producer: refund.producer,
          causationId: refund.causationId,
          occurredAt: refund.occurredAt,
        },
        { eventId: 'sales:RefundIssued:R-1', producer: 'sales', causationId: request.eventId, occurredAt: AT },
      );
    });
  });

  describe('when a record is read back', () => {
    it('should return the envelope it was written from', () => {
      const { key, value } = encodeEnvelope(refund);
      assert.deepEqual(decodeTeamEvent({ key, value: Buffer.from(String(value)) }, 'sales'), {
        ok: true,
        envelope: refund,
      });
      assert.deepEqual(decodeRequest(record('R-1', request)), { ok: true, envelope: request });
    });
  });

  describe('when a record is poison', () => {
    const cases: readonly [string, ReturnType<typeof record>, PoisonReason][] = [
      ['has no key', record(null, request), 'missing-key'],
      ['is not JSON', record('R-1', '{"eventId": '), 'invalid-json'],
      ['lacks envelope fields', record('R-1', { type: 'RefundRequested', data: request.data }), 'invalid-envelope'],
      ['is of a type nobody knows', record('R-1', { ...request, type: 'RefundDemanded' }), 'unknown-type'],
      ['is of a version nobody knows', record('R-1', { ...request, version: 2 }), 'unknown-version'],
      [
        'carries invalid data',
        record('R-1', { ...request, data: { ...request.data, model: { modelId: 'TOASTER' } } }),
        'invalid-data',
      ],
      ['carries data of another return', record('R-1', { ...request, returnId: 'R-2' }), 'invalid-data'],
      ['is keyed by another return', record('R-2', request), 'key-mismatch'],
      ['is a team event on the request topic', record('R-1', refund), 'wrong-topic'],
    ];
    for (const [what, poisoned, reason] of cases) {
      it(`should call a record that ${what} ${reason}`, () => {
        assert.equal(reasonOf(decodeRequest(poisoned)), reason);
      });
    }

    it('should refuse a team event on another team’s topic, or one whose record contradicts its type', () => {
      assert.equal(reasonOf(decodeTeamEvent(record('R-1', refund), 'inventory')), 'wrong-topic');
      assert.equal(
        reasonOf(decodeTeamEvent(record('R-1', { ...refund, type: 'RefundRejected' }), 'sales')),
        'invalid-data',
      );
    });
  });

  describe('when an event of an older version is read', () => {
    it('should bring it to the current version: a v1 team event is read as v2, its data unchanged', () => {
      assert.deepEqual(upcast('RefundIssued', 1, refund.data), {
        ok: true,
        type: 'RefundIssued',
        version: 2,
        data: refund.data,
      });
      assert.deepEqual(upcast('RefundIssued', 0, refund.data), { ok: false, reason: 'unknown-version' });
    });
  });
});
