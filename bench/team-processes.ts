// The teams of a benchmarked model run as child processes, one per team as in production, so the CPU time of
// each can be read from /proc. This module starts them, waits for the line each prints when it is ready, kills
// and restarts one for the outage phase, and makes sure none outlives the benchmark.
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

const PROJECT_ROOT = path.resolve(__dirname, '..');

export interface ChildSpec {
  // Unique within its group, e.g. "inventory" or "user-support".
  readonly role: string;
  // Relative to the project root.
  readonly script: string;
  readonly args: readonly string[];
  // The line (on stdout or stderr) that says the process serves.
  readonly ready: RegExp;
  // A line worth keeping from start-up, e.g. how many events a team rebuilt its state from; its first group is kept.
  readonly note?: RegExp;
}

export interface RunningChild {
  readonly role: string;
  readonly pid: number;
  readonly startedAt: number;
  readonly readyAfterMs: number;
  readonly note: string | null;
}

export interface ChildEvent {
  readonly role: string;
  readonly pid: number;
  readonly what: 'exited' | 'restarted';
  readonly detail: string;
  readonly atMs: number;
}

// Every child of this process, whichever group started it: killed synchronously if the process exits anyway.
const LIVE_CHILDREN = new Set<ChildProcess>();

export function killEveryChildNow(): void {
  for (const child of LIVE_CHILDREN) {
    try {
      child.kill('SIGKILL');
    } catch {
      // Already gone.
    }
  }
  LIVE_CHILDREN.clear();
}

interface Entry {
  readonly spec: ChildSpec;
  child: ChildProcess;
  running: RunningChild;
  // Set while the benchmark itself stops the process: its exit is then expected, not a crash.
  stopping: boolean;
  exited: Promise<void>;
}

export interface ProcessGroupOptions {
  readonly name: string;
  readonly env: NodeJS.ProcessEnv;
  readonly logDir: string;
  readonly readyTimeoutMs?: number;
  // A process that exits on its own is started again, as a supervisor would (default true).
  readonly restartCrashed?: boolean;
  // Node options for every child, e.g. --cpu-prof.
  readonly nodeOptions?: readonly string[];
  readonly log?: (line: string) => void;
}

export class ProcessGroup {
  private readonly entries = new Map<string, Entry>();
  private readonly logs = new Map<string, WriteStream>();
  private readonly specs = new Map<string, ChildSpec>();
  readonly events: ChildEvent[] = [];
  private closed = false;

  constructor(private readonly options: ProcessGroupOptions) {
    mkdirSync(options.logDir, { recursive: true });
  }

