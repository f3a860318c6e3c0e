// Progress of a long benchmark on stderr: a bar redrawn in place on a terminal, plain periodic lines in a log,
// so that a run of several minutes shows it is alive without flooding CI output.
import { performance } from 'node:perf_hooks';

export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface ProgressOptions {
  readonly stream?: ProgressStream;
  // Defaults to stream.isTTY.
  readonly interactive?: boolean;
  readonly clock?: () => number;
  // Terminal redraws at most this often.
  readonly redrawIntervalMs?: number;
  // Plain lines at most this often, plus one at each phase change.
  readonly lineIntervalMs?: number;
  // Keep reporting while no unit advances (a stalled phase still shows its elapsed time). Off in tests.
  readonly timer?: boolean;
}

export interface Progress {
  // Starts a phase; the previous one, if any, is finished. totalUnits 0 means unknown.
  phase(name: string, totalUnits: number): void;
  advance(units?: number): void;
  done(): void;
}

export function createProgress(options: ProgressOptions = {}): Progress {
  return new StderrProgress(options);
}

class StderrProgress implements Progress {
  private readonly stream: ProgressStream;
  private readonly interactive: boolean;
  private readonly clock: () => number;
  private readonly redrawIntervalMs: number;
  private readonly lineIntervalMs: number;
  private readonly useTimer: boolean;
  private name = '';
  private total = 0;
  private units = 0;
  private startedAt = 0;
  private lastOutputAt = Number.NEGATIVE_INFINITY;
  private active = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(options: ProgressOptions) {
    this.stream = options.stream ?? process.stderr;
    this.interactive = options.interactive ?? this.stream.isTTY === true;
    this.clock = options.clock ?? (() => performance.now());
    this.redrawIntervalMs = options.redrawIntervalMs ?? 100;
    this.lineIntervalMs = options.lineIntervalMs ?? 5_000;
    this.useTimer = options.timer ?? true;
  }

  phase(name: string, totalUnits: number): void {
    if (this.active) this.finish();
    this.name = name;
    this.total = Math.max(0, totalUnits);
    this.units = 0;
    this.startedAt = this.clock();
    this.active = true;
    this.output(true);
    if (this.useTimer && !this.timer) {
      this.timer = setInterval(() => this.output(false), this.interactive ? 1_000 : this.lineIntervalMs);
      // Reporting must never keep the process alive.
      this.timer.unref();
    }
  }

  advance(units = 1): void {
    if (!this.active) return;
    this.units += units;
    this.output(false);
  }

  done(): void {
    if (this.active) this.finish();
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private finish(): void {
    if (this.total > 0) this.units = Math.max(this.units, this.total);
    this.output(true);
    if (this.interactive) this.stream.write('\n');
    this.active = false;
  }

  private output(force: boolean): void {
    const now = this.clock();
    const interval = this.interactive ? this.redrawIntervalMs : this.lineIntervalMs;
    if (!force && now - this.lastOutputAt < interval) return;
    this.lastOutputAt = now;
    if (this.interactive) {
      // Carriage return, the line, then erase whatever a longer previous line left.
      this.stream.write(`\r${this.render(now, this.stream.columns ?? 80)}\u001b[K`);
    } else {
      this.stream.write(`${this.render(now, 0)}\n`);
    }
  }

  private render(now: number, columns: number): string {
    const elapsedMs = now - this.startedAt;
    const known = this.total > 0;
    const ratio = known ? Math.min(1, this.units / this.total) : 0;
    const counts = known ? `${this.units}/${this.total}` : `${this.units}`;
    const eta =
      known && this.units > 0 && ratio < 1
        ? ` eta ${duration((elapsedMs * (this.total - this.units)) / this.units)}`
        : '';
    const facts = `${known ? `${(ratio * 100).toFixed(0).padStart(3)}% ` : ''}${counts} ${duration(elapsedMs)}${eta}`;
    if (!this.interactive) return `[bench] ${this.name}: ${facts}`;
    const barWidth = known ? Math.max(0, Math.min(30, columns - this.name.length - facts.length - 6)) : 0;
    const filled = Math.round(barWidth * ratio);
    const bar = barWidth > 0 ? ` [${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}]` : '';
    const line = `${this.name}${bar} ${facts}`;
    // One character short of the width: a full-width line wraps on some terminals and breaks the redraw.
    return columns > 1 && line.length >= columns ? line.slice(0, columns - 1) : line;
  }
}

// 4.2s, 1m05s, 1h02m
function duration(ms: number): string {
  const seconds = Math.max(0, ms) / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(Math.floor(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}
