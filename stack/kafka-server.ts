// The local Apache Kafka broker: jars from Maven Central, one JVM acting as KRaft broker and controller.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { kafkaAnswers, waitUntilHealthy } from './health';
import {
  commandExists,
  type DetachedServer,
  formatSeconds,
  type Log,
  portAcceptsConnections,
  recordedServerPid,
  refuseSecondServer,
  StackError,
  startDetached,
} from './processes';
import { makeDirectory } from '../cli/make-directory';

const POM = path.join(__dirname, 'kafka', 'pom.xml');
const LOG4J_CONFIG = path.join(__dirname, 'kafka', 'log4j2.properties');
export const KAFKA_MAIN_CLASS = 'kafka.Kafka';
// Measured on 2 cores at load averages from 12 to 18: a first start (storage format, cold JVM) answers in 10 to
// 14 s, a restart after kill -9 (log recovery) in 16 to 17 s. A CI machine running other suites can be several
// times slower, so the limit is generous: it only ends a wait that will never succeed, and the progress lines say
// what is awaited meanwhile.
export const KAFKA_HEALTHY_WITHIN_MS = 180_000;

export function kafkaVersion(): string {
  const match = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(readFileSync(POM, 'utf8'));
  if (!match) throw new StackError(`${POM} names no kafka.version`);
  return match[1];
}

export function kafkaServer(stackDir: string): DetachedServer & { dir: string } {
  const dir = path.join(stackDir, 'kafka');
  return {
    name: 'Kafka',
    dir,
    pidFile: path.join(dir, 'kafka.pid'),
    addressFile: path.join(dir, 'kafka.address'),
    logFile: path.join(stackDir, 'logs', 'kafka.log'),
    addressSetting: 'KAFKA_BROKERS',
    addressFromCommandLine: listenerOfProperties,
  };
}

// A broker started before its address was recorded: the properties file on its command line names its listener.
function listenerOfProperties(commandLine: readonly string[]): string | null {
  const propertiesFile = commandLine.at(-1) ?? '';
  if (!propertiesFile.endsWith('.properties') || !existsSync(propertiesFile)) return null;
  return /^listeners=PLAINTEXT:\/\/([^,\s]+)/m.exec(readFileSync(propertiesFile, 'utf8'))?.[1] ?? null;
}

export function kafkaAwaited(brokers: readonly string[]): string {
  return `Kafka at ${brokers.join(',')} to answer a metadata request`;
}

function requireJavaAndMaven(): void {
  const missing = ['java', 'mvn'].filter((tool) => !commandExists(tool));
  if (missing.length > 0) {
    throw new StackError(
      `The local Kafka broker needs ${missing.join(' and ')} on PATH (Java 17+ and Maven), which ${missing.length > 1 ? 'are' : 'is'} missing.\n` +
        '  Install them, e.g. on Debian/Ubuntu: sudo apt-get install openjdk-17-jdk-headless maven\n' +
        '  Or run Redpanda and Temporal with Docker instead: docker compose up -d (see README, "With Docker").',
    );
  }
  const version = spawnSync('java', ['-version'], { encoding: 'utf8' });
  const major = /version "(\d+)/.exec(version.stderr ?? '')?.[1];
  if (major !== undefined && Number(major) < 17) {
    throw new StackError(
      `Kafka 4 needs Java 17 or later; java -version reports ${major}. Install a JDK 17+ or use docker compose.`,
    );
  }
}

