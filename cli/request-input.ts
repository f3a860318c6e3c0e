// Reads the returns a start script should submit: the built-in samples, a JSON file, or stdin ("-").
// Every request is validated here, at the edge; an invalid one is reported with its index and never submitted.
import { readFile } from 'node:fs/promises';
import { type RefundRequest, validateRefundRequest } from '../domain';
import { SAMPLE_RETURNS } from '../samples/sample-returns';
import { ActionableError } from './actionable-error';

// A whole file of requests may be larger than one request, but not without bound.
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

export class RequestInputError extends ActionableError {}

export async function readRequests(source: string | undefined): Promise<RequestBatch> {
  if (source === undefined) return { source: 'built-in samples', accepted: SAMPLE_RETURNS, rejected: [] };
  const text = source === '-' ? await readStdin() : await readRequestsFile(source);
  return parseRequestBatch(text, source === '-' ? 'stdin' : source);
}

export function parseRequestBatch(text: string, source: string): RequestBatch {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new RequestInputError(`${source} is not valid JSON (${(error as Error).message}). Expected a JSON array of RefundRequests.`);
  }
  if (!Array.isArray(parsed)) {
    throw new RequestInputError(`${source} must hold a JSON array of RefundRequests, found ${describeJsonType(parsed)}.`);
  }
  const accepted: RefundRequest[] = [];
  const rejected: RejectedRequest[] = [];
  const seenReturnIds = new Map<string, number>();
  parsed.forEach((candidate, index) => {
    const validation = validateRefundRequest(candidate);
    if (!validation.ok) {
      rejected.push({ index, problems: validation.problems });
      return;
    }
    // The same return twice in one file is submitted once: both models would deduplicate it anyway.
    const firstIndex = seenReturnIds.get(validation.request.returnId);
    if (firstIndex !== undefined) {
      rejected.push({ index, problems: [`returnId: ${validation.request.returnId} repeats request ${firstIndex}`] });
      return;
    }
    seenReturnIds.set(validation.request.returnId, index);
    accepted.push(validation.request);
  });
  return { source, accepted, rejected };
}

export function formatRejections(batch: RequestBatch): string[] {
  return batch.rejected.map(
    ({ index, problems }) => `request ${index} in ${batch.source} was not submitted:\n  - ${problems.join('\n  - ')}`,
  );
}

async function readRequestsFile(file: string): Promise<string> {
  try {
    const buffer = await readFile(file);
    if (buffer.length > MAX_REQUESTS_FILE_BYTES) {
      throw new RequestInputError(`${file} is ${buffer.length} bytes; at most ${MAX_REQUESTS_FILE_BYTES} are read.`);
    }
    return buffer.toString('utf8');
  } catch (error) {
    if (error instanceof RequestInputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new RequestInputError(`${file} does not exist. Pass --requests with a JSON file, or - for stdin.`);
    throw new RequestInputError(`cannot read ${file}: ${(error as Error).message}`);
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    size += (chunk as Buffer).length;
    if (size > MAX_REQUESTS_FILE_BYTES) throw new RequestInputError(`stdin holds more than ${MAX_REQUESTS_FILE_BYTES} bytes.`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function describeJsonType(value: unknown): string {
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
