// The teams under fault as real child processes, one per team as in production: started, killed with SIGKILL at
// any moment, stopped cleanly, restarted, and supervised (a process that dies on its own is started again, as a
// process supervisor would). No child outlives the fault suite, whatever way it ends.
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import type { Team } from '../domain';
import { USER_SUPPORT, type WorkerTeam } from '../traditional/teams';

export const PROJECT_ROOT = path.resolve(__dirname, '..');

// For every Node child: no type check (the suite type-checks once), and no shared compile cache. ts-node's cache
// in the temp directory is written without a lock on the reader's side: a process starting while another writes
// it can die (SIGTRAP) on a half-written file, and here many processes start at once.
export const CHILD_NODE_ENV: Readonly<NodeJS.ProcessEnv> = {
  TS_NODE_TRANSPILE_ONLY: '1',
  DISABLE_V8_COMPILE_CACHE: '1',
};

const LIVE_CHILDREN = new Set<ChildProcess>();
// Children started in a process group of their own (npm, then its shell, then node): killed as a group.
const GROUP_LEADERS = new Set<ChildProcess>();

// Every child the suite starts is registered here until it exits, so that none outlives the suite.
export function trackChild(child: ChildProcess, { group = false }: { group?: boolean } = {}): void {
  LIVE_CHILDREN.add(child);
  if (group) GROUP_LEADERS.add(child);
  child.once('exit', () => {
    LIVE_CHILDREN.delete(child);
    GROUP_LEADERS.delete(child);
  });
}

// Synchronous, so it also runs on process exit.
export function killAllChildren(): void {
  for (const child of LIVE_CHILDREN) {
    try {
      if (GROUP_LEADERS.has(child) && child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      else child.kill('SIGKILL');
    } catch {
      // Already gone.
    }
  }
  LIVE_CHILDREN.clear();
  GROUP_LEADERS.clear();
}

process.once('exit', killAllChildren);

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly atMs: number;
  // Killed or stopped by the suite, rather than dead on its own.
  readonly expected: boolean;
}

// What a process runs: its entry script, relative to the project root, and its arguments.
export interface ProcessRun {
  readonly script: string;
  readonly args: readonly string[];
}

export interface TeamProcessSpec extends ProcessRun {
  // e.g. "event-sourced inventory"
  readonly name: string;
  readonly env: NodeJS.ProcessEnv;
  // The line, on stdout or stderr, that says the process serves.
  readonly ready: RegExp;
  readonly readyTimeoutMs?: number;
  // How the process runs to die once at its crash point for the return, for a process that has one.
  readonly crashingAt?: (returnId: string) => ProcessRun;
  readonly log?: (line: string) => void;
}

const OUTPUT_LINES_KEPT = 200;