// Maven resolves the broker's jars once into the stack folder; later runs reuse them.
function ensureJars(stackDir: string, log: Log): string {
  const version = kafkaVersion();
  const libs = path.join(stackDir, 'kafka', `libs-${version}`);
  const complete = path.join(libs, '.complete');
  if (existsSync(complete)) return libs;
  log(`downloading Apache Kafka ${version} jars from Maven Central (first run only, about 30 s)…`);
  const started = Date.now();
  const result = spawnSync(
    'mvn',
    [
      '-q',
      '-B',
      '-f',
      POM,
      `-Dmaven.repo.local=${path.join(stackDir, 'maven-repo')}`,
      'dependency:copy-dependencies',
      `-DoutputDirectory=${libs}`,
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  if (result.status !== 0) {
    throw new StackError(
      `Maven could not fetch the Kafka jars:\n${(result.stdout + result.stderr).trim().split('\n').slice(-20).join('\n')}`,
    );
  }
  writeFileSync(complete, `${new Date().toISOString()}\n`);
  log(`Kafka jars ready in ${formatSeconds(Date.now() - started)}`);
  return libs;
}

function writeServerProperties(dir: string, host: string, port: number): string {
  const controllerPort = port + 1;
  const file = path.join(dir, 'server.properties');
  writeFileSync(
    file,
    [
      '# Written by stack/kafka-server.ts: one JVM is both the KRaft controller and the broker.',
      'process.roles=broker,controller',
      'node.id=1',
      `controller.quorum.voters=1@${host}:${controllerPort}`,
      `listeners=PLAINTEXT://${host}:${port},CONTROLLER://${host}:${controllerPort}`,
      `advertised.listeners=PLAINTEXT://${host}:${port}`,
      'controller.listener.names=CONTROLLER',
      'inter.broker.listener.name=PLAINTEXT',
      'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
      `log.dirs=${path.join(dir, 'data')}`,
      '# One broker: internal topics cannot have more than one replica.',
      'offsets.topic.replication.factor=1',
      'transaction.state.log.replication.factor=1',
      'transaction.state.log.min.isr=1',
      'share.coordinator.state.topic.replication.factor=1',
      'share.coordinator.state.topic.min.isr=1',
      '# Consumer groups form at once instead of waiting 3 s for more members.',
      'group.initial.rebalance.delay.ms=0',
      '# Topics are created explicitly by the models; a typo must fail, not create a topic.',
      'auto.create.topics.enable=false',
      'num.partitions=3',
      '',
    ].join('\n'),
  );
  return file;
}

function formatStorage(libs: string, dir: string, propertiesFile: string, log: Log): void {
  if (existsSync(path.join(dir, 'data', 'meta.properties'))) return;
  makeDirectory(path.join(dir, 'data'), 'STACK_DIR');
  log('formatting Kafka storage (KRaft)…');
  const classPath = `${libs}/*`;
  const uuid = spawnSync('java', ['-cp', classPath, 'kafka.tools.StorageTool', 'random-uuid'], { encoding: 'utf8' });
  const clusterId = uuid.stdout.trim().split('\n').pop() ?? '';
  if (uuid.status !== 0 || clusterId.length === 0)
    throw new StackError(`kafka-storage random-uuid failed:\n${uuid.stderr}`);
  const format = spawnSync(
    'java',
    ['-cp', classPath, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', propertiesFile],
    {
      encoding: 'utf8',
    },
  );
  if (format.status !== 0) throw new StackError(`kafka-storage format failed:\n${format.stdout}${format.stderr}`);
}

export async function startKafka(stackDir: string, brokers: string[], log: Log): Promise<void> {
  if (brokers.length !== 1) {
    throw new StackError(
      `The local stack runs one broker, but KAFKA_BROKERS lists ${brokers.length}: ${brokers.join(', ')}`,
    );
  }
  const [host, portText] = brokers[0].split(':');
  const port = Number(portText);
  const server = kafkaServer(stackDir);
  // Before anything is written: the folder's broker on another port would be damaged by a second one.
  const running = refuseSecondServer(server, KAFKA_MAIN_CLASS, brokers[0], stackDir);
  if (running !== null)
    throw new StackError(
      `Kafka started from ${stackDir} is running on ${brokers[0]} (pid ${running.pid}): not starting a second one`,
    );
  for (const candidate of [port, port + 1]) {
    if (await portAcceptsConnections(host, candidate)) {
      throw new StackError(
        `Port ${candidate} on ${host} is taken by a process that is not a Kafka broker this stack can use` +
          (candidate === port + 1 ? ' (the local broker needs it for its KRaft controller)' : '') +
          `.\n  See what holds it: ss -ltnp 'sport = :${candidate}'\n` +
          `  Stop that process, or set KAFKA_BROKERS to a free port, e.g. KAFKA_BROKERS=${host}:${port + 100}`,
      );
    }
  }
  requireJavaAndMaven();
  const libs = ensureJars(stackDir, log);
  makeDirectory(server.dir, 'STACK_DIR');
  const propertiesFile = writeServerProperties(server.dir, host, port);
  formatStorage(libs, server.dir, propertiesFile, log);
  log(`starting Kafka ${kafkaVersion()} on ${host}:${port}…`);
  const pid = startDetached(
    server,
    'java',
    [
      '-Xms256m',
      '-Xmx1g',
      '-XX:+UseG1GC',
      `-Dlog4j2.configurationFile=${LOG4J_CONFIG}`,
      '-cp',
      `${libs}/*`,
      KAFKA_MAIN_CLASS,
      propertiesFile,
    ],
    { cwd: server.dir, address: brokers[0], commandMarker: KAFKA_MAIN_CLASS },
  );
  const tookMs = await waitUntilHealthy({
    awaited: kafkaAwaited(brokers),
    limitMs: KAFKA_HEALTHY_WITHIN_MS,
    answers: () => kafkaAnswers(brokers),
    address: brokers[0],
    givenUp: () =>
      recordedServerPid(server, KAFKA_MAIN_CLASS) === null ? `Kafka (pid ${pid}) exited during start-up` : null,
    logFile: server.logFile,
    log,
  });
  log(`Kafka healthy in ${formatSeconds(tookMs)}`);
}
