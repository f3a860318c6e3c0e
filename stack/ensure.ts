// Brings up what a command needs: reuse servers that already answer, start local ones where none does.
// Servers named by KAFKA_BROKERS / TEMPORAL_ADDRESS / TEAM_DATABASE_URL on another host are never started here, only
// checked. The traditional model's PostgreSQL store (TEAM_STORE=postgres) comes with Temporal: whoever needs the
// one needs the other.
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type Config, temporalUiUrl } from '../config';
import { temporalAnswers, temporalState, waitUntilHealthy } from './health';
import {
  everyKafkaNode,
  KAFKA_CLUSTER_HEALTHY_WITHIN_MS,
  KAFKA_HEALTHY_WITHIN_MS,
  KAFKA_MAIN_CLASS,
  kafkaAwaited,
  kafkaNodesAt,
  kafkaProbe,
  refuseOtherKafka,
  startKafka,
} from './kafka-server';
import {
  POSTGRES_COMMAND_MARKER,
  POSTGRES_HEALTHY_WITHIN_MS,
  postgresAddress,
  postgresAwaited,
  postgresServer,
  startPostgres,
} from './postgres-server';
import { postgresAnswers } from '../traditional/postgres-team-store';
import {
  type DetachedServer,
  delay,
  isAlive,
  isLoopback,
  type Log,
  type RecordedServer,
  readPid,
  recordedServerPid,
  refuseSecondServer,
  serverOfFolder,
  splitAddress,
  StackError,
  stopRecordedServer,
} from './processes';
import {
  findOrBuildTemporal,
  refuseTakenTemporalPorts,
  startTemporal,
  TEMPORAL_COMMAND_MARKER,
  TEMPORAL_HEALTHY_WITHIN_MS,
  temporalAwaited,
  temporalServer,
} from './temporal-server';
import { makeDirectory } from '../cli/make-directory';

export type ServerName = 'kafka' | 'temporal' | 'postgres';

export interface StackNeeds {
  readonly kafka: boolean;
  readonly temporal: boolean;
}

export interface StackHandle {
  // The servers this call started (not those it found running).
  readonly started: readonly ServerName[];
  stopStarted(log?: Log): Promise<void>;
}

// A process of the stack and the address it serves: the Temporal server, the one Kafka broker, or a broker of the
// local cluster.
interface Member {
  readonly server: DetachedServer;
  readonly address: string;
}

// One server of the stack as this module handles it: where the folder records its processes, and how to ask it.
interface Side {
  readonly name: ServerName;
  readonly members: readonly Member[];
  readonly marker: string;
  readonly awaited: string;
  readonly limitMs: number;
  readonly answers: () => Promise<boolean>;
  // Throws when the folder runs a server of this kind other than asked (another address, another layout).
  readonly refuseOther: () => void;
}

function sideOf(config: Config, name: ServerName): Side {
  if (name === 'postgres') {
    const server = postgresServer(config.stackDir);
    const address = postgresAddress(config.teamDatabaseUrl);
    return {
      name,
      members: [{ server, address }],
      marker: POSTGRES_COMMAND_MARKER,
      awaited: postgresAwaited(config.teamDatabaseUrl),
      limitMs: POSTGRES_HEALTHY_WITHIN_MS,
      answers: () => postgresAnswers(config.teamDatabaseUrl),
      refuseOther: () => void refuseSecondServer(server, POSTGRES_COMMAND_MARKER, address, config.stackDir),
    };
  }
  if (name === 'kafka') {
    const nodes = kafkaNodesAt(config.stackDir, config.kafkaBrokers, config.kafkaLocalBrokers);
    return {
      name,
      members: nodes.map(({ node, address }) => ({ server: node, address })),
      marker: KAFKA_MAIN_CLASS,
      awaited: kafkaAwaited(config.kafkaBrokers, config.kafkaLocalBrokers),
      limitMs: config.kafkaLocalBrokers === 1 ? KAFKA_HEALTHY_WITHIN_MS : KAFKA_CLUSTER_HEALTHY_WITHIN_MS,
      answers: kafkaProbe(config.kafkaBrokers, config.kafkaLocalBrokers),
      refuseOther: () => refuseOtherKafka(config.stackDir, nodes),
    };
  }
  const server = temporalServer(config.stackDir);
  return {
    name,
    members: [{ server, address: config.temporalAddress }],
    marker: TEMPORAL_COMMAND_MARKER,
    awaited: temporalAwaited(config.temporalAddress, config.temporalNamespace),
    limitMs: TEMPORAL_HEALTHY_WITHIN_MS,
    answers: () => temporalAnswers(config.temporalAddress, config.temporalNamespace),
    refuseOther: () =>
      void refuseSecondServer(server, TEMPORAL_COMMAND_MARKER, config.temporalAddress, config.stackDir),
  };
}

