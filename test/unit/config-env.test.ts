import assert from 'node:assert/strict';
import { type Config, configEnv, loadConfig } from '../../config';

// Configurations unlike the defaults in every field, so that a field configEnv forgot falls back to a default and
// the round trip shows it.
const CONFIGURATIONS: readonly Config[] = [
  loadConfig({}),
  {
    kafkaBrokers: ['kafka-1.internal:19092', 'kafka-2.internal:19093'],
    kafkaLocalBrokers: 1,
    kafkaPartitions: 12,
    teamInstances: 3,
    kafkaFetch: { minBytes: 16_384, maxWaitMs: 10 },
    temporalAddress: 'temporal.internal:17233',
    temporalNamespace: 'returns.staging',
    stackDir: '/srv/returns/stack',
    dataDir: '/srv/returns/data',
    teamStore: 'postgres',
    teamDatabaseUrl: 'postgresql://team:secret@db.internal:6543/returns_staging?sslmode=require',
    temporalBinary: '/opt/temporal/bin/temporal',
    scope: 'load-test-7',
  },
  // A local cluster: every broker's address is written out, and read back as it is.
  loadConfig({ KAFKA_BROKERS: '127.0.0.1:29092', KAFKA_LOCAL_BROKERS: '3', RETURNS_SCOPE: 'cluster-1' }),
];

describe('configEnv, the inverse of loadConfig', () => {
  for (const config of CONFIGURATIONS) {
    it(`gives a child process the same configuration (scope ${config.scope})`, () => {
      assert.deepEqual(loadConfig(configEnv(config)), config);
    });
  }

  it('writes every setting loadConfig reads, so nothing is inherited from the parent by accident', () => {
    const env = configEnv(CONFIGURATIONS[1]);
    // A parent environment full of other values must not change what the child gets.
    const parent = Object.fromEntries(Object.keys(env).map((name) => [name, 'inherited-by-mistake']));
    assert.deepEqual(loadConfig({ ...parent, ...env }), CONFIGURATIONS[1]);
  });
});
