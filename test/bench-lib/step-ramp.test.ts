import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import type { LatencySummary } from '../../bench/lib/latency-histogram';
import {
  findMaxSustainableRate,
  geometricRates,
  judgeStep,
  openLoopStep,
  type StepOutcome,
} from '../../bench/lib/step-ramp';

const QUICK: LatencySummary = { count: 1, p50: 5, p90: 8, p99: 12, p999: 15, max: 20, mean: 6 };

// A system that completes at most `capacity` operations per second; the rest stay in its backlog.
function simulatedSystem(capacity: number) {
  const calls: number[] = [];
  const runStep = async (rate: number, durationMs: number): Promise<StepOutcome> => {
    calls.push(rate);
    const offered = Math.round((rate * durationMs) / 1000);
    const completed = Math.min(offered, Math.round((capacity * durationMs) / 1000));
    return { offered, completed, backlog: offered - completed, latency: QUICK };
  };
  return { runStep, calls };
}

describe('Step ramp', () => {
  describe('when rates grow geometrically', () => {
    it('should multiply by the factor and stop at the step count or the maximum rate', () => {
      assert.deepEqual(geometricRates(100, 2, 5), [100, 200, 400, 800, 1600]);
      assert.deepEqual(geometricRates(100, 2, 10, 500), [100, 200, 400]);
      assert.deepEqual(geometricRates(1, 1.5, 4), [1, 1.5, 2.25, 3.38]);
    });
  });

  describe('when a system of capacity 1000/s is ramped from 100/s doubling', () => {
    it('should find 800/s, the highest step below capacity, and stop at the first unsustainable one', async () => {
      const system = simulatedSystem(1000);
      const result = await findMaxSustainableRate({
        runStep: system.runStep,
        stepDurationMs: 10_000,
        startRate: 100,
        factor: 2,
      });
      assert.equal(result.maxSustainableRate, 800);
      assert.equal(result.firstUnsustainableRate, 1600);
      assert.deepEqual(system.calls, [100, 200, 400, 800, 1600]);
      assert.deepEqual(
        result.steps.map((step) => step.sustainable),
        [true, true, true, true, false],
      );
      assert.match(result.stoppedBecause, /1600\/s was not sustainable: completed 10000 of 16000/);
    });

    it('should close in on the capacity with bisection steps', async () => {
      const system = simulatedSystem(1000);
      const result = await findMaxSustainableRate({
        runStep: system.runStep,
        stepDurationMs: 10_000,
        startRate: 100,
        factor: 2,
        bisections: 2,
      });
      // Between 800 and 1600: 1200 is over capacity, then 1000 is exactly at it.
      assert.deepEqual(system.calls, [100, 200, 400, 800, 1600, 1200, 1000]);
      assert.equal(result.maxSustainableRate, 1000);
      assert.equal(result.firstUnsustainableRate, 1200);
      assert.deepEqual(
        result.steps.filter((step) => step.kind === 'bisection').map((step) => [step.rate, step.sustainable]),
        [
          [1200, false],
          [1000, true],
        ],
      );
    });
  });

  describe('when explicit rates are given', () => {
    it('should run them in ascending order', async () => {
      const system = simulatedSystem(250);
      const result = await findMaxSustainableRate({
        runStep: system.runStep,
        stepDurationMs: 1000,
        rates: [300, 100, 200],
      });
      assert.deepEqual(system.calls, [100, 200, 300]);
      assert.equal(result.maxSustainableRate, 200);
    });
  });

  describe('when every step is sustainable', () => {
    it('should report the last rate as a lower bound', async () => {
      const result = await findMaxSustainableRate({
        runStep: simulatedSystem(1e9).runStep,
        stepDurationMs: 1000,
        rates: [10, 20],
        bisections: 3,
      });
      assert.equal(result.maxSustainableRate, 20);
      assert.equal(result.firstUnsustainableRate, null);
      assert.equal(result.steps.length, 2);
      assert.match(result.stoppedBecause, /at least/);
    });
  });

  describe('when even the first step is too fast', () => {
    it('should find no sustainable rate', async () => {
      const result = await findMaxSustainableRate({
        runStep: simulatedSystem(5).runStep,
        stepDurationMs: 1000,
        rates: [10, 20],
      });
      assert.equal(result.maxSustainableRate, null);
      assert.equal(result.firstUnsustainableRate, 10);
    });
  });

  describe('when the load generator cannot offer a step', () => {
    it('should stop without calling the system unsustainable at that rate', async () => {
      const system = simulatedSystem(1e9);
      const result = await findMaxSustainableRate({
        stepDurationMs: 1000,
        rates: [100, 200, 400],
        bisections: 1,
        runStep: async (rate, durationMs) => {
          const outcome = await system.runStep(rate, durationMs);
          return rate >= 200
            ? { ...outcome, valid: false, invalidReasons: ['generator lag max 80 ms > 50 ms'] }
            : outcome;
        },
      });
      assert.deepEqual(system.calls, [100, 200]);
      assert.equal(result.maxSustainableRate, 100);
      assert.equal(result.firstUnsustainableRate, null);
      assert.equal(result.steps[1].measurable, false);
      assert.match(result.stoppedBecause, /could not be offered by the load generator: generator lag/);
    });
  });

  describe('when a step is judged', () => {
    it('should accept 95% completion and refuse less', () => {
      const at = (completed: number) => judgeStep(100, 1000, { completed, backlog: 100 - completed, latency: QUICK });
      assert.equal(at(95).sustainable, true);
      assert.equal(at(94).sustainable, false);
    });

    it('should refuse a step whose backlog grew even when completions kept up', () => {
      const step = judgeStep(100, 1000, { completed: 100, backlogAtStart: 10, backlog: 30, latency: QUICK });
      assert.equal(step.backlogGrowth, 20);
      assert.equal(step.sustainable, false);
      assert.match(step.reasons[0], /backlog grew by 20/);
    });

    it('should refuse a step over the latency objective when one is set', () => {
      const slow = { ...QUICK, p99: 900 };
      assert.equal(judgeStep(100, 1000, { completed: 100, backlog: 0, latency: slow }).sustainable, true);
      assert.equal(
        judgeStep(
          100,
          1000,
          { completed: 100, backlog: 0, latency: slow },
          { minCompletionRatio: 0.95, maxBacklogGrowthRatio: 0.05, maxP99Ms: 500 },
        ).sustainable,
        false,
      );
    });
  });

  describe('when driven open-loop against a queue that serves about 100 operations per second', () => {
    it('should find the rate below its capacity', async () => {
      // One server, first come first served, 10 ms per operation.
      let serverFreeAt = 0;
      const start = () => {
        const now = performance.now();
        serverFreeAt = Math.max(now, serverFreeAt) + 10;
        return new Promise<void>((resolve) => setTimeout(resolve, serverFreeAt - now));
      };
      const result = await findMaxSustainableRate({
        rates: [20, 50, 400],
        stepDurationMs: 400,
        runStep: openLoopStep({
          start,
          graceMs: 200,
          drainTimeoutMs: 10_000,
          lagLimits: { p99Ms: 10_000, maxMs: 10_000 },
        }),
      });
      assert.equal(result.maxSustainableRate, 50, result.stoppedBecause);
      assert.equal(result.firstUnsustainableRate, 400);
      const last = result.steps[2];
      assert.equal(last.detail?.offered, 160);
      assert.ok(last.completionRatio < 0.95);
    }).timeout(20_000);
  });
});
