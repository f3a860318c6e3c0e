// Reads the returns a start script should submit: the built-in samples, a JSON file, or stdin ("-").
// Every request is validated here, at the edge; an invalid one is reported with its index and never submitted.
// Input is read as it streams, one request at a time and with a bound on its size, never whole first: memory
// follows the requests a caller keeps, not the size of the file.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { MAX_REQUEST_BYTES, type RefundRequest, validateRefundRequest } from '../domain';
import { SAMPLE_RETURNS } from '../samples/sample-returns';
import { ActionableError } from './actionable-error';
import { JsonArrayError, JsonArraySplitter, type SplitElement } from './json-array-splitter';

// Memory no longer grows with the input, but a pipe that never ends (`--requests /dev/zero`, `yes |`) must still
// end: 64 MiB holds over 100 000 returns.
export const MAX_REQUESTS_FILE_BYTES = 64 * 1024 * 1024;

export interface RejectedRequest {
  readonly index: number;
  readonly problems: readonly string[];
}

export interface RequestBatch {
  readonly source: string;
  readonly accepted: readonly RefundRequest[];
  readonly rejected: readonly RejectedRequest[];
}

// One request of the source, in its order: accepted, or rejected with every problem (index counts from 0).
export type RequestEntry =
  | { readonly ok: true; readonly index: number; readonly request: RefundRequest }
  | ({ readonly ok: false } & RejectedRequest);

// The requests of one source, validated as they are read, so a caller can submit while it reads and hold only the
// requests in flight. Each iteration over a regular file reads it again from its start; stdin and pipes can be
// iterated once.
// `total` counts the requests (accepted and rejected alike) before any is submitted: the samples' length, or a
// first pass over a regular file, which also refuses a file that is not a JSON array before anything is
// submitted. It is null for stdin and pipes, which cannot be read twice: there a broken array is refused where
// it breaks, after the requests before it have been handed on.
export interface RequestSource extends AsyncIterable<RequestEntry> {
  readonly source: string;
  readonly total: number | null;
}

// Exit code 2 when the --requests argument names nothing readable, 1 when what it names holds the wrong content.
export class RequestInputError extends ActionableError {}

export async function openRequests(source: string | undefined): Promise<RequestSource> {
  return open(source, { count: true });
}

// Every request at once, for a caller that keeps them all anyway.
export async function readRequests(source: string | undefined): Promise<RequestBatch> {
  const requests = await open(source, { count: false });
  const accepted: RefundRequest[] = [];
  const rejected: RejectedRequest[] = [];
  for await (const entry of requests) {
    if (entry.ok) accepted.push(entry.request);
    else rejected.push({ index: entry.index, problems: entry.problems });
  }
  return { source: requests.source, accepted, rejected };
}

export function parseRequestBatch(text: string, source: string): RequestBatch {
  const reader = new RequestReader(source);
  const checker = new RequestChecker();
  const entries = reader.push(Buffer.from(text, 'utf8')).map((element) => checker.entryOf(element));
  reader.end();
  return {
    source,
    accepted: entries.flatMap((entry) => (entry.ok ? [entry.request] : [])),
    rejected: entries.flatMap((entry) => (entry.ok ? [] : [{ index: entry.index, problems: entry.problems }])),
  };
}

export function formatRejection(source: string, { index, problems }: RejectedRequest): string {
  return `request ${index} in ${source} was not submitted:\n  - ${problems.join('\n  - ')}`;
}

export function formatRejections(batch: RequestBatch): string[] {
  return batch.rejected.map((rejected) => formatRejection(batch.source, rejected));
}

async function open(source: string | undefined, { count }: { count: boolean }): Promise<RequestSource> {
  if (source === undefined) {
    return {
      source: 'built-in samples',
      total: SAMPLE_RETURNS.length,
      async *[Symbol.asyncIterator]() {
        for (const [index, request] of SAMPLE_RETURNS.entries()) yield { ok: true, index, request };
      },
    };
  }
  if (source === '-') {
    return { source: 'stdin', total: null, [Symbol.asyncIterator]: () => readEntries('stdin', process.stdin) };
  }
  const file = source;
  const info = await stat(file).catch((error: unknown) => {
    throw unreadable(file, error);
  });
  if (info.isDirectory()) throw usageError(`${file} is a directory`);
  if (info.isFile() && info.size > MAX_REQUESTS_FILE_BYTES) {
    throw new RequestInputError(
      `${file} is ${info.size} bytes; at most ${describeBound()} are read. Split it into several files.`,
    );
  }
  // Devices and pipes (/dev/stdin, a FIFO, /dev/zero) have no size to count ahead, and may not be read twice.
  const total = count && info.isFile() ? await countRequests(file) : null;
  return { source: file, total, [Symbol.asyncIterator]: () => readEntries(file, createReadStream(file)) };
}

async function countRequests(file: string): Promise<number> {
  let total = 0;
  for await (const _element of elementsOf(file, createReadStream(file))) total++;
  return total;
}

