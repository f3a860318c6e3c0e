// Latency recorder on Node's HDR histogram (perf_hooks): records microseconds, reports milliseconds, merges.
import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';

export interface LatencySummary {
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
  readonly mean: number;
}

export const EMPTY_LATENCY_SUMMARY: LatencySummary = Object.freeze({
  count: 0,
  p50: 0,
  p90: 0,
  p99: 0,
  p999: 0,
  max: 0,
  mean: 0,
});

// One hour in microseconds: anything slower is clamped to it rather than lost.
const HIGHEST_US = 3_600_000_000;

export class LatencyHistogram {
  // 3 significant figures: every reported value is within 0.1% of a recorded one.
  private readonly histogram: RecordableHistogram = createHistogram({ lowest: 1, highest: HIGHEST_US, figures: 3 });

  record(ms: number): void {
    if (Number.isNaN(ms)) throw new RangeError('LatencyHistogram.record: latency is NaN');
    // The histogram rejects 0 and silently drops values above `highest`: clamp so that every call is counted.
    const us = Math.round(ms * 1000);
    this.histogram.record(Math.min(HIGHEST_US, Math.max(1, us)));
  }

  merge(other: LatencyHistogram): this {
    this.histogram.add(other.histogram);
    return this;
  }

  reset(): void {
    this.histogram.reset();
  }

  get count(): number {
    return this.histogram.count;
  }

  // The latency (ms) at or below which `percent` % of the recorded values lie.
  percentile(percent: number): number {
    return this.count === 0 ? 0 : this.histogram.percentile(percent) / 1000;
  }

  summary(): LatencySummary {
    if (this.count === 0) return EMPTY_LATENCY_SUMMARY;
    return {
      count: this.count,
      p50: this.percentile(50),
      p90: this.percentile(90),
      p99: this.percentile(99),
      p999: this.percentile(99.9),
      max: this.histogram.max / 1000,
      mean: this.histogram.mean / 1000,
    };
  }

  static merged(histograms: Iterable<LatencyHistogram>): LatencyHistogram {
    const result = new LatencyHistogram();
    for (const histogram of histograms) result.merge(histogram);
    return result;
  }
}
