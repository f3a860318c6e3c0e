// Brings up what a command needs: reuse servers that already answer, start local ones where none does.
// Servers named by KAFKA_BROKERS / TEMPORAL_ADDRESS / TEAM_DATABASE_URL on another host are never started here, only
// checked. The traditional model's PostgreSQL store (TEAM_STORE=postgres) comes with Temporal: whoever needs the
// one needs the other.
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type Config, temporalUiUrl } from '../config';
import { kafkaAnswers, temporalAnswers, temporalState, waitUntilHealthy } from './health';
import { KAFKA_HEALTHY_WITHIN_MS, KAFKA_MAIN_CLASS, kafkaAwaited, kafkaServer, startKafka } from './kafka-server';
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

// One server of the stack as this module handles it: where the folder records it, and how to ask it.
interface Side {
  readonly name: ServerName;
  readonly server: DetachedServer;
  readonly marker: string;
  readonly address: string;
  readonly awaited: string;
  readonly limitMs: number;
  readonly answers: () => Promise<boolean>;
}

function sideOf(config: Config, name: ServerName): Side {
  if (name === 'postgres') {
    return {
      name,
      server: postgresServer(config.stackDir),
      marker: POSTGRES_COMMAND_MARKER,
      address: postgresAddress(config.teamDatabaseUrl),
      awaited: postgresAwaited(config.teamDatabaseUrl),
      limitMs: POSTGRES_HEALTHY_WITHIN_MS,
      answers: () => postgresAnswers(config.teamDatabaseUrl),
    };
  }
  return name === 'kafka'
    ? {
        name,
        server: kafkaServer(config.stackDir),
        marker: KAFKA_MAIN_CLASS,
        address: config.kafkaBrokers[0],
        awaited: kafkaAwaited(config.kafkaBrokers),
        limitMs: KAFKA_HEALTHY_WITHIN_MS,
        answers: () => kafkaAnswers(config.kafkaBrokers),
      }
    : {
        name,
        server: temporalServer(config.stackDir),
        marker: TEMPORAL_COMMAND_MARKER,
        address: config.temporalAddress,
        awaited: temporalAwaited(config.temporalAddress, config.temporalNamespace),
        limitMs: TEMPORAL_HEALTHY_WITHIN_MS,
        answers: () => temporalAnswers(config.temporalAddress, config.temporalNamespace),
      };
}

export async function ensureStack(config: Config, needs: StackNeeds, log: Log = () => undefined): Promise<StackHandle> {
  const wanted = (['kafka', 'temporal', 'postgres'] as const)
    .filter((name) => (name === 'postgres' ? needs.temporal && config.teamStore === 'postgres' : needs[name]))
    .map((name) => sideOf(config, name));
  // Before the lock, so a refusal writes nothing at all; checked again under the lock, where servers start.
  for (const side of wanted) await refuseIfStartingWouldClash(config, side);
  const started: ServerName[] = [];
  const release = await acquireStackLock(config.stackDir, log);
  try {
    for (const side of wanted) {
      if (await side.answers()) {
        log(
          side.name === 'kafka'
            ? `Kafka answers at ${config.kafkaBrokers.join(',')}`
            : side.name === 'postgres'
              ? `PostgreSQL answers at ${side.address}`
              : `Temporal answers at ${config.temporalAddress} (UI ${temporalUiUrl(config.temporalAddress)})`,
        );
        continue;
      }
      if (side.name === 'temporal') await refuseMissingNamespace(config);
      requireLocal(config, side);
      const own = refuseSecondServer(side.server, side.marker, side.address, config.stackDir);
      if (own !== null) {
        await waitForOwnServer(config, side, own, log);
        continue;
      }
      if (side.name === 'kafka') {
        await startKafka(config.stackDir, config.kafkaBrokers, log);
      } else if (side.name === 'postgres') {
        await startPostgres(config.stackDir, config.teamDatabaseUrl, log);
      } else {
        await refuseTakenTemporalPorts(config.temporalAddress);
        const binary = await findOrBuildTemporal(config.stackDir, config.temporalBinary, log);
        await startTemporal(config.stackDir, config.temporalAddress, config.temporalNamespace, binary, log);
      }
      started.push(side.name);
    }
  } catch (error) {
    // A half-started stack is worse than none: stop what this call started before reporting.
    await stopServers(config.stackDir, started, log);
    throw error;
  } finally {
    release();
  }
  return {
    started,
    stopStarted: (stopLog: Log = log) => stopServers(config.stackDir, started, stopLog),
  };
}

