// Renders a chart specification (charts/specs.ts) to an SVG document in Node, with vega's own SVG renderer: no
// browser and no canvas. Text widths are vega's estimate, close enough for axis labels and legends.
import type { ChartSpec } from './specs';

type VegaLite = typeof import('vega-lite/build/index');
type Vega = typeof import('vega');

// vega and vega-lite ship as ES modules only, which this CommonJS project cannot require: they are loaded with a
// real dynamic import, which TypeScript, compiling to CommonJS, would otherwise turn into a require.
// eslint-disable-next-line @typescript-eslint/no-implied-eval -- a fixed body; only the specifier varies
const importModule = new Function('specifier', 'return import(specifier)') as <T>(specifier: string) => Promise<T>;

let libraries: Promise<[VegaLite, Vega]> | undefined;

function loadLibraries(): Promise<[VegaLite, Vega]> {
  libraries ??= Promise.all([importModule<VegaLite>('vega-lite'), importModule<Vega>('vega')]);
  return libraries;
}

export async function renderSvg(spec: ChartSpec): Promise<string> {
  const [vegaLite, vega] = await loadLibraries();
  const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
