// Drives a scenario's returns through a model the way User Support would: concurrently, but each return that
// depends on an earlier one (the same order, the last units of a model) only once the team it depends on has
// answered the earlier one. Both models get the same schedule (compare/submission-order.ts), so their outcomes
// can be compared exactly, whatever faults the scenario injects meanwhile.
import { submitInDependencyOrder } from '../compare/submission-order';
import { InvalidRefundRequestError, type RefundRequest, type Team, TEAMS } from '../domain';
import type { FaultChecker } from './checker';
import { describeError } from './scenario';
import type { ModelUnderTest } from './models';

// The teams whose decisions a later return depends on: Sales (an order refunded once) and Inventory (stock).
export const DEPENDENCY_TEAMS: readonly Team[] = ['sales', 'inventory'];

export interface DriveOptions {
  readonly checker: FaultChecker;
  readonly concurrency: number;
  // How long one return may take to be accepted, over every attempt, while a server is down.
  readonly acceptDeadlineMs?: number;
  // How long a return may wait for a team to answer it: the longest outage plus the time to catch up.
  readonly answerTimeoutMs: number;
  // Submits one return; default model.accept. A scenario submitting twice or concurrently passes its own.
  readonly accept?: (request: RefundRequest) => Promise<void>;
  readonly report?: (line: string) => void;
  readonly reportEveryMs?: number;
}

export interface AcceptError {
  readonly returnId: string;
  readonly message: string;
  // How long the failed call took before it gave up.
  readonly tookMs: number;
}

export interface DriveResult {
  readonly durationMs: number;
  // Every failed attempt to hand a return to the model (each retried until the accept deadline).
  readonly acceptErrors: readonly AcceptError[];
  // The longest single attempt, failed or not: a client that hangs shows here.
  readonly longestAcceptMs: number;
  // Set when the drive could not finish: a return never accepted, or never answered in time.
  readonly failure: string | null;
}

export interface Drive {
  // Returns accepted so far, in the order they were accepted.
  accepted(): readonly string[];
  completed(): number;
  // Resolve once this many returns are complete, or accepted; reject if the drive ends first.
  whenCompleted(count: number): Promise<void>;
  whenAccepted(count: number): Promise<void>;
  readonly done: Promise<DriveResult>;
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function driveReturns(model: ModelUnderTest, requests: readonly RefundRequest[], options: DriveOptions): Drive {
  const started = performance.now();
  const accepted: string[] = [];
  const acceptedSet = new Set<string>();
  const acceptErrors: AcceptError[] = [];
  let longestAcceptMs = 0;
  let completed = 0;
  const countWaiters: {
    kind: 'completed' | 'accepted';
    count: number;
    resolve: () => void;
    reject: (error: Error) => void;
  }[] = [];
  let ended = false;
  const progressOf = (kind: 'completed' | 'accepted') => (kind === 'completed' ? completed : accepted.length);

  const wakeCountWaiters = () => {
    for (const waiter of [...countWaiters]) {
      if (progressOf(waiter.kind) >= waiter.count) {
        countWaiters.splice(countWaiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  };
  const whenProgress = (kind: 'completed' | 'accepted', count: number): Promise<void> => {
    if (progressOf(kind) >= count) return Promise.resolve();
    if (ended)
      return Promise.reject(new Error(`the drive ended with ${progressOf(kind)} returns ${kind}, before ${count}`));
    return new Promise((resolve, reject) => countWaiters.push({ kind, count, resolve, reject }));
  };
  const stopListening = model.answers.onAnswer((returnId) => {
    if (acceptedSet.has(returnId) && model.answers.isComplete(returnId)) {
      completed++;
      wakeCountWaiters();
    }
  });

  const acceptOnce = options.accept ?? ((request: RefundRequest) => model.accept(request));
  const acceptDeadlineMs = options.acceptDeadlineMs ?? 120_000;

  async function accept(request: RefundRequest): Promise<void> {
    const firstTry = performance.now();
    for (let backoffMs = 250; ; backoffMs = Math.min(backoffMs * 2, 2_000)) {
      const attempt = performance.now();
      try {
        await acceptOnce(request);
        longestAcceptMs = Math.max(longestAcceptMs, performance.now() - attempt);
        break;
      } catch (error) {
        const tookMs = performance.now() - attempt;
        longestAcceptMs = Math.max(longestAcceptMs, tookMs);
        // A request the model refuses is refused for good; only infrastructure errors are worth a retry.
        if (error instanceof InvalidRefundRequestError) throw error;
        acceptErrors.push({ returnId: request.returnId, message: describeError(error), tookMs });
        if (performance.now() - firstTry > acceptDeadlineMs) {
          throw new Error(
            `${request.returnId} could not be handed to ${model.name} within ${acceptDeadlineMs} ms: ` +
              (error as Error).message,
            { cause: error },
          );
        }
        await delay(backoffMs);
      }
    }
    options.checker.accepted(request);
    if (!acceptedSet.has(request.returnId)) {
      acceptedSet.add(request.returnId);
      accepted.push(request.returnId);
      // Answered before this line ran (possible on a resubmission): counted here, since the listener skipped it.
      if (model.answers.isComplete(request.returnId)) completed++;
      wakeCountWaiters();
    }
  }

  async function answered(returnId: string, teams: readonly Team[]): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        model.answers.until(returnId, teams),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            const missing = teams.filter((team) => !model.answers.hasAnswered(returnId, team));
            reject(
              new Error(`${returnId} was not answered by ${missing.join(', ')} within ${options.answerTimeoutMs} ms`),
            );
          }, options.answerTimeoutMs);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  const reporter =
    options.report &&
    setInterval(() => {
      const seconds = ((performance.now() - started) / 1000).toFixed(0);
      options.report?.(
        `${model.name}: ${completed}/${requests.length} complete, ${accepted.length} accepted (${seconds}s)`,
      );
    }, options.reportEveryMs ?? 5_000);

  const done = (async (): Promise<DriveResult> => {
    let failure: string | null = null;
    try {
      await submitInDependencyOrder(
        requests,
        async (request) => {
          await accept(request);
          await answered(request.returnId, DEPENDENCY_TEAMS);
        },
        { concurrency: options.concurrency },
      );
      await Promise.all(requests.map(({ returnId }) => answered(returnId, TEAMS)));
    } catch (error) {
      failure = (error as Error).message;
    } finally {
      ended = true;
      stopListening();
      if (reporter) clearInterval(reporter);
      for (const waiter of countWaiters.splice(0)) {
        waiter.reject(
          new Error(`the drive ended with ${progressOf(waiter.kind)} of ${requests.length} returns ${waiter.kind}`),
        );
      }
    }
    return { durationMs: performance.now() - started, acceptErrors, longestAcceptMs, failure };
  })();

  return {
    accepted: () => accepted,
    completed: () => completed,
    whenCompleted: (count) => whenProgress('completed', count),
    whenAccepted: (count) => whenProgress('accepted', count),
    done,
  };
}

// Every return accepted so far that the team has not answered yet: what a fault of that team holds up.
export function inFlightFor(model: ModelUnderTest, drive: Drive, team: Team): string[] {
  return drive.accepted().filter((returnId) => !model.answers.hasAnswered(returnId, team));
}
