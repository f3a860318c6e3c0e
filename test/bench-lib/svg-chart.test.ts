import assert from 'node:assert/strict';
import { formatNumber, formatTick } from '../../bench/lib/format-number';
import { escapeXml, groupedBarChart, lineChart, linearAxis, logAxis } from '../../bench/lib/svg-chart';
import { xmlProblems } from './well-formed-xml';

function assertWellFormed(svg: string): void {
  assert.deepEqual(xmlProblems(svg), []);
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="\d+" height="\d+" viewBox=/);
}

describe('SVG charts', () => {
  describe('when a line chart of latency against rate is drawn', () => {
    const svg = lineChart({
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

    it('should be well-formed XML', () => {
      assertWellFormed(svg);
    });

    it('should name every series in its legend, escaped', () => {
      assert.ok(svg.includes('Temporal &quot;orchestration&quot;'));
      assert.ok(svg.includes('Kafka API &apos;choreography&apos;'));
      assert.ok(svg.includes('p99 latency &lt;by&gt; offered rate &amp; side'));
    });

    it('should label both axes and draw one path per series', () => {
      assert.ok(svg.includes('offered rate (returns/s)'));
      assert.ok(svg.includes('p99 latency (ms)'));
      assert.equal(svg.match(/<path /g)?.length, 2);
    });
  });

  describe('when the y axis is logarithmic and some values are not positive', () => {
    it('should leave those points out and stay well-formed', () => {
      const svg = lineChart({
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
      assertWellFormed(svg);
      assert.equal(svg.match(/<circle /g)?.length, 2 + 1, 'two points and one legend marker');
      for (const tick of ['>1<', '>10<', '>100<', '>1000<', '>10k<']) assert.ok(svg.includes(tick), `tick ${tick}`);
    });
  });

  describe('when there is nothing to draw', () => {
    it('should still produce a well-formed chart that says so', () => {
      const svg = lineChart({ title: 'empty', xLabel: 'x', yLabel: 'y', series: [{ name: 'none', points: [] }] });
      assertWellFormed(svg);
      assert.ok(svg.includes('no data'));
    });
  });

  describe('when a grouped bar chart is drawn', () => {
    const svg = groupedBarChart({
      title: 'CPU per 1000 returns',
      yLabel: 'CPU seconds',
      groups: ['Kafka broker', 'Temporal server', 'workers & subscribers'],
      series: [
        { name: 'Temporal', values: [0, 12.5, 3.25] },
        { name: 'Kafka API', values: [4.75, Number.NaN, 2] },
      ],
    });

    it('should be well-formed XML with the groups and series named', () => {
      assertWellFormed(svg);
      for (const text of [
        'Kafka broker',
        'Temporal server',
        'workers &amp; subscribers',
        '>Temporal<',
        '>Kafka API<',
      ]) {
        assert.ok(svg.includes(text), text);
      }
    });

    it('should draw one bar per finite value', () => {
      const bars = svg.match(/<rect [^>]*><title>/g) ?? [];
      assert.equal(bars.length, 5);
      assert.ok(svg.includes('>12.5<'), 'value label');
    });
  });

  describe('when text holds characters XML forbids', () => {
    it('should drop control characters and escape markup', () => {
      assert.equal(
        escapeXml('a\u0000b\u0007c <d> & "e" \'f\' \u{1F600}'),
        'abc &lt;d&gt; &amp; &quot;e&quot; &apos;f&apos; \u{1F600}',
      );
      assertWellFormed(lineChart({ title: 'bell\u0007', xLabel: '\u001b[31m', yLabel: 'y', series: [] }));
    });
  });

  describe('when axes are laid out', () => {
    it('should pick round linear ticks that cover the data from zero', () => {
      assert.deepEqual(linearAxis([3, 87], true).ticks, [0, 20, 40, 60, 80, 100]);
      assert.deepEqual(linearAxis([0.12, 0.9], true).ticks, [0, 0.2, 0.4, 0.6, 0.8, 1]);
      assert.deepEqual(linearAxis([5, 5], true).ticks.at(0), 0);
    });

    it('should pick decades on a log axis, with 2 and 5 when the span is short', () => {
      assert.deepEqual(logAxis([3, 4500]).ticks, [1, 10, 100, 1000, 10000]);
      assert.deepEqual(logAxis([3, 40]).ticks, [1, 2, 5, 10, 20, 50, 100]);
    });
  });

  describe('when numbers are formatted', () => {
    it('should keep about three significant digits and shorten thousands', () => {
      const cases: [number, string][] = [
        [0, '0'],
        [7, '7'],
        [1.2345, '1.23'],
        [12.345, '12.3'],
        [123.456, '123'],
        [9999, '9999'],
        [12_345, '12.3k'],
        [450_000, '450k'],
        [1_234_567, '1.23M'],
        [0.012345, '0.0123'],
        [-2.5, '-2.5'],
        [Number.NaN, '–'],
      ];
      for (const [value, text] of cases) assert.equal(formatNumber(value), text, String(value));
    });

    it('should give tick labels the decimals of their step', () => {
      assert.deepEqual(
        [0, 0.25, 0.5].map((value) => formatTick(value, 0.25)),
        ['0', '0.25', '0.50'],
      );
      assert.deepEqual(
        [0, 20, 40].map((value) => formatTick(value, 20)),
        ['0', '20', '40'],
      );
    });
  });
});
