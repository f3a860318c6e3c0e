// The phases every subject goes through: a warm-up, a step ramp to the highest sustainable rate, constant load at
// shares of that rate for latency, and for the two models an outage of one team under half that load. Each phase
// is open-loop load from bench/lib/open-loop.ts, with the CPU time of every process measured over it.
import { performance } from 'node:perf_hooks';
import { type Team, TEAMS } from '../domain';
import { CpuMeter } from './cpu-meter';
import { LatencyHistogram } from './lib/latency-histogram';
import { runOpenLoop } from './lib/open-loop';
import type { Progress } from './lib/progress';
import { DEFAULT_STEP_CRITERIA, findMaxSustainableRate, geometricRates, judgeStep, type StepOutcome } from './lib/step-ramp';
import type { RampPlan } from './options';
import type {
  BacklogSample,
  LatencyAtShare,
  OutageResult,
  PhaseKind,
  PhaseResult,
  RampResult,
  RampStep,
  TeamLatencyDuringOutage,
} from './results';
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

interface ScheduledAction {
  readonly atMs: number;
  // sinceStart: milliseconds since the phase's first intended send.
  readonly run: (sinceStart: () => number) => Promise<void>;
}

interface LoadSpec {
  readonly name: string;
  readonly kind: PhaseKind;
  readonly rate: number;
  readonly durationMs: number;
  // Called when the driver sees a team answer return `localIndex` of the phase, with its latency so far.
  readonly onTeam?: (localIndex: number, team: Team, latencyMs: number) => void;
  readonly actions?: readonly ScheduledAction[];
  readonly sampleBacklogEveryMs?: number;
}

