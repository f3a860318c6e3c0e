// Finds the highest rate a system sustains: steps of increasing constant offered rate, each judged by whether the
// completions kept up with what was offered and the backlog stayed flat; optionally refined by bisection.
import type { LatencySummary } from './latency-histogram';
import { runOpenLoop, type OpenLoopOptions, type OpenLoopReport } from './open-loop';

export interface StepOutcome<D = undefined> {
  // Operations offered during the step; defaults to rate × duration.
  readonly offered?: number;
  // Operations completed by the end of the step plus a short grace.
  readonly completed: number;
  // Operations offered but not finished at that moment.
  readonly backlog: number;
  // Backlog left over from earlier steps when this one started; 0 when each step drains first.
  readonly backlogAtStart?: number;
  readonly latency: LatencySummary;
  // False when the load generator could not offer the rate: the step then says nothing about the system.
  readonly valid?: boolean;
  readonly invalidReasons?: readonly string[];
  readonly detail?: D;
}

export interface StepCriteria {
  // Completed / offered at or above this ratio.
  readonly minCompletionRatio: number;
  // Backlog growth at or below this share of the offered operations.
  readonly maxBacklogGrowthRatio: number;
  // Optional latency objective: a step whose p99 exceeds it is not sustainable.
  readonly maxP99Ms?: number;
}

export const DEFAULT_STEP_CRITERIA: StepCriteria = Object.freeze({
  minCompletionRatio: 0.95,
  maxBacklogGrowthRatio: 0.05,
});

export interface StepResult<D = undefined> {
  readonly rate: number;
  readonly durationMs: number;
  readonly kind: 'ramp' | 'bisection';
  readonly offered: number;
  readonly completed: number;
  readonly completionRatio: number;
  readonly backlog: number;
  readonly backlogGrowth: number;
  readonly latency: LatencySummary;
  // False when the generator could not offer the rate.
  readonly measurable: boolean;
  readonly sustainable: boolean;
  // Why the step was not sustainable or not measurable; empty otherwise.
  readonly reasons: readonly string[];
  readonly detail?: D;
}

export interface StepRampOptions<D = undefined> {
  readonly runStep: (rate: number, durationMs: number) => Promise<StepOutcome<D>>;
  readonly stepDurationMs: number;
  // Explicit rates (per second), run in ascending order; otherwise a geometric series from startRate.
  readonly rates?: readonly number[];
  readonly startRate?: number;
  readonly factor?: number;
  readonly maxSteps?: number;
  readonly maxRate?: number;
  readonly criteria?: Partial<StepCriteria>;
  // Bisection steps between the last sustainable and the first unsustainable rate.
  readonly bisections?: number;
  readonly onStep?: (step: StepResult<D>) => void;
}

export interface StepRampResult<D = undefined> {
  // Highest sustainable rate measured; null when even the first step was not sustainable or measurable.
  readonly maxSustainableRate: number | null;
  // Lowest rate found unsustainable; null when every step held (the maximum is then a lower bound).
  readonly firstUnsustainableRate: number | null;
  readonly stoppedBecause: string;
  // In the order they ran; sort by rate for a chart.
  readonly steps: readonly StepResult<D>[];
}

export function geometricRates(
  startRate: number,
  factor: number,
  count: number,
  maxRate = Number.POSITIVE_INFINITY,
): number[] {
  if (!(startRate > 0) || !(factor > 1) || !(count >= 1)) {
    throw new RangeError(
      `geometricRates: need startRate > 0, factor > 1, count >= 1 (got ${startRate}, ${factor}, ${count})`,
    );
  }
  const rates: number[] = [];
  for (let rate = startRate; rates.length < count && rate <= maxRate; rate *= factor) rates.push(roundRate(rate));
  return rates;
}

