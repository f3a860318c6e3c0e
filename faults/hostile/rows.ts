// What the hostile-input matrix reports: one row per input at one entry point, how the valid returns sent after
// the hostile input fared, and the checks every entry point that throws shares.
import { isDeepStrictEqual } from 'node:util';
import { InvalidRefundRequestError, outcomeOnItsOwn, type RefundRequest, type ReturnOutcome } from '../../domain';
import { seconds } from '../scenario';

export type Handling = 'error' | 'dead-letter' | 'ignored' | 'nothing';

export interface MatrixRow {
  readonly entryPoint: string;
  readonly caseId: string;
  readonly what: string;
  readonly handling: Handling;
  // The error message or the dead letter's reason and detail, shortened.
  readonly detail: string;
  // A team recorded something because of it.
  readonly effect: boolean;
  readonly ok: boolean;
}

export interface ValidAfter {
  readonly entryPoint: string;
  readonly sent: number;
  readonly completed: number;
  // Completed with exactly the outcome the domain gives a return that depends on nothing else.
  readonly asExpected: number;
  readonly longestSeconds: number;
}

// What one part of the matrix found: its rows, its valid returns, and what went wrong on the way.
export interface Part {
  readonly rows: MatrixRow[];
  readonly validAfter: ValidAfter[];
  readonly problems: string[];
}

export function row(
  entryPoint: string,
  caseId: string,
  what: string,
  handling: Handling,
  detail: string,
  ok: boolean,
  effect = false,
): MatrixRow {
  return { entryPoint, caseId, what, handling, detail: shorten(detail), effect, ok };
}

// One line, no control characters (a NUL from hostile bytes would make the report a binary file).
export function shorten(text: string, length = 160): string {
  const line = text
    .replace(/\s+/g, ' ')
    // eslint-disable-next-line no-control-regex -- the control characters are what this replaces
    .replace(/[\u0000-\u001f\u007f]/g, '·')
    .trim();
  return line.length > length ? `${line.slice(0, length - 1)}…` : line;
}

// What an API answered one call: nothing (it took the input), or what it threw.
export type Answer = { readonly thrown: false } | { readonly thrown: true; readonly error: unknown };

export async function answerOf(call: () => Promise<unknown>): Promise<Answer> {
  try {
    await call();
    return { thrown: false };
  } catch (error) {
    return { thrown: true, error };
  }
}

// At an API that validates at the edge, a clear refusal (InvalidRefundRequestError) is what passes.
export function refusalRow(entryPoint: string, caseId: string, what: string, answer: Answer): MatrixRow {
  if (!answer.thrown) return row(entryPoint, caseId, what, 'nothing', 'accepted', false);
  const { error } = answer;
  return row(entryPoint, caseId, what, 'error', (error as Error).message, error instanceof InvalidRefundRequestError);
}

// How many of the valid returns completed, and with the outcome their own request alone decides.
export function validAfterOf(
  entryPoint: string,
  requests: readonly RefundRequest[],
  outcomeOf: (request: RefundRequest) => ReturnOutcome | null,
  longestMs: number,
): ValidAfter {
  return {
    entryPoint,
    sent: requests.length,
    completed: requests.filter((request) => outcomeOf(request) !== null).length,
    asExpected: requests.filter((request) => isDeepStrictEqual(outcomeOf(request), outcomeOnItsOwn(request))).length,
    longestSeconds: seconds(longestMs),
  };
}
