// Renders rows as a Markdown table whose columns line up in the source too, for the benchmark report.
import { formatNumber } from './format-number';

export type Cell = string | number | boolean | null | undefined;
export type Alignment = 'left' | 'right' | 'center';

export interface Column {
  readonly header: string;
  // Default: right when every filled cell of the column is a number, left otherwise.
  readonly align?: Alignment;
  // Default: formatNumber for numbers, String otherwise; null and undefined are empty.
  readonly format?: (value: Cell) => string;
}

export function markdownTable(columns: readonly (string | Column)[], rows: readonly (readonly Cell[])[]): string {
  const specs: Column[] = columns.map((column) => (typeof column === 'string' ? { header: column } : column));
  const text = rows.map((row) => specs.map((spec, index) => escapeCell(render(spec, row[index]))));
  const headers = specs.map((spec) => escapeCell(spec.header));
  const alignments = specs.map((spec, index) => spec.align ?? (isNumericColumn(rows, index) ? 'right' : 'left'));
  // Three characters minimum: a delimiter cell needs room for its colons.
  const widths = specs.map((_, index) =>
    Math.max(3, headers[index].length, ...text.map((cells) => cells[index].length)),
  );

  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell, index) => pad(cell, widths[index], alignments[index])).join(' | ')} |`;
  const delimiter = `| ${alignments.map((alignment, index) => rule(widths[index], alignment)).join(' | ')} |`;
  return [line(headers), delimiter, ...text.map(line)].join('\n') + '\n';
}

function render(spec: Column, value: Cell): string {
  if (spec.format) return spec.format(value);
  if (value === null || value === undefined) return '';
  return typeof value === 'number' ? formatNumber(value) : String(value);
}

// A pipe would end the cell and a newline the row.
function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

function isNumericColumn(rows: readonly (readonly Cell[])[], index: number): boolean {
  const filled = rows.map((row) => row[index]).filter((value) => value !== null && value !== undefined && value !== '');
  return filled.length > 0 && filled.every((value) => typeof value === 'number');
}

function pad(text: string, width: number, alignment: Alignment): string {
  const gap = width - text.length;
  if (alignment === 'right') return ' '.repeat(gap) + text;
  if (alignment === 'center') return ' '.repeat(Math.floor(gap / 2)) + text + ' '.repeat(Math.ceil(gap / 2));
  return text + ' '.repeat(gap);
}

function rule(width: number, alignment: Alignment): string {
  if (alignment === 'right') return `${'-'.repeat(width - 1)}:`;
  if (alignment === 'center') return `:${'-'.repeat(width - 2)}:`;
  return '-'.repeat(width);
}