export class TeamProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<Exit> | undefined;
  private expectExit = false;
  private supervised = false;
  private restarting: Promise<void> | undefined;
  private closed = false;
  private restartDelayMs = 1_000;
  private readonly lines: string[] = [];
  // What the next start only runs, e.g. an entry that crashes at a chosen point.
  private nextRun: ProcessRun | undefined;
  readonly exits: Exit[] = [];
  readonly readyAfterMs: number[] = [];
  private readonly exitListeners = new Set<(exit: Exit) => void>();

  constructor(
    private readonly spec: TeamProcessSpec,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  get name(): string {
    return this.spec.name;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  output(lines = 30): string {
    return this.lines.slice(-lines).join('\n');
  }

  // Every line printed since the process was first started, newest last (the last OUTPUT_LINES_KEPT).
  printed(pattern: RegExp): string[] {
    return this.lines.filter((line) => pattern.test(line));
  }

  onExit(listener: (exit: Exit) => void): () => void {
    this.exitListeners.add(listener);
    return () => this.exitListeners.delete(listener);
  }

  // Another script and arguments for the next start only: a restart after it runs the process as specified.
  nextStartAs(run: ProcessRun): void {
    this.nextRun = run;
  }

  // What the process runs to die at its crash point for the return.
  crashingAt(returnId: string): ProcessRun {
    if (!this.spec.crashingAt) throw new Error(`${this.name} has no crash point`);
    return this.spec.crashingAt(returnId);
  }

  // Starts the process and resolves once it says it is ready; rejects, with its output, if it exits first.
  async start(): Promise<void> {
    if (this.closed) throw new Error(`${this.name} is closed`);
    if (this.child) return;
    const started = this.clock();
    const { script, args } = this.nextRun ?? this.spec;
    this.nextRun = undefined;
    // Node itself rather than npx: a signal goes straight to the team's process.
    const child = spawn(process.execPath, ['-r', 'ts-node/register', script, ...args], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, ...this.spec.env, ...CHILD_NODE_ENV },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    trackChild(child);
    this.child = child;
    this.expectExit = false;
    let ready = false;
    let announceReady: () => void = () => undefined;
    const isReady = new Promise<void>((resolve) => (announceReady = resolve));
    let pending = '';
    const onData = (chunk: Buffer) => {
      pending += chunk.toString();
      const parts = pending.split('\n');
      pending = parts.pop() ?? '';
      for (const line of parts) {
        this.lines.push(line);
        if (this.lines.length > OUTPUT_LINES_KEPT) this.lines.shift();
        if (!ready && this.spec.ready.test(line)) {
          ready = true;
          announceReady();
        }
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    this.exited = new Promise<Exit>((resolve) => {
      child.once('exit', (code, signal) => {
        const exit: Exit = { code, signal, atMs: this.clock(), expected: this.expectExit };
        this.exits.push(exit);
        if (this.child === child) this.child = undefined;
        for (const listener of this.exitListeners) listener(exit);
        resolve(exit);
        if (!exit.expected && this.supervised && !this.closed) this.restartSoon();
      });
    });
    const timeoutMs = this.spec.readyTimeoutMs ?? 120_000;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        isReady,
        this.exited.then((exit) => {
          throw new Error(`${this.name} exited (${describeExit(exit)}) before it was ready:\n${this.output()}`);
        }),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`${this.name} was not ready within ${timeoutMs} ms:\n${this.output()}`)),
            timeoutMs,
          );
        }),
      ]);
    } catch (error) {
      await this.kill();
      throw error;
    } finally {
      clearTimeout(timer);
    }
    this.readyAfterMs.push(this.clock() - started);
    this.spec.log?.(`${this.name} ready (pid ${child.pid}) in ${((this.clock() - started) / 1000).toFixed(1)}s`);
  }

  // SIGKILL: no shutdown hook runs, nothing is flushed, nothing is committed. Resolves once it is gone.
  async kill(): Promise<Exit | undefined> {
    return this.signal('SIGKILL');
  }

  // SIGTERM: the process finishes what it holds and leaves; SIGKILL if it has not within the grace time.
  async stop(graceMs = 30_000): Promise<Exit | undefined> {
    const exited = this.exited;
    if (!this.child || !exited) return undefined;
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), graceMs);
    try {
      return await this.signal('SIGTERM');
    } finally {
      clearTimeout(timer);
    }
  }

  // While supervised, a process that exits on its own is started again after restartDelayMs, until it is ready.
  supervise(enabled: boolean, restartDelayMs = 1_000): void {
    this.supervised = enabled;
    this.restartDelayMs = restartDelayMs;
    if (enabled && !this.child && !this.restarting && !this.closed) this.restartSoon();
  }

  // A restart in progress, if any: a supervised process that died is back once this resolves.
  whenRestarted(): Promise<void> {
    return this.restarting ?? Promise.resolve();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.supervised = false;
    await this.restarting?.catch(() => undefined);
    await this.stop(10_000);
  }

  private async signal(signal: NodeJS.Signals): Promise<Exit | undefined> {
    const child = this.child;
    const exited = this.exited;
    if (!child || !exited) return undefined;
    this.expectExit = true;
    child.kill(signal);
    return exited;
  }

  private restartSoon(): void {
    if (this.restarting) return;
    this.restarting = (async () => {
      for (let attempt = 1; this.supervised && !this.closed && !this.child; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, this.restartDelayMs));
        if (!this.supervised || this.closed || this.child) break;
        try {
          this.spec.log?.(`${this.name} died on its own; restarting it (attempt ${attempt})`);
          await this.start();
        } catch (error) {
          this.spec.log?.(`${this.name} did not come back: ${(error as Error).message.split('\n')[0]}`);
        }
      }
    })().finally(() => {
      this.restarting = undefined;
    });
  }
}

export function describeExit(exit: Pick<Exit, 'code' | 'signal'>): string {
  return exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`;
}

// One team's process in either model, as its entry point is run in production; or, for the negative control, its
// test-only entry (faults/edge/), which puts a store or a log without idempotency around the same team code. The
// crash point, too, is run by that entry, for the one start that must die at it.
export interface TeamProcessOptions {
  // The negative control, for the process's whole life: the team forgets what it decided, and decides it again.
  readonly negativeControl?: boolean;
  readonly log?: (line: string) => void;
}

export function eventSourcedTeamProcess(team: Team, env: NodeJS.ProcessEnv, options: TeamProcessOptions = {}): TeamProcess {
  const edge = (faults: readonly string[]): ProcessRun => ({
    script: 'faults/edge/event-sourced-team.ts',
    args: ['--team', team, ...(options.negativeControl ? ['--from-empty-state'] : []), ...faults],
  });
  return new TeamProcess({
    name: `event-sourced ${team}`,
    ...(options.negativeControl ? edge([]) : { script: 'event-sourced/run-team.ts', args: ['--team', team] }),
    crashingAt: (returnId) => edge(['--crash-after-append', returnId]),
    env,
    ready: new RegExp(`^${team} ready$`),
    log: options.log,
  });
}

// User Support keeps no store: its workflow worker always runs as in production, and has no crash point.
export function traditionalWorkerProcess(role: WorkerTeam, env: NodeJS.ProcessEnv, options: TeamProcessOptions = {}): TeamProcess {
  const edge = (faults: readonly string[]): ProcessRun => ({
    script: 'faults/edge/traditional-worker.ts',
    args: ['--team', role, ...(options.negativeControl ? ['--decide-again'] : []), ...faults],
  });
  const team = role === USER_SUPPORT ? null : role;
  return new TeamProcess({
    name: `traditional ${role}`,
    ...(team && options.negativeControl ? edge([]) : { script: 'traditional/worker.ts', args: ['--team', role] }),
    ...(team ? { crashingAt: (returnId: string) => edge(['--crash-after-record', returnId]) } : {}),
    env,
    ready: new RegExp(`^${role} worker serving `),
    log: options.log,
  });
}
