// `npm run stack:up | stack:down | stack:status`: the local Kafka broker and Temporal dev server, without Docker,
// and with TEAM_STORE=postgres the local PostgreSQL server.
import { existsSync } from 'node:fs';
import { ActionableError } from '../cli/actionable-error';
import { ensureCommandStack } from '../cli/command-stack';
import { type EntryPoint, runEntryPoint } from '../cli/entry-point';
import { type Config, LOCAL_CLUSTER_BROKERS, loadConfig, temporalUiUrl } from '../config';
import { clusterBrokersOf, ownershipOf, type ServerName, serversOfStack, stopServers } from './ensure';
import { kafkaAnswers, temporalAnswers } from './health';
import { kafkaProbe, kafkaVersion } from './kafka-server';
import { postgresAnswers } from '../traditional/postgres-team-store';
import { withoutPassword } from '../config';

const USAGE = `Usage: npm run stack:up | npm run stack:down | npm run stack:status   [-- --brokers 1|3]

  stack:up      starts the local Kafka broker and Temporal dev server where none answers, waits until both are
                healthy, and prints their addresses; servers that already answer are reused. With
                TEAM_STORE=postgres, also the PostgreSQL server of the traditional model's team stores
  stack:down    stops the servers this stack folder started (by their recorded pids), every Kafka broker of it
                included; others are left alone
  stack:status  says whether each server answers and whether this stack started it
  --brokers N   1: one Kafka broker (the default); 3: a cluster of three brokers, each a KRaft controller too, on
                the port KAFKA_BROKERS names and the ones 2 and 4 above it (controllers one above each). The same as
                KAFKA_LOCAL_BROKERS=N; stack:up with 3 also starts a broker of the cluster that is down
  -h, --help    this text

The first stack:up downloads the Kafka jars (about 10 s) and builds the Temporal CLI (about 5 minutes on 2 cores).
Settings: KAFKA_BROKERS, KAFKA_LOCAL_BROKERS, TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_BIN, TEAM_STORE,
TEAM_DATABASE_URL, STACK_DIR (see Configuration in the README).
Exit codes: 0 done (stack:status: both servers answer), 1 a server could not be started or stopped,
2 a usage error or a bad setting, 3 stack:status found a server not answering, 130/143 stopped by a signal.`;

const log = (line: string): void => void process.stdout.write(`[stack] ${line}\n`);
const say = (line = ''): void => void process.stdout.write(`${line}\n`);

async function up(config: Config, entry: EntryPoint): Promise<number> {
  // A server half-way through its start goes on starting in its own process group; stack:down stops it.
  entry.onStop(() => log('stopped waiting; a server already launched keeps starting (npm run stack:down stops it)'));
  const stack = await ensureCommandStack(
    config,
    { kafka: true, temporal: true },
    {
      entry,
      // ensureCommandStack puts the [stack] prefix on every line itself.
      log: say,
      stopWhenDone: false,
    },
  );
  if (stack.started.length === 0) log('nothing to start: every server already answers');
  const cluster = config.kafkaLocalBrokers > 1;
  say();
  say(
    `  ${`Kafka ${kafkaVersion()}`.padEnd(16)}KAFKA_BROKERS=${config.kafkaBrokers.join(',')}` +
      (cluster ? `  KAFKA_LOCAL_BROKERS=${config.kafkaLocalBrokers}` : ''),
  );
  if (cluster)
    say(`  Topics          ${config.kafkaLocalBrokers} replicas each, appends acknowledged once 2 are in sync`);
  say(`  Temporal        TEMPORAL_ADDRESS=${config.temporalAddress}  TEMPORAL_NAMESPACE=${config.temporalNamespace}`);
  say(`  Temporal UI     ${temporalUiUrl(config.temporalAddress)}`);
  if (config.teamStore === 'postgres') {
    say(`  PostgreSQL      TEAM_STORE=postgres  TEAM_DATABASE_URL=${withoutPassword(config.teamDatabaseUrl)}`);
  }
  const kafkaLogs = cluster
    ? Array.from({ length: config.kafkaLocalBrokers }, (_, index) => `kafka-${index + 1}.log`).join(', ')
    : 'kafka.log';
  say(
    `  Logs            ${config.stackDir}/logs/${kafkaLogs}, temporal.log${config.teamStore === 'postgres' ? ', postgres.log' : ''}`,
  );
  say('  Stop with       npm run stack:down');
  return 0;
}

async function down(config: Config): Promise<number> {
  const running = (['kafka', 'temporal', 'postgres'] as const).filter(
    (name: ServerName) => serversOfStack(config.stackDir, name).length > 0,
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
  const brokers = clusterBrokersOf(config);
  const [kafkaUp, temporalUp, brokersUp] = await Promise.all([
    kafkaProbe(config.kafkaBrokers, config.kafkaLocalBrokers)(),
    temporalAnswers(config.temporalAddress, config.temporalNamespace),
    Promise.all(brokers.map(({ address }) => kafkaAnswers([address]))),
  ]);
  say(
    `Kafka     ${config.kafkaBrokers.join(',')}  ${kafkaUp ? 'healthy' : 'not answering'}  (${ownershipOf(config, 'kafka')})`,
  );
  // One line per broker of a cluster: which one is down is what a person asks next.
  brokers.forEach(({ name, address, pid }, index) => {
    const started = pid === null ? 'not running from this stack' : `started by this stack, pid ${pid}`;
    say(`  ${name}  ${address}  ${brokersUp[index] ? 'answers' : 'not answering'}  (${started})`);
  });
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
  const brokers = brokersOption(command, rest);
  // The option is the setting said on the command line: config.ts reads both, the option winning.
  const config = loadConfig(brokers === null ? process.env : { ...process.env, KAFKA_LOCAL_BROKERS: brokers });
  if (command === 'up') return up(config, entry);
  if (command === 'down') return down(config);
  if (command === 'status') return status(config);
  throw new ActionableError(`Unknown stack command "${command}"\n\n${USAGE}`, 2);
}

// `--brokers N` or `--brokers=N`, the only option; null when not given.
function brokersOption(command: string, rest: readonly string[]): string | null {
  const [first, second, ...more] = rest;
  if (first === undefined) return null;
  const value =
    first === '--brokers' ? second : first.startsWith('--brokers=') ? first.slice('--brokers='.length) : undefined;
  const extra = first === '--brokers' ? more : [second, ...more].filter((arg) => arg !== undefined);
  if (value === undefined || extra.length > 0)
    throw new ActionableError(`stack:${command} takes only --brokers N, got ${rest.join(' ')}\n\n${USAGE}`, 2);
  if (value !== '1' && value !== String(LOCAL_CLUSTER_BROKERS))
    throw new ActionableError(
      `--brokers must be 1 (one broker) or ${LOCAL_CLUSTER_BROKERS} (a cluster), got "${value}". For example: npm run stack:up -- --brokers ${LOCAL_CLUSTER_BROKERS}`,
      2,
    );
  return value;
}

runEntryPoint(main);