// The folder's server runs on another address and nothing answers on the one asked for: starting would clash.
async function refuseIfStartingWouldClash(config: Config, side: Side): Promise<void> {
  const own = serverOfFolder(side.server, side.marker);
  if (own === null || own.address === side.address || (await side.answers())) return;
  refuseSecondServer(side.server, side.marker, side.address, config.stackDir);
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
  if (isLoopback(splitAddress(side.address).host)) return;
  if (side.name === 'postgres') {
    throw new StackError(
      `PostgreSQL at ${side.address} does not answer with the user, password and database of TEAM_DATABASE_URL. ` +
        'Start it, fix TEAM_DATABASE_URL, or unset TEAM_DATABASE_URL to run the local server.',
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

// The folder's own server on this very address, not answering yet (still starting, or busy): wait for it rather
// than start a second one on its data.
async function waitForOwnServer(config: Config, side: Side, own: RecordedServer, log: Log): Promise<void> {
  log(
    `${side.server.name} started from this folder (pid ${own.pid}) runs on ${side.address} but does not answer yet; waiting for it`,
  );
  try {
    const tookMs = await waitUntilHealthy({
      awaited: side.awaited,
      limitMs: side.limitMs,
      answers: side.answers,
      address: side.address,
      givenUp: () => (isAlive(own.pid) ? null : `${side.server.name} (pid ${own.pid}) exited`),
      logFile: side.server.logFile,
      log,
    });
    log(`${side.server.name} answers after ${Math.round(tookMs / 1000)} s`);
  } catch (error) {
    throw new StackError(
      `${(error as Error).message}\n  To start it afresh: STACK_DIR=${config.stackDir} ${side.server.addressSetting}=${side.address} npm run stack:down, then run this again.`,
    );
  }
}

// The live server this folder started, on whatever address it runs: what `stack:down` stops.
export function serverOfStack(stackDir: string, name: ServerName): RecordedServer | null {
  if (name === 'postgres') return serverOfFolder(postgresServer(stackDir), POSTGRES_COMMAND_MARKER);
  return name === 'kafka'
    ? serverOfFolder(kafkaServer(stackDir), KAFKA_MAIN_CLASS)
    : serverOfFolder(temporalServer(stackDir), TEMPORAL_COMMAND_MARKER);
}

// Whether the server at the configured address is the one this folder started, in words for `stack:status`.
// A server this folder started on another address is named as such, never taken for the one asked about.
export function ownershipOf(config: Config, name: ServerName): string {
  const side = sideOf(config, name);
  const own = serverOfFolder(side.server, side.marker);
  if (own === null) return 'not started by this stack';
  if (recordedServerPid(side.server, side.marker, side.address) !== null)
    return `started by this stack, pid ${own.pid}`;
  return `not started by this stack; the ${side.server.name} this stack started runs on ${own.address ?? 'an unrecorded address'}, pid ${own.pid}`;
}

export async function stopServers(stackDir: string, which: readonly ServerName[], log: Log): Promise<void> {
  // Workers and consumers disconnect first elsewhere; Temporal goes before Kafka only by convention.
  if (which.includes('temporal')) await stopRecordedServer(temporalServer(stackDir), TEMPORAL_COMMAND_MARKER, log);
  if (which.includes('kafka')) await stopRecordedServer(kafkaServer(stackDir), KAFKA_MAIN_CLASS, log);
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
