// What every benchmarked subject is started with.
import type { Config } from '../config';
import { DEFAULT_MAX_RECORDS_PER_APPEND } from '../event-sourced/batched-append';
import type { ServerProcess } from './server-pids';
import type { Workload } from './workload';

export interface BenchTuning {
  // The Kafka ceiling's driver sends every request that is due in one turn of its event loop as one produce
  // request, up to this many records, as the model's publisher does with its own default.
  readonly publishBatchMax: number;
}

// The publisher's own default, so that the ceiling batches as the publisher users run does.
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
