// A subject's child processes as the benchmark reports them, read from the one supervisor (model/supervisor.ts):
// which run, how long each took to be ready, and which died on their own and came back.
import { configEnv } from '../../config';
import type { ProcessSpec } from '../../model/port';
import { describeExit, type SupervisedProcess, type SupervisedSpec, Supervisor } from '../../model/supervisor';
import type { BenchContext } from '../context';
import type { ProcessRole } from '../cpu-meter';

export interface RunningChild {
  readonly role: string;
  readonly pid: number;
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

export interface SubjectProcesses {
  running(): RunningChild[];
  // Exits the benchmark did not ask for, and the supervisor's restarts after them.
  events(): readonly ChildEvent[];
  // The child processes' pids, and those of the named servers, for the CPU meter.
  roles(): ProcessRole[];
}

// How the teams of a model, or a ceiling's stand-ins for them, run under the benchmark.
export function asProcessesOf(context: BenchContext, note?: RegExp) {
  return {
    logDir: context.logDir,
    nodeOptions: context.childNodeOptions,
    log: context.log,
    ...(note
      ? { specs: (specs: readonly ProcessSpec[]): SupervisedSpec[] => specs.map((spec) => ({ ...spec, note })) }
      : {}),
  };
}

// A ceiling's processes: no model behind them, so started here under the same supervisor.
export async function startCeilingProcesses(
  context: BenchContext,
  name: string,
  specs: readonly ProcessSpec[],
): Promise<Supervisor> {
  const supervisor = new Supervisor(specs, { ...asProcessesOf(context), name, env: configEnv(context.config) });
  await supervisor.startAll();
  return supervisor;
}

export function runningChild(child: SupervisedProcess): RunningChild | null {
  if (child.pid === undefined) return null;
  return { role: child.spec.role, pid: child.pid, readyAfterMs: child.readyAfterMs.at(-1) ?? 0, note: child.note };
}

// Starts the process again and reports it as running, with what it said on start-up.
export async function restartChild(
  child: SupervisedProcess,
  start: () => Promise<void> = () => child.start(),
): Promise<RunningChild> {
  await start();
  const running = runningChild(child);
  if (!running) throw new Error(`${child.name} is not running after its restart`);
  return running;
}

export function watchProcesses(
  supervisor: Supervisor,
  context: BenchContext,
  server: ProcessRole['role'],
): SubjectProcesses {
  const events: ChildEvent[] = [];
  for (const child of supervisor.processes.values()) {
    child.onExit((exit) => {
      if (exit.expected) return;
      const detail = describeExit(exit);
      events.push({ role: child.spec.role, pid: exit.pid, what: 'exited', detail, atMs: exit.atMs });
      // The supervisor begins its restart right after the exit is announced.
      setImmediate(() => {
        void child.whenRestarted().then(() => {
          if (child.pid !== undefined)
            events.push({
              role: child.spec.role,
              pid: child.pid,
              what: 'restarted',
              detail: `after ${detail}`,
              atMs: performance.now(),
            });
        });
      });
    });
  }
  return {
    running: () => [...supervisor.processes.values()].flatMap((child) => runningChild(child) ?? []),
    events: () => events,
    roles: () => [
      ...[...supervisor.pids()].map(([role, pid]) => ({ role, pid })),
      ...context.servers
        .filter((found) => found.role === server && found.pid !== null)
        .map((found) => ({ role: found.role, pid: found.pid as number })),
    ],
  };
}
