// What every benchmarked subject is started with.
import type { Config } from '../config';
import { DEFAULT_MAX_RECORDS_PER_APPEND } from '../event-sourced/batched-append';
import type { ServerProcess } from './server-pids';
import type { Workload } from './workload';

export interface BenchTuning {
  // The driver sends every request that is due in one turn of its event loop as one produce request, up to this
  // many records: through the model's publisher, and for the Kafka ceiling through the same batching.
  readonly publishBatchMax: number;
}

// The publisher's own default: the benchmark measures the publisher users run.
export const DEFAULT_BENCH_TUNING: BenchTuning = { publishBatchMax: DEFAULT_MAX_RECORDS_PER_APPEND };

export interface BenchContext {
  readonly config: Config;
  readonly workload: Workload;
  readonly servers: readonly ServerProcess[];
  // Where the child processes' output goes.
  readonly logDir: string;
  readonly tuning: BenchTuning;
  // Node options for every child process (--cpu-prof when asked for).
  readonly childNodeOptions: readonly string[];
  readonly log: (line: string) => void;
}

// The environment of every child process: the run's configuration, with its scope.
export function childEnv(config: Config): NodeJS.ProcessEnv {
  return {
    KAFKA_BROKERS: config.kafkaBrokers.join(','),
    KAFKA_PARTITIONS: String(config.kafkaPartitions),
    TEMPORAL_ADDRESS: config.temporalAddress,
    TEMPORAL_NAMESPACE: config.temporalNamespace,
    STACK_DIR: config.stackDir,
    DATA_DIR: config.dataDir,
    RETURNS_SCOPE: config.scope,
  };
}
