// Runs a model's processes (model/port.ts ProcessSpec) as child processes, as in production: started and awaited
// until each says it is ready, stopped cleanly, killed with SIGKILL at any moment, and, while supervised, started
// again when one dies on its own, as a process supervisor would. The fault suite, the benchmark and any other
// driver use this one; no child outlives the process that started it, whatever way that process ends.
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import path from 'node:path';
import { makeDirectory } from '../cli/make-directory';
import { type Config, configEnv } from '../config';
import type { ModelRole, ProcessSpec } from './port';

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

// Every child is registered here until it exits, so that none outlives this process.
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
  readonly pid: number;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly atMs: number;
  // Killed or stopped by its owner, rather than dead on its own.
  readonly expected: boolean;
}

export function describeExit(exit: Pick<Exit, 'code' | 'signal'>): string {
  return exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`;
}

export interface SupervisedSpec extends ProcessSpec {
  // A line worth keeping from start-up, e.g. how many events a team rebuilt its state from; its first group is kept.
  readonly note?: RegExp;
}

export interface SupervisorOptions {
  // Names the processes in messages and log files, e.g. "event-sourced".
  readonly name: string;
  // The environment of every child: configEnv(config), and anything else the driver sets on purpose.
  readonly env: NodeJS.ProcessEnv;
  // Node options for every child, e.g. --cpu-prof.
  readonly nodeOptions?: readonly string[];
  // Each process's whole output is appended to <logDir>/<name>.<role>.log; without it only the last lines are kept.
  readonly logDir?: string;
  // Generous: ts-node compiles each child on start, and CI machines may be loaded. Default 120 000.
  readonly readyTimeoutMs?: number;
  // After this long, a process asked to stop is killed. Default 30 000.
  readonly stopGraceMs?: number;
  readonly log?: (line: string) => void;
  readonly clock?: () => number;
}

const OUTPUT_LINES_KEPT = 200;

// One of a model's processes, started again from its spec however often it is stopped, killed or dies.
export class SupervisedProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<Exit> | undefined;
  private expectExit = false;
  private supervised = false;
  private restartDelayMs = 1_000;
  private restarting: Promise<void> | undefined;
  private closed = false;
  private nextStart: Pick<ProcessSpec, 'script' | 'args'> | undefined;
  private readonly lines: string[] = [];
  private readonly exitListeners = new Set<(exit: Exit) => void>();
  private logFile: WriteStream | undefined;
  readonly exits: Exit[] = [];
  readonly readyAfterMs: number[] = [];
  // What the process printed that matched the spec's note, at its latest start.
  note: string | null = null;

  constructor(
    readonly spec: SupervisedSpec,
    private readonly options: SupervisorOptions,
  ) {}

  get name(): string {
    return `${this.options.name} ${this.spec.role}`;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  private now(): number {
    return (this.options.clock ?? (() => performance.now()))();
  }

  // The last lines it printed, on either stream.
  output(lines = 30): string {
    return this.lines.slice(-lines).join('\n');
  }

  // Every line printed since the process was first started that matches, newest last (of the last 200).
  printed(pattern: RegExp): string[] {
    return this.lines.filter((line) => pattern.test(line));
  }

  onExit(listener: (exit: Exit) => void): () => void {
    this.exitListeners.add(listener);
    return () => this.exitListeners.delete(listener);
  }

  // Another script and arguments for the next start only, e.g. an entry that crashes at a chosen point; a restart
  // after that goes by the spec again.
  nextStartAs(run: Pick<ProcessSpec, 'script' | 'args'>): void {
    this.nextStart = run;
  }

  // Starts the process and resolves once it says it is ready; rejects, with its output, if it exits first.
  async start(): Promise<void> {
    if (this.closed) throw new Error(`${this.name} is closed`);
    if (this.child) return;
    const started = this.now();
    const { script, args } = this.nextStart ?? this.spec;
    this.nextStart = undefined;
    // Node itself rather than npx: a signal goes straight to the process.
    const child = spawn(
      process.execPath,
      [...(this.options.nodeOptions ?? []), '-r', 'ts-node/register', script, ...args],
      {
        cwd: PROJECT_ROOT,
        env: { ...process.env, ...this.options.env, ...CHILD_NODE_ENV },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    trackChild(child);
    this.child = child;
    this.expectExit = false;
    this.note = null;
    const log = this.log();
    log?.write(`--- ${new Date().toISOString()} pid ${child.pid}: ${script} ${args.join(' ')}\n`);
    let ready = false;
    let announceReady: () => void = () => undefined;
    const isReady = new Promise<void>((resolve) => (announceReady = resolve));
    let noteSeen: () => void = () => undefined;
    const noted = this.spec.note ? new Promise<void>((resolve) => (noteSeen = resolve)) : Promise.resolve();
    for (const stream of [child.stdout, child.stderr]) {
      let pending = '';
      stream?.on('data', (chunk: Buffer) => {
        log?.write(chunk);
        pending += chunk.toString();
        const parts = pending.split('\n');
        pending = parts.pop() ?? '';
        for (const line of parts) {
          this.heard(line, noteSeen);
          if (!ready && this.spec.ready.test(line)) {
            ready = true;
            announceReady();
          }
        }
      });
    }
    this.exited = this.whenExits(child);
    await this.untilReady(isReady, this.exited);
    // The note may come on the other stream than the ready line, so either may arrive first.
    await Promise.race([noted, new Promise((resolve) => setTimeout(resolve, 1_000))]);
    this.readyAfterMs.push(this.now() - started);
    this.options.log?.(`${this.name} ready (pid ${child.pid}) in ${((this.now() - started) / 1000).toFixed(1)}s`);
  }

  // SIGKILL: no shutdown hook runs, nothing is flushed, nothing is committed. Resolves once it is gone.
  kill(): Promise<Exit | undefined> {
    return this.signal('SIGKILL');
  }

  // SIGTERM: the process finishes what it holds and leaves; SIGKILL if it has not within the grace time.
  async stop(graceMs = this.options.stopGraceMs ?? 30_000): Promise<Exit | undefined> {
    if (!this.child) return undefined;
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

  async close(graceMs?: number): Promise<void> {
    this.closed = true;
    this.supervised = false;
    await this.restarting?.catch(() => undefined);
    await this.stop(graceMs);
    await new Promise<void>((resolve) => (this.logFile ? this.logFile.end(resolve) : resolve()));
    this.logFile = undefined;
  }

  private heard(line: string, noteSeen: () => void): void {
    this.lines.push(line);
    if (this.lines.length > OUTPUT_LINES_KEPT) this.lines.shift();
    const match = this.note === null ? this.spec.note?.exec(line) : null;
    if (match) {
      this.note = match[1] ?? match[0];
      noteSeen();
    }
  }

  private whenExits(child: ChildProcess): Promise<Exit> {
    return new Promise<Exit>((resolve) => {
      child.once('exit', (code, signal) => {
        const exit: Exit = { pid: child.pid ?? 0, code, signal, atMs: this.now(), expected: this.expectExit };
        this.logFile?.write(`--- ${new Date().toISOString()} pid ${exit.pid} exited (${describeExit(exit)})\n`);
        this.exits.push(exit);
        if (this.child === child) this.child = undefined;
        for (const listener of this.exitListeners) listener(exit);
        resolve(exit);
        if (!exit.expected && this.supervised && !this.closed) {
          this.options.log?.(`${this.name} (pid ${exit.pid}) exited on its own (${describeExit(exit)})`);
          this.restartSoon();
        }
      });
    });
  }

  private async untilReady(isReady: Promise<void>, exited: Promise<Exit>): Promise<void> {
    const timeoutMs = this.options.readyTimeoutMs ?? 120_000;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        isReady,
        exited.then((exit) => {
          throw new Error(`${this.name} exited (${describeExit(exit)}) before it was ready:\n${this.output()}`);
        }),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () =>
              reject(
                new Error(
                  `${this.name} was not ready within ${timeoutMs / 1000} s (waiting for a line matching ${this.spec.ready}):\n${this.output()}`,
                ),
              ),
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
  }

  private log(): WriteStream | undefined {
    if (!this.options.logDir) return undefined;
    if (!this.logFile) {
      makeDirectory(this.options.logDir, 'the log folder');
      this.logFile = createWriteStream(path.join(this.options.logDir, `${this.options.name}.${this.spec.role}.log`), {
        flags: 'a',
      });
    }
    return this.logFile;
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
          this.options.log?.(`${this.name} died on its own; restarting it (attempt ${attempt})`);
          await this.start();
        } catch (error) {
          this.options.log?.(`${this.name} did not come back: ${(error as Error).message.split('\n')[0]}`);
        }
      }
    })().finally(() => {
      this.restarting = undefined;
    });
  }
}

// A model's processes together: started at once, supervised, and closed at once.
export class Supervisor {
  readonly processes: ReadonlyMap<ModelRole, SupervisedProcess>;

  constructor(specs: readonly SupervisedSpec[], options: SupervisorOptions) {
    this.processes = new Map(specs.map((spec) => [spec.role, new SupervisedProcess(spec, options)]));
  }

  process(role: ModelRole): SupervisedProcess {
    const found = this.processes.get(role);
    if (!found) throw new Error(`No process ${role} here; there are ${[...this.processes.keys()].join(', ')}`);
    return found;
  }

  // Starts every process at once, each with a second and third chance should it die before it is ready, then
  // supervises them all. Nothing is left running when one never comes up.
  async startAll({ attempts = 3, supervise = true }: { attempts?: number; supervise?: boolean } = {}): Promise<void> {
    const startWithRetries = async (child: SupervisedProcess) => {
      for (let tried = 1; ; tried++) {
        try {
          return await child.start();
        } catch (error) {
          if (tried >= attempts) throw error;
        }
      }
    };
    try {
      await Promise.all([...this.processes.values()].map(startWithRetries));
    } catch (error) {
      await this.close();
      throw error;
    }
    if (supervise) for (const child of this.processes.values()) child.supervise(true);
  }

  pids(): Map<ModelRole, number> {
    return new Map(
      [...this.processes]
        .filter(([, child]) => child.pid !== undefined)
        .map(([role, child]) => [role, child.pid as number]),
    );
  }

  // Stops every process at once; one that does not stop in time is killed.
  async close(graceMs?: number): Promise<void> {
    await Promise.all([...this.processes.values()].map((child) => child.close(graceMs)));
  }
}

// How a driver asks for a model's teams to run as processes of their own.
export interface AsProcesses extends Omit<SupervisorOptions, 'name' | 'env'> {
  // Settings beyond the configuration, for every process.
  readonly env?: NodeJS.ProcessEnv;
  // The processes to run instead of the model's own specs, e.g. an edge entry that wraps a team's store.
  readonly specs?: (specs: readonly ProcessSpec[]) => readonly SupervisedSpec[];
  // Called once the processes exist and before any starts, e.g. to have one's first start run another entry.
  readonly beforeStart?: (supervisor: Supervisor) => void;
}

// A model's processes under one supervisor, each given the whole configuration (configEnv), started and supervised.
export async function startModelProcesses(
  name: string,
  config: Config,
  specs: readonly ProcessSpec[],
  options: AsProcesses,
): Promise<Supervisor> {
  const supervisor = new Supervisor(options.specs ? options.specs(specs) : specs, {
    ...options,
    name,
    env: { ...configEnv(config), ...options.env },
  });
  options.beforeStart?.(supervisor);
  await supervisor.startAll();
  return supervisor;
}

// SIGKILL to the process of one role, and resolves once it is gone.
export async function killTeamProcess(processes: Supervisor | null, role: ModelRole): Promise<void> {
  if (!processes) throw new Error(`${role} runs in this process: open the model with asProcesses to kill its process`);
  await processes.process(role).kill();
}
