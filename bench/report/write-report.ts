// Writes one run's results folder: results.json (every figure), report.md (the tables and notes) and the charts.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderSvg } from '../../charts/render-svg';
import type { ChartSpec } from '../../charts/specs';
import { markdownTable } from '../lib/markdown-table';
import type { BenchResults, PhaseResult, SubjectResult } from '../results';
import { cpuByRateChart, cpuChart, latencyChart, outageChart, outageDetailChart, throughputChart } from './charts';
import { representativePhase } from './targets';
import { count, latencyCells, number, phaseHealth, rateText, seconds, serverUnknown, verdictMark } from './cells';
import { correctnessSection, outageSection, rampStepsSection } from './detail-sections';

export interface WrittenReport {
  readonly dir: string;
  readonly files: readonly string[];
}

// Files a run writes; those of an earlier run in the same folder are removed first, so none is left stale.
const OWN_FILE = /^(results\.json|report\.md|[a-z0-9-]+\.svg)$/;

export async function writeReport(results: BenchResults, dir: string): Promise<WrittenReport> {
  const files = new Map<string, string>();
  files.set('results.json', `${JSON.stringify(results, null, 2)}\n`);
  const charts: { file: string; title: string; spec: ChartSpec }[] = [];
  const addChart = (file: string, title: string, spec: ChartSpec) => charts.push({ file, title, spec });
  if (results.subjects.some((subject) => (subject.ramp?.steps.length ?? 0) > 0)) {
    addChart('throughput-ramp.svg', 'Throughput ramp', throughputChart(results.subjects));
  }
  for (const subject of results.subjects.filter((candidate) => candidate.kind === 'implementation' && candidate.ramp)) {
    addChart(`latency-${subject.name}.svg`, `Latency of ${subject.label}`, latencyChart(subject));
  }
  if (results.subjects.some((subject) => subject.outage)) {
    addChart('outage-backlog.svg', 'Backlog during the outage, in seconds of load', outageChart(results.subjects));
    for (const subject of results.subjects.filter((candidate) => candidate.outage)) {
      addChart(
        `outage-backlog-${subject.name}.svg`,
        `Backlog of ${subject.label} during the outage`,
        outageDetailChart(subject),
      );
    }
  }
  if (results.subjects.some((subject) => representativePhase(subject))) {
    addChart('cpu-per-return.svg', 'CPU per return by process', cpuChart(results.subjects));
    addChart('cpu-per-return-by-rate.svg', 'CPU per return against rate', cpuByRateChart(results.subjects));
  }
  // Every chart rendered before anything is removed: a chart that cannot be drawn leaves the folder as it was.
  for (const { file, spec } of charts) files.set(file, `${await renderSvg(spec)}\n`);
  files.set('report.md', markdownReport(results, charts));
  mkdirSync(dir, { recursive: true });
  for (const entry of readdirSync(dir)) if (OWN_FILE.test(entry)) rmSync(path.join(dir, entry), { force: true });
  for (const [file, content] of files) writeFileSync(path.join(dir, file), content);
  return { dir, files: [...files.keys()] };
}

function markdownReport(results: BenchResults, charts: readonly { file: string; title: string }[]): string {
  const out = [
    ...headingSection(results),
    ...targetsSection(results),
    ...maximumRateSection(results),
    ...latencySection(results),
    ...cpuPerReturnSection(results),
    ...outageSection(results),
    ...correctnessSection(results),
    ...rampStepsSection(results),
    ...chartsAndNotesSection(results, charts),
    ...methodSection(results),
  ];
  return `${out.join('\n')}\n`;
}

