// `npm run stack:up | stack:down | stack:status`: the local Kafka broker and Temporal dev server, without Docker,
// and with TEAM_STORE=postgres the local PostgreSQL server.
import { existsSync } from 'node:fs';
import { ActionableError } from '../cli/actionable-error';
import { ensureCommandStack } from '../cli/command-stack';
import { type EntryPoint, runEntryPoint } from '../cli/entry-point';
import { type Config, loadConfig, temporalUiUrl } from '../config';
import { ownershipOf, type ServerName, serverOfStack, stopServers } from './ensure';
import { kafkaAnswers, temporalAnswers } from './health';
import { kafkaVersion } from './kafka-server';
import { postgresAnswers } from '../traditional/postgres-team-store';
import { withoutPassword } from '../config';

const USAGE = `Usage: npm run stack:up | npm run stack:down | npm run stack:status

  stack:up      starts the local Kafka broker and Temporal dev server where none answers, waits until both are
                healthy, and prints their addresses; servers that already answer are reused. With
                TEAM_STORE=postgres, also the PostgreSQL server of the traditional model's team stores
  stack:down    stops the servers this stack folder started (by their recorded pids); others are left alone
  stack:status  says whether each server answers and whether this stack started it
  -h, --help    this text

The first stack:up downloads the Kafka jars (about 10 s) and builds the Temporal CLI (about 5 minutes on 2 cores).
Settings: KAFKA_BROKERS, TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_BIN, TEAM_STORE, TEAM_DATABASE_URL, STACK_DIR
(see Configuration in the README).
Exit codes: 0 done (stack:status: both servers answer), 1 a server could not be started or stopped,
2 a usage error or a bad setting, 3 stack:status found a server not answering, 130/143 stopped by a signal.`;

const log = (line: string): void => void process.stdout.write(`[stack] ${line}\n`);
const say = (line = ''): void => void process.stdout.write(`${line}\n`);

async function up(config: Config, entry: EntryPoint): Promise<number> {
  // A server half-way through its start goes on starting in its own process group; stack:down stops it.
  entry.onStop(() => log('stopped waiting; a server already launched keeps starting (npm run stack:down stops it)'));
  const stack = await ensureCommandStack(config, { kafka: true, temporal: true }, { entry, log, stopWhenDone: false });
  if (stack.started.length === 0) log('nothing to start: every server already answers');
  say();
  say(`  ${`Kafka ${kafkaVersion()}`.padEnd(16)}KAFKA_BROKERS=${config.kafkaBrokers.join(',')}`);
  say(`  Temporal        TEMPORAL_ADDRESS=${config.temporalAddress}  TEMPORAL_NAMESPACE=${config.temporalNamespace}`);
  say(`  Temporal UI     ${temporalUiUrl(config.temporalAddress)}`);
  if (config.teamStore === 'postgres') {
    say(`  PostgreSQL      TEAM_STORE=postgres  TEAM_DATABASE_URL=${withoutPassword(config.teamDatabaseUrl)}`);
  }
  say(
    `  Logs            ${config.stackDir}/logs/kafka.log, temporal.log${config.teamStore === 'postgres' ? ', postgres.log' : ''}`,
  );
  say('  Stop with       npm run stack:down');
  return 0;
}

async function down(config: Config): Promise<number> {
  const running = (['kafka', 'temporal', 'postgres'] as const).filter(
    (name: ServerName) => serverOfStack(config.stackDir, name) !== null,
  );
  if (running.length === 0) {
    log('no server started by this stack is running; nothing to stop (servers started elsewhere are left alone)');
    return 0;
  }
  await stopServers(config.stackDir, running, log);
  log('stopped');
  return 0;
}

async function status(config: Config): Promise<number> {
  const [kafkaUp, temporalUp] = await Promise.all([
    kafkaAnswers(config.kafkaBrokers),
    temporalAnswers(config.temporalAddress, config.temporalNamespace),
  ]);
  say(
    `Kafka     ${config.kafkaBrokers.join(',')}  ${kafkaUp ? 'healthy' : 'not answering'}  (${ownershipOf(config, 'kafka')})`,
  );
  say(
    `Temporal  ${config.temporalAddress}  namespace ${config.temporalNamespace}  ${temporalUp ? 'healthy' : 'not answering'}  (${ownershipOf(config, 'temporal')})`,
  );
  if (temporalUp) say(`Temporal UI  ${temporalUiUrl(config.temporalAddress)}`);
  const postgresUp = config.teamStore !== 'postgres' || (await postgresAnswers(config.teamDatabaseUrl));
  if (config.teamStore === 'postgres') {
    say(
      `PostgreSQL  ${withoutPassword(config.teamDatabaseUrl)}  ${postgresUp ? 'healthy' : 'not answering'}  (${ownershipOf(config, 'postgres')})`,
    );
  }
  if (existsSync(config.stackDir)) say(`Logs      ${config.stackDir}/logs/`);
  return kafkaUp && temporalUp && postgresUp ? 0 : 3;
}

async function main(entry: EntryPoint): Promise<number> {
  const [command, ...rest] = process.argv.slice(2);
  // `npm run stack:up -- --help` arrives as "up --help".
  if (
    command === undefined ||
    ['-h', '--help', 'help'].includes(command) ||
    rest.some((arg) => arg === '-h' || arg === '--help')
  ) {
    say(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (rest.length > 0)
    throw new ActionableError(`stack:${command} takes no arguments, got ${rest.join(' ')}\n\n${USAGE}`, 2);
  const config = loadConfig();
  if (command === 'up') return up(config, entry);
  if (command === 'down') return down(config);
  if (command === 'status') return status(config);
  throw new ActionableError(`Unknown stack command "${command}"\n\n${USAGE}`, 2);
}

runEntryPoint(main);
