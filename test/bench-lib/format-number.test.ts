import assert from 'node:assert/strict';
import { formatNumber } from '../../bench/lib/format-number';

describe("The report's number formatting", () => {
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
});
