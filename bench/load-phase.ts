// One phase of load on one subject: open-loop sends at a fixed rate (bench/lib/open-loop.ts) for a fixed time,
// with the CPU time of every process measured over it, the backlog sampled, and actions (a kill, a restart) run
// at set moments. Every phase of the benchmark (warm-up, ramp step, latency, outage) is one of these.
import { performance } from 'node:perf_hooks';
import type { Team } from '../domain';
import { CpuMeter, type PhaseCpu } from './cpu-meter';
import { type OpenLoopReport, runOpenLoop } from './lib/open-loop';
import type { Progress } from './lib/progress';
import type { BacklogSample, PhaseKind, PhaseResult } from './results';
import { sendReturn } from './subjects/drive';
import type { Subject } from './subjects/subject';

export interface PhaseSettings {
  readonly progress: Progress;
  readonly retryWhenGeneratorLags: boolean;
  readonly drainTimeoutMs: number;
  readonly log: (line: string) => void;
}

// Return indexes are handed out in order, so each return is sent once and return i is the same in every subject.
export class IndexAllocator {
  private next = 0;

  take(count: number): number {
    const base = this.next;
    this.next += count;
    return base;
  }
}

export interface ScheduledAction {
  readonly atMs: number;
  // sinceStart: milliseconds since the phase's first intended send.
  readonly run: (sinceStart: () => number) => Promise<void>;
}

export interface LoadSpec {
  readonly name: string;
  readonly kind: PhaseKind;
  readonly rate: number;
  readonly durationMs: number;
  // Called when the driver sees a team answer return `localIndex` of the phase, with its latency so far.
  readonly onTeam?: (localIndex: number, team: Team, latencyMs: number) => void;
  readonly actions?: readonly ScheduledAction[];
  readonly sampleBacklogEveryMs?: number;
}

export interface LoadOutcome {
  readonly phase: PhaseResult;
  readonly timeline: BacklogSample[];
  // performance.now() at the phase's first intended send.
  readonly t0: number;
  // Index of the phase's first return.
  readonly base: number;
  readonly sendEndMs: number;
}

// Operations the generator may hold open at once before it drops new ones (and marks the phase invalid).
const MAX_IN_FLIGHT = 400_000;
const CPU_SAMPLE_MS = 2_000;

export async function runLoadPhase(
  subject: Subject,
  indexes: IndexAllocator,
  spec: LoadSpec,
  settings: PhaseSettings,
  attempts = 1,
): Promise<LoadOutcome> {
  const { rate, durationMs } = spec;
  const offeredEstimate = Math.ceil((durationMs * rate) / 1000 - 1e-9);
  const base = indexes.take(offeredEstimate);
  const intervalMs = 1000 / rate;
  const meter = new CpuMeter(() => subject.processes.roles());
  meter.begin();
  const cpuTimer = setInterval(() => meter.sample(), CPU_SAMPLE_MS);
  const timeline: BacklogSample[] = [];
  let completedDuringSend = 0;
  settings.progress.phase(`${subject.name} ${spec.name}`, offeredEstimate);
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  const sample = () => {
    const perTeam = subject.seesTeams ? subject.tracker.outstandingPerTeam() : null;
    timeline.push({
      tMs: Math.round(performance.now() - t0),
      backlog: subject.tracker.outstanding(),
      ...(perTeam ? { perTeam } : {}),
    });
  };
  const sampler = spec.sampleBacklogEveryMs ? setInterval(sample, spec.sampleBacklogEveryMs) : undefined;
  const actions = scheduleActions(spec.actions ?? [], t0, meter, (error) =>
    settings.log(`${subject.name}: ${error.message}`),
  );
  const onTeam = spec.onTeam;
  const report = await runOpenLoop({
    ratePerSecond: rate,
    durationMs,
    maxInFlight: MAX_IN_FLIGHT,
    drainTimeoutMs: settings.drainTimeoutMs,
    start: (localIndex) =>
      sendReturn(
        subject,
        base + localIndex,
        onTeam ? (team, atMs) => onTeam(localIndex, team, atMs - (t0 + localIndex * intervalMs)) : undefined,
      ),
    onSettled: ({ intendedAtMs, latencyMs, error }) => {
      if (!error && intendedAtMs + latencyMs <= durationMs) completedDuringSend += 1;
      settings.progress.advance();
    },
  });
  const sendEndMs = report.sendPhaseMs;
  // Actions still waiting (a restart late in the phase) run to their end before the phase is judged.
  await actions.finished();
  // Whatever the phase (or an earlier one) left open must finish before the next phase starts.
  const idle = await subject.tracker.waitUntilIdle(settings.drainTimeoutMs);
  if (!idle)
    settings.log(
      `${subject.name} ${spec.name}: ${subject.tracker.outstanding()} returns still open after the drain timeout`,
    );
  if (sampler) {
    sample();
    clearInterval(sampler);
  }
  clearInterval(cpuTimer);
  const phase = phaseResultOf(spec, report, meter.end(), { startedAt, completedDuringSend, attempts });
  return { phase, timeline, t0, base, sendEndMs };
}

