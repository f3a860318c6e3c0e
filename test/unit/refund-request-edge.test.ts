// What the edge refuses because both models would keep it wrongly for ever, each refusal naming its field:
// timestamps finer than a millisecond, and control characters, bidi controls and lone surrogates in free text.
// Ordinary Unicode is kept exactly as written.
import assert from 'node:assert/strict';
import { isWithinReturnWindow, type RequestValidation, validateRefundRequest } from '../../domain';
import { SAMPLE_RETURNS } from '../../samples/sample-returns';
import {
  FORBIDDEN_TEXT_SCENARIOS,
  FREE_TEXT_FIELDS,
  KEPT_TEXT_SCENARIOS,
  SEVERAL_LINE_FIELDS,
  SEVERAL_LINES_SCENARIOS,
  TIMESTAMP_PRECISION_SCENARIOS,
} from '../fixtures/request-edge-scenarios';

// Untrusted input is any JSON: each case writes values into a copy of a valid request, by dotted path.
type Draft = Record<string, any>;

function requestWith(values: Readonly<Record<string, unknown>>): Draft {
  const request: Draft = structuredClone(SAMPLE_RETURNS[0]);
  for (const [path, value] of Object.entries(values)) {
    const keys = path.split('.');
    const parent = keys.slice(0, -1).reduce((node, key) => node[key], request);
    parent[keys[keys.length - 1]] = value;
  }
  return request;
}

function valueAt(request: unknown, path: string): unknown {
  return path.split('.').reduce((node: any, key) => node[key], request);
}

function problemsOf(validation: RequestValidation): readonly string[] {
  assert.equal(validation.ok, false, 'expected the request to be rejected');
  return validation.ok ? [] : validation.problems;
}

describe('Refund request at the edge: timestamps and free text', () => {
  describe('when a timestamp is written finer than a millisecond', () => {
    for (const scenario of TIMESTAMP_PRECISION_SCENARIOS) {
      it(`should find that ${scenario.name}`, () => {
        const validation = validateRefundRequest(
          requestWith({ requestedAt: scenario.requestedAt, 'order.purchasedAt': scenario.purchasedAt }),
        );
        if (scenario.refused.length === 0) {
          assert.ok(validation.ok, validation.ok ? '' : validation.problems.join(' | '));
          return;
        }
        const expected = scenario.refused.map(
          ({ field, digits }) => `${field}: must have at most millisecond precision (3 fraction digits), got ${digits}`,
        );
        assert.deepEqual([...problemsOf(validation)].sort(), expected.sort());
      });
    }

    it('should refuse microseconds that Date.parse drops, which would put a late request in the window', () => {
      const purchasedAt = '2026-04-01T08:00:00.000000+00:00';
      const requestedAt = '2026-05-01T08:00:00.000500+00:00';
      assert.equal(isWithinReturnWindow(purchasedAt, requestedAt), true, 'in milliseconds it is exactly 30 days');
      assert.equal(validateRefundRequest(requestWith({ requestedAt, 'order.purchasedAt': purchasedAt })).ok, false);
    });

    it('should report a malformed timestamp with microseconds once, as malformed', () => {
      const problems = problemsOf(validateRefundRequest(requestWith({ requestedAt: '2026-02-30T10:00:00.000000Z' })));
      assert.deepEqual(problems, [
        'requestedAt: must be an ISO-8601 timestamp with a time zone, e.g. 2026-05-01T12:00:00Z',
      ]);
    });
  });

  describe('when a free-text field holds a character that is not text', () => {
    for (const field of FREE_TEXT_FIELDS) {
      for (const scenario of FORBIDDEN_TEXT_SCENARIOS) {
        if (scenario.allowedOverSeveralLines && SEVERAL_LINE_FIELDS.has(field)) continue;
        it(`should refuse ${scenario.name} in ${field}, naming the field and the character`, () => {
          const problems = problemsOf(validateRefundRequest(requestWith({ [field]: scenario.text })));
          assert.equal(problems.length, 1, problems.join(' | '));
          assert.ok(problems[0].startsWith(`${field}: must be `), problems[0]);
          assert.ok(problems[0].includes(`found ${scenario.codePoint} (`), problems[0]);
          assert.ok(problems[0].endsWith(`at character ${scenario.position}`), problems[0]);
        });
      }
    }

    it('should say what a one-line field expects and what it found, in words', () => {
      assert.deepEqual(problemsOf(validateRefundRequest(requestWith({ 'shipment.shipTo.city': 'Delft\u001b[2J' }))), [
        'shipment.shipTo.city: must be one line of printable text; ' +
          'found U+001B (ESC, which starts a terminal escape sequence) at character 6',
      ]);
    });

    it('should name every field that holds one, not only the first', () => {
      const request = requestWith({
        'shipment.shipTo.recipient': 'A\u0000',
        'defectiveItem.reportedDefect': 'x\u202e',
      });
      const problems = problemsOf(validateRefundRequest(request));
      assert.deepEqual(problems.map((problem) => problem.slice(0, problem.indexOf(':'))).sort(), [
        'defectiveItem.reportedDefect',
        'shipment.shipTo.recipient',
      ]);
    });
  });

  describe('when a free-text field holds ordinary Unicode', () => {
    for (const field of FREE_TEXT_FIELDS) {
      for (const scenario of KEPT_TEXT_SCENARIOS) {
        it(`should keep ${scenario.name} in ${field} exactly as written`, () => {
          const validation = validateRefundRequest(requestWith({ [field]: scenario.text }));
          assert.ok(validation.ok, validation.ok ? '' : validation.problems.join(' | '));
          assert.equal(valueAt(validation.request, field), scenario.text);
        });
      }
    }
  });

  describe('when a defect is described over several lines', () => {
    for (const scenario of SEVERAL_LINES_SCENARIOS) {
      it(`should find that ${scenario.name}`, () => {
        const validation = validateRefundRequest(requestWith({ 'defectiveItem.reportedDefect': scenario.written }));
        assert.ok(validation.ok, validation.ok ? '' : validation.problems.join(' | '));
        assert.equal(validation.request.defectiveItem.reportedDefect, scenario.stored);
      });
    }

    it('should accept what it stored when it is validated again, unchanged, as a team reading the topic does', () => {
      const first = validateRefundRequest(requestWith({ 'defectiveItem.reportedDefect': 'One.\r\nTwo.' }));
      assert.ok(first.ok);
      assert.deepEqual(validateRefundRequest(first.request), first);
    });
  });
});