  // Starts every process at once and waits until each is ready.
  async startAll(specs: readonly ChildSpec[]): Promise<RunningChild[]> {
    const settled = await Promise.allSettled(specs.map((spec) => this.start(spec)));
    const failure = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failure) throw failure.reason;
    return settled.map((result) => (result as PromiseFulfilledResult<RunningChild>).value);
  }

  async start(spec: ChildSpec): Promise<RunningChild> {
    if (this.closed) throw new Error(`${this.options.name}: the process group is closed`);
    this.specs.set(spec.role, spec);
    const startedAt = performance.now();
    const child = spawn(process.execPath, [...(this.options.nodeOptions ?? []), '-r', 'ts-node/register', spec.script, ...spec.args], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, ...this.options.env, TS_NODE_TRANSPILE_ONLY: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (child.pid === undefined) throw new Error(`${spec.role}: ${spec.script} did not spawn`);
    LIVE_CHILDREN.add(child);
    const pid = child.pid;
    const logFile = this.logOf(spec.role);
    logFile.write(`--- ${new Date().toISOString()} pid ${pid}: ${spec.script} ${spec.args.join(' ')}\n`);

    let ready!: () => void;
    let failed!: (error: Error) => void;
    const readiness = new Promise<void>((resolve, reject) => {
      ready = resolve;
      failed = reject;
    });
    // An exit after the ready timeout has been reported already: it must not surface as an unhandled rejection.
    readiness.catch(() => undefined);
    let isReady = false;
    let note: string | null = null;
    let onNote: () => void = () => undefined;
    const noted = spec.note ? new Promise<void>((resolve) => (onNote = resolve)) : Promise.resolve();
    const tail: string[] = [];
    for (const stream of [child.stdout, child.stderr]) {
      let partial = '';
      stream?.on('data', (chunk: Buffer) => {
        logFile.write(chunk);
        if (isReady && (note !== null || !spec.note)) return;
        partial += chunk.toString('utf8');
        const lines = partial.split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) {
          tail.push(line);
          if (tail.length > 20) tail.shift();
          const match = spec.note?.exec(line);
          if (match && note === null) {
            note = match[1] ?? match[0];
            onNote();
          }
          if (!isReady && spec.ready.test(line)) {
            isReady = true;
            ready();
          }
        }
      });
    }
    const exited = new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        LIVE_CHILDREN.delete(child);
        const detail = signal ? `signal ${signal}` : `code ${code}`;
        logFile.write(`--- ${new Date().toISOString()} pid ${pid} exited (${detail})\n`);
        if (!isReady) failed(new Error(`${this.options.name} ${spec.role} exited before it was ready (${detail}):\n${tail.join('\n')}`));
        this.onExit(spec.role, child, detail);
        resolve();
      });
    });
    child.once('error', (error) => failed(error));

    const timeoutMs = this.options.readyTimeoutMs ?? 120_000;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        readiness,
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`${this.options.name} ${spec.role} was not ready within ${timeoutMs / 1000} s:\n${tail.join('\n')}`)),
            timeoutMs,
          );
        }),
      ]);
    } catch (error) {
      child.kill('SIGKILL');
      throw error;
    } finally {
      clearTimeout(timer);
    }
    const readyAfterMs = performance.now() - startedAt;
    // The note comes on the other stream than the ready line, so either may arrive first.
    await Promise.race([noted, new Promise((resolve) => setTimeout(resolve, 1_000))]);
    const running: RunningChild = { role: spec.role, pid, startedAt, readyAfterMs, note };
    this.entries.set(spec.role, { spec, child, running, stopping: false, exited });
    return running;
  }

  pids(): Map<string, number> {
    return new Map([...this.entries].map(([role, entry]) => [role, entry.running.pid]));
  }

  running(): RunningChild[] {
    return [...this.entries.values()].map((entry) => entry.running);
  }

  // Kills the role's process (SIGKILL by default: a crash, not a clean stop) and waits until it is gone.
  async kill(role: string, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const entry = this.entries.get(role);
    if (!entry) throw new Error(`${this.options.name}: no process ${role}`);
    entry.stopping = true;
    entry.child.kill(signal);
    await entry.exited;
    this.entries.delete(role);
  }

  // Starts the role again as it was started the first time.
  async restart(role: string): Promise<RunningChild> {
    const spec = this.specs.get(role);
    if (!spec) throw new Error(`${this.options.name}: no process ${role} to restart`);
    return this.start(spec);
  }

  // SIGTERM to all, then SIGKILL to those still there after the grace period.
  async stopAll(graceMs = 10_000): Promise<void> {
    this.closed = true;
    const entries = [...this.entries.values()];
    this.entries.clear();
    for (const entry of entries) {
      entry.stopping = true;
      entry.child.kill('SIGTERM');
    }
    await Promise.all(
      entries.map(async (entry) => {
        const timer = setTimeout(() => entry.child.kill('SIGKILL'), graceMs);
        await entry.exited;
        clearTimeout(timer);
      }),
    );
    await Promise.all([...this.logs.values()].map((stream) => new Promise<void>((resolve) => stream.end(resolve))));
    this.logs.clear();
  }

  logFile(role: string): string {
    return path.join(this.options.logDir, `${this.options.name}.${role}.log`);
  }

  private logOf(role: string): WriteStream {
    let stream = this.logs.get(role);
    if (!stream) {
      stream = createWriteStream(this.logFile(role), { flags: 'a' });
      this.logs.set(role, stream);
    }
    return stream;
  }

  private onExit(role: string, child: ChildProcess, detail: string): void {
    const entry = this.entries.get(role);
    // Not (or no longer) a registered process: an intended stop, or one that never became ready.
    if (!entry || entry.child !== child) return;
    if (entry.stopping || this.closed) return;
    this.entries.delete(role);
    const atMs = performance.now();
    this.events.push({ role, pid: entry.running.pid, what: 'exited', detail, atMs });
    this.options.log?.(`${this.options.name} ${role} (pid ${entry.running.pid}) exited on its own (${detail})`);
    if (this.options.restartCrashed === false) return;
    this.start(entry.spec).then(
      (running) => {
        this.events.push({ role, pid: running.pid, what: 'restarted', detail: `after ${detail}`, atMs: performance.now() });
      },
      (error: unknown) => this.options.log?.(`${this.options.name} ${role} could not be restarted: ${(error as Error).message}`),
    );
  }

}