export function judgeStep<D>(
  rate: number,
  durationMs: number,
  outcome: StepOutcome<D>,
  criteria: StepCriteria = DEFAULT_STEP_CRITERIA,
  kind: StepResult['kind'] = 'ramp',
): StepResult<D> {
  const offered = outcome.offered ?? Math.round((rate * durationMs) / 1000);
  const completionRatio = offered > 0 ? outcome.completed / offered : 1;
  const backlogGrowth = outcome.backlog - (outcome.backlogAtStart ?? 0);
  const measurable = outcome.valid !== false;
  const reasons: string[] = [];
  if (!measurable) {
    reasons.push(
      ...(outcome.invalidReasons?.length ? outcome.invalidReasons : ['the generator could not offer the rate']),
    );
  }
  if (completionRatio < criteria.minCompletionRatio) {
    reasons.push(
      `completed ${outcome.completed} of ${offered} offered (${percent(completionRatio)} < ${percent(criteria.minCompletionRatio)})`,
    );
  }
  if (backlogGrowth > criteria.maxBacklogGrowthRatio * offered) {
    reasons.push(
      `backlog grew by ${backlogGrowth} (> ${percent(criteria.maxBacklogGrowthRatio)} of ${offered} offered)`,
    );
  }
  if (criteria.maxP99Ms !== undefined && outcome.latency.p99 > criteria.maxP99Ms) {
    reasons.push(`p99 ${outcome.latency.p99.toFixed(1)} ms > ${criteria.maxP99Ms} ms`);
  }
  return {
    rate,
    durationMs,
    kind,
    offered,
    completed: outcome.completed,
    completionRatio,
    backlog: outcome.backlog,
    backlogGrowth,
    latency: outcome.latency,
    measurable,
    sustainable: reasons.length === 0,
    reasons,
    ...(outcome.detail !== undefined ? { detail: outcome.detail } : {}),
  };
}

export async function findMaxSustainableRate<D = undefined>(options: StepRampOptions<D>): Promise<StepRampResult<D>> {
  const criteria: StepCriteria = { ...DEFAULT_STEP_CRITERIA, ...options.criteria };
  const rates = options.rates
    ? [...options.rates].sort((a, b) => a - b)
    : geometricRates(options.startRate ?? 10, options.factor ?? 2, options.maxSteps ?? 8, options.maxRate);
  if (rates.length === 0) throw new RangeError('findMaxSustainableRate: no rates to try');

  const steps: StepResult<D>[] = [];
  const run = async (rate: number, kind: StepResult['kind']) => {
    const step = judgeStep(
      rate,
      options.stepDurationMs,
      await options.runStep(rate, options.stepDurationMs),
      criteria,
      kind,
    );
    steps.push(step);
    options.onStep?.(step);
    return step;
  };

  let lastGood: number | null = null;
  let firstBad: number | null = null;
  let stoppedBecause = `every step up to ${rates[rates.length - 1]}/s was sustainable: the maximum is at least that`;
  for (const rate of rates) {
    const step = await run(rate, 'ramp');
    if (step.sustainable) {
      lastGood = rate;
      continue;
    }
    if (step.measurable) {
      firstBad = rate;
      stoppedBecause = `${rate}/s was not sustainable: ${step.reasons.join('; ')}`;
    } else {
      stoppedBecause = `${rate}/s could not be offered by the load generator: ${step.reasons.join('; ')}`;
    }
    break;
  }

  for (let round = 0; round < (options.bisections ?? 0) && lastGood !== null && firstBad !== null; round += 1) {
    const middle = roundRate((lastGood + firstBad) / 2);
    if (middle <= lastGood || middle >= firstBad) break;
    const step = await run(middle, 'bisection');
    if (step.sustainable) lastGood = middle;
    else if (step.measurable) firstBad = middle;
    else break;
  }

  return { maxSustainableRate: lastGood, firstUnsustainableRate: firstBad, stoppedBecause, steps };
}

export interface OpenLoopStepOptions extends Omit<OpenLoopOptions, 'ratePerSecond' | 'durationMs'> {
  readonly onReport?: (report: OpenLoopReport) => void;
}

// A runStep that drives `start` open-loop at the step's rate, then drains before the next step, so a step that
// fell behind does not leave its backlog to the next one.
export function openLoopStep(
  options: OpenLoopStepOptions,
): (rate: number, durationMs: number) => Promise<StepOutcome<OpenLoopReport>> {
  return async (rate, durationMs) => {
    const report = await runOpenLoop({ ...options, ratePerSecond: rate, durationMs });
    options.onReport?.(report);
    // Dropped operations were offered and never served: they count as backlog, not as completed.
    const backlog = report.offered - report.completedWithinGrace - report.failedWithinGrace;
    return {
      offered: report.offered,
      completed: report.completedWithinGrace,
      backlog,
      latency: report.latency,
      // Dropped and unfinished operations mean the system fell behind, which the ramp judges itself; only the
      // generator's own lag makes a step unmeasurable.
      valid: report.generatorKeptUp,
      invalidReasons: report.invalidReasons,
      detail: report,
    };
  };
}

function roundRate(rate: number): number {
  return rate >= 10 ? Math.round(rate) : Math.round(rate * 100) / 100;
}

function percent(ratio: number): string {
  return `${(ratio * 100).toFixed(1)}%`;
}