interface StartedServer {
  readonly server: DetachedServer;
  readonly marker: string;
}

export async function ensureStack(config: Config, needs: StackNeeds, log: Log = () => undefined): Promise<StackHandle> {
  const wanted = (['kafka', 'temporal', 'postgres'] as const)
    .filter((name) => (name === 'postgres' ? needs.temporal && config.teamStore === 'postgres' : needs[name]))
    .map((name) => sideOf(config, name));
  // Before the lock, so a refusal writes nothing at all; checked again under the lock, where servers start.
  for (const side of wanted) if (!(await side.answers())) side.refuseOther();
  const started: ServerName[] = [];
  // Exactly the processes this call started: with a cluster, one broker started again is stopped, not all three.
  const startedServers: StartedServer[] = [];
  const release = await acquireStackLock(config.stackDir, log);
  try {
    for (const side of wanted) {
      if (await side.answers()) {
        log(
          side.name === 'kafka'
            ? `Kafka answers at ${config.kafkaBrokers.join(',')}`
            : side.name === 'postgres'
              ? `PostgreSQL answers at ${side.members[0].address}`
              : `Temporal answers at ${config.temporalAddress} (UI ${temporalUiUrl(config.temporalAddress)})`,
        );
        continue;
      }
      if (side.name === 'temporal') await refuseMissingNamespace(config);
      requireLocal(config, side);
      side.refuseOther();
      const own = side.members.flatMap(({ server, address }) => {
        const pid = recordedServerPid(server, side.marker, address);
        return pid === null ? [] : [{ server, address, pid }];
      });
      if (own.length === side.members.length) {
        await waitForOwnServers(config, side, own, log);
        continue;
      }
      if (side.name === 'kafka') {
        const brokers = await startKafka(config.stackDir, config.kafkaBrokers, config.kafkaLocalBrokers, log);
        startedServers.push(...brokers.map((server) => ({ server, marker: KAFKA_MAIN_CLASS })));
      } else if (side.name === 'postgres') {
        await startPostgres(config.stackDir, config.teamDatabaseUrl, log);
        startedServers.push({ server: side.members[0].server, marker: POSTGRES_COMMAND_MARKER });
      } else {
        await refuseTakenTemporalPorts(config.temporalAddress);
        const binary = await findOrBuildTemporal(config.stackDir, config.temporalBinary, log);
        await startTemporal(config.stackDir, config.temporalAddress, config.temporalNamespace, binary, log);
        startedServers.push({ server: side.members[0].server, marker: TEMPORAL_COMMAND_MARKER });
      }
      started.push(side.name);
    }
  } catch (error) {
    // A half-started stack is worse than none: stop what this call started before reporting.
    await stopStartedServers(startedServers, log);
    throw error;
  } finally {
    release();
  }
  return {
    started,
    stopStarted: (stopLog: Log = log) => stopStartedServers(startedServers, stopLog),
  };
}

async function stopStartedServers(servers: readonly StartedServer[], log: Log): Promise<void> {
  // In stopServers' order: Temporal, then a cluster's brokers together, then PostgreSQL.
  const temporal = servers.filter(({ marker }) => marker === TEMPORAL_COMMAND_MARKER);
  for (const { server, marker } of temporal) await stopRecordedServer(server, marker, log);
  await Promise.all(
    servers
      .filter(({ marker }) => marker === KAFKA_MAIN_CLASS)
      .map(({ server, marker }) => stopRecordedServer(server, marker, log)),
  );
  const postgres = servers.filter(({ marker }) => marker === POSTGRES_COMMAND_MARKER);
  for (const { server, marker } of postgres) await stopRecordedServer(server, marker, log);
}

