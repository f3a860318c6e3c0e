// Turns one fixture scenario into one mocha `it`, and compares only the record fields a scenario names.
import assert from 'node:assert/strict';

export function assertFields<T extends object>(actual: T, expected: Partial<T>): void {
  const keys = Object.keys(expected) as (keyof T)[];
  assert.ok(keys.length > 0, 'a scenario must expect at least one field');
  const picked = Object.fromEntries(keys.map((key) => [key, actual[key]]));
  assert.deepEqual(picked, expected);
}
