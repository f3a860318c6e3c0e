import assert from 'node:assert/strict';
import {
  assertValidRefundRequest,
  InvalidRefundRequestError,
  MAX_AMOUNT_CENTS,
  MAX_REQUEST_BYTES,
  parseRefundRequestJson,
  type RefundRequest,
  type RequestValidation,
  validateRefundRequest,
} from '../../domain';
import { SAMPLE_RETURNS } from '../../samples/sample-returns';

// Untrusted input is any JSON; the cases below edit a copy of a valid request into an invalid one.
type Draft = Record<string, any>;

const VALID: RefundRequest = SAMPLE_RETURNS[0];

function draft(change: (request: Draft) => void): Draft {
  const request: Draft = structuredClone(VALID);
  change(request);
  return request;
}

function problemsOf(validation: RequestValidation): readonly string[] {
  assert.equal(validation.ok, false, 'expected the request to be rejected');
  return validation.ok ? [] : validation.problems;
}

// "order.amountPaid.amountCents: must not be negative" -> "order.amountPaid.amountCents"
function pathOf(problem: string): string {
  const separator = problem.indexOf(': ');
  assert.ok(separator > 0, `problem "${problem}" does not start with "path: "`);
  return problem.slice(0, separator);
}

function leafAndObjectPaths(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, child]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    return [path, ...leafAndObjectPaths(child, path)];
  });
}

function deleteAt(request: Draft, path: string): void {
  const keys = path.split('.');
  const parent = keys.slice(0, -1).reduce((node, key) => node[key], request);
  delete parent[keys[keys.length - 1]];
}

// A problem for `path` must be listed, saying `says`; any other problem must be about one of the expected paths.
interface ExpectedProblem {
  readonly path: string;
  readonly says: string;
}

interface InvalidCase {
  readonly name: string;
  readonly change: (request: Draft) => void;
  readonly problems: readonly ExpectedProblem[];
}

function assertProblems(problems: readonly string[], expected: readonly ExpectedProblem[]): void {
  const expectedPaths = new Set(expected.map((problem) => problem.path));
  for (const problem of problems) {
    assert.ok(
      expectedPaths.has(pathOf(problem)),
      `unexpected problem "${problem}"; all problems: ${problems.join(' | ')}`,
    );
  }
  for (const { path, says } of expected) {
    assert.ok(
      problems.some((problem) => problem.startsWith(`${path}: `) && problem.includes(says)),
      `no problem "${path}: …${says}…" in: ${problems.join(' | ')}`,
    );
  }
}

const problem = (path: string, says: string): ExpectedProblem => ({ path, says });

