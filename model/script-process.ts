// The project's commands run as a user runs them, for the tests and for the harnesses that drive a command (the
// hostile-input matrix): one spawn, in two shapes. runScript runs an npm script to its end and collects what it
// printed; ScriptProcess starts a command as a terminal does, so that its caller can wait for a line, interrupt it
// and see how it ends. Each runs in a process group of its own, so a signal can go to the whole group as Ctrl-C
// does, or to the first process alone as `kill PID` does; the group is tracked by the supervisor's registry, so
// none outlives the process that started it, and every process it starts is seen from /proc, so the caller can
// tell that none is left behind.
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { commandLineOf, isAlive } from '../stack/processes';
import { PROJECT_ROOT, trackChild } from './supervisor';
import { waitFor } from './wait-for';

// A trace's frames ("    at fn (file.ts:12:5)"): what a person must never need to read for a mistake they can fix.
export const hasStackTrace = (text: string): boolean => /\n\s+at .+:\d+:\d+/.test(text);

export interface ScriptRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  // How long the command ran, from its start to the end of its output.
  readonly ms: number;
}

export interface Finished extends ScriptRun {
  readonly signal: NodeJS.Signals | null;
}

export async function runScript(script: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<ScriptRun> {
  const { code, stdout, stderr, ms } = await collect(spawnInProject('npm', npmRun(script, args), env)).finished;
  return { code, stdout, stderr, ms };
}

export class ScriptProcess {
  private readonly output: Output;
  private readonly seen = new Set<number>();
  private readonly sampler: NodeJS.Timeout;
  // Settles once every process holding the output pipes has exited, the script's own process included.
  readonly finished: Promise<Finished>;

  private constructor(private readonly child: ChildProcess) {
    this.output = collect(child);
    this.sampler = setInterval(() => this.sample(), 100);
    this.finished = this.output.finished.finally(() => clearInterval(this.sampler));
  }

  static npm(script: string, args: readonly string[], env: NodeJS.ProcessEnv): ScriptProcess {
    return new ScriptProcess(spawnInProject('npm', npmRun(script, args), env));
  }

  // The entry file npm runs, started by Node itself, so that its own exit code is what the test sees. Type
  // checking is left to the npm runs and tsc, as the benchmark does for its child processes.
  static node(file: string, args: readonly string[], env: NodeJS.ProcessEnv): ScriptProcess {
    const nodeArgs = ['-r', 'ts-node/register', file, ...args];
    return new ScriptProcess(spawnInProject(process.execPath, nodeArgs, { TS_NODE_TRANSPILE_ONLY: '1', ...env }));
  }

  get pid(): number {
    return this.child.pid!;
  }

  get stdout(): string {
    return this.output.stdout;
  }

  get stderr(): string {
    return this.output.stderr;
  }

  // Ctrl-C (or another signal) to every process of the command, as a terminal sends it.
  signalGroup(signal: NodeJS.Signals): void {
    this.sample();
    signalIfAlive(-this.pid, signal);
  }

  // To the first process alone (npm, for an npm script), as `kill PID` does.
  signalFirst(signal: NodeJS.Signals): void {
    this.sample();
    signalIfAlive(this.pid, signal);
  }

  waitForOutput(description: string, pattern: RegExp, timeoutMs = 240_000): Promise<true> {
    return waitFor(
      description,
      () => {
        if (pattern.test(this.stdout) || pattern.test(this.stderr)) return true;
        if (this.child.exitCode !== null || this.child.signalCode !== null) {
          throw new Error(`the command ended first:\n${this.stdout}\n${this.stderr}`);
        }
        return false;
      },
      { timeoutMs, intervalMs: 100 },
    );
  }

  // Every process seen below the command so far.
  descendants(): number[] {
    this.sample();
    return [...this.seen];
  }

  // The processes below the command whose command line matches, such as the team processes it started.
  descendantsRunning(commandLine: RegExp): number[] {
    return this.descendants().filter((pid) => isAlive(pid) && commandLine.test(commandLineOf(pid)));
  }

  // Waits until none of the processes the command started is alive (a process that is still stopping gets a
  // while), and returns those that still are.
  async leftBehind(timeoutMs = 30_000): Promise<number[]> {
    const pids = [this.pid, ...this.seen];
    try {
      await waitFor('every process of the command to end', () => pids.every((pid) => !isAlive(pid)), {
        timeoutMs,
        intervalMs: 100,
      });
    } catch {
      // Reported by the caller.
    }
    return pids.filter((pid) => isAlive(pid));
  }

  // Kills whatever is left, so a failed test does not leave processes running on a shared machine.
  killAll(): void {
    clearInterval(this.sampler);
    for (const pid of [this.pid, ...this.seen]) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone already.
      }
    }
  }

  private sample(): void {
    const children = childrenByParent();
    const queue = [this.pid, ...this.seen];
    while (queue.length > 0) {
      for (const child of children.get(queue.shift()!) ?? []) {
        if (this.seen.has(child)) continue;
        this.seen.add(child);
        queue.push(child);
      }
    }
  }
}

// `npm run --silent <script> -- <args>`, as the README says to run it. --silent: npm prints nothing of its own, so
// stdout is exactly what the script wrote.
function npmRun(script: string, args: readonly string[]): string[] {
  return ['run', '--silent', script, '--', ...args];
}

// detached: a process group of its own (npm, its shell, node), which can be signalled, and killed, as a whole.
function spawnInProject(command: string, args: readonly string[], env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(command, args, {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  trackChild(child, { group: true });
  return child;
}

interface Output {
  readonly stdout: string;
  readonly stderr: string;
  readonly finished: Promise<Finished>;
}

// What the command printed so far, and how it ended.
function collect(child: ChildProcess): Output {
  const started = performance.now();
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const finished = new Promise<Finished>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, ms: performance.now() - started }));
  });
  return {
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    finished,
  };
}

function signalIfAlive(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch (error) {
    // Already gone, which is what the caller waits for anyway.
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

function childrenByParent(): Map<number, number[]> {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    // The command name may hold spaces and parentheses: the fields after the last ")" are fixed.
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
  }
  return children;
}
