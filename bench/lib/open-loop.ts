// Constant-rate (open-loop) load generator in the manner of wrk2: operation i is intended at t0 + i / rate and its
// latency runs from that intended time to its completion, so a stall anywhere (in the system, or in this process)
// shows in the latency of every operation queued behind it instead of silently pausing the measurement.
import { performance } from 'node:perf_hooks';
import { LatencyHistogram, type LatencySummary } from './latency-histogram';

export interface LagLimits {
  // The run is invalid when dispatch − intended time exceeds these (ms).
  readonly p99Ms: number;
  readonly maxMs: number;
}

export const DEFAULT_LAG_LIMITS: LagLimits = Object.freeze({ p99Ms: 5, maxMs: 50 });

export interface SettledOperation {
  readonly index: number;
  // Milliseconds from the start of the run.
  readonly intendedAtMs: number;
  readonly lagMs: number;
  readonly latencyMs: number;
  readonly error?: unknown;
}

export interface OpenLoopOptions {
  readonly ratePerSecond: number;
  readonly durationMs: number;
  // Starts operation `index` and resolves when it is fully done; a rejection (or a throw) counts as a failure.
  readonly start: (index: number) => Promise<unknown>;
  // Operations intended while this many are in flight are dropped (not sent) and the run is marked invalid.
  readonly maxInFlight?: number;
  // Monotonic milliseconds.
  readonly clock?: () => number;
  // Completions up to this long after the send phase count as "within the step" (completedWithinGrace).
  readonly graceMs?: number;
  // After the send phase, wait this long at most for the operations in flight (and at least until the grace ends).
  readonly drainTimeoutMs?: number;
  readonly lagLimits?: Partial<LagLimits>;
  // Operations dispatched in one turn of the event loop before yielding to I/O while catching up.
  readonly maxBatch?: number;
  // Distinct error messages kept in the report.
  readonly maxErrorKinds?: number;
  readonly onSettled?: (operation: SettledOperation) => void;
}

export interface OpenLoopReport {
  readonly ratePerSecond: number;
  readonly durationMs: number;
  // offered = completed + failed + dropped + unfinished
  readonly offered: number;
  readonly dispatched: number;
  readonly completed: number;
  readonly failed: number;
  readonly dropped: number;
  // Still in flight when the drain deadline passed: their latency is not in `latency`.
  readonly unfinished: number;
  readonly errors: readonly { readonly message: string; readonly count: number }[];
  // Completion − intended time, of the completed operations (ms).
  readonly latency: LatencySummary;
  // Dispatch − intended time: how late the generator itself was (ms).
  readonly lag: LatencySummary;
  readonly sendPhaseMs: number;
  readonly achievedRatePerSecond: number;
  readonly atSendEnd: { readonly completed: number; readonly failed: number; readonly inFlight: number };
  readonly graceMs: number;
  readonly completedWithinGrace: number;
  readonly failedWithinGrace: number;
  readonly peakInFlight: number;
  readonly drain: { readonly drained: boolean; readonly drainMs: number };
  // Dispatch lag within the limits: false means the figures describe this process, not the system under test.
  readonly generatorKeptUp: boolean;
  readonly valid: boolean;
  readonly invalidReasons: readonly string[];
}

const MAX_MESSAGE_LENGTH = 300;

