// Dependency-free SVG charts for the benchmark report: a line chart (latency or throughput against rate) and a
// grouped bar chart (one bar per side in each group). Returns the SVG document as a string.
import { formatNumber, formatTick } from './format-number';

export interface LineSeries {
  readonly name: string;
  readonly points: readonly (readonly [number, number])[];
}

export interface LineChartOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly LineSeries[];
  readonly logX?: boolean;
  readonly logY?: boolean;
  readonly width?: number;
  readonly height?: number;
}

export interface BarSeries {
  readonly name: string;
  // One value per group; NaN or a missing entry leaves a gap.
  readonly values: readonly number[];
}

export interface GroupedBarChartOptions {
  readonly title: string;
  readonly yLabel: string;
  readonly groups: readonly string[];
  readonly series: readonly BarSeries[];
  readonly width?: number;
  readonly height?: number;
}

// Okabe–Ito: distinguishable with the common colour-vision deficiencies; yellow last, it is faint on white.
export const PALETTE: readonly string[] = [
  '#0072B2',
  '#E69F00',
  '#009E73',
  '#D55E00',
  '#CC79A7',
  '#56B4E9',
  '#000000',
  '#F0E442',
];
// Dashes and markers also tell lines apart, for grey-scale prints.
const DASHES = ['', '6 3', '2 3', '8 3 2 3'];
const MARKERS = ['circle', 'square', 'triangle', 'diamond'] as const;

const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif";
const CHAR_WIDTH = 6.8;
const TEXT = '#222222';
const GRID = '#e3e3e3';

export function escapeXml(text: string): string {
  return (
    text
      // Characters XML 1.0 does not allow at all, and unpaired surrogates: control characters on purpose.
      .replace(
        // eslint-disable-next-line no-control-regex
        /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
        '',
      )
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
  );
}

interface Axis {
  readonly min: number;
  readonly max: number;
  readonly ticks: readonly number[];
  readonly label: (value: number) => string;
  readonly log: boolean;
}

export function lineChart(options: LineChartOptions): string {
  const width = options.width ?? 800;
  const height = options.height ?? 400;
  const usable = (x: number, y: number) =>
    Number.isFinite(x) && Number.isFinite(y) && (!options.logX || x > 0) && (!options.logY || y > 0);
  const series = options.series.map((s) => ({
    name: s.name,
    points: s.points.filter(([x, y]) => usable(x, y)).sort((a, b) => a[0] - b[0]),
  }));
  const xs = series.flatMap((s) => s.points.map(([x]) => x));
  const ys = series.flatMap((s) => s.points.map(([, y]) => y));
  const xAxis = options.logX ? logAxis(xs) : linearAxis(xs, false);
  const yAxis = options.logY ? logAxis(ys) : linearAxis(ys, true);

  const frame = new Frame(
    width,
    height,
    options.title,
    series.map((s) => s.name),
    yAxis,
  );
  const x = (value: number) => frame.left + frame.plotWidth * fraction(xAxis, value);
  const y = (value: number) => frame.bottom - frame.plotHeight * fraction(yAxis, value);

  const parts: string[] = [...frame.open(), ...frame.yGrid(y), ...xTicks(frame, xAxis, x)];
  parts.push(axisLabel(frame.left + frame.plotWidth / 2, height - 10, options.xLabel));
  parts.push(yAxisLabel(frame, options.yLabel));
  series.forEach((s, index) => {
    const { colour, dash, shape } = lineStyle(index);
    const path = s.points.map(([px, py], i) => `${i === 0 ? 'M' : 'L'}${round(x(px))},${round(y(py))}`).join(' ');
    parts.push(`<g class="series">`);
    if (s.points.length > 1) {
      parts.push(
        `<path d="${path}" fill="none" stroke="${colour}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`,
      );
    }
    for (const [px, py] of s.points) {
      const tip = `${s.name}: ${formatNumber(px)}, ${formatNumber(py)}`;
      parts.push(marker(shape, x(px), y(py), colour, tip));
    }
    parts.push('</g>');
  });
  if (xs.length === 0) parts.push(noData(frame));
  parts.push(...frame.axes(), ...frame.legend((index, cx, cy) => legendLine(index, cx, cy)), '</svg>');
  return parts.join('\n') + '\n';
}

