// Progress of a long submission on stderr: how many requests are done of how many, the rate and the time left.
// A short run (the samples, a small file) prints nothing, and plain lines rather than a redrawn bar keep it
// readable next to the outcomes on stdout and in a log.
import { performance } from 'node:perf_hooks';

export interface SubmissionCounts {
  // Every request of the source when known ahead (a regular file, the samples); null for stdin and pipes.
  readonly total: number | null;
  // Requests handed to the model, answered, and refused at the edge.
  readonly submitted: number;
  readonly completed: number;
  readonly rejected: number;
}

export interface ProgressOptions {
  readonly log: (line: string) => void;
  readonly clock?: () => number;
  // Nothing is said before the run has lasted this long, then a line every intervalMs.
  readonly quietForMs?: number;
  readonly intervalMs?: number;
}

export class SubmissionProgress {
  private readonly log: (line: string) => void;
  private readonly clock: () => number;
  private readonly quietForMs: number;
  private readonly intervalMs: number;
  private readonly startedAt: number;
  private lastLineAt: number | null = null;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly counts: () => SubmissionCounts,
    options: ProgressOptions,
  ) {
    this.log = options.log;
    this.clock = options.clock ?? (() => performance.now());
    this.quietForMs = options.quietForMs ?? 5_000;
    this.intervalMs = options.intervalMs ?? 10_000;
    this.startedAt = this.clock();
  }

  start(): this {
    this.timer = setInterval(() => this.tick(), 1_000);
    // Reporting must never keep the process alive.
    this.timer.unref();
    return this;
  }

  // Says how far the run is, when it is time to.
  tick(): void {
    if (this.stopped) return;
    const now = this.clock();
    if (now - this.startedAt < this.quietForMs) return;
    if (this.lastLineAt !== null && now - this.lastLineAt < this.intervalMs) return;
    this.lastLineAt = now;
    this.log(`progress: ${this.describe(now)}`);
  }

  // Stops reporting; a run cut short says what it did in its own words.
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.stopped = true;
  }

  // A closing line, only after a run long enough to have reported progress, and only once.
  finish(): void {
    const saidProgress = this.lastLineAt !== null && !this.stopped;
    this.stop();
    if (!saidProgress) return;
    const { completed, rejected } = this.counts();
    const elapsedMs = this.clock() - this.startedAt;
    this.log(
      `progress: ${completed + rejected} requests done in ${formatDuration(elapsedMs)} (${formatRate(completed, elapsedMs)})`,
    );
  }

  describe(now = this.clock()): string {
    const { total, submitted, completed, rejected } = this.counts();
    const done = completed + rejected;
    const elapsedMs = now - this.startedAt;
    const share = total ? ` (${Math.floor((100 * done) / total)}%)` : '';
    const inFlight = submitted - completed > 0 ? `, ${submitted - completed} in flight` : '';
    const left =
      total && completed > 0 && done < total
        ? `, about ${formatDuration(((total - done) * elapsedMs) / done)} left`
        : '';
    return `${done}${total ? ` of ${total}` : ''} requests done${share}${inFlight}, ${formatRate(completed, elapsedMs)}${left}`;
  }
}

function formatRate(completed: number, elapsedMs: number): string {
  const perSecond = elapsedMs > 0 ? (completed * 1000) / elapsedMs : 0;
  return `${perSecond >= 10 ? perSecond.toFixed(0) : perSecond.toFixed(1)} returns/s`;
}

// 4.2s, 9m05s, 1h02m
function formatDuration(ms: number): string {
  const seconds = Math.max(0, ms) / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(Math.floor(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}
