// Splits a JSON array into its top-level elements as its bytes arrive, so a requests file of any size is read one
// element at a time and never whole. It checks the array's own punctuation; JSON.parse checks each element.
// It works on bytes, not text: every byte it looks for is ASCII, and no byte of a multi-byte UTF-8 character is.

export type SplitElement =
  | { readonly index: number; readonly offset: number; readonly bytes: Buffer }
  // Larger than the caller's bound: counted and skipped, never held.
  | { readonly index: number; readonly offset: number; readonly oversizedBytes: number };

export class JsonArrayError extends Error {
  constructor(
    readonly kind: 'not-json' | 'not-an-array',
    message: string,
  ) {
    super(message);
    this.name = 'JsonArrayError';
  }
}

const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const BYTE_ORDER_MARK = [0xef, 0xbb, 0xbf];

const isWhitespace = (byte: number) => byte === SPACE || byte === LF || byte === CR || byte === TAB;

type State =
  | 'before-array'
  | 'byte-order-mark'
  | 'before-first-element'
  | 'before-next-element'
  | 'in-element'
  | 'after-element'
  | 'after-array';

export class JsonArraySplitter {
  private state: State = 'before-array';
  // Bytes seen so far, for the position in an error message.
  private offset = 0;
  private nextIndex = 0;
  private byteOrderMarkSeen = 0;
  // The element being read: where it began, its bytes so far (dropped once it is oversized), and its syntax.
  private elementOffset = 0;
  private parts: Buffer[] = [];
  private elementBytes = 0;
  private depth = 0;
  private inString = false;
  private escaped = false;

  constructor(private readonly maxElementBytes: number) {}

  // The elements that end in this chunk, in order. Throws JsonArrayError on the first byte that breaks the array.
  push(chunk: Buffer): SplitElement[] {
    const elements: SplitElement[] = [];
    let elementStart = 0;
    for (let at = 0; at < chunk.length; at++, this.offset++) {
      const byte = chunk[at];
      switch (this.state) {
        case 'before-array':
          if (this.offset === 0 && byte === BYTE_ORDER_MARK[0]) {
            this.state = 'byte-order-mark';
            this.byteOrderMarkSeen = 1;
          } else if (byte === OPEN_BRACKET) this.state = 'before-first-element';
          else if (!isWhitespace(byte)) throw this.notAnArray(byte);
          break;
        case 'byte-order-mark':
          // Editors on Windows start UTF-8 files with EF BB BF; it is no part of the JSON.
          if (byte !== BYTE_ORDER_MARK[this.byteOrderMarkSeen]) throw this.unexpected(byte);
          if (++this.byteOrderMarkSeen === BYTE_ORDER_MARK.length) this.state = 'before-array';
          break;
        case 'before-first-element':
        case 'before-next-element':
          if (isWhitespace(byte)) break;
          if (byte === CLOSE_BRACKET && this.state === 'before-first-element') this.state = 'after-array';
          else if (byte === CLOSE_BRACKET || byte === COMMA || byte === COLON || byte === CLOSE_BRACE) {
            throw this.unexpected(byte);
          } else {
            this.beginElement(byte);
            elementStart = at;
          }
          break;
        case 'in-element': {
          const ends = this.elementEndsAt(byte);
          if (ends === 'before') {
            elements.push(this.endElement(chunk, elementStart, at));
            this.afterElement(byte);
          } else if (ends === 'after') elements.push(this.endElement(chunk, elementStart, at + 1));
          break;
        }
        case 'after-element':
          this.afterElement(byte);
          break;
        case 'after-array':
          if (!isWhitespace(byte)) {
            throw new JsonArrayError('not-json', `there is more after the array, at byte ${this.offset}`);
          }
          break;
      }
    }
    if (this.state === 'in-element') this.keep(chunk.subarray(elementStart));
    return elements;
  }

  // At the end of the input: the array must have been closed.
  end(): void {
    if (this.state === 'after-array') return;
    if (this.offset === 0 || this.state === 'before-array') throw new JsonArrayError('not-json', 'it is empty');
    throw new JsonArrayError('not-json', `it ends at byte ${this.offset} before its array is closed`);
  }

  private beginElement(byte: number): void {
    this.state = 'in-element';
    this.elementOffset = this.offset;
    this.parts = [];
    this.elementBytes = 0;
    this.escaped = false;
    this.inString = byte === QUOTE;
    this.depth = byte === OPEN_BRACE || byte === OPEN_BRACKET ? 1 : 0;
  }

  // Whether this byte ends the element: 'after' it (a closing bracket or quote), 'before' it (what follows a
  // number or a literal), or not at all.
  private elementEndsAt(byte: number): 'before' | 'after' | null {
    if (this.inString) {
      if (this.escaped) this.escaped = false;
      else if (byte === BACKSLASH) this.escaped = true;
      else if (byte === QUOTE) {
        this.inString = false;
        if (this.depth === 0) return 'after';
      }
      return null;
    }
    if (this.depth === 0) return byte === COMMA || byte === CLOSE_BRACKET || isWhitespace(byte) ? 'before' : null;
    if (byte === QUOTE) this.inString = true;
    else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) this.depth++;
    // Whether it closes with the bracket it opened with is JSON.parse's to say.
    else if ((byte === CLOSE_BRACE || byte === CLOSE_BRACKET) && --this.depth === 0) return 'after';
    return null;
  }

  private afterElement(byte: number): void {
    this.state = 'after-element';
    if (isWhitespace(byte)) return;
    if (byte === COMMA) this.state = 'before-next-element';
    else if (byte === CLOSE_BRACKET) this.state = 'after-array';
    else throw this.unexpected(byte);
  }

  private keep(part: Buffer): void {
    this.elementBytes += part.length;
    // Past the bound only the count is kept: one element never costs more memory than the bound.
    if (this.elementBytes > this.maxElementBytes) this.parts = [];
    else if (part.length > 0) this.parts.push(part);
  }

  private endElement(chunk: Buffer, start: number, end: number): SplitElement {
    this.keep(chunk.subarray(start, end));
    this.state = 'after-element';
    const index = this.nextIndex++;
    const offset = this.elementOffset;
    const element =
      this.elementBytes > this.maxElementBytes
        ? { index, offset, oversizedBytes: this.elementBytes }
        : { index, offset, bytes: Buffer.concat(this.parts) };
    this.parts = [];
    return element;
  }

  private unexpected(byte: number): JsonArrayError {
    return new JsonArrayError('not-json', `unexpected ${describeByte(byte)} at byte ${this.offset}`);
  }

  // Not an array: named by what its first byte starts, so a JSON object is called an object.
  private notAnArray(byte: number): JsonArrayError {
    const found = STARTS[String.fromCharCode(byte)];
    return found ? new JsonArrayError('not-an-array', found) : this.unexpected(byte);
  }
}

const STARTS: Readonly<Record<string, string>> = {
  '{': 'an object',
  '"': 'a string',
  t: 'a boolean',
  f: 'a boolean',
  n: 'null',
  '-': 'a number',
  ...Object.fromEntries([...'0123456789'].map((digit) => [digit, 'a number'])),
};

function describeByte(byte: number): string {
  if (byte >= 0x21 && byte <= 0x7e) return `'${String.fromCharCode(byte)}'`;
  return `byte 0x${byte.toString(16).padStart(2, '0')}`;
}