export async function runOpenLoop(options: OpenLoopOptions): Promise<OpenLoopReport> {
  const { ratePerSecond, durationMs, start } = options;
  checkSchedule(ratePerSecond, durationMs);
  const { clock, maxInFlight, graceMs, drainTimeoutMs, lagLimits, maxBatch, maxErrorKinds } = withDefaults(options);

  const intervalMs = 1000 / ratePerSecond;
  // Operations intended strictly before the end of the send phase; the epsilon keeps 10/s for 1000 ms at 10.
  const offered = Math.ceil((durationMs * ratePerSecond) / 1000 - 1e-9);
  const latency = new LatencyHistogram();
  const lag = new LatencyHistogram();
  const errors = new Map<string, number>();

  const tally: Tally = {
    dispatched: 0,
    dropped: 0,
    completed: 0,
    failed: 0,
    completedWithinGrace: 0,
    failedWithinGrace: 0,
    inFlight: 0,
    peakInFlight: 0,
  };
  let frozen = false;
  let sendPhaseOver = false;
  const drained = latch();

  const t0 = clock();
  const graceDeadline = t0 + durationMs + graceMs;

  const settle = (index: number, intended: number, lagMs: number, error: unknown, failedOperation: boolean) => {
    // Operations that outlive the drain deadline are reported as unfinished, not counted late.
    if (frozen) return;
    const now = clock();
    tally.inFlight -= 1;
    if (failedOperation) {
      tally.failed += 1;
      if (now <= graceDeadline) tally.failedWithinGrace += 1;
      countError(errors, error, maxErrorKinds);
    } else {
      tally.completed += 1;
      if (now <= graceDeadline) tally.completedWithinGrace += 1;
      latency.record(now - intended);
    }
    options.onSettled?.({
      index,
      // From the index, not intended − t0: subtracting a large t0 back out leaves a rounding error (69.99999999999955).
      intendedAtMs: index * intervalMs,
      lagMs,
      latencyMs: now - intended,
      ...(failedOperation ? { error } : {}),
    });
    if (sendPhaseOver && tally.inFlight === 0) drained.open();
  };

  const dispatch = (index: number, intended: number, now: number) => {
    if (tally.inFlight >= maxInFlight) {
      tally.dropped += 1;
      return;
    }
    const lagMs = now - intended;
    lag.record(lagMs);
    tally.dispatched += 1;
    tally.inFlight += 1;
    if (tally.inFlight > tally.peakInFlight) tally.peakInFlight = tally.inFlight;
    startOperation(start, index).then(
      () => settle(index, intended, lagMs, undefined, false),
      (error: unknown) => settle(index, intended, lagMs, error, true),
    );
  };

  await sendOnSchedule({ offered, t0, intervalMs, clock, maxBatch }, dispatch);

  const sendEnd = clock();
  sendPhaseOver = true;
  const atSendEnd = { completed: tally.completed, failed: tally.failed, inFlight: tally.inFlight };

  if (tally.inFlight > 0) await drained.wait(Math.max(0, drainTimeoutMs, graceDeadline - sendEnd));
  const drainMs = clock() - sendEnd;
  frozen = true;
  return reportOf({ ratePerSecond, durationMs, offered, graceMs, maxInFlight, lagLimits }, tally, {
    latency,
    lag,
    errors,
    sendPhaseMs: sendEnd - t0,
    atSendEnd,
    drainMs,
  });
}

// The counts of one run, kept as it goes.
interface Tally {
  dispatched: number;
  dropped: number;
  completed: number;
  failed: number;
  completedWithinGrace: number;
  failedWithinGrace: number;
  inFlight: number;
  peakInFlight: number;
}

interface Measured {
  readonly latency: LatencyHistogram;
  readonly lag: LatencyHistogram;
  readonly errors: ReadonlyMap<string, number>;
  readonly sendPhaseMs: number;
  readonly atSendEnd: OpenLoopReport['atSendEnd'];
  readonly drainMs: number;
}

function reportOf(
  {
    ratePerSecond,
    durationMs,
    offered,
    graceMs,
    maxInFlight,
    lagLimits,
  }: {
    ratePerSecond: number;
    durationMs: number;
    offered: number;
    graceMs: number;
    maxInFlight: number;
    lagLimits: LagLimits;
  },
  tally: Readonly<Tally>,
  { latency, lag, errors, sendPhaseMs, atSendEnd, drainMs }: Measured,
): OpenLoopReport {
  const { dispatched, dropped, completed, failed, completedWithinGrace, failedWithinGrace, peakInFlight } = tally;
  // Still in flight at the drain deadline.
  const unfinished = tally.inFlight;

  const lagSummary = lag.summary();
  const invalidReasons = invalidReasonsOf(lagSummary, lagLimits, { dropped, maxInFlight, unfinished });
  const generatorKeptUp = lagSummary.p99 <= lagLimits.p99Ms && lagSummary.max <= lagLimits.maxMs;
  return {
    ratePerSecond,
    durationMs,
    offered,
    dispatched,
    completed,
    failed,
    dropped,
    unfinished,
    errors: [...errors].map(([message, count]) => ({ message, count })),
    latency: latency.summary(),
    lag: lagSummary,
    sendPhaseMs,
    achievedRatePerSecond: durationMs > 0 ? (dispatched * 1000) / Math.max(durationMs, sendPhaseMs) : 0,
    atSendEnd,
    graceMs,
    completedWithinGrace,
    failedWithinGrace,
    peakInFlight,
    drain: { drained: unfinished === 0, drainMs },
    generatorKeptUp,
    valid: invalidReasons.length === 0,
    invalidReasons,
  };
}

