// The step ramp to the highest sustainable rate, and the latency phases at shares of that rate. Each step is one
// load phase (bench/load-phase.ts), judged by bench/lib/step-ramp.ts.
import { formatRate, type IndexAllocator, type PhaseSettings, roundRate, runLoadPhase } from './load-phase';
import {
  DEFAULT_STEP_CRITERIA,
  findMaxSustainableRate,
  geometricRates,
  judgeStep,
  type StepOutcome,
} from './lib/step-ramp';
import type { RampPlan } from './options';
import type { LatencyAtShare, PhaseKind, PhaseResult, RampResult, RampStep } from './results';
import type { Subject } from './subjects/subject';

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
    settings.log(
      `${subject.name} ${formatRate(rate)}/s: the generator fell behind (${outcome.phase.invalidReasons.join('; ')}); running the step again`,
    );
    outcome = await runLoadPhase(subject, indexes, spec, settings, 2);
  }
  const { phase } = outcome;
  const offeredTheRate = phase.dropped === 0 && phase.achievedRatePerSecond >= rate * MIN_ACHIEVED_SHARE;
  // A system that did not finish even what the generator managed to send was beyond its limit either way.
  const fellBehindOnWhatItGot =
    phase.completedWithinGrace + phase.failedWithinGrace < phase.dispatched * MIN_ACHIEVED_SHARE;
  return {
    offered: phase.offered,
    completed: phase.completedWithinGrace,
    backlog: phase.offered - phase.completedWithinGrace - phase.failedWithinGrace,
    latency: phase.latency,
    valid: offeredTheRate || fellBehindOnWhatItGot,
    invalidReasons: offeredTheRate
      ? []
      : [
          `the generator sent ${Math.round(phase.achievedRatePerSecond)}/s of ${formatRate(rate)}/s${phase.dropped > 0 ? ` and dropped ${phase.dropped}` : ''}`,
        ],
    detail: phase,
  };
}

// A step counts for the ramp when the generator sent at least this share of the rate.
const MIN_ACHIEVED_SHARE = 0.95;

const criteria = DEFAULT_STEP_CRITERIA;

function toStep(step: ReturnType<typeof judgeStep<PhaseResult>>): RampStep {
  return {
    rate: step.rate,
    kind: step.kind,
    completionRatio: step.completionRatio,
    backlogGrowth: step.backlogGrowth,
    measurable: step.measurable,
    sustainable: step.sustainable,
    reasons: step.reasons,
    phase: step.detail as PhaseResult,
  };
}

// Runs one step at a rate and judges it.
type StepRunner = (rate: number, kind: 'ramp' | 'bisection' | 'rate') => Promise<RampStep>;

export async function runRamp(
  subject: Subject,
  indexes: IndexAllocator,
  plan: RampPlan,
  explicitRates: readonly number[] | null,
  durationMs: number,
  bisections: number,
  settings: PhaseSettings,
): Promise<RampResult> {
  const run: StepRunner = async (rate, kind) =>
    toStep(
      judgeStep(
        rate,
        durationMs,
        await rampStep(subject, indexes, rate, durationMs, kind, settings),
        criteria,
        kind === 'rate' ? 'ramp' : kind,
      ),
    );
  if (explicitRates) return measureListedRates(explicitRates, run);
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
    return step.kind === 'bisection'
      ? { ...converted, phase: { ...converted.phase, kind: 'bisection' as const } }
      : converted;
  });
  let { maxSustainableRate, firstUnsustainableRate, stoppedBecause } = result;
  if (
    result.steps.some((step) => step.kind === 'bisection') &&
    maxSustainableRate !== null &&
    firstUnsustainableRate !== null
  ) {
    stoppedBecause += `; bisecting, ${formatRate(maxSustainableRate)}/s held and ${formatRate(firstUnsustainableRate)}/s did not`;
  }
  // The first rate was already too much (a slow or busy machine): go down the same series until a rate holds,
  // then bisect, so the maximum is still found rather than reported as none.
  if (maxSustainableRate === null && firstUnsustainableRate !== null && !plan.rates) {
    const found = await searchDownward(firstUnsustainableRate, plan.factor, bisections, async (rate, kind) => {
      const step = await run(rate, kind);
      steps.push(step);
      return step;
    });
    ({ maxSustainableRate, firstUnsustainableRate } = found);
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

// --rates: every listed rate is measured, whatever the ones before it did.
async function measureListedRates(explicitRates: readonly number[], run: StepRunner): Promise<RampResult> {
  const steps: RampStep[] = [];
  for (const rate of [...explicitRates].sort((a, b) => a - b)) steps.push(await run(rate, 'rate'));
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

// Down the series from the first rate that failed until one holds, then bisect between the two.
async function searchDownward(
  tooMuch: number,
  factor: number,
  bisections: number,
  run: (rate: number, kind: 'ramp' | 'bisection') => Promise<RampStep>,
): Promise<{ maxSustainableRate: number | null; firstUnsustainableRate: number }> {
  let maxSustainableRate: number | null = null;
  let firstUnsustainableRate = tooMuch;
  for (let rate = roundRate(tooMuch / factor), tries = 0; tries < DOWNWARD_STEPS && rate >= MIN_RATE; tries += 1) {
    const step = await run(rate, 'ramp');
    if (step.sustainable) {
      maxSustainableRate = rate;
      break;
    }
    if (!step.measurable) break;
    firstUnsustainableRate = rate;
    rate = roundRate(rate / factor);
  }
  for (let round = 0; round < bisections && maxSustainableRate !== null; round += 1) {
    const middle = roundRate((maxSustainableRate + firstUnsustainableRate) / 2);
    if (middle <= maxSustainableRate || middle >= firstUnsustainableRate) break;
    const step = await run(middle, 'bisection');
    if (step.sustainable) maxSustainableRate = middle;
    else if (step.measurable) firstUnsustainableRate = middle;
    else break;
  }
  return { maxSustainableRate, firstUnsustainableRate };
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
