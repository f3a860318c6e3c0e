// The report's charts, as specifications (charts/specs.ts) of results.json's figures, rendered to SVG files by
// write-report.ts.
import { type ChartSpec, groupedBarChartSpec, lineChartSpec } from '../../charts/specs';
import { TEAMS } from '../../domain';
import type { PhaseResult, SubjectResult } from '../results';
import { representativePhase } from './targets';

// Latency percentiles against offered rate, one chart per model: every measured phase but the warm-up and outage.
export function latencyChart(subject: SubjectResult): ChartSpec {
  const phases = measuredPhases(subject).filter((phase) => phase.completed > 0);
  const series = (name: string, pick: (phase: PhaseResult) => number) => ({
    name,
    points: phases.map((phase) => [phase.rate, pick(phase)] as const),
  });
  return lineChartSpec({
    title: `${subject.label}: latency from intended send to every team done`,
    xLabel: 'offered rate (returns/s)',
    yLabel: 'latency (ms, log scale)',
    logY: true,
    series: [
      series('p50', (phase) => phase.latency.p50),
      series('p90', (phase) => phase.latency.p90),
      series('p99', (phase) => phase.latency.p99),
      series('p99.9', (phase) => phase.latency.p999),
    ],
  });
}

// Offered against completed rate for every ramp step of every subject; the diagonal is "everything completed".
export function throughputChart(subjects: readonly SubjectResult[]): ChartSpec {
  const withRamp = subjects.filter((subject) => (subject.ramp?.steps.length ?? 0) > 0);
  const offered = withRamp.flatMap((subject) => subject.ramp?.steps.map((step) => step.rate) ?? []);
  const low = offered.length > 0 ? Math.min(...offered) : 1;
  const high = offered.length > 0 ? Math.max(...offered) : 10;
  return lineChartSpec({
    title: 'Throughput ramp: completed against offered rate',
    xLabel: 'offered rate (returns/s, log scale)',
    yLabel: 'completed during the step (returns/s, log scale)',
    logX: true,
    logY: true,
    width: 900,
    height: 460,
    series: [
      ...withRamp.map((subject) => ({
        name: subject.label,
        points: (subject.ramp?.steps ?? []).map((step) => [step.rate, step.phase.completedRatePerSecond] as const),
      })),
      {
        name: 'offered = completed',
        points: [
          [low, low],
          [high, high],
        ],
      },
    ],
  });
}

// The models run their outage at different rates, so the shared chart shows the backlog in seconds of load: the
// returns waiting divided by the rate they arrive at.
export function outageChart(subjects: readonly SubjectResult[]): ChartSpec {
  const withOutage = subjects.filter((subject) => subject.outage !== null);
  return lineChartSpec({
    title: 'Backlog during the outage, in seconds of load',
    xLabel: `seconds since the phase started${outageWindow(withOutage[0])}`,
    yLabel: 'backlog (seconds of load: returns waiting / rate)',
    width: 900,
    height: 460,
    series: withOutage.map((subject) => ({
      name: `${subject.label} at ${subject.outage?.rate}/s`,
      points: thin(
        (subject.outage?.timeline ?? []).map(
          (sample) => [sample.tMs / 1000, sample.backlog / (subject.outage?.rate ?? 1)] as const,
        ),
      ),
    })),
  });
}

// One model's outage in returns: the whole backlog, and each team's where the driver sees the teams answer.
export function outageDetailChart(subject: SubjectResult): ChartSpec {
  const timeline = subject.outage?.timeline ?? [];
  const perTeam = timeline.some((sample) => sample.perTeam);
  return lineChartSpec({
    title: `${subject.label}: backlog during the outage`,
    xLabel: `seconds since the phase started${outageWindow(subject)}`,
    yLabel: 'returns waiting',
    width: 900,
    height: 460,
    series: [
      {
        name: 'not yet done by every team',
        points: thin(timeline.map((sample) => [sample.tMs / 1000, sample.backlog] as const)),
      },
      ...(perTeam
        ? TEAMS.map((team) => ({
            name: `waiting for ${team}`,
            points: thin(
              timeline
                .filter((sample) => sample.perTeam)
                .map((sample) => [sample.tMs / 1000, sample.perTeam?.[team] ?? 0] as const),
            ),
          }))
        : []),
    ],
  });
}

// At most this many points per line: the highest of each run of samples, so no peak is lost.
const MAX_POINTS = 160;

function thin(points: readonly (readonly [number, number])[]): (readonly [number, number])[] {
  if (points.length <= MAX_POINTS) return [...points];
  const stride = Math.ceil(points.length / MAX_POINTS);
  const kept: (readonly [number, number])[] = [];
  for (let start = 0; start < points.length; start += stride) {
    const run = points.slice(start, start + stride);
    kept.push(run.reduce((best, point) => (point[1] > best[1] ? point : best)));
  }
  return kept;
}

function outageWindow(subject: SubjectResult | undefined): string {
  const outage = subject?.outage;
  return outage
    ? ` (${outage.team} killed at ${(outage.killedAtMs / 1000).toFixed(0)} s, restarted at ${(outage.restartedAtMs / 1000).toFixed(0)} s)`
    : '';
}

const CPU_GROUPS: readonly { readonly name: string; readonly roles: readonly string[] }[] = [
  { name: 'team processes', roles: ['sales', 'inventory', 'manufacturing', 'accounting'] },
  { name: 'workflow worker', roles: ['user-support'] },
  { name: 'driver', roles: ['driver'] },
  { name: 'Kafka server', roles: ['kafka-server'] },
  { name: 'Temporal server', roles: ['temporal-server'] },
];

// CPU milliseconds per return by kind of process, at each subject's representative phase.
export function cpuChart(subjects: readonly SubjectResult[]): ChartSpec {
  const measured = subjects
    .map((subject) => ({ subject, phase: representativePhase(subject) }))
    .filter((entry) => entry.phase);
  return groupedBarChartSpec({
    title: 'CPU time per return, by process (at 50% of max, or the highest sustainable step)',
    yLabel: 'CPU ms per return',
    width: 900,
    height: 460,
    groups: measured.map(({ subject, phase }) => `${subject.name} @ ${phase?.rate}/s`),
    series: CPU_GROUPS.map((group) => ({
      name: group.name,
      values: measured.map(({ phase }) => {
        const roles = phase?.cpu.roles.filter((role) => group.roles.includes(role.role)) ?? [];
        if (roles.length === 0 || !phase || phase.completed === 0) return Number.NaN;
        return roles.reduce((sum, role) => sum + role.cpuMs, 0) / phase.completed;
      }),
    })),
  });
}

// CPU per return falls as the rate rises (fixed costs spread over larger batches), so subjects are compared at equal
// rates: every ramp step and latency phase of every subject.
export function cpuByRateChart(subjects: readonly SubjectResult[]): ChartSpec {
  return lineChartSpec({
    title: 'CPU time per return against offered rate (all measured processes)',
    xLabel: 'offered rate (returns/s, log scale)',
    yLabel: 'CPU ms per return (log scale)',
    logX: true,
    logY: true,
    width: 900,
    height: 460,
    series: subjects.map((subject) => ({
      name: subject.label,
      points: measuredPhases(subject)
        .filter((phase) => phase.completed > 0)
        .map((phase) => [phase.rate, phase.cpu.totalMsPerReturn] as const),
    })),
  });
}

export function measuredPhases(subject: SubjectResult): PhaseResult[] {
  return [
    ...(subject.ramp?.steps.map((step) => step.phase) ?? []),
    ...subject.latency.map((entry) => entry.phase),
  ].sort((left, right) => left.rate - right.rate);
}