function withDefaults(options: OpenLoopOptions) {
  return {
    clock: options.clock ?? (() => performance.now()),
    maxInFlight: options.maxInFlight ?? Number.POSITIVE_INFINITY,
    graceMs: options.graceMs ?? 1_000,
    drainTimeoutMs: options.drainTimeoutMs ?? 30_000,
    lagLimits: { ...DEFAULT_LAG_LIMITS, ...options.lagLimits },
    maxBatch: options.maxBatch ?? 1_000,
    maxErrorKinds: options.maxErrorKinds ?? 5,
  };
}

// A start that throws counts as a failed operation, as a rejection does.
function startOperation(start: OpenLoopOptions['start'], index: number): Promise<unknown> {
  try {
    return Promise.resolve(start(index));
  } catch (error) {
    return Promise.reject(error);
  }
}

// Opened once, by the last operation to settle; wait() resolves then, or at the timeout.
function latch(): { open(): void; wait(timeoutMs: number): Promise<void> } {
  let opened = false;
  let release: (() => void) | null = null;
  return {
    open() {
      opened = true;
      release?.();
    },
    wait: (timeoutMs) =>
      opened
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, timeoutMs);
            release = () => {
              clearTimeout(timer);
              resolve();
            };
          }),
  };
}

function checkSchedule(ratePerSecond: number, durationMs: number): void {
  if (!(Number.isFinite(ratePerSecond) && ratePerSecond > 0)) {
    throw new RangeError(`runOpenLoop: ratePerSecond must be a positive number, got ${ratePerSecond}`);
  }
  if (!(Number.isFinite(durationMs) && durationMs >= 0)) {
    throw new RangeError(`runOpenLoop: durationMs must be a non-negative number, got ${durationMs}`);
  }
}

interface Schedule {
  readonly offered: number;
  readonly t0: number;
  readonly intervalMs: number;
  readonly clock: () => number;
  readonly maxBatch: number;
}

// Timers rather than a busy loop: the system under test shares this machine's cores. Each turn sends every
// operation that is due, so after a stall the generator catches up in batches instead of drifting.
function sendOnSchedule(
  { offered, t0, intervalMs, clock, maxBatch }: Schedule,
  dispatch: (index: number, intended: number, now: number) => void,
): Promise<void> {
  let next = 0;
  return new Promise<void>((resolve) => {
    const turn = () => {
      let batch = 0;
      while (next < offered) {
        const intended = t0 + next * intervalMs;
        const now = clock();
        if (intended > now) break;
        if (batch >= maxBatch) {
          setImmediate(turn);
          return;
        }
        dispatch(next, intended, now);
        next += 1;
        batch += 1;
      }
      if (next >= offered) {
        resolve();
        return;
      }
      const waitMs = t0 + next * intervalMs - clock();
      setTimeout(turn, Math.max(0, Math.floor(waitMs)));
    };
    turn();
  });
}

function invalidReasonsOf(
  lagSummary: LatencySummary,
  lagLimits: LagLimits,
  { dropped, maxInFlight, unfinished }: { dropped: number; maxInFlight: number; unfinished: number },
): string[] {
  const invalidReasons: string[] = [];
  if (lagSummary.p99 > lagLimits.p99Ms) {
    invalidReasons.push(
      `generator lag p99 ${lagSummary.p99.toFixed(1)} ms > ${lagLimits.p99Ms} ms: this process could not keep the schedule`,
    );
  }
  if (lagSummary.max > lagLimits.maxMs) {
    invalidReasons.push(
      `generator lag max ${lagSummary.max.toFixed(1)} ms > ${lagLimits.maxMs} ms: this process stalled during the run`,
    );
  }
  if (dropped > 0) {
    invalidReasons.push(`maxInFlight (${maxInFlight}) was reached: ${dropped} intended operations were not sent`);
  }
  if (unfinished > 0) {
    invalidReasons.push(
      `${unfinished} operations were still in flight at the drain deadline: the latency summary leaves them out`,
    );
  }
  return invalidReasons;
}

// Each distinct message counted; beyond maxKinds distinct ones, new kinds are not kept.
function countError(errors: Map<string, number>, error: unknown, maxKinds: number): void {
  const message = messageOf(error);
  if (errors.has(message)) errors.set(message, (errors.get(message) ?? 0) + 1);
  else if (errors.size < maxKinds) errors.set(message, 1);
}

function messageOf(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.length > MAX_MESSAGE_LENGTH ? `${text.slice(0, MAX_MESSAGE_LENGTH)}…` : text;
}