const INVALID_CASES: readonly InvalidCase[] = [
  // Wrong types
  { name: 'a numeric return id', change: (r) => (r.returnId = 42), problems: [problem('returnId', 'expected string')] },
  {
    name: 'an amount paid written as text',
    change: (r) => (r.order.amountPaid.amountCents = '79900'),
    problems: [problem('order.amountPaid.amountCents', 'must be a number of cents')],
  },
  {
    name: 'an order that is text, not an object',
    change: (r) => (r.order = 'O-5001'),
    problems: [problem('order', 'expected object')],
  },
  { name: 'a null location', change: (r) => (r.location = null), problems: [problem('location', 'expected object')] },
  {
    name: 'a timestamp given as epoch milliseconds',
    change: (r) => (r.requestedAt = 1778490000000),
    problems: [problem('requestedAt', 'ISO-8601')],
  },
  {
    name: 'a country given as a number',
    change: (r) => (r.shipment.shipTo.country = 31),
    problems: [problem('shipment.shipTo.country', 'expected string')],
  },
  // Money
  {
    name: 'a negative amount paid',
    change: (r) => (r.order.amountPaid.amountCents = -1),
    problems: [problem('order.amountPaid.amountCents', 'must not be negative')],
  },
  {
    name: 'a fraction of a cent',
    change: (r) => (r.order.amountPaid.amountCents = 799.5),
    problems: [problem('order.amountPaid.amountCents', 'must be a whole number of cents')],
  },
  {
    name: 'an amount one cent over the maximum',
    change: (r) => (r.order.amountPaid.amountCents = MAX_AMOUNT_CENTS + 1),
    problems: [problem('order.amountPaid.amountCents', `must be at most ${MAX_AMOUNT_CENTS} cents`)],
  },
  {
    name: 'a book value that is not a finite number',
    change: (r) => (r.cost.bookValue.amountCents = Infinity),
    problems: [problem('cost.bookValue.amountCents', 'must be a number of cents')],
  },
  {
    name: 'an unknown currency',
    change: (r) => (r.order.amountPaid.currency = 'JPY'),
    problems: [problem('order.amountPaid.currency', 'must be one of USD, EUR, GBP')],
  },
  {
    name: 'a currency in lower case',
    change: (r) => (r.cost.bookValue.currency = 'eur'),
    problems: [problem('cost.bookValue.currency', 'must be one of USD, EUR, GBP')],
  },
  // Timestamps
  {
    name: 'a timestamp that is not a date',
    change: (r) => (r.requestedAt = 'yesterday'),
    problems: [problem('requestedAt', 'ISO-8601')],
  },
  {
    name: 'a timestamp without a time zone',
    change: (r) => (r.requestedAt = '2026-05-11T09:00:00'),
    problems: [problem('requestedAt', 'with a time zone')],
  },
  {
    name: 'a date without a time',
    change: (r) => (r.requestedAt = '2026-05-11'),
    problems: [problem('requestedAt', 'ISO-8601')],
  },
  {
    name: 'the 30th of February',
    change: (r) => (r.order.purchasedAt = '2026-02-30T10:00:00Z'),
    problems: [problem('order.purchasedAt', 'ISO-8601')],
  },
  {
    name: 'a purchase in 1970',
    change: (r) => (r.order.purchasedAt = '1970-01-01T00:00:00Z'),
    problems: [problem('order.purchasedAt', 'must lie between the years 2000 and 2099')],
  },
  {
    name: 'a purchase 1 ms before the year 2000',
    change: (r) => (r.order.purchasedAt = '1999-12-31T23:59:59.999Z'),
    problems: [problem('order.purchasedAt', 'must lie between the years 2000 and 2099')],
  },
  {
    name: 'a request in 2200',
    change: (r) => (r.requestedAt = '2200-01-01T00:00:00Z'),
    problems: [problem('requestedAt', 'must lie between the years 2000 and 2099')],
  },
  {
    name: 'a request on the first instant of 2100',
    change: (r) => (r.requestedAt = '2100-01-01T00:00:00Z'),
    problems: [problem('requestedAt', 'must lie between the years 2000 and 2099')],
  },
  {
    name: 'a purchase 1 ms after the request',
    change: (r) => (r.order.purchasedAt = '2026-05-11T09:00:00.001Z'),
    problems: [problem('order.purchasedAt', 'must not be later than requestedAt')],
  },
  {
    name: 'a request timestamp in microseconds',
    change: (r) => (r.requestedAt = '2026-05-01T08:00:00.000500+00:00'),
    problems: [problem('requestedAt', 'must have at most millisecond precision (3 fraction digits), got 6')],
  },
  {
    name: 'a purchase timestamp in microseconds that are all zero',
    change: (r) => (r.order.purchasedAt = '2026-04-01T08:00:00.000000+00:00'),
    problems: [problem('order.purchasedAt', 'must have at most millisecond precision (3 fraction digits), got 6')],
  },
  // Identifiers and text
  {
    name: 'an empty return id',
    change: (r) => (r.returnId = ''),
    problems: [problem('returnId', 'must not be empty')],
  },
  {
    name: 'a return id with a space',
    change: (r) => (r.returnId = 'R 1001'),
    problems: [problem('returnId', 'may hold only letters, digits and . _ : -')],
  },
  {
    name: 'a serial number starting with a dash',
    change: (r) => (r.defectiveItem.serialNumber = '-SN-1'),
    problems: [problem('defectiveItem.serialNumber', 'starting with a letter or digit')],
  },
  {
    name: 'an order id of 65 characters',
    change: (r) => (r.order.orderId = 'O'.repeat(65)),
    problems: [problem('order.orderId', 'must be at most 64 characters')],
  },
  {
    name: 'a model that is not in the catalogue',
    change: (r) => (r.model.modelId = 'PHONE-X9'),
    problems: [problem('model.modelId', 'is not a model in the catalogue')],
  },
  {
    name: 'a catalogue model written in lower case',
    change: (r) => (r.model.modelId = 'phone-x1'),
    problems: [problem('model.modelId', 'is not a model in the catalogue')],
  },
  {
    name: 'a recipient of blanks only',
    change: (r) => (r.shipment.shipTo.recipient = '   '),
    problems: [problem('shipment.shipTo.recipient', 'must not be empty')],
  },
  {
    name: 'a country that is not a two-letter code',
    change: (r) => (r.shipment.shipTo.country = 'nl'),
    problems: [problem('shipment.shipTo.country', 'ISO 3166 two-letter country code')],
  },
  {
    name: 'a defect description over 1000 characters',
    change: (r) => (r.defectiveItem.reportedDefect = 'x'.repeat(1001)),
    problems: [problem('defectiveItem.reportedDefect', 'must be at most 1000 characters')],
  },
  {
    name: 'an ANSI escape in the recipient',
    change: (r) => (r.shipment.shipTo.recipient = 'Ada \u001b[31mLovelace'),
    problems: [problem('shipment.shipTo.recipient', 'found U+001B (ESC, which starts a terminal escape sequence)')],
  },
  {
    name: 'a right-to-left override in the defect description',
    change: (r) => (r.defectiveItem.reportedDefect = 'Broken \u202eneercs'),
    problems: [problem('defectiveItem.reportedDefect', 'found U+202E (a bidi embedding or override)')],
  },
  // Unknown fields
  {
    name: 'an unknown top-level field',
    change: (r) => (r.priority = 'high'),
    problems: [problem('(request)', 'has unknown field(s) priority')],
  },
  {
    name: 'an unknown field inside the order',
    change: (r) => (r.order.coupon = 'SUMMER'),
    problems: [problem('order', 'has unknown field(s) coupon')],
  },
];

