// The one place that reads the environment. Entry points call loadConfig(); everything else receives values.
import path from 'node:path';

export interface Config {
  readonly kafkaBrokers: string[];
  readonly kafkaPartitions: number;
  // How a team's consumer fetches: the broker answers once it holds minBytes, or after maxWaitMs.
  readonly kafkaFetch: { readonly minBytes: number; readonly maxWaitMs: number };
  readonly temporalAddress: string;
  readonly temporalNamespace: string;
  // Where the local stack keeps its jars, binary, data and logs.
  readonly stackDir: string;
  // Where the traditional model's team databases and run records live.
  readonly dataDir: string;
  // An explicit temporal CLI to run instead of building one.
  readonly temporalBinary: string | null;
  // Prefixes every topic, consumer group, task queue, workflow id and team database, so test runs and demos
  // never see each other's state. Re-running a scope replays the same returns idempotently.
  readonly scope: string;
}

const projectRoot = __dirname;

export const DEFAULTS = {
  KAFKA_BROKERS: '127.0.0.1:9092',
  KAFKA_PARTITIONS: '3',
  KAFKA_FETCH_MIN_BYTES: '1',
  KAFKA_FETCH_MAX_WAIT_MS: '50',
  TEMPORAL_ADDRESS: '127.0.0.1:7233',
  TEMPORAL_NAMESPACE: 'default',
  STACK_DIR: path.join(projectRoot, '.stack'),
  DATA_DIR: path.join(projectRoot, '.data'),
  RETURNS_SCOPE: 'demo',
} as const;

export function validScope(scope: string): string {
  if (!/^[a-z0-9][a-z0-9-]{0,39}$/.test(scope)) {
    throw new Error(`RETURNS_SCOPE must be 1-40 lowercase letters, digits or dashes, got "${scope}"`);
  }
  return scope;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const partitions = wholeNumber(env, 'KAFKA_PARTITIONS', 1, 1000);
  const minBytes = wholeNumber(env, 'KAFKA_FETCH_MIN_BYTES', 1, 10_000_000);
  const maxWaitMs = wholeNumber(env, 'KAFKA_FETCH_MAX_WAIT_MS', 0, 10_000);
  const brokers = (env.KAFKA_BROKERS ?? DEFAULTS.KAFKA_BROKERS)
    .split(',')
    .map((broker) => broker.trim())
    .filter((broker) => broker.length > 0);
  if (brokers.length === 0 || brokers.some((broker) => !/^[^\s:]+:\d{1,5}$/.test(broker))) {
    throw new Error(`KAFKA_BROKERS must be a comma-separated list of host:port, got "${env.KAFKA_BROKERS}"`);
  }
  const temporalAddress = env.TEMPORAL_ADDRESS ?? DEFAULTS.TEMPORAL_ADDRESS;
  if (!/^[^\s:]+:\d{1,5}$/.test(temporalAddress)) {
    throw new Error(`TEMPORAL_ADDRESS must be host:port, got "${temporalAddress}"`);
  }
  return {
    kafkaBrokers: brokers,
    kafkaPartitions: partitions,
    kafkaFetch: { minBytes, maxWaitMs },
    temporalAddress,
    temporalNamespace: env.TEMPORAL_NAMESPACE ?? DEFAULTS.TEMPORAL_NAMESPACE,
    stackDir: path.resolve(env.STACK_DIR ?? DEFAULTS.STACK_DIR),
    dataDir: path.resolve(env.DATA_DIR ?? DEFAULTS.DATA_DIR),
    temporalBinary: env.TEMPORAL_BIN ? path.resolve(env.TEMPORAL_BIN) : null,
    scope: validScope(env.RETURNS_SCOPE ?? DEFAULTS.RETURNS_SCOPE),
  };
}

type WholeNumberSetting = 'KAFKA_PARTITIONS' | 'KAFKA_FETCH_MIN_BYTES' | 'KAFKA_FETCH_MAX_WAIT_MS';

function wholeNumber(env: NodeJS.ProcessEnv, name: WholeNumberSetting, min: number, max: number): number {
  const value = Number(env[name] ?? DEFAULTS[name]);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be a whole number from ${min} to ${max}, got "${env[name]}"`);
  }
  return value;
}
