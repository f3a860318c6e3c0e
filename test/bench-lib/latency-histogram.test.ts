import assert from 'node:assert/strict';
import { EMPTY_LATENCY_SUMMARY, LatencyHistogram } from '../../bench/lib/latency-histogram';

// The histogram keeps 3 significant figures: a reported value is within 0.1% of the true one.
function assertClose(actual: number, expected: number, what: string): void {
  const tolerance = expected * 0.002 + 0.001;
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} is not within ${tolerance} of ${expected}`);
}

describe('LatencyHistogram', () => {
  describe('when 1 to 1000 ms are recorded once each', () => {
    const histogram = new LatencyHistogram();
    for (let ms = 1; ms <= 1000; ms += 1) histogram.record(ms);
    const summary = histogram.summary();

    it('should count every value', () => {
      assert.equal(summary.count, 1000);
    });

    it('should report the percentiles of the data in milliseconds', () => {
      assertClose(summary.p50, 500, 'p50');
      assertClose(summary.p90, 900, 'p90');
      assertClose(summary.p99, 990, 'p99');
      assertClose(summary.p999, 999, 'p99.9');
      assertClose(summary.max, 1000, 'max');
      assertClose(summary.mean, 500.5, 'mean');
    });
  });

  describe('when most values are fast and a few are slow', () => {
    it('should put the slow ones in the tail percentiles only', () => {
      const histogram = new LatencyHistogram();
      for (let i = 0; i < 990; i += 1) histogram.record(2);
      for (let i = 0; i < 10; i += 1) histogram.record(500);
      const summary = histogram.summary();
      assertClose(summary.p50, 2, 'p50');
      assertClose(summary.p90, 2, 'p90');
      assertClose(summary.p99, 2, 'p99');
      assertClose(summary.p999, 500, 'p99.9');
      assertClose(summary.max, 500, 'max');
    });
  });

  describe('when values are below a millisecond', () => {
    it('should keep microsecond resolution', () => {
      const histogram = new LatencyHistogram();
      histogram.record(0.25);
      assertClose(histogram.summary().p50, 0.25, 'p50');
    });
  });

  describe('when a value cannot be held exactly (zero, negative, over an hour)', () => {
    it('should still count it, clamped to the range', () => {
      const histogram = new LatencyHistogram();
      histogram.record(0);
      histogram.record(-3);
      histogram.record(10 * 3_600_000);
      const summary = histogram.summary();
      assert.equal(summary.count, 3);
      assertClose(summary.p50, 0.001, 'p50');
      assertClose(summary.max, 3_600_000, 'max');
    });

    it('should reject NaN, a programming error', () => {
      assert.throws(() => new LatencyHistogram().record(Number.NaN), RangeError);
    });
  });

  describe('when nothing was recorded', () => {
    it('should report zeros rather than NaN or the histogram sentinels', () => {
      assert.deepEqual(new LatencyHistogram().summary(), EMPTY_LATENCY_SUMMARY);
    });
  });

  describe('when histograms are merged', () => {
    it('should summarise the union of their values', () => {
      const fast = new LatencyHistogram();
      const slow = new LatencyHistogram();
      for (let i = 0; i < 50; i += 1) fast.record(10);
      for (let i = 0; i < 50; i += 1) slow.record(100);
      const merged = LatencyHistogram.merged([fast, slow]).summary();
      assert.equal(merged.count, 100);
      assertClose(merged.p50, 10, 'p50');
      assertClose(merged.p90, 100, 'p90');
      assertClose(merged.mean, 55, 'mean');
      assert.equal(fast.merge(slow).count, 100);
    });
  });
});