export function groupedBarChart(options: GroupedBarChartOptions): string {
  const width = options.width ?? 800;
  const height = options.height ?? 400;
  const values = options.series.flatMap((s) => s.values.filter((v) => Number.isFinite(v)));
  const yAxis = linearAxis(values, true);
  const frame = new Frame(
    width,
    height,
    options.title,
    options.series.map((s) => s.name),
    yAxis,
  );
  const y = (value: number) => frame.bottom - frame.plotHeight * fraction(yAxis, value);
  const groupWidth = frame.plotWidth / Math.max(1, options.groups.length);
  const barWidth = (groupWidth * 0.8) / Math.max(1, options.series.length);

  const parts: string[] = [...frame.open(), ...frame.yGrid(y)];
  parts.push(yAxisLabel(frame, options.yLabel));
  const maxLabelChars = Math.max(3, Math.floor(groupWidth / CHAR_WIDTH));
  options.groups.forEach((group, index) => {
    const centre = frame.left + groupWidth * (index + 0.5);
    parts.push(
      `<text x="${round(centre)}" y="${round(frame.bottom + 18)}" text-anchor="middle" font-size="12" fill="${TEXT}">${escapeXml(
        shorten(group, maxLabelChars),
      )}<title>${escapeXml(group)}</title></text>`,
    );
  });
  const zero = y(Math.max(yAxis.min, Math.min(yAxis.max, 0)));
  options.series.forEach((s, seriesIndex) => {
    const colour = PALETTE[seriesIndex % PALETTE.length];
    parts.push(`<g class="series">`);
    options.groups.forEach((group, groupIndex) => {
      const value = s.values[groupIndex];
      if (value === undefined || !Number.isFinite(value)) return;
      const left = frame.left + groupWidth * groupIndex + groupWidth * 0.1 + barWidth * seriesIndex;
      const top = Math.min(zero, y(value));
      const barHeight = Math.abs(zero - y(value));
      parts.push(
        `<rect x="${round(left + 1)}" y="${round(top)}" width="${round(Math.max(1, barWidth - 2))}" height="${round(
          barHeight,
        )}" fill="${colour}"><title>${escapeXml(`${s.name}, ${group}: ${formatNumber(value)}`)}</title></rect>`,
      );
      if (barWidth >= 18) {
        const labelY = value >= 0 ? top - 4 : top + barHeight + 12;
        parts.push(
          `<text x="${round(left + barWidth / 2)}" y="${round(labelY)}" text-anchor="middle" font-size="10" fill="${TEXT}">${escapeXml(
            formatNumber(value),
          )}</text>`,
        );
      }
    });
    parts.push('</g>');
  });
  if (values.length === 0) parts.push(noData(frame));
  parts.push(...frame.axes(), ...frame.legend((index, cx, cy) => legendBox(index, cx, cy)), '</svg>');
  return parts.join('\n') + '\n';
}

// Title, legend rows and plot area of one chart.
class Frame {
  readonly left = 76;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
  readonly plotWidth: number;
  readonly plotHeight: number;
  private readonly legendRows: { index: number; name: string; x: number }[][];

  constructor(
    private readonly width: number,
    private readonly height: number,
    private readonly title: string,
    names: readonly string[],
    private readonly yAxis: Axis,
  ) {
    this.right = width - 24;
    this.legendRows = layoutLegend(names, width - 40);
    this.top = 44 + this.legendRows.length * 20;
    this.bottom = height - 50;
    this.plotWidth = this.right - this.left;
    this.plotHeight = Math.max(10, this.bottom - this.top);
  }

  open(): string[] {
    return [
      `<svg xmlns="http://www.w3.org/2000/svg" width="${this.width}" height="${this.height}" viewBox="0 0 ${this.width} ${this.height}" font-family="${FONT}" role="img">`,
      `<title>${escapeXml(this.title)}</title>`,
      // An opaque background keeps the dark text readable on dark themes.
      `<rect x="0" y="0" width="${this.width}" height="${this.height}" fill="#ffffff"/>`,
      `<text x="${this.width / 2}" y="26" text-anchor="middle" font-size="16" font-weight="bold" fill="${TEXT}">${escapeXml(this.title)}</text>`,
    ];
  }

