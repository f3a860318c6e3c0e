// `npm run stack:up | stack:down | stack:status`: the local Kafka broker and Temporal dev server, without Docker.
import { existsSync } from 'node:fs';
import { loadConfig } from '../config';
import { ensureStack, stopServers } from './ensure';
import { kafkaAnswers, temporalAnswers } from './health';
import { KAFKA_MAIN_CLASS, kafkaServer, kafkaVersion } from './kafka-server';
import { recordedServerPid, StackError } from './processes';
import { TEMPORAL_COMMAND_MARKER, temporalServer, temporalUiUrl } from './temporal-server';

const log = (line: string) => console.log(`[stack] ${line}`);

async function up(): Promise<void> {
  const config = loadConfig();
  const stack = await ensureStack(config, { kafka: true, temporal: true }, log);
  if (stack.started.length === 0) log('nothing to start: both servers already answer');
  printAddresses();
}

async function down(): Promise<void> {
  const config = loadConfig();
  const running = [
    recordedServerPid(kafkaServer(config.stackDir), KAFKA_MAIN_CLASS) !== null ? ('kafka' as const) : null,
    recordedServerPid(temporalServer(config.stackDir), TEMPORAL_COMMAND_MARKER) !== null ? ('temporal' as const) : null,
  ].filter((server) => server !== null);
  if (running.length === 0) {
    log('no server started by this stack is running; nothing to stop (servers started elsewhere are left alone)');
    return;
  }
  await stopServers(config.stackDir, running, log);
  log('stopped');
}

async function status(): Promise<void> {
  const config = loadConfig();
  const kafkaPid = recordedServerPid(kafkaServer(config.stackDir), KAFKA_MAIN_CLASS);
  const temporalPid = recordedServerPid(temporalServer(config.stackDir), TEMPORAL_COMMAND_MARKER);
  const kafkaUp = await kafkaAnswers(config.kafkaBrokers);
  const temporalUp = await temporalAnswers(config.temporalAddress, config.temporalNamespace);
  const owner = (pid: number | null) => (pid !== null ? `started by this stack, pid ${pid}` : 'not started by this stack');
  console.log(`Kafka     ${config.kafkaBrokers.join(',')}  ${kafkaUp ? 'healthy' : 'not answering'}  (${owner(kafkaPid)})`);
  console.log(
    `Temporal  ${config.temporalAddress}  namespace ${config.temporalNamespace}  ${temporalUp ? 'healthy' : 'not answering'}  (${owner(temporalPid)})`,
  );
  if (temporalUp) console.log(`Temporal UI  ${temporalUiUrl(config.temporalAddress)}`);
  if (existsSync(config.stackDir)) console.log(`Logs      ${config.stackDir}/logs/`);
  if (!kafkaUp || !temporalUp) process.exitCode = 3;
}

function printAddresses(): void {
  const config = loadConfig();
  console.log('');
  console.log(`  ${`Kafka ${kafkaVersion()}`.padEnd(16)}KAFKA_BROKERS=${config.kafkaBrokers.join(',')}`);
  console.log(`  Temporal        TEMPORAL_ADDRESS=${config.temporalAddress}  TEMPORAL_NAMESPACE=${config.temporalNamespace}`);
  console.log(`  Temporal UI     ${temporalUiUrl(config.temporalAddress)}`);
  console.log(`  Logs            ${config.stackDir}/logs/kafka.log, temporal.log`);
  console.log('  Stop with       npm run stack:down');
}

const commands: Record<string, () => Promise<void>> = { up, down, status };
const command = commands[process.argv[2] ?? ''];
if (!command) {
  console.error('usage: ts-node stack/cli.ts up|down|status');
  process.exit(2);
}
command().catch((error: unknown) => {
  if (error instanceof StackError) console.error(`[stack] ${error.message}`);
  else console.error(error);
  process.exit(1);
});
