// Drives a scenario's returns through a model the way User Support would: concurrently, but each return that
// depends on an earlier one (the same order, the last units of a model) only once the team it depends on has
// answered the earlier one. Both models get the same schedule (compare/submission-order.ts), so their outcomes
// can be compared exactly, whatever faults the scenario injects meanwhile.
import { submitInDependencyOrder } from '../compare/submission-order';
import { InvalidRefundRequestError, type RefundRequest, type Team, TEAMS } from '../domain';
import type { EffectsChecker } from '../model/effects-check';
import { type AnswerTracker, answersOf } from './answers';
import { describeError } from './scenario';
import type { FaultModel } from './open';

// The teams whose decisions a later return depends on: Sales (an order refunded once) and Inventory (stock).
export const DEPENDENCY_TEAMS: readonly Team[] = ['sales', 'inventory'];

export interface DriveOptions {
  readonly checker: EffectsChecker;
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

type Milestone = 'completed' | 'accepted';

// How far the drive has come: returns accepted (each once) and complete, and promises for any count of either.
class Progress {
  readonly accepted: string[] = [];
  private readonly acceptedSet = new Set<string>();
  completed = 0;
  private ended = false;
  private readonly waiters: { kind: Milestone; count: number; resolve: () => void; reject: (error: Error) => void }[] =
    [];

  isAccepted(returnId: string): boolean {
    return this.acceptedSet.has(returnId);
  }

  // A return complete already (possible on a resubmission) is counted complete here.
  accept(returnId: string, complete: boolean): void {
    if (this.acceptedSet.has(returnId)) return;
    this.acceptedSet.add(returnId);
    this.accepted.push(returnId);
    if (complete) this.completed++;
    this.wake();
  }

  complete(): void {
    this.completed++;
    this.wake();
  }

  when(kind: Milestone, count: number): Promise<void> {
    if (this.of(kind) >= count) return Promise.resolve();
    if (this.ended)
      return Promise.reject(new Error(`the drive ended with ${this.of(kind)} returns ${kind}, before ${count}`));
    return new Promise((resolve, reject) => this.waiters.push({ kind, count, resolve, reject }));
  }

  end(total: number): void {
    this.ended = true;
    for (const waiter of this.waiters.splice(0)) {
      waiter.reject(new Error(`the drive ended with ${this.of(waiter.kind)} of ${total} returns ${waiter.kind}`));
    }
  }

  private of(kind: Milestone): number {
    return kind === 'completed' ? this.completed : this.accepted.length;
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) {
      if (this.of(waiter.kind) < waiter.count) continue;
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  }
}

interface Attempts {
  readonly errors: AcceptError[];
  longestMs: number;
}

// Hands one return to the model, trying again with a growing backoff until the deadline; every attempt is timed.
async function acceptWithRetries(
  acceptOnce: (request: RefundRequest) => Promise<void>,
  request: RefundRequest,
  { deadlineMs, label, attempts }: { deadlineMs: number; label: string; attempts: Attempts },
): Promise<void> {
  const firstTry = performance.now();
  for (let backoffMs = 250; ; backoffMs = Math.min(backoffMs * 2, 2_000)) {
    const attempt = performance.now();
    try {
      await acceptOnce(request);
      attempts.longestMs = Math.max(attempts.longestMs, performance.now() - attempt);
      return;
    } catch (error) {
      const tookMs = performance.now() - attempt;
      attempts.longestMs = Math.max(attempts.longestMs, tookMs);
      // A request the model refuses is refused for good; only infrastructure errors are worth a retry.
      if (error instanceof InvalidRefundRequestError) throw error;
      attempts.errors.push({ returnId: request.returnId, message: describeError(error), tookMs });
      if (performance.now() - firstTry > deadlineMs) {
        throw new Error(
          `${request.returnId} could not be handed to ${label} within ${deadlineMs} ms: ` + (error as Error).message,
          {
            cause: error,
          },
        );
      }
      await delay(backoffMs);
    }
  }
}

async function answeredWithin(
  answers: AnswerTracker,
  returnId: string,
  teams: readonly Team[],
  timeoutMs: number,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      answers.until(returnId, teams),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          const missing = teams.filter((team) => !answers.hasAnswered(returnId, team));
          reject(new Error(`${returnId} was not answered by ${missing.join(', ')} within ${timeoutMs} ms`));
        }, timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export function driveReturns(model: FaultModel, requests: readonly RefundRequest[], options: DriveOptions): Drive {
  const started = performance.now();
  const answers = answersOf(model);
  const progress = new Progress();
  const attempts: Attempts = { errors: [], longestMs: 0 };
  const stopListening = answers.onAnswer((returnId) => {
    if (progress.isAccepted(returnId) && answers.isComplete(returnId)) progress.complete();
  });
  const acceptOnce = options.accept ?? (async (request: RefundRequest) => void (await model.accept(request)));
  const accept = async (request: RefundRequest) => {
    await acceptWithRetries(acceptOnce, request, {
      deadlineMs: options.acceptDeadlineMs ?? 120_000,
      label: model.label,
      attempts,
    });
    options.checker.accepted(request);
    progress.accept(request.returnId, answers.isComplete(request.returnId));
  };
  const answered = (returnId: string, teams: readonly Team[]) =>
    answeredWithin(answers, returnId, teams, options.answerTimeoutMs);
  const reporter =
    options.report &&
    setInterval(() => {
      const seconds = ((performance.now() - started) / 1000).toFixed(0);
      options.report?.(
        `${model.label}: ${progress.completed}/${requests.length} complete, ${progress.accepted.length} accepted (${seconds}s)`,
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
      stopListening();
      if (reporter) clearInterval(reporter);
      progress.end(requests.length);
    }
    return {
      durationMs: performance.now() - started,
      acceptErrors: attempts.errors,
      longestAcceptMs: attempts.longestMs,
      failure,
    };
  })();

  return {
    accepted: () => progress.accepted,
    completed: () => progress.completed,
    whenCompleted: (count) => progress.when('completed', count),
    whenAccepted: (count) => progress.when('accepted', count),
    done,
  };
}

// Every return accepted so far that the team has not answered yet: what a fault of that team holds up.
export function inFlightFor(model: FaultModel, drive: Drive, team: Team): string[] {
  return drive.accepted().filter((returnId) => !answersOf(model).hasAnswered(returnId, team));
}
