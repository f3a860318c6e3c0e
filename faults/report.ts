// The fault suite's report: one table of scenario → figures, printed and written as Markdown and JSON, followed
// by each scenario's own measurements and the hostile-input matrix.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { markdownTable } from '../bench/lib/markdown-table';
import type { MatrixRow, ValidAfter } from './hostile-input';
import type { ScenarioResult, Sizes } from './scenario';
import { finalVerdict, type Identity } from './suite';

export interface SuiteRun {
  readonly mode: 'full' | 'quick';
  readonly sizes: Sizes;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly servers: { readonly kafka: string; readonly temporal: string; readonly stackDir: string };
  readonly results: readonly ScenarioResult[];
  readonly identities: ReadonlyMap<string, Identity>;
}

const COLUMNS = [
  'scenario',
  'model',
  'returns',
  'faults',
  'lost',
  'duplicated',
  'rejected with effect',
  'completed',
  'recovery / lag',
  'identical',
  'verdict',
  'time',
] as const;

function modelLabel(result: ScenarioResult): string {
  if (result.model === 'both') return 'both';
  return result.variant ? `${result.model} (${result.variant})` : result.model;
}

function identityLabel(result: ScenarioResult, identity: Identity | undefined): string {
  if (!identity || identity.compared === 0) return 'n/a';
  const tail = result.expectation === 'duplicates' ? ', idempotency off' : '';
  return identity.differing === 0
    ? `yes (${identity.compared})`
    : `NO: ${identity.differing} of ${identity.compared} differ${tail}`;
}

function verdictLabel(result: ScenarioResult, identity: Identity | undefined): string {
  const verdict = finalVerdict(result, identity);
  if (verdict === 'pass' && result.expectation === 'duplicates') return 'pass (duplicates, as they must)';
  return verdict;
}

export function tableRows(run: SuiteRun): (string | number)[][] {
  return run.results.map((result) => {
    const identity = run.identities.get(result.id);
    if (result.skipped) {
      return [result.id, modelLabel(result), '', 'skipped', '', '', '', '', result.skipped, '', 'skipped', ''];
    }
    const { figures } = result;
    return [
      result.id,
      modelLabel(result),
      result.returns,
      result.faults,
      figures.lost,
      figures.duplicated,
      figures.rejectedWithEffect,
      `${figures.completed}/${figures.accepted}`,
      result.recovery,
      identityLabel(result, identity),
      verdictLabel(result, identity),
      `${(result.durationMs / 1000).toFixed(0)} s`,
    ];
  });
}

export function renderTable(run: SuiteRun): string {
  return markdownTable([...COLUMNS], tableRows(run));
}

const ENTRY_POINT_COLUMNS: readonly [string, string][] = [
  ['npm run traditional -- --requests', 'npm run traditional'],
  ['npm run event-sourced -- --requests', 'npm run event-sourced'],
  ['traditional client: startReturn()', 'workflow client'],
  ['event-sourced publisher: publish() / publishJson()', 'publisher'],
  ['request topic', 'request topic'],
  ['sales topic', 'sales topic'],
  ['inventory topic', 'inventory topic'],
  ['manufacturing topic', 'manufacturing topic'],
  ['accounting topic', 'accounting topic'],
];

function cell(row: MatrixRow | undefined): string {
  if (!row) return '';
  const mark = row.ok ? '' : ' ✗';
  if (row.handling === 'dead-letter') return `dead letter: ${row.detail.split(':')[0]}${mark}`;
  return `${row.handling}${mark}`;
}

export function renderMatrix(rows: readonly MatrixRow[]): string {
  const cases = [...new Set(rows.map((row) => row.caseId))];
  const table = cases.map((caseId) => {
    const first = rows.find((row) => row.caseId === caseId);
    return [
      caseId,
      ...ENTRY_POINT_COLUMNS.map(([entryPoint]) =>
        cell(rows.find((row) => row.caseId === caseId && row.entryPoint === entryPoint)),
      ),
      first?.detail ?? '',
    ];
  });
  return markdownTable(
    ['input', ...ENTRY_POINT_COLUMNS.map(([, header]) => header), 'what it said (first entry point)'],
    table,
  );
}

