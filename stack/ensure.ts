// Brings up what a command needs: reuse servers that already answer, start local ones where none does.
// Servers named by KAFKA_BROKERS / TEMPORAL_ADDRESS on another host are never started here, only checked.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config';
import { kafkaAnswers, temporalAnswers } from './health';
import { KAFKA_MAIN_CLASS, kafkaServer, startKafka } from './kafka-server';
import { delay, isAlive, isLoopback, type Log, readPid, splitAddress, StackError, stopRecordedServer } from './processes';
import { findOrBuildTemporal, startTemporal, TEMPORAL_COMMAND_MARKER, temporalServer, temporalUiUrl } from './temporal-server';

export interface StackNeeds {
  readonly kafka: boolean;
  readonly temporal: boolean;
}

export interface StackHandle {
  // The servers this call started (not those it found running).
  readonly started: readonly ('kafka' | 'temporal')[];
  stopStarted(log?: Log): Promise<void>;
}

export async function ensureStack(config: Config, needs: StackNeeds, log: Log = () => undefined): Promise<StackHandle> {
  const started: ('kafka' | 'temporal')[] = [];
  const release = await acquireStackLock(config.stackDir, log);
  try {
    if (needs.kafka && !(await kafkaAnswers(config.kafkaBrokers))) {
      const { host } = splitAddress(config.kafkaBrokers[0]);
      if (!isLoopback(host)) {
        throw new StackError(
          `Kafka at ${config.kafkaBrokers.join(',')} does not answer. Start it (docker compose up -d), fix KAFKA_BROKERS, ` +
            'or unset KAFKA_BROKERS to run the local broker.',
        );
      }
      await startKafka(config.stackDir, config.kafkaBrokers, log);
      started.push('kafka');
    } else if (needs.kafka) {
      log(`Kafka answers at ${config.kafkaBrokers.join(',')}`);
    }
    if (needs.temporal && !(await temporalAnswers(config.temporalAddress, config.temporalNamespace))) {
      const { host } = splitAddress(config.temporalAddress);
      if (!isLoopback(host)) {
        throw new StackError(
          `Temporal at ${config.temporalAddress} (namespace ${config.temporalNamespace}) does not answer. Start it ` +
            '(docker compose up -d), fix TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE, or unset TEMPORAL_ADDRESS to run the local dev server.',
        );
      }
      const binary = await findOrBuildTemporal(config.stackDir, config.temporalBinary, log);
      await startTemporal(config.stackDir, config.temporalAddress, config.temporalNamespace, binary, log);
      started.push('temporal');
    } else if (needs.temporal) {
      log(`Temporal answers at ${config.temporalAddress} (UI ${temporalUiUrl(config.temporalAddress)})`);
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

export async function stopServers(stackDir: string, which: readonly ('kafka' | 'temporal')[], log: Log): Promise<void> {
  // Workers and consumers disconnect first elsewhere; Temporal goes before Kafka only by convention.
  if (which.includes('temporal')) await stopRecordedServer(temporalServer(stackDir), TEMPORAL_COMMAND_MARKER, log);
  if (which.includes('kafka')) await stopRecordedServer(kafkaServer(stackDir), KAFKA_MAIN_CLASS, log);
}

// Two commands started at once (a test run and a demo) must not both try to start a server on one port.
async function acquireStackLock(stackDir: string, log: Log): Promise<() => void> {
  mkdirSync(stackDir, { recursive: true });
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
