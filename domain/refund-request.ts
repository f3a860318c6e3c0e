// The RefundRequest User Support receives, and the one schema both models validate it with at their edge.
import { z } from 'zod';
import { isKnownModel } from './catalogue';
import { CURRENCIES, type Money } from './money';

export interface Address {
  readonly recipient: string;
  readonly street: string;
  readonly city: string;
  readonly postalCode: string;
  readonly country: string;
}

// Each piece carries only what one team needs to identify its part of the return.
export interface RefundRequest {
  readonly returnId: string;
  readonly requestedAt: string;
  readonly order: { readonly orderId: string; readonly purchasedAt: string; readonly amountPaid: Money };
  readonly model: { readonly modelId: string };
  readonly shipment: { readonly shipTo: Address };
  readonly defectiveItem: { readonly serialNumber: string; readonly reportedDefect: string };
  readonly location: { readonly siteId: string };
  readonly cost: { readonly bookValue: Money };
}

// Larger requests are refused before parsing: nothing legitimate comes near it.
export const MAX_REQUEST_BYTES = 16 * 1024;
// Ten million in major units: anything above is a typo or an attack, not a device.
export const MAX_AMOUNT_CENTS = 1_000_000_000;
const EARLIEST_TIMESTAMP = Date.parse('2000-01-01T00:00:00Z');
const LATEST_TIMESTAMP = Date.parse('2100-01-01T00:00:00Z');

const identifier = z
  .string()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'may hold only letters, digits and . _ : -, starting with a letter or digit');

// What a free-text field may not hold, and why: the team topics keep every record forever, and whatever a field
// holds is printed later to a terminal, a log or a report.
// - C0 and C1 controls and DEL: NUL ends strings in C, BEL rings, ESC starts the ANSI sequences that recolour or
//   rewrite a terminal, and a CR or LF in a one-line field forges a new line in a log.
// - Bidi embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069): they reorder what a reader sees, so
//   the text shown is not the text stored. The marks LRM and RLM stay allowed: right-to-left addresses use them.
// - Lone surrogates: half of a UTF-16 pair is no character, and cannot be written as UTF-8.
// - U+2028 and U+2029: line breaks that some readers honour and others do not.
// Ordinary Unicode (accents, CJK, emoji and the joiners inside them) is text like any other.
function forbiddenCharacter(codePoint: number): string | null {
  if (codePoint === 0x0a) return 'a line feed';
  if (codePoint === 0x0d) return 'a carriage return';
  if (codePoint === 0x09) return 'a tab';
  if (codePoint === 0x00) return 'NUL';
  if (codePoint === 0x07) return 'BEL';
  if (codePoint === 0x1b) return 'ESC, which starts a terminal escape sequence';
  if (codePoint < 0x20) return 'a control character';
  if (codePoint === 0x7f) return 'DEL';
  if (codePoint >= 0x80 && codePoint <= 0x9f) return 'a C1 control character';
  if (codePoint >= 0x202a && codePoint <= 0x202e) return 'a bidi embedding or override';
  if (codePoint >= 0x2066 && codePoint <= 0x2069) return 'a bidi isolate';
  if (codePoint === 0x2028 || codePoint === 0x2029) return 'a Unicode line or paragraph separator';
  if (codePoint >= 0xd800 && codePoint <= 0xdfff) return 'a lone surrogate, half of a UTF-16 pair';
  return null;
}

interface TextRule {
  readonly expected: string;
  readonly allowed: ReadonlySet<number>;
}

const ONE_LINE: TextRule = { expected: 'one line of printable text', allowed: new Set() };
// A line feed and a tab are text in a description a person writes over several lines, and nowhere else.
const SEVERAL_LINES: TextRule = {
  expected: 'printable text (line breaks and tabs allowed)',
  allowed: new Set([0x0a, 0x09]),
};

function printable(rule: TextRule) {
  return (value: string, context: z.core.$RefinementCtx<string>): void => {
    let position = 0;
    // for…of walks code points: a surrogate pair is one emoji, a surrogate on its own is a lone surrogate.
    for (const character of value) {
      position++;
      const codePoint = character.codePointAt(0) ?? 0;
      const kind = rule.allowed.has(codePoint) ? null : forbiddenCharacter(codePoint);
      if (kind === null) continue;
      const hex = codePoint.toString(16).toUpperCase().padStart(4, '0');
      const message = `must be ${rule.expected}; found U+${hex} (${kind}) at character ${position}`;
      context.addIssue({ code: 'custom', message, input: value });
      return;
    }
  };
}

// A name or an address line.
const text = (maxLength: number) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(maxLength, `must be at most ${maxLength} characters`)
    .superRefine(printable(ONE_LINE));

// What a customer writes about a defect, over several lines if need be. A CRLF from a Windows form is stored as LF,
// so both models keep one form of line break, and a lone CR, which overwrites a terminal line, is still refused.
const multiLineText = (maxLength: number) =>
  z
    .string()
    .overwrite((value) => value.replace(/\r\n/g, '\n'))
    .trim()
    .min(1, 'must not be empty')
    .max(maxLength, `must be at most ${maxLength} characters`)
    .superRefine(printable(SEVERAL_LINES));

// Date.parse, and so every comparison of two instants in both models, keeps milliseconds and drops the rest: a
// request 30 days and 500 µs after its purchase would compare as exactly 30 days, inside the window. More digits
// are refused, not rounded: rounding either way can move an instant across the boundary unnoticed.
const MAX_FRACTION_DIGITS = 3;

