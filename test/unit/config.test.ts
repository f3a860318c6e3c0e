import assert from 'node:assert/strict';
import { loadConfig } from '../../config';

describe('Configuration from the environment', () => {
  describe('when nothing is set', () => {
    it('should fetch with the first record, waiting at most 50 ms', () => {
      assert.deepEqual(loadConfig({}).kafkaFetch, { minBytes: 1, maxWaitMs: 50 });
    });
  });

  describe('when the fetch settings are set', () => {
    it('should use them', () => {
      const config = loadConfig({ KAFKA_FETCH_MIN_BYTES: '16384', KAFKA_FETCH_MAX_WAIT_MS: '10' });
      assert.deepEqual(config.kafkaFetch, { minBytes: 16384, maxWaitMs: 10 });
    });

    for (const [name, value] of [
      ['KAFKA_FETCH_MIN_BYTES', '0'],
      ['KAFKA_FETCH_MIN_BYTES', '1.5'],
      ['KAFKA_FETCH_MAX_WAIT_MS', '-1'],
      ['KAFKA_FETCH_MAX_WAIT_MS', 'soon'],
    ] as const) {
      it(`should refuse ${name}=${value}, naming the variable and the allowed range`, () => {
        assert.throws(() => loadConfig({ [name]: value }), new RegExp(`${name} must be a whole number from \\d+ to \\d+, got "${value}"`));
      });
    }
  });

  describe('when KAFKA_PARTITIONS is not a whole number', () => {
    it('should refuse it', () => {
      assert.throws(() => loadConfig({ KAFKA_PARTITIONS: 'three' }), /KAFKA_PARTITIONS must be a whole number from 1 to 1000/);
    });
  });
});
