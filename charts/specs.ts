// Every chart of the project as a vega-lite specification, written once: the benchmark report renders these to
// SVG files in Node (charts/render-svg.ts), and the dashboard sends its own to the page, which renders them live
// with the same library, served from node_modules. One look for both: the palette, the fonts, the legends.
import type { TopLevelSpec } from 'vega-lite/build/index';
import { TEAMS } from '../domain';
import { MODEL_NAMES } from '../model/port';

export type ChartSpec = TopLevelSpec;

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

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

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
// Dashes also tell lines apart, for grey-scale prints.
const DASHES: readonly number[][] = [[], [6, 3], [2, 3], [8, 3, 2, 3]];

const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif";

const CONFIG = {
  font: FONT,
  background: 'white',
  title: { anchor: 'start', fontSize: 15, fontWeight: 600, color: '#222222' },
  axis: { gridColor: '#e3e3e3', labelColor: '#222222', titleColor: '#222222', titleFontWeight: 500 },
  legend: { orient: 'bottom', direction: 'vertical', columns: 2, labelLimit: 0, title: null },
  view: { stroke: '#cccccc' },
} as const;

// Characters XML 1.0 does not allow at all, and unpaired surrogates: the SVG renderer escapes markup, not these.
const NOT_IN_XML =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function textForXml(text: string): string {
  return text.replace(NOT_IN_XML, '');
}

// A series' colour and dash by its place in the list, so a chart's order is its legend's.
function seriesScale<T extends string | number[]>(names: readonly string[], range: readonly T[]) {
  return { domain: [...names], range: names.map((_, index) => range[index % range.length]) };
}

// What every chart of the report starts with: its title and size, in the project's look.
function reportFrame(title: string, width: number, height: number) {
  return { $schema: SCHEMA, title: textForXml(title), width, height, config: CONFIG };
}

// A number axis, linear from zero or logarithmic over the data's own range (not widened to whole decades).
function quantityAxis(field: 'x' | 'y', label: string, log: boolean) {
  return {
    field,
    type: 'quantitative',
    title: textForXml(label),
    scale: log ? ({ type: 'log', nice: false, padding: 10 } as const) : { zero: true },
  } as const;
}

// Latency against rate, throughput, backlog over time: lines with their points marked. On a log axis, a value
// that is not positive has no place, and is left out.
export function lineChartSpec(options: LineChartOptions): ChartSpec {
  const { title, xLabel, yLabel, logX = false, logY = false, width = 720, height = 400 } = options;
  const fits = (value: number, log: boolean) => Number.isFinite(value) && (!log || value > 0);
  const names = options.series.map((series) => textForXml(series.name));
  const values = options.series.flatMap((series, index) =>
    series.points.filter(([x, y]) => fits(x, logX) && fits(y, logY)).map(([x, y]) => ({ series: names[index], x, y })),
  );
  if (values.length === 0) return nothingToDraw(title, width, height);
  return {
    ...reportFrame(title, width, height),
    data: { values },
    mark: { type: 'line', point: { filled: true, size: 36 }, strokeWidth: 2 },
    encoding: {
      x: quantityAxis('x', xLabel, logX),
      y: quantityAxis('y', yLabel, logY),
      color: { field: 'series', type: 'nominal', scale: seriesScale(names, PALETTE) },
      strokeDash: { field: 'series', type: 'nominal', scale: seriesScale(names, DASHES) },
      order: { field: 'x', type: 'quantitative' },
    },
  };
}

// One bar per series in each group, e.g. CPU per return by kind of process, one group per subject.
export function groupedBarChartSpec(options: GroupedBarChartOptions): ChartSpec {
  const { title, yLabel, width = 720, height = 400 } = options;
  const groups = options.groups.map(textForXml);
  const names = options.series.map((series) => textForXml(series.name));
  const values = options.series.flatMap((series, index) =>
    groups.flatMap((group, at) => {
      const value = series.values[at];
      return value !== undefined && Number.isFinite(value) ? [{ group, series: names[index], value }] : [];
    }),
  );
  if (values.length === 0) return nothingToDraw(title, width, height);
  return {
    ...reportFrame(title, width, height),
    data: { values },
    mark: { type: 'bar', tooltip: true },
    encoding: {
      x: { field: 'group', type: 'nominal', sort: groups, title: null, axis: { labelAngle: 0, labelLimit: 0 } },
      xOffset: { field: 'series', type: 'nominal', sort: names },
      y: { field: 'value', type: 'quantitative', title: textForXml(yLabel) },
      color: { field: 'series', type: 'nominal', scale: seriesScale(names, PALETTE) },
    },
  };
}

// A chart with no point to draw still says what it is, and that nothing was measured.
function nothingToDraw(title: string, width: number, height: number): ChartSpec {
  return {
    ...reportFrame(title, width, height),
    data: { values: [{ text: 'no data: nothing was measured for this chart' }] },
    mark: { type: 'text', x: width / 2, y: height / 2, fontSize: 14, color: '#666666' },
    encoding: { text: { field: 'text', type: 'nominal' } },
  };
}

// The dashboard's live charts: a count per second over the last minutes, one line per model or per team, in a
// colour of its own whichever chart it is on. The page streams its points into the data set named `points`
// ({ t: epoch ms, n, and the series field }).
export function liveLineChartSpec(yTitle: string, seriesField: 'model' | 'team'): ChartSpec {
  const names = seriesField === 'model' ? MODEL_NAMES : TEAMS;
  return {
    $schema: SCHEMA,
    width: 'container',
    height: 160,
    config: CONFIG,
    data: { name: 'points' },
    mark: { type: 'line', interpolate: 'linear', strokeWidth: 2 },
    encoding: {
      x: { field: 't', type: 'temporal', title: null, axis: { format: '%H:%M:%S', tickCount: 5 } },
      y: { field: 'n', type: 'quantitative', title: yTitle },
      color: { field: seriesField, type: 'nominal', scale: seriesScale(names, PALETTE), legend: { columns: 5 } },
    },
  };
}

// What the dashboard's page draws, sent by its server: the same module as the benchmark's charts.
export function dashboardChartSpecs(): { readonly completed: ChartSpec; readonly backlog: ChartSpec } {
  return {
    completed: liveLineChartSpec('returns completed per second', 'model'),
    backlog: liveLineChartSpec('returns waiting', 'team'),
  };
}
