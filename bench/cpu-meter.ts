// CPU time per process role over one phase (team processes, workers, the servers, and this driver), sampled often
// enough that a process killed in the middle (the outage) loses at most one interval, and a process started in
// the middle is charged everything it did since it started.
import { performance } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';
import { clockTicksPerSecond, snapshot } from './lib/cpu-usage';

export interface ProcessRole {
  readonly role: string;
  readonly pid: number;
}

export interface RoleCpu {
  readonly role: string;
  readonly pids: readonly number[];
  readonly cpuMs: number;
  readonly userMs: number;
  readonly systemMs: number;
  // cpuMs / elapsed: how many cores the role kept busy on average.
  readonly cores: number;
}

export interface PhaseCpu {
  readonly elapsedMs: number;
  readonly roles: readonly RoleCpu[];
  readonly totalCpuMs: number;
  // Cores busy on the whole machine (/proc/stat), and how many of them went to processes not measured here: on a
  // shared machine, the load the benchmark competed with. Null where /proc/stat cannot be read.
  readonly machineBusyCores: number | null;
  readonly otherProcessesCores: number | null;
}

export const DRIVER_ROLE = 'driver';

// Each measured process does its work itself (node, the JVM, the temporal binary start no children), and reading
// only their own /proc entries keeps a sample to well under a millisecond, where a walk of every process on a busy
// machine would stall the load generator for several.
const SNAPSHOT_OPTIONS = { includeDescendants: false } as const;

export class CpuMeter {
  private readonly base = new Map<number, { userMs: number; systemMs: number }>();
  private readonly totals = new Map<string, { pids: Set<number>; userMs: number; systemMs: number }>();
  private selfBase = process.cpuUsage();
  private startedAt = performance.now();
  private machineBase: MachineTicks | null = null;

  constructor(private readonly processes: () => readonly ProcessRole[]) {}

  begin(): void {
    this.base.clear();
    this.totals.clear();
    this.selfBase = process.cpuUsage();
    this.startedAt = performance.now();
    this.machineBase = readMachineTicks();
    const current = this.processes();
    const taken = snapshot(
      current.map(({ pid }) => pid),
      SNAPSHOT_OPTIONS,
    );
    for (const { role, pid } of current) {
      const stat = taken.processes.get(pid);
      if (stat?.alive) this.base.set(pid, { userMs: stat.userMs, systemMs: stat.systemMs });
      this.roleTotals(role).pids.add(pid);
    }
  }

  // Adds what each process did since the last sample. Call it just before killing a process.
  sample(): void {
    const current = this.processes();
    const taken = snapshot(
      current.map(({ pid }) => pid),
      SNAPSHOT_OPTIONS,
    );
    for (const { role, pid } of current) {
      const stat = taken.processes.get(pid);
      const totals = this.roleTotals(role);
      totals.pids.add(pid);
      if (!stat?.alive) continue;
      // A pid not seen at begin() was started during the phase: all its time belongs to the phase.
      const before = this.base.get(pid) ?? { userMs: 0, systemMs: 0 };
      totals.userMs += Math.max(0, stat.userMs - before.userMs);
      totals.systemMs += Math.max(0, stat.systemMs - before.systemMs);
      this.base.set(pid, { userMs: stat.userMs, systemMs: stat.systemMs });
    }
  }

  end(): PhaseCpu {
    this.sample();
    const elapsedMs = performance.now() - this.startedAt;
    const self = process.cpuUsage(this.selfBase);
    const roles: RoleCpu[] = [
      ...[...this.totals].map(([role, { pids, userMs, systemMs }]) => ({
        role,
        pids: [...pids],
        cpuMs: userMs + systemMs,
        userMs,
        systemMs,
        cores: elapsedMs > 0 ? (userMs + systemMs) / elapsedMs : 0,
      })),
      {
        role: DRIVER_ROLE,
        pids: [process.pid],
        cpuMs: (self.user + self.system) / 1000,
        userMs: self.user / 1000,
        systemMs: self.system / 1000,
        cores: elapsedMs > 0 ? (self.user + self.system) / 1000 / elapsedMs : 0,
      },
    ];
    const totalCpuMs = roles.reduce((sum, role) => sum + role.cpuMs, 0);
    const machineNow = readMachineTicks();
    let machineBusyCores: number | null = null;
    if (this.machineBase && machineNow && elapsedMs > 0) {
      const busyMs = ((machineNow.busy - this.machineBase.busy) * 1000) / clockTicksPerSecond();
      machineBusyCores = busyMs / elapsedMs;
    }
    return {
      elapsedMs,
      roles,
      totalCpuMs,
      machineBusyCores,
      otherProcessesCores:
        machineBusyCores === null || elapsedMs <= 0 ? null : Math.max(0, machineBusyCores - totalCpuMs / elapsedMs),
    };
  }

  private roleTotals(role: string) {
    let totals = this.totals.get(role);
    if (!totals) {
      totals = { pids: new Set(), userMs: 0, systemMs: 0 };
      this.totals.set(role, totals);
    }
    return totals;
  }
}

interface MachineTicks {
  readonly busy: number;
}

// The first line of /proc/stat: clock ticks of all cores since boot, by kind. Busy is user, nice, system, irq and
// softirq: what this machine's processes and kernel did (not idle, iowait, or time a hypervisor stole).
function readMachineTicks(): MachineTicks | null {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/).slice(1).map(Number);
    const [user, nice, system, , , irq, softirq] = fields;
    return { busy: user + nice + system + irq + softirq };
  } catch {
    return null;
  }
}