// A Temporal server that answers without the namespace will not grow one: waiting for it, or starting another on
// its port, cannot help.
async function refuseMissingNamespace(config: Config): Promise<void> {
  if ((await temporalState(config.temporalAddress, config.temporalNamespace)) !== 'no such namespace') return;
  throw new StackError(
    `Temporal at ${config.temporalAddress} answers, but has no namespace "${config.temporalNamespace}". Fix ` +
      'TEMPORAL_NAMESPACE, or create the namespace (temporal operator namespace create --address ' +
      `${config.temporalAddress} --namespace ${config.temporalNamespace}); the local dev server also creates it when started ` +
      'afresh with that setting (npm run stack:down, then npm run stack:up).',
    2,
  );
}

function requireLocal(config: Config, side: Side): void {
  if (side.members.every(({ address }) => isLoopback(splitAddress(address).host))) return;
  if (side.name === 'postgres') {
    throw new StackError(
      `PostgreSQL at ${side.members[0].address} does not answer with the user, password and database of ` +
        'TEAM_DATABASE_URL. Start it, fix TEAM_DATABASE_URL, or unset TEAM_DATABASE_URL to run the local server.',
    );
  }
  throw new StackError(
    side.name === 'kafka'
      ? `Kafka at ${config.kafkaBrokers.join(',')} does not answer. Start it (docker compose up -d), fix KAFKA_BROKERS, ` +
          'or unset KAFKA_BROKERS to run the local broker.'
      : `Temporal at ${config.temporalAddress} (namespace ${config.temporalNamespace}) does not answer. Start it ` +
          '(docker compose up -d), fix TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE, or unset TEMPORAL_ADDRESS to run the local dev server.',
  );
}

// The folder's own servers on these very addresses, not answering yet (still starting, or busy): wait for them
// rather than start second ones on their data.
async function waitForOwnServers(
  config: Config,
  side: Side,
  own: ReadonlyArray<Member & { readonly pid: number }>,
  log: Log,
): Promise<void> {
  for (const { server, address, pid } of own)
    log(
      `${server.name} started from this folder (pid ${pid}) runs on ${address} but does not answer yet; waiting for it`,
    );
  const [first] = own;
  try {
    const tookMs = await waitUntilHealthy({
      awaited: side.awaited,
      limitMs: side.limitMs,
      answers: side.answers,
      address: first.address,
      givenUp: () => {
        const gone = own.find(({ pid }) => !isAlive(pid));
        return gone === undefined ? null : `${gone.server.name} (pid ${gone.pid}) exited`;
      },
      logFile: () => (own.find(({ pid }) => !isAlive(pid)) ?? first).server.logFile,
      log,
    });
    log(`${own.length === 1 ? first.server.name : 'Kafka cluster'} answers after ${Math.round(tookMs / 1000)} s`);
  } catch (error) {
    const layout =
      side.name === 'kafka' && config.kafkaLocalBrokers > 1 ? ` KAFKA_LOCAL_BROKERS=${config.kafkaLocalBrokers}` : '';
    throw new StackError(
      `${(error as Error).message}\n  To start it afresh: STACK_DIR=${config.stackDir} ${first.server.addressSetting}=${first.address}${layout} npm run stack:down, then run this again.`,
    );
  }
}

// The live processes this folder started of a server, on whatever address they run: what `stack:down` stops. For
// Kafka, every broker of either layout.
export function serversOfStack(
  stackDir: string,
  name: ServerName,
): Array<{ readonly server: DetachedServer; readonly recorded: RecordedServer }> {
  const servers: Array<[DetachedServer, string]> =
    name === 'kafka'
      ? everyKafkaNode(stackDir).map((node) => [node, KAFKA_MAIN_CLASS])
      : name === 'postgres'
        ? [[postgresServer(stackDir), POSTGRES_COMMAND_MARKER]]
        : [[temporalServer(stackDir), TEMPORAL_COMMAND_MARKER]];
  return servers.flatMap(([server, marker]) => {
    const recorded = serverOfFolder(server, marker);
    return recorded === null ? [] : [{ server, recorded }];
  });
}