function headingSection(results: BenchResults): string[] {
  const { machine } = results;
  const out: string[] = [];
  const push = (...lines: string[]) => out.push(...lines);
  push('# Benchmark: one return, two ways to coordinate teams', '');
  push(
    `Run \`${results.config.scope}\` (${results.mode}), ${results.startedAt} to ${results.finishedAt} (${seconds(results.durationMs)}), \`${results.command}\`.` +
      (results.complete ? '' : ' **Incomplete: a subject failed; see below.**'),
    '',
  );
  push(
    `Machine: ${machine.cpus} × ${machine.cpuModel}, ${(machine.memoryBytes / 2 ** 30).toFixed(1)} GiB, ${machine.os} (${machine.arch}), Node ${machine.node}; ` +
      `Kafka ${machine.kafka.version} (${machine.kafka.source}), Temporal server ${machine.temporal.serverVersion} (${machine.temporal.cli}); ` +
      `load average at start ${machine.loadAverageAtStart.join(', ')}. Seed ${results.seed}; ${results.config.kafkaPartitions} partitions per topic.`,
    '',
  );
  return out;
}

function targetsSection(results: BenchResults): string[] {
  const out: string[] = [];
  const push = (...lines: string[]) => out.push(...lines);
  push('## Targets', '');
  push(
    markdownTable(
      ['subject', 'what', 'target', 'measured', 'result', 'how'],
      results.targets.map((target) => [
        target.subject,
        target.what,
        target.target,
        target.measured,
        verdictMark(target.met),
        target.verdict,
      ]),
    ),
  );
  return out;
}

function maximumRateSection(results: BenchResults): string[] {
  const out: string[] = [];
  const push = (...lines: string[]) => out.push(...lines);
  push('## Maximum sustainable rate', '');
  push(
    'A step of constant offered load is sustainable when at least 95% of its returns complete within the step and a 1 s grace, and the backlog grows by at most 5% of what was offered. The ramp doubles the rate until a step fails, then bisects; when the first rate already fails it halves the rate until one holds. Quick mode and --rates measure fixed rates instead, so their maximum can be only a lower bound.',
    '',
  );
  push(
    markdownTable(
      ['subject', 'max sustainable', 'first not sustainable', 'share of ceiling', 'steps', 'why the ramp stopped'],
      results.subjects.map((subject) => [
        subject.label,
        subject.ramp
          ? `${subject.ramp.maxIsLowerBound && subject.ramp.maxSustainableRate !== null ? '≥ ' : ''}${rateText(subject.ramp.maxSustainableRate)}`
          : '–',
        rateText(subject.ramp?.firstUnsustainableRate),
        subject.fractionOfCeiling === null ? '–' : `${(subject.fractionOfCeiling * 100).toFixed(0)}%`,
        subject.ramp?.steps.length ?? 0,
        subject.error ? `failed: ${subject.error}` : (subject.ramp?.stoppedBecause ?? '–'),
      ]),
    ),
  );
  return out;
}

function latencySection(results: BenchResults): string[] {
  const out: string[] = [];
  const push = (...lines: string[]) => out.push(...lines);
  push('## Latency at 25%, 50% and 80% of the maximum', '');
  push(
    'From the intended send time of each return to every team done, so a stall anywhere (the generator included) counts. Milliseconds.',
    '',
  );
  const latencyRows = results.subjects.flatMap((subject) =>
    subject.latency.map(({ share, phase }) => [
      subject.label,
      `${Math.round(share * 100)}% of ${rateText(subject.loadBasis?.rate)}${subject.loadBasis?.source === 'max sustainable rate' ? '' : ' (lowest rate tried: no rate was sustainable)'}`,
      rateText(phase.rate),
      ...latencyCells(phase.latency),
      ...phaseHealth(phase),
    ]),
  );
  push(
    latencyRows.length > 0
      ? markdownTable(
          [
            'subject',
            'share',
            'rate',
            'p50',
            'p90',
            'p99',
            'p99.9',
            'max',
            count('completed'),
            'lag p99 / max',
            'drain',
            'valid',
          ],
          latencyRows,
        )
      : '(no latency phases: no subject had a sustainable maximum)\n',
  );
  return out;
}

