// What the report says of the machine and the settings a run measured: the figures mean little without them.
import os from 'node:os';
import type { Config } from '../config';
import { kafkaVersion } from '../stack/kafka-server';
import { TEMPORAL_CLI_VERSION } from '../stack/temporal-server';
import { connectClient } from '../traditional/client';
import { DEFAULT_BENCH_TUNING } from './context';
import type { BenchOptions } from './options';
import type { MachineInfo } from './results';

export async function describeMachine(
  config: Config,
  servers: MachineInfo['servers'],
  options: BenchOptions,
): Promise<MachineInfo> {
  let serverVersion = 'unknown';
  if (options.families.includes('orchestration')) {
    try {
      const client = await connectClient(config);
      try {
        serverVersion = (await client.connection.workflowService.getSystemInfo({})).serverVersion || 'unknown';
      } finally {
        await client.connection.close();
      }
    } catch {
      // Reported as unknown.
    }
  }
  const kafkaServer = servers.find((server) => server.role === 'kafka-server');
  const temporalServer = servers.find((server) => server.role === 'temporal-server');
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    memoryBytes: os.totalmem(),
    os: `${os.type()} ${os.release()}`,
    arch: os.arch(),
    node: process.version,
    kafka:
      kafkaServer?.source === 'stack pid file'
        ? { version: kafkaVersion(), source: 'the local stack (stack/kafka/pom.xml)' }
        : { version: 'unknown', source: 'a broker the local stack did not start' },
    temporal: {
      serverVersion,
      cli:
        temporalServer?.source === 'stack pid file'
          ? `temporal CLI ${TEMPORAL_CLI_VERSION} (the local stack)`
          : 'unknown',
    },
    servers: servers.map(({ role, pid, source }) => ({ role, pid, source })),
    loadAverageAtStart: os.loadavg().map((value) => Math.round(value * 100) / 100),
  };
}

export function tuningDescription(): Record<string, unknown> {
  return {
    driverPublishBatchMax: DEFAULT_BENCH_TUNING.publishBatchMax,
    driverPublish: 'every request due in one event-loop turn is sent as one produce request (acks=-1)',
    eventSourcedConsumers: 'event-sourced/event-log.ts DEFAULT_CONSUMER_TUNING (run-team.ts passes none)',
    temporalWorkers: 'Temporal SDK defaults (traditional/worker.ts passes no concurrency options)',
    temporalServer: 'dev server with raised per-namespace rate limits (stack/temporal-server.ts)',
  };
}
