import assert from 'node:assert/strict';
import { markdownTable } from '../../bench/lib/markdown-table';

describe('Markdown table', () => {
  describe('when rows mix text and numbers', () => {
    const table = markdownTable(
      ['side', 'rate (/s)', 'p99 (ms)', { header: 'note', align: 'center' }],
      [
        ['Temporal', 200, 45.678, 'ok'],
        ['Kafka API', 1600, 3.2, null],
      ],
    );
    const lines = table.trimEnd().split('\n');

    it('should line the columns up', () => {
      assert.deepEqual(lines, [
        '| side      | rate (/s) | p99 (ms) | note |',
        '| --------- | --------: | -------: | :--: |',
        '| Temporal  |       200 |     45.7 |  ok  |',
        '| Kafka API |      1600 |      3.2 |      |',
      ]);
    });
  });

  describe('when a cell holds a pipe or a newline', () => {
    it('should escape them so the row stays one row', () => {
      const table = markdownTable(['a'], [['x | y\nz']]);
      assert.equal(table.split('\n')[2], '| x \\| y<br>z |');
    });
  });

  describe('when a column has its own format', () => {
    it('should use it', () => {
      const table = markdownTable([{ header: 'share', format: (value) => `${Number(value) * 100}%` }], [[0.5]]);
      assert.match(table, /\| {3}50% \|/);
    });
  });
});