function cpuPerReturnSection(results: BenchResults): string[] {
  const out: string[] = [];
  const push = (...lines: string[]) => out.push(...lines);
  push('## CPU time per return', '');
  push(
    'CPU milliseconds per completed return of each process over the phase (send and drain), from /proc for the child processes and servers and process.cpuUsage() for the driver; n/a where the server process is not known. At the 50% latency phase of a model, the highest sustainable step of a ceiling.',
    '',
  );
  const roles = [
    'sales',
    'inventory',
    'manufacturing',
    'accounting',
    'user-support',
    'driver',
    'kafka-server',
    'temporal-server',
  ];
  const cpuRows = results.subjects
    .map((subject) => ({ subject, phase: representativePhase(subject) }))
    .filter((entry): entry is { subject: SubjectResult; phase: PhaseResult } => entry.phase !== undefined)
    .map(({ subject, phase }) => [
      subject.label,
      rateText(phase.rate),
      ...roles.map((role) => {
        const measured = phase.cpu.roles.find((candidate) => candidate.role === role);
        if (!measured) return serverUnknown(results, role) ? 'n/a' : '';
        return phase.completed > 0 ? number(measured.cpuMs / phase.completed, 3) : '–';
      }),
      phase.completed > 0 ? number(phase.cpu.totalMsPerReturn, 3) : '–',
      number(
        phase.cpu.roles.reduce((sum, role) => sum + role.cores, 0),
        2,
      ),
      phase.cpu.otherProcessesCores === null ? 'n/a' : number(phase.cpu.otherProcessesCores, 2),
    ]);
  push(
    cpuRows.length > 0
      ? markdownTable(['subject', 'rate', ...roles, 'total', 'cores busy', 'other processes (cores)'], cpuRows)
      : '(no phase measured)\n',
  );
  push(
    '"cores busy": the measured processes together; "other processes": the rest of the machine over the same time (/proc/stat), the load the benchmark competed with (it includes interrupt handling, some of it for the benchmark\'s own loopback traffic).',
    '',
  );
  return out;
}

function chartsAndNotesSection(results: BenchResults, charts: readonly { file: string; title: string }[]): string[] {
  const out: string[] = [];
  const push = (...lines: string[]) => out.push(...lines);
  if (charts.length > 0) {
    push('## Charts', '');
    for (const chart of charts) push(`![${chart.title}](${chart.file})`, '');
  }

  push('## Notes', '');
  for (const note of results.notes) push(`- ${note}`);
  push('');
  return out;
}

function methodSection(results: BenchResults): string[] {
  const out: string[] = [];
  const push = (...lines: string[]) => out.push(...lines);
  push('## Method', '');
  push(
    '- One driver process (this script) generates open-loop load: return i is intended at i / rate and its latency runs from that intended time, so a slow system cannot slow the generator down and hide its own latency. A phase whose generator fell behind (dispatch lag p99 > 5 ms or max > 50 ms) is marked invalid. A ramp step that was is run once more (full mode); if it lags again its latency stays invalid, but its throughput still counts when the generator sent at least 95% of the rate.',
    `- Completion: ${results.subjects.map((subject) => `${subject.name}: ${subject.completionSignal}`).join('; ')}.`,
    "- The teams run as child processes, one per team (plus the workflow worker for Temporal), started with `node -r ts-node/register` (transpile only) under the run's own RETURNS_SCOPE, so their CPU time is read per process. The choreography driver publishes through the model's own publisher, which validates each request at the edge and sends every request due in one turn of its event loop as one produce request; the orchestration driver starts each workflow through the model's client and awaits its result.",
    `- Every subject gets the same returns in the same order. ${results.workload.note} Stock runs out over a long run and Inventory then backorders, which costs the same decision and write.`,
    '- Ceilings: the Kafka ceiling runs the choreography message pattern (one request topic, four consumer groups in four processes, each appending one event per request to its own topic with acks=-1 and committing per batch, the driver tailing the four topics) with plain kafkajs and no domain logic; the Temporal ceiling runs an empty workflow calling four no-op activities on the same task-queue layout (four activity worker processes and one workflow worker process).',
    "- Lost and duplicated: after the run, every team topic is read to its end and each team's events are counted per return, a byte-identical copy as a duplicate (choreography), and every team SQLite file is read and records are counted by returnId (orchestration).",
    '',
  );
  return out;
}