// Each action runs at its moment after t0; finished() waits for the last to be due, then for all to end.
function scheduleActions(
  actions: readonly ScheduledAction[],
  t0: number,
  meter: CpuMeter,
  onError: (error: Error) => void,
) {
  const started: Promise<void>[] = [];
  const timers = actions.map((action) =>
    setTimeout(() => {
      // A process about to be killed is charged up to this moment.
      meter.sample();
      started.push(action.run(() => performance.now() - t0).catch((error: unknown) => onError(error as Error)));
    }, action.atMs),
  );
  return {
    async finished(): Promise<void> {
      const lastAt = Math.max(0, ...actions.map((action) => action.atMs));
      const wait = t0 + lastAt - performance.now();
      if (actions.length > 0 && wait > 0) await new Promise((resolve) => setTimeout(resolve, wait + 10));
      for (const timer of timers) clearTimeout(timer);
      await Promise.all(started);
    },
  };
}

function phaseResultOf(
  spec: LoadSpec,
  report: OpenLoopReport,
  cpu: PhaseCpu,
  { startedAt, completedDuringSend, attempts }: { startedAt: string; completedDuringSend: number; attempts: number },
): PhaseResult {
  const { rate, durationMs } = spec;
  const completed = report.completed;
  const msPerReturn: Record<string, number> = {};
  if (completed > 0) for (const role of cpu.roles) msPerReturn[role.role] = role.cpuMs / completed;
  return {
    name: spec.name,
    kind: spec.kind,
    rate,
    durationMs,
    startedAt,
    offered: report.offered,
    dispatched: report.dispatched,
    completed: report.completed,
    failed: report.failed,
    dropped: report.dropped,
    unfinished: report.unfinished,
    completedWithinGrace: report.completedWithinGrace,
    failedWithinGrace: report.failedWithinGrace,
    graceMs: report.graceMs,
    achievedRatePerSecond: report.achievedRatePerSecond,
    completedRatePerSecond: durationMs > 0 ? (completedDuringSend * 1000) / durationMs : 0,
    latency: report.latency,
    lag: report.lag,
    generatorKeptUp: report.generatorKeptUp,
    valid: report.valid,
    invalidReasons: report.invalidReasons,
    errors: report.errors,
    peakInFlight: report.peakInFlight,
    drain: report.drain,
    cpu: { ...cpu, msPerReturn, totalMsPerReturn: completed > 0 ? cpu.totalCpuMs / completed : 0 },
    attempts,
  };
}

export function roundRate(rate: number): number {
  return rate >= 10 ? Math.round(rate) : Math.max(0.1, Math.round(rate * 10) / 10);
}

export function formatRate(rate: number): string {
  return Number.isInteger(rate) ? String(rate) : rate.toFixed(1);
}
