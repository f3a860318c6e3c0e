// What makes two requests under one returnId the same request: their content, once validated. Both models call
// the first submission of a returnId the one that stands, and name each version of a request by this id when a
// later version with other content arrives.
import type { RefundRequest } from './refund-request';

// 16 hex digits: FNV-1a (64 bits) of the request as JSON with its keys sorted, so the order the fields were
// written in does not matter and every value does. Not a cryptographic hash, as none is available to a pure
// module: the id tells versions of one return apart, and two versions that collided would only go unreported,
// since a later version is never applied in either case.
export function requestContentId(request: RefundRequest): string {
  return fnv1a64(new TextEncoder().encode(canonicalJson(request)));
}

// JSON with the keys of every object sorted. Requests hold only objects, strings and numbers.
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    const fields = keys.map(
      (key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`,
    );
    return `{${fields.join(',')}}`;
  }
  return JSON.stringify(value);
}

// 64-bit FNV-1a in two 32-bit halves, since numbers are exact only to 53 bits. The prime is 2^40 + 0x1b3, so
// hash × prime = (hash << 40) + hash × 0x1b3: the shift moves the low half's bottom 24 bits into the high half.
function fnv1a64(bytes: Uint8Array): string {
  let high = 0xcbf29ce4;
  let low = 0x84222325;
  for (const byte of bytes) {
    low ^= byte;
    const lowProduct = (low >>> 0) * 0x1b3;
    const carry = Math.floor(lowProduct / 0x1_0000_0000);
    high = ((high >>> 0) * 0x1b3 + carry + ((low << 8) >>> 0)) >>> 0;
    low = lowProduct >>> 0;
  }
  return (high >>> 0).toString(16).padStart(8, '0') + (low >>> 0).toString(16).padStart(8, '0');
}