export function renderMarkdown(run: SuiteRun): string {
  const lines: string[] = [];
  const failed = run.results.filter((result) => finalVerdict(result, run.identities.get(result.id)) === 'FAIL');
  const skipped = run.results.filter((result) => result.skipped);
  lines.push('# Fault suite', '');
  lines.push(
    `\`npm run faults${run.mode === 'quick' ? ' -- --quick' : ''}\`, ${run.startedAt}, ${formatMinutes(run.durationMs)}. ` +
      `${run.results.length - failed.length - skipped.length} of ${run.results.length} scenarios passed` +
      `${failed.length > 0 ? `, ${failed.length} failed (${failed.map((result) => result.id).join(', ')})` : ''}` +
      `${skipped.length > 0 ? `, ${skipped.length} skipped` : ''}.`,
    '',
  );
  lines.push(
    `Machine: ${os.cpus().length} cores (${os.cpus()[0]?.model.trim() ?? 'unknown'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, ` +
      `Node ${process.version}. Kafka at ${run.servers.kafka}, Temporal at ${run.servers.temporal}. ` +
      `Sizes: ${run.sizes.returns} returns per scenario (${run.sizes.fewerReturns} around a single crash point or for ` +
      `duplicate submissions), ${run.sizes.kills} kills, outages of ${run.sizes.outageMs / 1000} s, ` +
      `${run.sizes.concurrency} returns in flight.`,
    '',
  );
  lines.push(renderTable(run), '');
  lines.push(
    'How to read it. Every team runs as its own process (`traditional/worker.ts --team X`, ',
    '`event-sourced/run-team.ts --team X`), supervised: a process that dies on its own is started again. ',
    'After each scenario one checker reads back what every team stored (the SQLite files; the team topics) and counts: ',
    '**lost**, an accepted return with no record of a team; **duplicated**, a return a team decided more than once; ',
    '**rejected with effect**, a team record of a return no accepted request asked for; **completed**, accepted returns ',
    "every team answered. **identical** compares each return's outcome with the other model's outcome of the same ",
    'return in its clean scenarios: every scenario runs a prefix of one seeded set of returns in the same dependency ',
    'order (compare/submission-order.ts), so the outcomes must agree field by field. A crash point and a negative ',
    'control start the team by a test-only entry script (faults/edge/) that runs the same team code with a wrapper ',
    'around its store or its event log: one that kills the process at the crash point, and, for the negative ',
    'controls, one without idempotency (a store that decides a recorded return again; a team that reads its own ',
    'topic as empty). The negative controls must show duplicates: that is the proof the kills land in the window ',
    'between the effect and its acknowledgement.',
    '',
  );
  lines.push('## Scenarios', '');
  for (const result of run.results) {
    const identity = run.identities.get(result.id);
    lines.push(`### ${result.id}: ${result.title}`, '');
    if (result.skipped) {
      lines.push(`Skipped: ${result.skipped}`, '');
      continue;
    }
    lines.push(`- Model: ${modelLabel(result)}; ${result.returns} returns; ${result.faults}.`);
    lines.push(`- Recovery: ${result.recovery}.`);
    if (result.figures.copies > 0) {
      lines.push(
        `- ${result.figures.copies} byte-identical copies of team events (a producer retry), each folded once by every reader.`,
      );
    }
    if (identity && identity.differences.length > 0)
      lines.push(`- Differences: ${identity.differences.slice(0, 5).join('; ')}`);
    if (result.notes.length > 0) lines.push(`- Notes: ${result.notes.join('; ')}.`);
    if (result.problems.length > 0) {
      const label = result.expectation === 'duplicates' && result.passed ? 'Notes' : 'Problems';
      lines.push(`- ${label}:`, ...result.problems.slice(0, 10).map((problem) => `  - ${problem.split('\n')[0]}`));
    }
    if (result.expectation === 'duplicates') {
      lines.push(
        `- ${result.figures.duplicated} return × team pairs decided twice with idempotency off, where the same crash points ` +
          'with it on decide each once.',
      );
    }
    lines.push('');
    if (result.id === 'hostile-input') lines.push(...renderHostile(result));
  }
  return `${lines.join('\n')}\n`;
}

function renderHostile(result: ScenarioResult): string[] {
  const details = result.details as { matrix?: MatrixRow[]; validAfter?: ValidAfter[]; gaps?: string[] };
  const lines: string[] = [];
  if (details.matrix) {
    lines.push(
      'Each input, at each entry point it can reach: `error` is a clear error to the caller (the request named with ',
      'every problem; a start script exits 1, never with a stack trace); `dead letter: reason` is an entry in the ',
      "scope's dead-letter topic from every reader of that topic (each team on the request topic; the return-status ",
      'projection and the team itself, when it rebuilds, on a team topic); `ignored` is accepted with neither. ✗ marks ',
      'an input not handled as it should be.',
      '',
      renderMatrix(details.matrix),
    );
  }
  if (details.validAfter) {
    lines.push(
      markdownTable(
        ['valid returns sent after the hostile input', 'sent', 'completed', 'as expected', 'longest (s)'],
        details.validAfter.map((after) => [
          after.entryPoint,
          after.sent,
          after.completed,
          after.asExpected,
          after.longestSeconds,
        ]),
      ),
    );
  }
  if (details.gaps && details.gaps.length > 0) {
    lines.push(
      'Gaps: a second version of a return, or of a team event, under an id already used is dropped without an error ',
      'or a dead letter. It has no effect (the first version is kept by every team and every reader, checked above), ',
      'but nobody is told:',
      '',
      ...details.gaps.map((gap) => `- ${gap}`),
      '',
    );
  }
  return lines;
}

export function toJson(run: SuiteRun): unknown {
  return {
    mode: run.mode,
    startedAt: run.startedAt,
    durationSeconds: Math.round(run.durationMs / 1000),
    machine: { cores: os.cpus().length, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
    servers: run.servers,
    sizes: run.sizes,
    passed: run.results.every((result) => finalVerdict(result, run.identities.get(result.id)) !== 'FAIL'),
    scenarios: run.results.map(({ outcomes, ...result }) => {
      const identity = run.identities.get(result.id);
      return { ...result, verdict: finalVerdict({ outcomes, ...result }, identity), identical: identity ?? null };
    }),
  };
}

export function writeReport(run: SuiteRun, outDir: string): { markdown: string; json: string } {
  mkdirSync(outDir, { recursive: true });
  const markdown = path.join(outDir, 'faults.md');
  const json = path.join(outDir, 'faults.json');
  writeFileSync(markdown, renderMarkdown(run));
  writeFileSync(json, `${JSON.stringify(toJson(run), null, 2)}\n`);
  return { markdown, json };
}

function formatMinutes(ms: number): string {
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
}
