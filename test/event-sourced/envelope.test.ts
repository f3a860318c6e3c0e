// The gate every record passes when it is read: what is let through, and the reason for what is not.
import assert from 'node:assert/strict';
import {
  decideAssetDisposal,
  decideDisassemblyOrder,
  decideNotification,
  decideOrderRefund,
  disassemblyEvent,
  disposalEvent,
  holdReplacement,
  notificationEvent,
  refundEvent,
  settleReplacement,
  shipmentEvent,
  type Team,
} from '../../domain';
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

// Inventory's unit held on the request, then shipped on Sales' verdict; Customer Care's notification after it.
const held = holdReplacement(request.data, { unitsTakenOfModel: 0 });
const unitHeld = teamEventEnvelope('inventory', shipmentEvent(held), request, AT);
const shipped = settleReplacement(request.data, held, { kind: 'accepted' }, { unitsTakenOfModel: 1 });
const replacementShipped = teamEventEnvelope('inventory', shipmentEvent(shipped, held), refund, AT);
const notified = teamEventEnvelope(
  'customer-care',
  notificationEvent(decideNotification({ refund: refund.data, replacement: shipped })),
  replacementShipped,
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

  describe("when a team reacts to another team's event", () => {
    it('should name that event as its cause, and the content of the request it goes back to', () => {
      assert.deepEqual(
        [replacementShipped.causationId, replacementShipped.causationContentId],
        [refund.eventId, refund.causationContentId],
      );
      assert.deepEqual(
        [notified.causationId, notified.causationContentId],
        [replacementShipped.eventId, refund.causationContentId],
      );
      assert.equal(unitHeld.causationId, request.eventId);
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

    it('should return every new type of event as it was written', () => {
      assert.deepEqual(decodeTeamEvent(record('R-1', unitHeld), 'inventory'), { ok: true, envelope: unitHeld });
      assert.deepEqual(decodeTeamEvent(record('R-1', replacementShipped), 'inventory'), {
        ok: true,
        envelope: replacementShipped,
      });
      assert.deepEqual(decodeTeamEvent(record('R-1', notified), 'customer-care'), { ok: true, envelope: notified });
      const cancelled = disassemblyEvent({ ...decideDisassemblyOrder(request.data), status: 'unit-returned' });
      const returned = teamEventEnvelope('manufacturing', cancelled, refund, AT);
      assert.equal(returned.type, 'DefectiveUnitReturned');
      assert.deepEqual(decodeTeamEvent(record('R-1', returned), 'manufacturing'), { ok: true, envelope: returned });
    });
  });

  describe("when a team event's record is not one its type may carry", () => {
    const disposal = decideAssetDisposal(request.data);
    const order = decideDisassemblyOrder(request.data);
    const cases: readonly [string, object, Team][] = [
      ['a UnitHeld of a shipped unit', { ...unitHeld, data: shipped }, 'inventory'],
      ['a ReplacementShipped of a held unit', { ...replacementShipped, data: held }, 'inventory'],
      [
        'a DisassemblyCancelled of an order that stands',
        {
          ...teamEventEnvelope('manufacturing', disassemblyEvent(order), request, AT),
          type: 'DisassemblyCancelled',
          version: 1,
        },
        'manufacturing',
      ],
      [
        'an AssetDisposalNotCharged of a charge',
        {
          ...teamEventEnvelope('accounting', disposalEvent(disposal), refund, AT),
          type: 'AssetDisposalNotCharged',
          version: 1,
        },
        'accounting',
      ],
      [
        'an accepted notification that names a refusal reason',
        { ...notified, data: { ...notified.data, refusalReason: 'outside-return-window' } },
        'customer-care',
      ],
    ];
    for (const [what, envelope, team] of cases) {
      it(`should call ${what} invalid-data`, () => {
        assert.equal(reasonOf(decodeTeamEvent(record('R-1', envelope), team)), 'invalid-data');
      });
    }

    it('should let a cancelled replacement be a release or a cancellation: only what came before tells', () => {
      const cancelled = { ...shipped, status: 'cancelled' as const };
      for (const type of ['ReplacementReleased', 'ReplacementCancelled'] as const) {
        const envelope = { ...teamEventEnvelope('inventory', shipmentEvent(cancelled, held), refund, AT), type };
        assert.equal(reasonOf(decodeTeamEvent(record('R-1', envelope), 'inventory')), 'ok', type);
      }
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
      assert.deepEqual(upcast('UnitHeld', 2, held), { ok: false, reason: 'unknown-version' });
    });

    it('should read an order or a disposal of version 1 or 2, which had no status, as version 3 that stands', () => {
      const { status: _ordered, ...order } = decideDisassemblyOrder(request.data);
      const { status: _charged, ...disposal } = decideAssetDisposal(request.data);
      for (const version of [1, 2]) {
        assert.deepEqual(upcast('DisassemblyOrdered', version, order), {
          ok: true,
          type: 'DisassemblyOrdered',
          version: 3,
          data: { ...order, status: 'ordered' },
        });
        assert.deepEqual(upcast('AssetDisposalCharged', version, disposal), {
          ok: true,
          type: 'AssetDisposalCharged',
          version: 3,
          data: { ...disposal, status: 'charged' },
        });
      }
    });

    it('should refuse an order of version 3 without its status', () => {
      const { status: _ordered, ...order } = decideDisassemblyOrder(request.data);
      const version3 = {
        ...teamEventEnvelope('manufacturing', disassemblyEvent(decideDisassemblyOrder(request.data)), request, AT),
        data: order,
      };
      assert.equal(reasonOf(decodeTeamEvent(record('R-1', version3), 'manufacturing')), 'invalid-data');
      assert.equal(reasonOf(decodeTeamEvent(record('R-1', { ...version3, version: 2 }), 'manufacturing')), 'ok');
    });
  });
});