async function* readEntries(source: string, input: Readable): AsyncGenerator<RequestEntry> {
  const checker = new RequestChecker();
  for await (const element of elementsOf(source, input)) yield checker.entryOf(element);
}

async function* elementsOf(source: string, input: Readable): AsyncGenerator<ParsedElement> {
  const reader = new RequestReader(source);
  try {
    for await (const chunk of input) yield* reader.push(chunk as Buffer);
    reader.end();
  } catch (error) {
    if (typeof (error as NodeJS.ErrnoException).code !== 'string') throw error;
    // The file named on the command line cannot be read (gone, a directory, no permission): a usage error.
    if (source !== 'stdin') throw unreadable(source, error);
    throw new RequestInputError(`cannot read stdin: ${(error as Error).message}`);
  } finally {
    // Also when the caller stops early, or at the bound: nothing more is read.
    input.destroy();
  }
}

type ParsedElement = { readonly index: number; readonly value: unknown } | RejectedRequest;

// One pass over one source: bytes in, parsed elements out, with the size bound applied as the bytes arrive.
class RequestReader {
  private readonly splitter = new JsonArraySplitter(MAX_REQUEST_BYTES);
  private bytesRead = 0;

  constructor(private readonly source: string) {}

  push(chunk: Buffer): ParsedElement[] {
    this.bytesRead += chunk.length;
    if (this.bytesRead > MAX_REQUESTS_FILE_BYTES) {
      throw new RequestInputError(
        `${this.source} holds more than ${describeBound()}; reading stopped there. Split it into several files.`,
      );
    }
    return this.split(() => this.splitter.push(chunk)).map((element) => this.parse(element));
  }

  end(): void {
    this.split(() => {
      this.splitter.end();
      return [];
    });
  }

  private split(step: () => SplitElement[]): SplitElement[] {
    try {
      return step();
    } catch (error) {
      if (!(error instanceof JsonArrayError)) throw error;
      if (error.kind === 'not-an-array') {
        throw new RequestInputError(`${this.source} must hold a JSON array of RefundRequests, found ${error.message}.`);
      }
      throw this.notJson(error.message);
    }
  }

  private parse(element: SplitElement): ParsedElement {
    const { index, offset } = element;
    // The same bound and words as one request published on its own (parseRefundRequestJson).
    if ('oversizedBytes' in element) {
      const bytes = element.oversizedBytes;
      return { index, problems: [`(request): is ${bytes} bytes; at most ${MAX_REQUEST_BYTES} are accepted`] };
    }
    let text: string;
    try {
      text = UTF8.decode(element.bytes);
    } catch {
      throw new RequestInputError(
        `${this.source} is not UTF-8 text (request ${index}, from byte ${offset}). Save it as UTF-8.`,
      );
    }
    try {
      return { index, value: JSON.parse(text) };
    } catch (error) {
      throw this.notJson(`request ${index}, from byte ${offset}: ${(error as Error).message}`);
    }
  }

  private notJson(detail: string): RequestInputError {
    return new RequestInputError(
      `${this.source} is not valid JSON (${detail}). Expected a JSON array of RefundRequests.`,
    );
  }
}

// Fatal: a byte that is not UTF-8 is refused, not silently turned into U+FFFD and stored.
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

// Validates each element, and remembers the returnIds of one pass: memory that grows with the requests' ids only.
class RequestChecker {
  private readonly firstIndexOf = new Map<string, number>();

  entryOf(element: ParsedElement): RequestEntry {
    if ('problems' in element) return { ok: false, ...element };
    const { index } = element;
    const validation = validateRefundRequest(element.value);
    if (!validation.ok) return { ok: false, index, problems: validation.problems };
    const { returnId } = validation.request;
    // The same return twice in one file is submitted once: both models would deduplicate it anyway.
    const firstIndex = this.firstIndexOf.get(returnId);
    if (firstIndex !== undefined) {
      return { ok: false, index, problems: [`returnId: ${returnId} repeats request ${firstIndex}`] };
    }
    this.firstIndexOf.set(returnId, index);
    return { ok: true, index, request: validation.request };
  }
}

function describeBound(): string {
  return `${MAX_REQUESTS_FILE_BYTES} bytes (${MAX_REQUESTS_FILE_BYTES / 1024 / 1024} MiB)`;
}

const HOW_TO_PASS = 'Pass --requests with a readable JSON file, or - for stdin.';

function usageError(what: string): RequestInputError {
  return new RequestInputError(`${what}. ${HOW_TO_PASS}`, 2);
}

function unreadable(file: string, error: unknown): RequestInputError {
  const { code, message } = error as NodeJS.ErrnoException;
  if (code === 'ENOENT') return usageError(`${file} does not exist`);
  if (code === 'EISDIR') return usageError(`${file} is a directory`);
  return usageError(`cannot read ${file} (${message})`);
}