describe('Refund request at the edge', () => {
  describe('when a request is valid', () => {
    for (const sample of SAMPLE_RETURNS) {
      it(`should accept sample return ${sample.returnId} unchanged`, () => {
        assert.deepEqual(validateRefundRequest(sample), { ok: true, request: sample });
      });
    }

    const accepted: readonly { readonly name: string; readonly change: (request: Draft) => void }[] = [
      { name: 'an amount of exactly the maximum', change: (r) => (r.order.amountPaid.amountCents = MAX_AMOUNT_CENTS) },
      { name: 'a free device (zero paid)', change: (r) => (r.order.amountPaid.amountCents = 0) },
      { name: 'a timestamp with a +02:00 offset', change: (r) => (r.requestedAt = '2026-05-11T11:00:00+02:00') },
      {
        name: 'a purchase on the first instant of 2000',
        change: (r) => (r.order.purchasedAt = '2000-01-01T00:00:00Z'),
      },
      {
        name: 'a request on the last millisecond of 2099 (purchase the same instant)',
        change: (r) => {
          r.requestedAt = '2099-12-31T23:59:59.999Z';
          r.order.purchasedAt = '2099-12-31T23:59:59.999Z';
        },
      },
      { name: 'a request the very instant of the purchase', change: (r) => (r.requestedAt = r.order.purchasedAt) },
      { name: 'an id using every allowed punctuation mark', change: (r) => (r.returnId = 'R-1001.a_b:c') },
      { name: 'a timestamp in milliseconds', change: (r) => (r.requestedAt = '2026-05-11T09:00:00.999+00:00') },
      { name: 'a recipient in accents, CJK and emoji', change: (r) => (r.shipment.shipTo.recipient = 'Zoë 東京 😀') },
      {
        name: 'a defect described over two lines',
        change: (r) => (r.defectiveItem.reportedDefect = 'Dead.\nNo power.'),
      },
    ];
    for (const { name, change } of accepted) {
      it(`should accept ${name}`, () => {
        const validation = validateRefundRequest(draft(change));
        assert.ok(validation.ok, validation.ok ? '' : validation.problems.join(' | '));
      });
    }

    it('should trim blanks around the address text it accepts', () => {
      const validation = validateRefundRequest(draft((r) => (r.shipment.shipTo.city = '  Amsterdam ')));
      assert.ok(validation.ok);
      assert.equal(validation.request.shipment.shipTo.city, 'Amsterdam');
    });
  });

  describe('when a field is missing', () => {
    for (const path of leafAndObjectPaths(VALID)) {
      it(`should say "${path}: is missing"`, () => {
        const problems = problemsOf(validateRefundRequest(draft((r) => deleteAt(r, path))));
        assert.deepEqual(problems, [`${path}: is missing`]);
      });
    }

    it('should still name the missing field by its dotted path when its schema has a custom message', () => {
      const problems = problemsOf(validateRefundRequest(draft((r) => deleteAt(r, 'order.amountPaid.amountCents'))));
      assert.deepEqual(problems.map(pathOf), ['order.amountPaid.amountCents']);
    });
  });

  describe('when a field is invalid', () => {
    for (const invalid of INVALID_CASES) {
      it(`should reject ${invalid.name}, naming the field`, () => {
        assertProblems(problemsOf(validateRefundRequest(draft(invalid.change))), invalid.problems);
      });
    }

    it('should report a timestamp that is not a date once, not also as outside the years 2000-2099', () => {
      const problems = problemsOf(validateRefundRequest(draft((r) => (r.requestedAt = 'yesterday'))));
      assert.equal(problems.length, 1, problems.join(' | '));
    });
  });

  describe('when the input is not an object at all', () => {
    for (const [name, input] of [
      ['null', null],
      ['an array', []],
      ['a string', 'R-1001'],
      ['a number', 42],
    ] as const) {
      it(`should reject ${name} as a whole request`, () => {
        const problems = problemsOf(validateRefundRequest(input));
        assert.equal(problems.length, 1);
        assert.equal(pathOf(problems[0]), '(request)');
      });
    }
  });

  describe('when a request has several problems', () => {
    it('should list every one of them, each under its own path', () => {
      const input = draft((r) => {
        r.returnId = 'R 1001';
        r.order.amountPaid.amountCents = -5;
        r.order.amountPaid.currency = 'JPY';
        r.model.modelId = 'PHONE-X9';
        r.shipment.shipTo.country = 'nl';
        deleteAt(r, 'location.siteId');
        r.cost.bookValue.amountCents = 1.5;
        r.priority = 'high';
      });
      const problems = problemsOf(validateRefundRequest(input));
      assert.equal(problems.length, 8, problems.join(' | '));
      assert.deepEqual(problems.map(pathOf).sort(), [
        '(request)',
        'cost.bookValue.amountCents',
        'location.siteId',
        'model.modelId',
        'order.amountPaid.amountCents',
        'order.amountPaid.currency',
        'returnId',
        'shipment.shipTo.country',
      ]);
      assert.ok(problems.includes('location.siteId: is missing'));
    });

    it('should list a purchase after the request alongside problems in other fields', () => {
      const problems = problemsOf(
        validateRefundRequest(
          draft((r) => {
            r.priority = 'high';
            r.order.purchasedAt = '2026-05-12T00:00:00Z';
          }),
        ),
      );
      assert.deepEqual(problems.map(pathOf).sort(), ['(request)', 'order.purchasedAt']);
    });

    it('should list a purchase after the request even when another field is missing', () => {
      const problems = problemsOf(
        validateRefundRequest(
          draft((r) => {
            delete r.returnId;
            r.order.purchasedAt = '2026-05-12T00:00:00Z';
          }),
        ),
      );
      assert.deepEqual(problems.map(pathOf).sort(), ['order.purchasedAt', 'returnId']);
    });
  });

  describe('when asserting a request is valid', () => {
    it('should return the valid request', () => {
      assert.deepEqual(assertValidRefundRequest(VALID), VALID);
    });

    it('should throw InvalidRefundRequestError carrying every problem', () => {
      const input = draft((r) => {
        r.returnId = '';
        r.model.modelId = 'PHONE-X9';
      });
      assert.throws(
        () => assertValidRefundRequest(input),
        (error: unknown) =>
          error instanceof InvalidRefundRequestError &&
          error.problems.some((p) => p.startsWith('returnId: ')) &&
          error.problems.some((p) => p.startsWith('model.modelId: ')) &&
          error.message.includes('model.modelId: is not a model in the catalogue'),
      );
    });
  });

  describe('when parsing raw JSON text', () => {
    for (const sample of SAMPLE_RETURNS) {
      it(`should accept the JSON of sample return ${sample.returnId}`, () => {
        assert.deepEqual(parseRefundRequestJson(JSON.stringify(sample)), { ok: true, request: sample });
      });
    }

    for (const [name, raw] of [
      ['text cut off mid-object', '{"returnId": "R-1001", "order": {'],
      ['an empty text', ''],
      ['single-quoted JSON', "{'returnId': 'R-1001'}"],
      ['a trailing comma', `${JSON.stringify(VALID).slice(0, -1)},}`],
    ] as const) {
      it(`should reject ${name} as invalid JSON, in one problem`, () => {
        const problems = problemsOf(parseRefundRequestJson(raw));
        assert.equal(problems.length, 1);
        assert.match(problems[0], /^\(request\): is not valid JSON \(.+\)$/);
      });
    }

    it('should pass well-formed JSON on to the schema and list its problems', () => {
      const problems = problemsOf(
        parseRefundRequestJson(JSON.stringify(draft((r) => (r.order.amountPaid.amountCents = -1)))),
      );
      assert.deepEqual(problems, ['order.amountPaid.amountCents: must not be negative']);
    });

    it('should reject the JSON literal null as a whole request', () => {
      assert.deepEqual(problemsOf(parseRefundRequestJson('null')).map(pathOf), ['(request)']);
    });

    const padTo = (bytes: number) => {
      const json = JSON.stringify(VALID);
      return json + ' '.repeat(bytes - Buffer.byteLength(json));
    };

    it(`should accept a request of exactly ${MAX_REQUEST_BYTES} bytes`, () => {
      const raw = padTo(MAX_REQUEST_BYTES);
      assert.equal(Buffer.byteLength(raw), MAX_REQUEST_BYTES);
      assert.equal(parseRefundRequestJson(raw).ok, true);
    });

    it(`should refuse a payload of ${MAX_REQUEST_BYTES + 1} bytes before parsing it`, () => {
      assert.deepEqual(parseRefundRequestJson(padTo(MAX_REQUEST_BYTES + 1)), {
        ok: false,
        problems: [`(request): is ${MAX_REQUEST_BYTES + 1} bytes; at most ${MAX_REQUEST_BYTES} are accepted`],
      });
    });

    it('should refuse an oversized payload even when it is not JSON at all', () => {
      const problems = problemsOf(parseRefundRequestJson('x'.repeat(MAX_REQUEST_BYTES + 1)));
      assert.equal(problems.length, 1);
      assert.match(problems[0], /^\(request\): is \d+ bytes; at most \d+ are accepted$/);
    });

    for (const [name, character] of [
      ['euro signs (3 bytes each)', '€'],
      ['emoji (4 bytes each, 2 UTF-16 units)', '😀'],
      ['accented letters (2 bytes each)', 'é'],
    ] as const) {
      it(`should count UTF-8 bytes, not characters: a defect described in ${name}`, () => {
        const defect = character.repeat(Math.ceil(MAX_REQUEST_BYTES / Buffer.byteLength(character)));
        const raw = JSON.stringify(draft((r) => (r.defectiveItem.reportedDefect = defect)));
        assert.ok(raw.length < Buffer.byteLength(raw), 'the test needs more bytes than characters');
        assert.deepEqual(problemsOf(parseRefundRequestJson(raw)), [
          `(request): is ${Buffer.byteLength(raw)} bytes; at most ${MAX_REQUEST_BYTES} are accepted`,
        ]);
      });
    }
  });
});
