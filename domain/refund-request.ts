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

const text = (maxLength: number) =>
  z.string().trim().min(1, 'must not be empty').max(maxLength, `must be at most ${maxLength} characters`);

const timestamp = z.iso
  .datetime({ offset: true, message: 'must be an ISO-8601 timestamp with a time zone, e.g. 2026-05-01T12:00:00Z' })
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

export const refundRequestSchema = z.strictObject({
    returnId: identifier,
    requestedAt: timestamp,
    order: z.strictObject({ orderId: identifier, purchasedAt: timestamp, amountPaid: moneySchema }),
    model: z.strictObject({
      modelId: identifier.refine(isKnownModel, 'is not a model in the catalogue'),
    }),
    shipment: z.strictObject({
      shipTo: z.strictObject({
        recipient: text(120),
        street: text(200),
        city: text(100),
        postalCode: text(20),
        country: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166 two-letter country code, e.g. NL'),
      }),
    }),
    defectiveItem: z.strictObject({ serialNumber: identifier, reportedDefect: text(1000) }),
    location: z.strictObject({ siteId: identifier }),
    cost: z.strictObject({ bookValue: moneySchema }),
});

export type RequestValidation =
  | { readonly ok: true; readonly request: RefundRequest }
  | { readonly ok: false; readonly problems: readonly string[] };

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
  const requestedAt = typeof candidate?.requestedAt === 'string' ? Date.parse(candidate.requestedAt) : NaN;
  const purchasedAt = typeof candidate?.order?.purchasedAt === 'string' ? Date.parse(candidate.order.purchasedAt) : NaN;
  return !Number.isNaN(requestedAt) && !Number.isNaN(purchasedAt) && purchasedAt > requestedAt;
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
