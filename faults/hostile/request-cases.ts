// The hostile requests of the matrix: each is sent through every entry point that takes a request (the start
// scripts' --requests files, the workflow client, the publisher, and the request topic itself), and each must be
// refused there, naming its field, with no effect in either model. Also the valid returns sent after them, and the
// second versions of a return that an entry point must not take for the first.
import type { Address, RefundRequest } from '../../domain';
import { generateReturns } from '../../samples/generate-returns';

export interface ContentCase {
  readonly id: string;
  readonly what: string;
  // The hostile request, built from a valid one with its own returnId.
  readonly value: (base: RefundRequest) => unknown;
}

const FAR_FUTURE = '9999-12-31T23:59:59Z';

export const CONTENT_CASES: readonly ContentCase[] = [
  { id: 'not-an-object', what: 'a JSON string instead of a request', value: () => 'please refund me' },
  { id: 'null', what: 'null instead of a request', value: () => null },
  {
    id: 'wrong-types',
    what: 'wrong types: amount as a string, timestamp as a number',
    value: (base) => ({
      ...base,
      requestedAt: 1_778_493_600_000,
      order: { ...base.order, amountPaid: { amountCents: '79900', currency: 'EUR' } },
    }),
  },
  {
    id: 'missing-fields',
    what: 'missing fields: no cost, no location',
    value: (base) => ({ ...base, cost: undefined, location: undefined }),
  },
  {
    id: 'extra-fields',
    what: 'extra fields at the top and inside the order',
    value: (base) => ({ ...base, discountCode: 'FREE', order: { ...base.order, coupon: 'X' } }),
  },
  {
    id: 'huge-string',
    what: 'a 200 000-character defect description',
    value: (base) => ({ ...base, defectiveItem: { ...base.defectiveItem, reportedDefect: 'x'.repeat(200_000) } }),
  },
  {
    id: 'negative-amount',
    what: 'a negative amount paid',
    value: (base) => ({
      ...base,
      order: { ...base.order, amountPaid: { ...base.order.amountPaid, amountCents: -100 } },
    }),
  },
  {
    id: 'fractional-amount',
    what: 'a fractional number of cents',
    value: (base) => ({ ...base, cost: { bookValue: { ...base.cost.bookValue, amountCents: 1234.5 } } }),
  },
  {
    id: 'overflowing-amount',
    what: 'an amount beyond any safe integer (1e300 cents)',
    value: (base) => ({
      ...base,
      order: { ...base.order, amountPaid: { ...base.order.amountPaid, amountCents: 1e300 } },
    }),
  },
  { id: 'far-future', what: `requested in the year 9999`, value: (base) => ({ ...base, requestedAt: FAR_FUTURE }) },
  {
    id: 'far-past',
    what: 'purchased in 1900',
    value: (base) => ({ ...base, order: { ...base.order, purchasedAt: '1900-01-01T00:00:00Z' } }),
  },
  {
    id: 'not-a-timestamp',
    what: 'a timestamp that is not one ("yesterday")',
    value: (base) => ({ ...base, requestedAt: 'yesterday' }),
  },
  {
    id: 'purchase-after-request',
    what: 'purchased after the return was requested',
    value: (base) => ({
      ...base,
      order: { ...base.order, purchasedAt: '2027-01-01T00:00:00Z' },
      requestedAt: '2026-12-01T00:00:00Z',
    }),
  },
  {
    id: 'unknown-model',
    what: 'a model not in the catalogue',
    value: (base) => ({ ...base, model: { modelId: 'TOASTER-9000' } }),
  },
  {
    id: 'injection-identifier',
    what: "an id carrying SQL and markup: R-1'; DROP TABLE order_refunds;--<script>",
    value: (base) => ({ ...base, returnId: "R-1'; DROP TABLE order_refunds;--<script>" }),
  },
  // Timestamps finer than a millisecond: compared in milliseconds, 30 days and 500 µs would be inside the window.
  {
    id: 'sub-millisecond-timestamp',
    what: 'requested 30 days and 500 µs after purchase, written in microseconds',
    value: (base) => ({
      ...base,
      order: { ...base.order, purchasedAt: '2026-04-01T08:00:00.000000+00:00' },
      requestedAt: '2026-05-01T08:00:00.000500+00:00',
    }),
  },
  // Free text that is not text: the team topics would keep it for ever, and print it to every terminal that reads it.
  {
    id: 'control-characters',
    what: "NUL, BEL and an ANSI colour escape in the recipient's name",
    value: (base) => withShipTo(base, { recipient: 'Ada\u0000\u0007 \u001b[31mLovelace\u001b[0m' }),
  },
  {
    id: 'forged-log-line',
    what: 'a CR LF in the street, forging a line of log',
    value: (base) => withShipTo(base, { street: '1 Main St\r\n[INFO] refund approved' }),
  },
  {
    id: 'del-and-c1-controls',
    what: 'DEL, the C1 control CSI and ESC in the defect description, which may hold line breaks',
    value: (base) => ({
      ...base,
      defectiveItem: { ...base.defectiveItem, reportedDefect: 'Broken\u007f screen\n\u009b2J\u001b[2J' },
    }),
  },
  {
    id: 'bidi-override',
    what: 'a right-to-left override in the city',
    value: (base) => withShipTo(base, { city: 'Amsterdam \u202emaet' }),
  },
  {
    id: 'bidi-isolates',
    what: 'bidi isolates around the postal code',
    value: (base) => withShipTo(base, { postalCode: '\u20661011 AB\u2069' }),
  },
  {
    id: 'lone-surrogate',
    what: "a lone surrogate (half an emoji) in the recipient's name",
    value: (base) => withShipTo(base, { recipient: 'Ada \ud83d Lovelace' }),
  },
];

