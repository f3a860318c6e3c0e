// The project's chart specifications, rendered to SVG by vega in Node as the benchmark's report renders them, and
// compiled as the dashboard's page compiles them.
import assert from 'node:assert/strict';
import { renderSvg } from '../../charts/render-svg';
import { dashboardChartSpecs, groupedBarChartSpec, lineChartSpec } from '../../charts/specs';
import { xmlProblems } from '../bench-lib/well-formed-xml';

const NOT_IN_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/;

function assertWellFormed(svg: string): void {
  assert.deepEqual(xmlProblems(svg), []);
  assert.doesNotMatch(svg, NOT_IN_XML);
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]* width="\d+" height="\d+"/);
}

// Every one of the texts is in the SVG, as it is written there (markup escaped).
function assertContains(svg: string, texts: readonly string[]): void {
  assert.deepEqual(
    texts.filter((text) => !svg.includes(text)),
    [],
    'missing from the SVG',
  );
}

// The points a chart's specification holds, as { series, x, y } or { group, series, value }.
function valuesOf(spec: unknown): Record<string, unknown>[] {
  return (spec as { data: { values: Record<string, unknown>[] } }).data.values;
}

describe('Charts (vega-lite specifications, rendered to SVG in Node)', () => {
  describe('when a line chart of latency against rate is drawn', () => {
    const spec = lineChartSpec({
      title: 'p99 latency <by> offered rate & side',
      xLabel: 'offered rate (returns/s)',
      yLabel: 'p99 latency (ms)',
      series: [
        {
          name: 'Temporal "orchestration"',
          points: [
            [10, 40],
            [20, 45],
            [40, 80],
            [80, 400],
          ],
        },
        {
          name: "Kafka API 'choreography'",
          points: [
            [10, 30],
            [20, 31],
            [40, 35],
            [80, 90],
          ],
        },
      ],
    });
    let svg: string;

    before(async () => {
      svg = await renderSvg(spec);
    });

    it('should be well-formed XML', () => assertWellFormed(svg));

    it('should name the chart, both axes and every series, with markup escaped', () => {
      assertContains(svg, [
        'p99 latency &lt;by&gt; offered rate &amp; side',
        'offered rate (returns/s)',
        'p99 latency (ms)',
        'Temporal &quot;orchestration&quot;',
        "Kafka API 'choreography'",
      ]);
    });

    it('should draw one line per series through every point', () => {
      assert.equal(valuesOf(spec).length, 8);
      assert.equal(svg.match(/aria-roledescription="line mark"/g)?.length, 2);
    });
  });

  describe('when the y axis is logarithmic and some values are not positive', () => {
    it('should leave those points out and still render', async () => {
      const spec = lineChartSpec({
        title: 'log',
        xLabel: 'x',
        yLabel: 'y',
        logY: true,
        series: [
          {
            name: 'only positive',
            points: [
              [1, 0],
              [2, 5],
              [3, 5000],
              [4, Number.NaN],
            ],
          },
        ],
      });
      assert.deepEqual(
        valuesOf(spec).map(({ x }) => x),
        [2, 3],
      );
      const svg = await renderSvg(spec);
      assertWellFormed(svg);
      assertContains(svg, ['>10<', '>100<', '>1,000<']);
    });
  });

  describe('when there is nothing to draw', () => {
    it('should still render a chart that says so', async () => {
      const svg = await renderSvg(
        lineChartSpec({ title: 'empty', xLabel: 'x', yLabel: 'y', series: [{ name: 'none', points: [] }] }),
      );
      assertWellFormed(svg);
      assertContains(svg, ['>empty<', 'no data']);
    });
  });

  describe('when a grouped bar chart is drawn', () => {
    const spec = groupedBarChartSpec({
      title: 'CPU per 1000 returns',
      yLabel: 'CPU seconds',
      groups: ['Kafka broker', 'Temporal server', 'workers & subscribers'],
      series: [
        { name: 'Temporal', values: [0, 12.5, 3.25] },
        { name: 'Kafka API', values: [4.75, Number.NaN, 2] },
      ],
    });

    it('should render the groups and series named', async () => {
      const svg = await renderSvg(spec);
      assertWellFormed(svg);
      assertContains(svg, [
        'Kafka broker',
        'Temporal server',
        'workers &amp; subscribers',
        '>Temporal<',
        '>Kafka API<',
      ]);
    });

    it('should keep one bar per finite value', () => {
      assert.deepEqual(
        valuesOf(spec).map(({ group, series }) => `${String(series)} ${String(group)}`),
        [
          'Temporal Kafka broker',
          'Temporal Temporal server',
          'Temporal workers & subscribers',
          'Kafka API Kafka broker',
          'Kafka API workers & subscribers',
        ],
      );
    });
  });

  describe('when text holds characters XML forbids', () => {
    it('should drop them, so the SVG stays well-formed', async () => {
      const svg = await renderSvg(
        lineChartSpec({
          title: 'bell\u0007',
          xLabel: '\u001b[31m',
          yLabel: 'y',
          series: [{ name: 'nul\u0000', points: [[1, 1]] }],
        }),
      );
      assertWellFormed(svg);
      assertContains(svg, ['>bell<']);
    });
  });

  describe("when the dashboard's live charts are compiled", () => {
    it('should give each a named data set the page streams its points into, and render empty', async () => {
      for (const [name, spec] of Object.entries(dashboardChartSpecs())) {
        assert.deepEqual((spec as { data: unknown }).data, { name: 'points' }, name);
        // 'container' width is the page's; a fixed one renders here.
        assertWellFormed(await renderSvg({ ...spec, width: 400 }));
      }
    });
  });
});