  yGrid(y: (value: number) => number): string[] {
    const parts: string[] = [];
    for (const tick of this.yAxis.ticks) {
      const py = round(y(tick));
      parts.push(
        `<line x1="${this.left}" y1="${py}" x2="${this.right}" y2="${py}" stroke="${GRID}" stroke-width="1"/>`,
      );
      parts.push(
        `<text x="${this.left - 8}" y="${py}" text-anchor="end" dy="0.35em" font-size="11" fill="${TEXT}">${escapeXml(
          this.yAxis.label(tick),
        )}</text>`,
      );
    }
    return parts;
  }

  axes(): string[] {
    return [
      `<line x1="${this.left}" y1="${this.bottom}" x2="${this.right}" y2="${this.bottom}" stroke="${TEXT}" stroke-width="1"/>`,
      `<line x1="${this.left}" y1="${this.top}" x2="${this.left}" y2="${this.bottom}" stroke="${TEXT}" stroke-width="1"/>`,
    ];
  }

  legend(swatch: (index: number, x: number, y: number) => string): string[] {
    const parts: string[] = [];
    this.legendRows.forEach((row, rowIndex) => {
      const rowWidth = row.length === 0 ? 0 : row[row.length - 1].x + legendItemWidth(row[row.length - 1].name);
      const offset = (this.width - rowWidth) / 2;
      const cy = 46 + rowIndex * 20;
      for (const item of row) {
        const x = offset + item.x;
        parts.push(`<g class="legend-item">`);
        parts.push(swatch(item.index, x, cy));
        parts.push(
          `<text x="${round(x + 26)}" y="${cy}" dy="0.35em" font-size="12" fill="${TEXT}">${escapeXml(item.name)}</text>`,
        );
        parts.push('</g>');
      }
    });
    return parts;
  }
}

function layoutLegend(names: readonly string[], maxWidth: number): { index: number; name: string; x: number }[][] {
  const rows: { index: number; name: string; x: number }[][] = [];
  let row: { index: number; name: string; x: number }[] = [];
  let x = 0;
  names.forEach((name, index) => {
    const itemWidth = legendItemWidth(name);
    if (row.length > 0 && x + itemWidth > maxWidth) {
      rows.push(row);
      row = [];
      x = 0;
    }
    row.push({ index, name, x });
    x += itemWidth + 18;
  });
  if (row.length > 0) rows.push(row);
  return rows;
}

function legendItemWidth(name: string): number {
  return 26 + name.length * CHAR_WIDTH;
}

function lineStyle(index: number) {
  return {
    colour: PALETTE[index % PALETTE.length],
    dash: DASHES[index % DASHES.length],
    shape: MARKERS[index % MARKERS.length],
  };
}

function legendLine(index: number, x: number, y: number): string {
  const { colour, dash, shape } = lineStyle(index);
  return [
    `<line x1="${round(x)}" y1="${y}" x2="${round(x + 20)}" y2="${y}" stroke="${colour}" stroke-width="2"${
      dash ? ` stroke-dasharray="${dash}"` : ''
    }/>`,
    marker(shape, x + 10, y, colour),
  ].join('\n');
}

function legendBox(index: number, x: number, y: number): string {
  return `<rect x="${round(x + 4)}" y="${y - 6}" width="14" height="12" fill="${PALETTE[index % PALETTE.length]}"/>`;
}

function marker(shape: (typeof MARKERS)[number], x: number, y: number, colour: string, tip?: string): string {
  const [cx, cy] = [round(x), round(y)];
  const [tag, geometry] =
    shape === 'circle'
      ? ['circle', `cx="${cx}" cy="${cy}" r="3.5"`]
      : shape === 'square'
        ? ['rect', `x="${round(x - 3.2)}" y="${round(y - 3.2)}" width="6.4" height="6.4"`]
        : shape === 'triangle'
          ? [
              'polygon',
              `points="${cx},${round(y - 4.2)} ${round(x + 4)},${round(y + 3)} ${round(x - 4)},${round(y + 3)}"`,
            ]
          : [
              'polygon',
              `points="${cx},${round(y - 4.5)} ${round(x + 4.5)},${cy} ${cx},${round(y + 4.5)} ${round(x - 4.5)},${cy}"`,
            ];
  const content = tip === undefined ? '/>' : `><title>${escapeXml(tip)}</title></${tag}>`;
  return `<${tag} ${geometry} fill="${colour}"${content}`;
}