function fractionDigits(value: string): number {
  return /T\d{2}:\d{2}:\d{2}\.(\d+)/.exec(value)?.[1].length ?? 0;
}

const timestamp = z.iso
  .datetime({ offset: true, message: 'must be an ISO-8601 timestamp with a time zone, e.g. 2026-05-01T12:00:00Z' })
  .superRefine(
    (value, context) => {
      const digits = fractionDigits(value);
      if (digits <= MAX_FRACTION_DIGITS) return;
      const message = `must have at most millisecond precision (${MAX_FRACTION_DIGITS} fraction digits), got ${digits}`;
      context.addIssue({ code: 'custom', message, input: value });
    },
    // A malformed timestamp is already reported by the format check; one problem per mistake.
    { when: (payload) => payload.issues.length === 0 },
  )
  .refine((value) => {
    const millis = Date.parse(value);
    // A malformed timestamp is already reported by the format check; one problem per mistake.
    return Number.isNaN(millis) || (millis >= EARLIEST_TIMESTAMP && millis < LATEST_TIMESTAMP);
  }, 'must lie between the years 2000 and 2099');

const moneySchema = z.strictObject({
  amountCents: z
    .number({ message: 'must be a number of cents' })
    .int('must be a whole number of cents')
    .min(0, 'must not be negative')
    .max(MAX_AMOUNT_CENTS, `must be at most ${MAX_AMOUNT_CENTS} cents`),
  currency: z.enum(CURRENCIES, { message: `must be one of ${CURRENCIES.join(', ')}` }),
});

// Also the schema of the address a replacement is shipped to, wherever a team's record repeats it.
export const addressSchema = z.strictObject({
  recipient: text(120),
  street: text(200),
  city: text(100),
  postalCode: text(20),
  country: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166 two-letter country code, e.g. NL'),
});

export const refundRequestSchema = z.strictObject({
  returnId: identifier,
  requestedAt: timestamp,
  order: z.strictObject({ orderId: identifier, purchasedAt: timestamp, amountPaid: moneySchema }),
  model: z.strictObject({
    modelId: identifier.refine(isKnownModel, 'is not a model in the catalogue'),
  }),
  shipment: z.strictObject({ shipTo: addressSchema }),
  defectiveItem: z.strictObject({ serialNumber: identifier, reportedDefect: multiLineText(1000) }),
  location: z.strictObject({ siteId: identifier }),
  cost: z.strictObject({ bookValue: moneySchema }),
});

export type RequestValidation =
  { readonly ok: true; readonly request: RefundRequest } | { readonly ok: false; readonly problems: readonly string[] };

// Lists every problem, each as "path: what is wrong", so a caller can fix them all at once.
export function validateRefundRequest(input: unknown): RequestValidation {
  const parsed = refundRequestSchema.safeParse(input, { reportInput: true });
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => {
        const path = issue.path.length > 0 ? issue.path.join('.') : '(request)';
        return `${path}: ${describeIssue(issue)}`;
      });
  // Checked on the raw input, so it is reported even when other fields are wrong too.
  if (purchasedAfterRequest(input)) problems.push('order.purchasedAt: must not be later than requestedAt');
  if (parsed.success && problems.length === 0) return { ok: true, request: parsed.data };
  return { ok: false, problems };
}

function purchasedAfterRequest(input: unknown): boolean {
  const candidate = input as { requestedAt?: unknown; order?: { purchasedAt?: unknown } } | null;
  const requestedAt = instantOf(candidate?.requestedAt);
  const purchasedAt = instantOf(candidate?.order?.purchasedAt);
  return requestedAt !== null && purchasedAt !== null && purchasedAt > requestedAt;
}

// Only a timestamp the schema accepts is compared: Date.parse reads the 30th of February as the 2nd of March, and
// a timestamp that is wrong is already reported as wrong; one problem per mistake.
function instantOf(value: unknown): number | null {
  return timestamp.safeParse(value).success ? Date.parse(value as string) : null;
}

// For raw bytes or text from a file, a topic or stdin: size and JSON syntax are checked before the schema.
export function parseRefundRequestJson(raw: string): RequestValidation {
  const bytes = utf8Length(raw);
  if (bytes > MAX_REQUEST_BYTES) {
    return { ok: false, problems: [`(request): is ${bytes} bytes; at most ${MAX_REQUEST_BYTES} are accepted`] };
  }
  let input: unknown;
  try {
    input = JSON.parse(raw);
  } catch (error) {
    return { ok: false, problems: [`(request): is not valid JSON (${(error as Error).message})`] };
  }
  return validateRefundRequest(input);
}

export class InvalidRefundRequestError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid refund request:\n  - ${problems.join('\n  - ')}`);
    this.name = 'InvalidRefundRequestError';
  }
}

export function assertValidRefundRequest(input: unknown): RefundRequest {
  const validation = validateRefundRequest(input);
  if (!validation.ok) throw new InvalidRefundRequestError(validation.problems);
  return validation.request;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  // Each field's own message explains a wrong value; an absent value deserves plainer words.
  if (issue.code !== 'custom' && issue.code !== 'unrecognized_keys' && 'input' in issue && issue.input === undefined) {
    return 'is missing';
  }
  if (issue.code === 'unrecognized_keys') return `has unknown field(s) ${issue.keys.join(', ')}`;
  return issue.message;
}

// No Buffer here: this module is also bundled into the Temporal workflow sandbox.
function utf8Length(value: string): number {
  let bytes = 0;
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff) {
      bytes += 4;
      index++;
    } else bytes += 3;
  }
  return bytes;
}
