// CPU time spent by server processes (with their descendants) from /proc/<pid>/stat, and by this process from
// process.cpuUsage(), so a benchmark can say what each side cost in CPU and not only how fast it was.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

export interface CpuTimes {
  readonly userMs: number;
  readonly systemMs: number;
  readonly totalMs: number;
}

export interface ProcessStat {
  readonly pid: number;
  readonly name: string;
  readonly ppid: number;
  // Clock ticks, own threads only.
  readonly utime: number;
  readonly stime: number;
  // Clock ticks of children that exited and were waited for.
  readonly cutime: number;
  readonly cstime: number;
}

export interface ProcessCpu extends CpuTimes {
  readonly pid: number;
  readonly name: string;
  // False when the process was gone at the snapshot.
  readonly alive: boolean;
  // Live descendants whose time is included.
  readonly descendants: readonly number[];
}

export interface CpuSnapshot {
  // performance.now() when taken.
  readonly takenAtMs: number;
  readonly self: CpuTimes;
  readonly processes: ReadonlyMap<number, ProcessCpu>;
}

export interface ProcessCpuDiff extends CpuTimes {
  readonly pid: number;
  readonly name: string;
  // totalMs / elapsedMs: how many cores it kept busy on average.
  readonly cores: number;
  // Gone at the second snapshot: its figures are incomplete.
  readonly exited: boolean;
}

export interface CpuDiff {
  readonly elapsedMs: number;
  readonly self: CpuTimes & { readonly cores: number };
  readonly processes: readonly ProcessCpuDiff[];
}

export interface SnapshotOptions {
  // Include every live descendant (default true): a server launched through a shell or a JVM wrapper does its
  // work in a child process.
  readonly includeDescendants?: boolean;
}

const DEFAULT_CLOCK_TICKS = 100;
let clockTicks: number | undefined;

// USER_HZ, the unit of /proc/<pid>/stat times; asked once, 100 when getconf is missing.
export function clockTicksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      const answer = Number.parseInt(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim(), 10);
      clockTicks = Number.isFinite(answer) && answer > 0 ? answer : DEFAULT_CLOCK_TICKS;
    } catch {
      clockTicks = DEFAULT_CLOCK_TICKS;
    }
  }
  return clockTicks;
}

export function parseProcessStat(text: string): ProcessStat {
  // The name sits in parentheses and may itself hold spaces and parentheses: split after the last ')'.
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) throw new Error(`not a /proc/<pid>/stat line: ${text.slice(0, 80)}`);
  const fields = text
    .slice(close + 2)
    .trim()
    .split(/\s+/);
  // fields[0] is field 3 (state) of proc(5).
  const field = (number: number) => Number(fields[number - 3]);
  return {
    pid: Number(text.slice(0, open).trim()),
    name: text.slice(open + 1, close),
    ppid: field(4),
    utime: field(14),
    stime: field(15),
    cutime: field(16),
    cstime: field(17),
  };
}

export function readProcessStat(pid: number): ProcessStat | null {
  try {
    return parseProcessStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return null;
  }
}

// Every readable process, read once so that one snapshot sees one process tree.
export function readProcessTable(): Map<number, ProcessStat> {
  const table = new Map<number, ProcessStat>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return table;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readProcessStat(Number(entry));
    if (stat) table.set(stat.pid, stat);
  }
  return table;
}

export function descendantsOf(pid: number, table: ReadonlyMap<number, ProcessStat> = readProcessTable()): number[] {
  const children = new Map<number, number[]>();
  for (const stat of table.values()) {
    const siblings = children.get(stat.ppid);
    if (siblings) siblings.push(stat.pid);
    else children.set(stat.ppid, [stat.pid]);
  }
  const found = new Set<number>();
  const pending = [...(children.get(pid) ?? [])];
  while (pending.length > 0) {
    const next = pending.pop() as number;
    if (found.has(next) || next === pid) continue;
    found.add(next);
    pending.push(...(children.get(next) ?? []));
  }
  return [...found].sort((a, b) => a - b);
}

export function snapshot(pids: readonly number[], options: SnapshotOptions = {}): CpuSnapshot {
  const includeDescendants = options.includeDescendants ?? true;
  const usage = process.cpuUsage();
  const self = times(usage.user / 1000, usage.system / 1000);
  const table = includeDescendants ? readProcessTable() : new Map<number, ProcessStat>();
  const msPerTick = 1000 / clockTicksPerSecond();
  const processes = new Map<number, ProcessCpu>();
  for (const pid of pids) {
    const root = table.get(pid) ?? readProcessStat(pid);
    if (!root) {
      processes.set(pid, { pid, name: '', alive: false, descendants: [], ...times(0, 0) });
      continue;
    }
    const descendants = includeDescendants ? descendantsOf(pid, table) : [];
    let userTicks = 0;
    let systemTicks = 0;
    // Each exited descendant's time was added to its parent's cutime/cstime when it was waited for, so summing
    // all four over the live tree counts every process once.
    for (const stat of [root, ...descendants.map((child) => table.get(child))]) {
      if (!stat) continue;
      userTicks += stat.utime + stat.cutime;
      systemTicks += stat.stime + stat.cstime;
    }
    processes.set(pid, {
      pid,
      name: root.name,
      alive: true,
      descendants,
      ...times(userTicks * msPerTick, systemTicks * msPerTick),
    });
  }
  return { takenAtMs: performance.now(), self, processes };
}

export function diff(before: CpuSnapshot, after: CpuSnapshot): CpuDiff {
  const elapsedMs = after.takenAtMs - before.takenAtMs;
  const cores = (totalMs: number) => (elapsedMs > 0 ? totalMs / elapsedMs : 0);
  const self = times(after.self.userMs - before.self.userMs, after.self.systemMs - before.self.systemMs);
  const processes: ProcessCpuDiff[] = [];
  for (const [pid, first] of before.processes) {
    const second = after.processes.get(pid);
    const exited = !second || !second.alive;
    const delta =
      exited || !first.alive
        ? times(0, 0)
        : times(Math.max(0, second.userMs - first.userMs), Math.max(0, second.systemMs - first.systemMs));
    processes.push({ pid, name: first.name || second?.name || '', exited, cores: cores(delta.totalMs), ...delta });
  }
  return { elapsedMs, self: { ...self, cores: cores(self.totalMs) }, processes };
}

function times(userMs: number, systemMs: number): CpuTimes {
  return { userMs, systemMs, totalMs: userMs + systemMs };
}
