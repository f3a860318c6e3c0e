// What makes two requests under one returnId the same request, in both models: their validated content, named
// by requestContentId.
import assert from 'node:assert/strict';
import { type RefundRequest, validateRefundRequest } from '../../domain';
import { canonicalJson, requestContentId } from '../../domain/request-content';
import { ADA, aReturn, eur } from '../fixtures/domain-scenarios';

// 64-bit FNV-1a with BigInt, as its definition reads: the reference the two 32-bit halves must match.
function referenceFnv1a64(text: string): string {
  let hash = 0xcbf29ce484222325n;
  for (const byte of new TextEncoder().encode(text)) hash = ((hash ^ BigInt(byte)) * 0x100000001b3n) & (2n ** 64n - 1n);
  return hash.toString(16).padStart(16, '0');
}

function validated(input: unknown): RefundRequest {
  const validation = validateRefundRequest(input);
  assert.ok(validation.ok, JSON.stringify(validation));
  return validation.request;
}

describe('Request content id', () => {
  const request = aReturn({ returnId: 'R-1' });

  describe('when the hash is checked against its definition', () => {
    it('should have a reference that gives the published FNV-1a 64 test values', () => {
      assert.equal(referenceFnv1a64(''), 'cbf29ce484222325');
      assert.equal(referenceFnv1a64('a'), 'af63dc4c8601ec8c');
      assert.equal(referenceFnv1a64('foobar'), '85944171f73967e8');
    });

    it('should match the reference for requests with accents, CJK and emoji', () => {
      for (const recipient of ['Ada Lovelace', 'Zoë Müller-Ørsted', '山田 太郎', 'Ada 🚀 Lovelace']) {
        const withName = aReturn({ shipTo: { ...ADA, recipient } });
        assert.equal(requestContentId(withName), referenceFnv1a64(canonicalJson(withName)), recipient);
      }
    });
  });

  describe('when the same request is written with its fields in another order', () => {
    it('should give it the same id', () => {
      const reordered = JSON.parse(
        JSON.stringify({
          cost: request.cost,
          location: request.location,
          defectiveItem: request.defectiveItem,
          shipment: {
            shipTo: {
              country: ADA.country,
              postalCode: ADA.postalCode,
              city: ADA.city,
              street: ADA.street,
              recipient: ADA.recipient,
            },
          },
          model: request.model,
          order: { amountPaid: request.order.amountPaid, purchasedAt: request.order.purchasedAt, orderId: 'O-1' },
          requestedAt: request.requestedAt,
          returnId: 'R-1',
        }),
      ) as RefundRequest;
      assert.notEqual(JSON.stringify(reordered), JSON.stringify(request));
      assert.equal(requestContentId(reordered), requestContentId(request));
    });

    it('should give the same id to a text the edge trims, once validated', () => {
      const padded = {
        ...request,
        defectiveItem: { ...request.defectiveItem, reportedDefect: '  Battery drains overnight ' },
      };
      assert.equal(requestContentId(validated(padded)), requestContentId(request));
    });
  });

  describe('when any one value differs', () => {
    const changes: readonly [string, RefundRequest][] = [
      ['the time it was requested', aReturn({ returnId: 'R-1', requestedAt: '2026-05-11T10:00:00.001Z' })],
      ['the order', aReturn({ returnId: 'R-1', orderId: 'O-2' })],
      ['the amount paid', aReturn({ returnId: 'R-1', amountPaid: eur(79901) })],
      ['the model', aReturn({ returnId: 'R-1', modelId: 'WATCH-W1' })],
      ['the address', aReturn({ returnId: 'R-1', shipTo: { ...ADA, city: 'Utrecht' } })],
      ['the serial number', aReturn({ returnId: 'R-1', serialNumber: 'SN-X1-000124' })],
      ['the defect reported', aReturn({ returnId: 'R-1', reportedDefect: 'Battery drains at noon' })],
      ['the site', aReturn({ returnId: 'R-1', siteId: 'AMS-2' })],
      ['the book value', aReturn({ returnId: 'R-1', bookValue: eur(41251) })],
      ['the returnId itself', aReturn({ returnId: 'R-2' })],
    ];
    for (const [what, changed] of changes) {
      it(`should give another id when ${what} differs`, () => {
        assert.notEqual(requestContentId(changed), requestContentId(request));
      });
    }

    it('should give 16 lowercase hex digits', () => {
      for (const [, changed] of changes) assert.match(requestContentId(changed), /^[0-9a-f]{16}$/);
    });
  });
});