// Whether the server at the configured address is the one this folder started, in words for `stack:status`.
// A server this folder started on another address is named as such, never taken for the one asked about.
export function ownershipOf(config: Config, name: ServerName): string {
  const running = serversOfStack(config.stackDir, name);
  if (running.length === 0) return 'not started by this stack';
  const side = sideOf(config, name);
  const asked = side.members.length === 1 ? [side.members[0].address] : side.members.map(({ address }) => address);
  const mine = asked.flatMap((address) => running.filter(({ recorded }) => recorded.address === address));
  if (mine.length === 0) {
    const where = running.map(({ recorded }) => recorded.address ?? 'an unrecorded address').join(', ');
    const pids = running.map(({ recorded }) => recorded.pid).join(', ');
    const what =
      running.length === 1 && running[0].server.name === side.members[0].server.name
        ? side.members[0].server.name
        : name === 'kafka'
          ? 'Kafka'
          : name === 'postgres'
            ? 'PostgreSQL'
            : 'Temporal';
    return `not started by this stack; the ${what} this stack started runs on ${where}, pid${running.length > 1 ? 's' : ''} ${pids}`;
  }
  if (mine.length === 1 && asked.length === 1) {
    const [{ server, recorded }] = mine;
    // The one address asked for may be the first broker of a cluster the folder runs.
    const member = server.name !== 'Kafka' && name === 'kafka' ? ` (${server.name} of its cluster)` : '';
    return `started by this stack${member}, pid ${recorded.pid}`;
  }
  const pids = mine.map(({ recorded }) => recorded.pid).join(', ');
  return mine.length === asked.length
    ? `started by this stack, pids ${pids}`
    : `started by this stack: ${mine.length} of its ${asked.length} brokers run, pids ${pids}`;
}

// The brokers of a local cluster, each with its address and pid (null: not running), for `stack:status`: those the
// configuration asks for, or, asked for one broker, those of a cluster this folder runs. Empty for one broker.
export function clusterBrokersOf(config: Config): Array<{ name: string; address: string; pid: number | null }> {
  if (config.kafkaLocalBrokers > 1) {
    return kafkaNodesAt(config.stackDir, config.kafkaBrokers, config.kafkaLocalBrokers).map(({ node, address }) => ({
      name: node.name,
      address,
      pid: recordedServerPid(node, KAFKA_MAIN_CLASS, address),
    }));
  }
  return serversOfStack(config.stackDir, 'kafka')
    .filter(({ server }) => server.name !== 'Kafka')
    .map(({ server, recorded }) => ({
      name: server.name,
      address: recorded.address ?? '(unrecorded)',
      pid: recorded.pid,
    }));
}

export async function stopServers(stackDir: string, which: readonly ServerName[], log: Log): Promise<void> {
  // Workers and consumers disconnect first elsewhere; Temporal goes before Kafka only by convention. A cluster's
  // brokers are stopped together: one by one, the last two would each wait for a quorum that is leaving.
  if (which.includes('temporal')) await stopRecordedServer(temporalServer(stackDir), TEMPORAL_COMMAND_MARKER, log);
  if (which.includes('kafka'))
    await Promise.all(everyKafkaNode(stackDir).map((node) => stopRecordedServer(node, KAFKA_MAIN_CLASS, log)));
  if (which.includes('postgres')) await stopRecordedServer(postgresServer(stackDir), POSTGRES_COMMAND_MARKER, log);
}

// Two commands started at once (a test run and a demo) must not both try to start a server on one port.
async function acquireStackLock(stackDir: string, log: Log): Promise<() => void> {
  makeDirectory(stackDir, 'STACK_DIR');
  const lockFile = path.join(stackDir, 'stack.lock');
  let waitingSaid = false;
  for (;;) {
    try {
      writeFileSync(lockFile, `${process.pid}\n`, { flag: 'wx' });
      return () => rmSync(lockFile, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // A lock whose holder has died (killed mid-start) is taken over rather than waited on forever.
      const holder = readPid(lockFile);
      if (holder === null || !isAlive(holder)) {
        rmSync(lockFile, { force: true });
        continue;
      }
      if (!waitingSaid) {
        log(`another command (pid ${holder}) is starting the stack; waiting for it`);
        waitingSaid = true;
      }
      await delay(500);
    }
  }
}
