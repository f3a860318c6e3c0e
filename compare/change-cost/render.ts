// The report as a reader sees it: per change, one table with a column per model, then what both models share, and a
// totals line. The same rows print as plain aligned text on a terminal and as markdown for the README.
import { markdownTable } from '../../bench/lib/markdown-table';
import { type ModelName, MODELS } from './deployable-units';
import { describeDetections } from './in-flight';
import type { ChangeCost, ChangeCostReport, LineCount, ModelCost, Total } from './measure';

const MODEL_HEADERS: Record<ModelName, string> = {
  traditional: 'traditional (Temporal)',
  'event-sourced': 'event-sourced (Kafka)',
};
// A cell wider than this wraps onto more lines in the plain text table.
const PLAIN_CELL_WIDTH = 48;

interface Style {
  readonly table: (header: readonly string[], rows: readonly (readonly string[])[]) => string;
  readonly heading: (id: string, title: string) => string;
  readonly commit: (short: string, subject: string) => string;
}

export function renderText(report: ChangeCostReport): string {
  return render(report, {
    table: plainTable,
    heading: (id, title) => `${id}: ${title}`,
    commit: (short, subject) => `  ${short} ${subject}`,
  });
}

export function renderMarkdown(report: ChangeCostReport): string {
  return render(report, {
    table: (header, rows) => markdownTable(header, rows).trimEnd(),
    heading: (id, title) => `**\`${id}\`**: ${title}`,
    commit: (short, subject) => `- \`${short}\` ${subject}`,
  });
}

function render(report: ChangeCostReport, style: Style): string {
  const sections = report.changes.map((change) => {
    const { domain, aroundBoth } = change.shared;
    return [
      style.heading(change.id, change.title),
      '',
      ...change.commits.map(({ short, subject }) => style.commit(short, subject)),
      '',
      style.table(['', ...MODELS.map((model) => MODEL_HEADERS[model])], rowsOf(change)),
      '',
      `Shared by both models, counted once: domain ${lines(domain)}; ` +
        `around both (tests, docs, tools) ${lines(aroundBoth)}.`,
    ].join('\n');
  });
  return `${[...sections, totalsLine(report)].join('\n\n')}\n`;
}

function rowsOf(change: ChangeCost): string[][] {
  const row = (label: string, cell: (model: ModelName) => string) => [label, ...MODELS.map(cell)];
  const cost = (model: ModelName) => change.models[model];
  return [
    row('the model itself', (model) => lines(cost(model).itself)),
    row('around it (its own tests)', (model) => lines(cost(model).aroundIt)),
    row('deployable units', (model) => units(cost(model))),
    row('teams whose code changed', (model) => cost(model).teams.join(', ') || 'none'),
    row('new subscriptions', (model) => cost(model).subscriptions.summary),
    row('in flight, as recorded', (model) => cost(model).inFlight.declared),
    row('in flight, in the diff', (model) => describeDetections(model, cost(model).inFlight.detected)),
  ];
}

function totalsLine({ totals }: ChangeCostReport): string {
  const perModel = MODELS.map((model) => {
    const { itself, aroundIt, newSubscriptions } = totals.models[model];
    const subscriptions = model === 'event-sourced' ? `, ${plural(newSubscriptions, 'new subscription')}` : '';
    return `${model} itself ${lines(itself)} (around it ${lines(aroundIt)})${subscriptions}`;
  });
  return (
    `Totals over ${plural(totals.changes, 'change')}: ${perModel.join('; ')}; shared: domain ${lines(totals.domain)}, ` +
    `around both ${lines(totals.aroundBoth)}.`
  );
}

function lines(count: LineCount | Total): string {
  const files = typeof count.files === 'number' ? count.files : count.files.length;
  return files === 0 ? 'no change' : `${plural(files, 'file')}, +${count.added} -${count.removed}`;
}

function units({ deployableUnits, unplacedFiles }: ModelCost): string {
  const listed = deployableUnits.join(', ') || 'none';
  return unplacedFiles.length === 0 ? listed : `${listed}; not in the table of units: ${unplacedFiles.join(', ')}`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

// Columns padded to their widest cell; a long cell wraps at spaces within its column.
function plainTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, column) =>
    Math.max(...all.map((row) => (column === 0 ? row[column].length : Math.min(row[column].length, PLAIN_CELL_WIDTH)))),
  );
  return all
    .flatMap((row) => {
      const wrapped = row.map((cell, column) => (column === 0 ? [cell] : wrap(cell, widths[column])));
      const height = Math.max(...wrapped.map((cellLines) => cellLines.length));
      return Array.from({ length: height }, (_, index) =>
        `  ${wrapped.map((cellLines, column) => (cellLines[index] ?? '').padEnd(widths[column])).join('  ')}`.trimEnd(),
      );
    })
    .join('\n');
}

function wrap(text: string, width: number): string[] {
  const wrapped: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      wrapped.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  return [...wrapped, line];
}