function xTicks(frame: Frame, axis: Axis, x: (value: number) => number): string[] {
  const parts: string[] = [];
  for (const tick of axis.ticks) {
    const px = round(x(tick));
    parts.push(
      `<line x1="${px}" y1="${frame.bottom}" x2="${px}" y2="${frame.bottom + 5}" stroke="${TEXT}" stroke-width="1"/>`,
    );
    parts.push(
      `<text x="${px}" y="${round(frame.bottom + 18)}" text-anchor="middle" font-size="11" fill="${TEXT}">${escapeXml(axis.label(tick))}</text>`,
    );
  }
  return parts;
}

function axisLabel(x: number, y: number, text: string): string {
  return `<text x="${round(x)}" y="${round(y)}" text-anchor="middle" font-size="12" fill="${TEXT}">${escapeXml(text)}</text>`;
}

function yAxisLabel(frame: Frame, text: string): string {
  const cy = round(frame.top + frame.plotHeight / 2);
  return `<text x="18" y="${cy}" transform="rotate(-90 18 ${cy})" text-anchor="middle" font-size="12" fill="${TEXT}">${escapeXml(text)}</text>`;
}

function noData(frame: Frame): string {
  return axisLabel(frame.left + frame.plotWidth / 2, frame.top + frame.plotHeight / 2, 'no data');
}

function fraction(axis: Axis, value: number): number {
  if (axis.log) return (Math.log10(value) - Math.log10(axis.min)) / (Math.log10(axis.max) - Math.log10(axis.min));
  return (value - axis.min) / (axis.max - axis.min);
}

// Ticks at 1, 2 or 5 times a power of ten, about six of them, covering the data.
export function linearAxis(values: readonly number[], includeZero: boolean): Axis {
  let min = values.length > 0 ? Math.min(...values) : 0;
  let max = values.length > 0 ? Math.max(...values) : 1;
  if (includeZero) {
    min = Math.min(0, min);
    max = Math.max(0, max);
  }
  if (min === max) {
    const pad = min === 0 ? 1 : Math.abs(min) * 0.5;
    min = includeZero && min >= 0 ? Math.min(0, min - pad) : min - pad;
    max += pad;
  }
  const step = niceStep((max - min) / 5);
  const low = Math.floor(min / step + 1e-9) * step;
  const high = Math.ceil(max / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let i = 0; low + i * step <= high + step * 1e-6; i += 1) ticks.push(Number((low + i * step).toPrecision(12)));
  return { min: low, max: high, ticks, label: (value) => formatTick(value, step), log: false };
}

// Decades, with 2 and 5 in between when the data spans two decades or less.
export function logAxis(values: readonly number[]): Axis {
  const positive = values.filter((v) => v > 0);
  const low = positive.length > 0 ? Math.floor(Math.log10(Math.min(...positive)) + 1e-9) : 0;
  let high = positive.length > 0 ? Math.ceil(Math.log10(Math.max(...positive)) - 1e-9) : 1;
  if (high <= low) high = low + 1;
  const decades = high - low;
  const stride = Math.max(1, Math.ceil(decades / 8));
  const ticks: number[] = [];
  for (let exponent = low; exponent <= high; exponent += stride) {
    const decade = 10 ** exponent;
    ticks.push(Number(decade.toPrecision(12)));
    if (decades <= 2 && exponent < high)
      ticks.push(Number((2 * decade).toPrecision(12)), Number((5 * decade).toPrecision(12)));
  }
  return { min: 10 ** low, max: 10 ** high, ticks, label: (value) => formatNumber(value), log: true };
}

function niceStep(rough: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const normalised = rough / magnitude;
  const nice = normalised < 1.5 ? 1 : normalised < 3 ? 2 : normalised < 7 ? 5 : 10;
  return nice * magnitude;
}

function shorten(text: string, maxChars: number): string {
  return text.length <= maxChars ? text : `${text.slice(0, Math.max(1, maxChars - 1))}…`;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