interface LoadOutcome {
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
  const meter = new CpuMeter(() => subject.processes());
  meter.begin();
  const cpuTimer = setInterval(() => meter.sample(), CPU_SAMPLE_MS);
  const timeline: BacklogSample[] = [];
  let completedDuringSend = 0;
  settings.progress.phase(`${subject.name} ${spec.name}`, offeredEstimate);
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  const sample = () => {
    const perTeam = subject.outstandingPerTeam();
    timeline.push({ tMs: Math.round(performance.now() - t0), backlog: subject.outstanding(), ...(perTeam ? { perTeam } : {}) });
  };
  const sampler = spec.sampleBacklogEveryMs ? setInterval(sample, spec.sampleBacklogEveryMs) : undefined;
  const actionsDone: Promise<void>[] = [];
  const actionTimers = (spec.actions ?? []).map((action) =>
    setTimeout(() => {
      // A process about to be killed is charged up to this moment.
      meter.sample();
      actionsDone.push(
        action.run(() => performance.now() - t0).catch((error: unknown) => settings.log(`${subject.name}: ${(error as Error).message}`)),
      );
    }, action.atMs),
  );
  const onTeam = spec.onTeam;
  const report = await runOpenLoop({
    ratePerSecond: rate,
    durationMs,
    maxInFlight: MAX_IN_FLIGHT,
    drainTimeoutMs: settings.drainTimeoutMs,
    start: (localIndex) =>
      subject.submit(
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
  await waitForActions(actionTimers, actionsDone, spec.actions ?? [], t0);
  // Whatever the phase (or an earlier one) left open must finish before the next phase starts.
  const idle = await subject.waitUntilIdle(settings.drainTimeoutMs);
  if (!idle) settings.log(`${subject.name} ${spec.name}: ${subject.outstanding()} returns still open after the drain timeout`);
  if (sampler) {
    sample();
    clearInterval(sampler);
  }
  clearInterval(cpuTimer);
  const cpu = meter.end();
  const completed = report.completed;
  const msPerReturn: Record<string, number> = {};
  if (completed > 0) for (const role of cpu.roles) msPerReturn[role.role] = role.cpuMs / completed;
  const phase: PhaseResult = {
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
  return { phase, timeline, t0, base, sendEndMs };
}

async function waitForActions(
  timers: readonly NodeJS.Timeout[],
  started: Promise<void>[],
  actions: readonly ScheduledAction[],
  t0: number,
): Promise<void> {
  const lastAt = Math.max(0, ...actions.map((action) => action.atMs));
  const wait = t0 + lastAt - performance.now();
  if (actions.length > 0 && wait > 0) await new Promise((resolve) => setTimeout(resolve, wait + 10));
  for (const timer of timers) clearTimeout(timer);
  await Promise.all(started);
}

// One step of the ramp. A step whose generator fell behind is run once more; if it falls behind again, the step's
// latency is marked invalid, but its throughput still counts as long as every return was sent at close to the
// rate: on a machine the system under test saturates, the driver is one of the processes that wait for a core.
async function rampStep(
  subject: Subject,
  indexes: IndexAllocator,
  rate: number,
  durationMs: number,
  kind: PhaseKind,
  settings: PhaseSettings,
): Promise<StepOutcome<PhaseResult>> {
  const spec = { name: `${kind} ${formatRate(rate)}/s`, kind, rate, durationMs };
  let outcome = await runLoadPhase(subject, indexes, spec, settings);
  if (!outcome.phase.generatorKeptUp && settings.retryWhenGeneratorLags) {
    settings.log(`${subject.name} ${formatRate(rate)}/s: the generator fell behind (${outcome.phase.invalidReasons.join('; ')}); running the step again`);
    outcome = await runLoadPhase(subject, indexes, spec, settings, 2);
  }
  const { phase } = outcome;
  const offeredTheRate = phase.dropped === 0 && phase.achievedRatePerSecond >= rate * MIN_ACHIEVED_SHARE;
  // A system that did not finish even what the generator managed to send was beyond its limit either way.
  const fellBehindOnWhatItGot = phase.completedWithinGrace + phase.failedWithinGrace < phase.dispatched * MIN_ACHIEVED_SHARE;
  return {
    offered: phase.offered,
    completed: phase.completedWithinGrace,
    backlog: phase.offered - phase.completedWithinGrace - phase.failedWithinGrace,
    latency: phase.latency,
    valid: offeredTheRate || fellBehindOnWhatItGot,
    invalidReasons: offeredTheRate
      ? []
      : [`the generator sent ${Math.round(phase.achievedRatePerSecond)}/s of ${formatRate(rate)}/s${phase.dropped > 0 ? ` and dropped ${phase.dropped}` : ''}`],
    detail: phase,
  };
}

// A step counts for the ramp when the generator sent at least this share of the rate.
const MIN_ACHIEVED_SHARE = 0.95;

export async function runRamp(
  subject: Subject,
  indexes: IndexAllocator,
  plan: RampPlan,
  explicitRates: readonly number[] | null,
  durationMs: number,
  bisections: number,
  settings: PhaseSettings,
): Promise<RampResult> {
  const criteria = DEFAULT_STEP_CRITERIA;
  const toStep = (step: ReturnType<typeof judgeStep<PhaseResult>>): RampStep => ({
    rate: step.rate,
    kind: step.kind,
    completionRatio: step.completionRatio,
    backlogGrowth: step.backlogGrowth,
    measurable: step.measurable,
    sustainable: step.sustainable,
    reasons: step.reasons,
    phase: step.detail as PhaseResult,
  });
  if (explicitRates) {
    // --rates: every listed rate is measured, whatever the ones before it did.
    const steps: RampStep[] = [];
    for (const rate of [...explicitRates].sort((a, b) => a - b)) {
      const outcome = await rampStep(subject, indexes, rate, durationMs, 'rate', settings);
      steps.push(toStep(judgeStep(rate, durationMs, outcome, criteria, 'ramp')));
    }
    const held = steps.filter((step) => step.sustainable);
    const failedSteps = steps.filter((step) => !step.sustainable && step.measurable);
    const max = held.length > 0 ? Math.max(...held.map((step) => step.rate)) : null;
    return {
      method: 'rates',
      criteria,
      maxSustainableRate: max,
      maxIsLowerBound: failedSteps.length === 0,
      firstUnsustainableRate: failedSteps.length > 0 ? Math.min(...failedSteps.map((step) => step.rate)) : null,
      stoppedBecause: 'the rates given with --rates were measured',
      steps,
    };
  }
  const rates = plan.rates ?? geometricRates(plan.startRate, plan.factor, plan.maxSteps);
  const result = await findMaxSustainableRate<PhaseResult>({
    runStep: (rate, stepMs) => rampStep(subject, indexes, rate, stepMs, 'ramp', settings),
    stepDurationMs: durationMs,
    rates,
    bisections,
    criteria,
  });
  const steps = result.steps.map((step) => {
    const converted = toStep(step);
    return step.kind === 'bisection' ? { ...converted, phase: { ...converted.phase, kind: 'bisection' as const } } : converted;
  });
  let { maxSustainableRate, firstUnsustainableRate, stoppedBecause } = result;
  if (result.steps.some((step) => step.kind === 'bisection') && maxSustainableRate !== null && firstUnsustainableRate !== null) {
    stoppedBecause += `; bisecting, ${formatRate(maxSustainableRate)}/s held and ${formatRate(firstUnsustainableRate)}/s did not`;
  }
  // The first rate was already too much (a slow or busy machine): go down the same series until a rate holds,
  // then bisect, so the maximum is still found rather than reported as none.
  if (maxSustainableRate === null && firstUnsustainableRate !== null && !plan.rates) {
    const run = async (rate: number, kind: 'ramp' | 'bisection') => {
      const step = toStep(judgeStep(rate, durationMs, await rampStep(subject, indexes, rate, durationMs, kind, settings), criteria, kind));
      steps.push(step);
      return step;
    };
    for (let rate = roundRate(firstUnsustainableRate / plan.factor), tries = 0; tries < DOWNWARD_STEPS && rate >= MIN_RATE; tries += 1) {
      const step = await run(rate, 'ramp');
      if (step.sustainable) {
        maxSustainableRate = rate;
        break;
      }
      if (!step.measurable) break;
      firstUnsustainableRate = rate;
      rate = roundRate(rate / plan.factor);
    }
    for (let round = 0; round < bisections && maxSustainableRate !== null; round += 1) {
      const middle = roundRate((maxSustainableRate + firstUnsustainableRate) / 2);
      if (middle <= maxSustainableRate || middle >= firstUnsustainableRate) break;
      const step = await run(middle, 'bisection');
      if (step.sustainable) maxSustainableRate = middle;
      else if (step.measurable) firstUnsustainableRate = middle;
      else break;
    }
    stoppedBecause =
      maxSustainableRate === null
        ? `${stoppedBecause}; no lower rate down to ${formatRate(steps[steps.length - 1].rate)}/s held either`
        : `${formatRate(result.firstUnsustainableRate as number)}/s, the first rate tried, was not sustainable; going down, ${formatRate(maxSustainableRate)}/s held and ${formatRate(firstUnsustainableRate)}/s did not`;
  }
  return {
    method: 'search',
    criteria,
    maxSustainableRate,
    maxIsLowerBound: firstUnsustainableRate === null,
    firstUnsustainableRate,
    stoppedBecause,
    steps,
  };
}

// How far below the first rate the ramp goes looking for one that holds.
const DOWNWARD_STEPS = 4;
const MIN_RATE = 1;

export async function runLatencyPhases(
  subject: Subject,
  indexes: IndexAllocator,
  maxRate: number,
  shares: readonly number[],
  durationMs: number,
  settings: PhaseSettings,
): Promise<LatencyAtShare[]> {
  const phases: LatencyAtShare[] = [];
  for (const share of shares) {
    const rate = roundRate(maxRate * share);
    const { phase } = await runLoadPhase(
      subject,
      indexes,
      { name: `latency ${Math.round(share * 100)}% (${formatRate(rate)}/s)`, kind: 'latency', rate, durationMs },
      settings,
    );
    phases.push({ share, phase });
  }
  return phases;
}

export interface OutagePlan {
  readonly team: Team;
  readonly rate: number;
  readonly preMs: number;
  readonly outageMs: number;
  readonly postMs: number;
}

const BACKLOG_SAMPLE_MS = 250;

export async function runOutage(subject: Subject, indexes: IndexAllocator, plan: OutagePlan, settings: PhaseSettings): Promise<OutageResult> {
  const { team, rate, preMs, outageMs, postMs } = plan;
  const intervalMs = 1000 / rate;
  const marks = { killedAtMs: Number.NaN, restartedAtMs: Number.NaN, readyAtMs: Number.NaN };
  let error: string | undefined;
  let rebuiltFromEvents: number | null = null;
  // Each team's answers as the driver sees them (choreography): [intended ms since t0, latency ms].
  const answers: Record<Team, number[]> = { sales: [], inventory: [], manufacturing: [], accounting: [] };
  const outcome = await runLoadPhase(
    subject,
    indexes,
    {
      name: `outage of ${team} (${formatRate(rate)}/s)`,
      kind: 'outage',
      rate,
      durationMs: preMs + outageMs + postMs,
      sampleBacklogEveryMs: BACKLOG_SAMPLE_MS,
      ...(subject.seesTeams ? { onTeam: (localIndex: number, answering: Team, latencyMs: number) => answers[answering].push(localIndex * intervalMs, latencyMs) } : {}),
      actions: [
        {
          atMs: preMs,
          run: async (sinceStart) => {
            marks.killedAtMs = sinceStart();
            try {
              await subject.killTeam(team);
            } catch (caught) {
              error = `could not stop ${team}: ${(caught as Error).message}`;
              throw caught;
            }
          },
        },
        {
          atMs: preMs + outageMs,
          run: async (sinceStart) => {
            marks.restartedAtMs = sinceStart();
            try {
              const running = await subject.restartTeam(team);
              if (running.note !== null && /^\d+$/.test(running.note)) rebuiltFromEvents = Number(running.note);
            } catch (caught) {
              error = `could not restart ${team}: ${(caught as Error).message}`;
              throw caught;
            }
            marks.readyAtMs = sinceStart();
          },
        },
      ],
    },
    settings,
  );
  const { phase, timeline, sendEndMs, t0 } = outcome;
  const before = timeline.filter((sampleAt) => sampleAt.tMs < marks.killedAtMs);
  const baselineBacklog = Math.max(0, ...before.map((sampleAt) => sampleAt.backlog));
  let maxBacklog = 0;
  let maxBacklogAtMs = 0;
  for (const sampleAt of timeline) {
    if (sampleAt.backlog > maxBacklog) {
      maxBacklog = sampleAt.backlog;
      maxBacklogAtMs = sampleAt.tMs;
    }
  }
  const recovered = Number.isFinite(marks.restartedAtMs)
    ? timeline.find((sampleAt) => sampleAt.tMs >= marks.restartedAtMs && sampleAt.backlog <= baselineBacklog)
    : undefined;
  const recoveryMs = recovered ? recovered.tMs - marks.restartedAtMs : null;

  // The returns intended while the team was down.
  const firstIndex = Math.ceil(marks.killedAtMs / intervalMs);
  const endIndex = Math.ceil(marks.restartedAtMs / intervalMs);
  let teamLatency: TeamLatencyDuringOutage | null = null;
  if (Number.isFinite(firstIndex) && Number.isFinite(endIndex) && endIndex > firstIndex) {
    const histograms = Object.fromEntries(TEAMS.map((each) => [each, new LatencyHistogram()])) as Record<Team, LatencyHistogram>;
    let source: string | null = null;
    if (subject.seesTeams) {
      source = "the driver's tail of each team's topic: from the intended send to the team's event being seen";
      for (const each of TEAMS) {
        const pairs = answers[each];
        for (let at = 0; at < pairs.length; at += 2) {
          if (pairs[at] >= marks.killedAtMs && pairs[at] < marks.restartedAtMs) histograms[each].record(pairs[at + 1]);
        }
      }
    } else if (subject.teamCompletions) {
      source = "each team's own record (its recordedAt, by the team's clock): from the intended send to the team recording its part";
      const returnIdOf = new Map<string, number>();
      for (let localIndex = firstIndex; localIndex < endIndex; localIndex += 1) {
        returnIdOf.set(subject.returnId(outcome.base + localIndex), localIndex);
      }
      const wallT0 = performance.timeOrigin + t0;
      for (const completion of await subject.teamCompletions([...returnIdOf.keys()])) {
        const localIndex = returnIdOf.get(completion.returnId);
        if (localIndex === undefined) continue;
        histograms[completion.team].record(completion.recordedAtMs - (wallT0 + localIndex * intervalMs));
      }
    }
    if (source) {
      teamLatency = {
        source,
        returns: endIndex - firstIndex,
        perTeam: Object.fromEntries(TEAMS.map((each) => [each, histograms[each].summary()])) as Record<Team, ReturnType<LatencyHistogram['summary']>>,
      };
    }
  }
  return {
    team,
    signal: 'SIGKILL',
    rate,
    preMs,
    outageMs,
    postMs,
    phase,
    killedAtMs: marks.killedAtMs,
    restartedAtMs: marks.restartedAtMs,
    readyAtMs: marks.readyAtMs,
    restartReadyMs: marks.readyAtMs - marks.restartedAtMs,
    rebuiltFromEvents,
    baselineBacklog,
    maxBacklog,
    maxBacklogAtMs,
    recoveryMs,
    recoveredWhileLoaded: recovered !== undefined && recovered.tMs <= sendEndMs,
    timeline,
    teamLatency,
    behaviour: behaviourOf(subject, team),
    ...(error ? { error } : {}),
  };
}

function behaviourOf(subject: Subject, team: Team): string {
  switch (subject.name) {
    case 'choreography':
      return `${team}'s requests wait on the request topic under its group's last commit; the other teams consume and answer as before. On restart ${team} rebuilds its state from its own topic, rejoins its group and works off the backlog.`;
    case 'orchestration-parallel':
      return `Each workflow schedules all four activities at once: Sales, Manufacturing and Accounting answer as before, ${team}'s activity tasks wait on its task queue (those it held when killed are retried after the 10 s start-to-close timeout), and every workflow waits for ${team} before it completes.`;
    case 'orchestration-sequential':
      return `Each workflow calls the teams in order: Sales answers, then the workflow waits on ${team}'s task queue, and Manufacturing and Accounting are not even asked until ${team} is back, so their work is delayed by the whole outage.`;
    default:
      return '';
  }
}

export function roundRate(rate: number): number {
  return rate >= 10 ? Math.round(rate) : Math.max(0.1, Math.round(rate * 10) / 10);
}

export function formatRate(rate: number): string {
  return Number.isInteger(rate) ? String(rate) : rate.toFixed(1);
}
