// Restarts the Kafka broker or the Temporal server the configuration names, through the local stack's own stop and
// start (stack/ensure.ts), with their data kept. Only a server this stack started (a live pid in STACK_DIR) is
// ever restarted: one started elsewhere (docker compose, another checkout) is refused, and the scenario says so.
import type { Config } from '../config';
import { ensureStack, stopServers } from '../stack/ensure';
import { KAFKA_MAIN_CLASS, kafkaNodesAt } from '../stack/kafka-server';
import { recordedServerPid } from '../stack/processes';
import { TEMPORAL_COMMAND_MARKER, temporalServer } from '../stack/temporal-server';

export type ServerName = 'kafka' | 'temporal';

export class RestartRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RestartRefusedError';
  }
}

export function serverAddress(config: Config, server: ServerName): string {
  return server === 'kafka' ? config.kafkaBrokers.join(',') : config.temporalAddress;
}

// Throws RestartRefusedError unless this stack started the server and could start it again.
export function assertRestartable(config: Config, server: ServerName): void {
  // Every broker of a local cluster, or the restart would start brokers beside ones it does not own.
  const ours =
    server === 'kafka'
      ? kafkaNodesAt(config.stackDir, config.kafkaBrokers, config.kafkaLocalBrokers).every(
          ({ node, address }) => recordedServerPid(node, KAFKA_MAIN_CLASS, address) !== null,
        )
      : recordedServerPid(temporalServer(config.stackDir), TEMPORAL_COMMAND_MARKER, config.temporalAddress) !== null;
  if (ours) return;
  const name = server === 'kafka' ? 'Kafka' : 'Temporal';
  throw new RestartRefusedError(
    `${name} at ${serverAddress(config, server)} was not started by the stack in ${config.stackDir}, so it is not ` +
      'restarted: a server started elsewhere may serve others, and could not be started again from here. Run the ' +
      'restart scenarios on a stack of their own, e.g. STACK_DIR=/tmp/faults-stack KAFKA_BROKERS=127.0.0.1:39092 ' +
      'TEMPORAL_ADDRESS=127.0.0.1:37233 npm run faults',
  );
}

export interface Restart {
  readonly server: ServerName;
  // Wall-clock times (epoch ms): when it was asked to stop, when it had stopped, when it answered again.
  readonly stopAskedAt: number;
  readonly stoppedAt: number;
  readonly answeringAt: number;
}

// Stops the server (SIGTERM, as an operator would), keeps it down for downMs, and starts it again on the same data.
export async function restartServer(
  config: Config,
  server: ServerName,
  { downMs = 0, log = () => undefined }: { downMs?: number; log?: (line: string) => void } = {},
): Promise<Restart> {
  assertRestartable(config, server);
  const stopAskedAt = Date.now();
  await stopServers(config.stackDir, [server], log);
  const stoppedAt = Date.now();
  if (downMs > 0) await new Promise((resolve) => setTimeout(resolve, downMs));
  await ensureStack(config, { kafka: server === 'kafka', temporal: server === 'temporal' }, log);
  return { server, stopAskedAt, stoppedAt, answeringAt: Date.now() };
}
