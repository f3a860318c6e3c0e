// The cells every table of the report writes the same way.
import type { LatencySummary } from '../lib/latency-histogram';
import type { Column } from '../lib/markdown-table';
import type { BenchResults, PhaseResult } from '../results';
import { formatRate } from './format';
export const number = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : '–');
export const seconds = (ms: number) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(1)} s` : '–');
// Exact counts with thousands separators, right-aligned.
export const COUNT: Column = {
  header: '',
  align: 'right',
  format: (value) => (typeof value === 'number' ? Math.round(value).toLocaleString('en-US') : String(value ?? '')),
};
export const count = (header: string): Column => ({ ...COUNT, header });
export const rateText = (value: number | null | undefined) =>
  value === null || value === undefined ? '–' : formatRate(value);

export function verdictMark(met: boolean | null): string {
  return met === true ? 'met' : met === false ? 'MISSED' : 'n/a';
}

export function latencyCells(summary: LatencySummary): (number | string)[] {
  return [
    number(summary.p50),
    number(summary.p90),
    number(summary.p99),
    number(summary.p999),
    number(summary.max),
    summary.count,
  ];
}

export function phaseHealth(phase: PhaseResult): string[] {
  return [
    `${number(phase.lag.p99)} / ${number(phase.lag.max)}`,
    phase.drain.drained ? seconds(phase.drain.drainMs) : 'did not drain',
    phase.valid ? 'yes' : `no: ${phase.invalidReasons.join('; ')}`,
  ];
}

export function serverUnknown(results: BenchResults, role: string): boolean {
  return results.machine.servers.some((server) => server.role === role && server.pid === null);
}