function withShipTo(base: RefundRequest, change: Partial<Address>): unknown {
  return { ...base, shipment: { shipTo: { ...base.shipment.shipTo, ...change } } };
}

// Independent returns: fresh orders and models with stock to spare, so each outcome depends on nothing else.
export function validReturns(prefix: string, count: number): RefundRequest[] {
  return generateReturns({
    seed: 77,
    count,
    idPrefix: prefix,
    repeatedOrderShare: 0,
    models: ['PHONE-X1', 'PHONE-X2', 'TABLET-T5'],
  });
}

// The valid request a hostile one is built from, under a returnId of its own.
export function hostileBase(prefix: string, caseId: string): RefundRequest {
  const [base] = validReturns(`${prefix}-${caseId}`.slice(0, 40), 1);
  return { ...base, returnId: `H-${prefix}-${caseId}`.slice(0, 64) };
}

// The same returnId with other contents: what a start script must refuse within one file.
export function withOtherAmountPaid(request: RefundRequest): RefundRequest {
  return { ...request, order: { ...request.order, amountPaid: { ...request.order.amountPaid, amountCents: 1 } } };
}

// The same returnId with other contents: what the workflow client and the publisher are handed a second time.
export function withOtherBookValue(request: RefundRequest): RefundRequest {
  return {
    ...request,
    cost: { bookValue: { ...request.cost.bookValue, amountCents: request.cost.bookValue.amountCents + 1 } },
  };
}

// Raw text for the publisher's publishJson(): refused as a whole, before any request is read from it.
export interface TextCase {
  readonly id: string;
  readonly what: string;
  readonly text: () => string;
}

export const JSON_TEXT_CASES: readonly TextCase[] = [
  { id: 'invalid-json', what: 'invalid JSON text', text: () => '{"returnId": "H-PU-json", ' },
  {
    id: 'huge-payload',
    what: 'a 2 MB JSON text',
    text: () => JSON.stringify({ ...hostileBase('PU', 'huge'), padding: 'x'.repeat(2_000_000) }),
  },
];
