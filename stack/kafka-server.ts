// The local Apache Kafka: jars from Maven Central, one JVM acting as KRaft broker and controller, or a cluster of
// LOCAL_CLUSTER_BROKERS such JVMs whose controllers form the quorum.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { kafkaAnswers, kafkaClusterAnswers, waitUntilHealthy } from './health';
import {
  commandExists,
  type DetachedServer,
  formatSeconds,
  type Log,
  portAcceptsConnections,
  recordedServerPid,
  refuseSecondServer,
  serverOfFolder,
  splitAddress,
  StackError,
  startDetached,
} from './processes';
import { makeDirectory } from '../cli/make-directory';
import { LOCAL_CLUSTER_BROKERS } from '../config';

const POM = path.join(__dirname, 'kafka', 'pom.xml');
const LOG4J_CONFIG = path.join(__dirname, 'kafka', 'log4j2.properties');
export const KAFKA_MAIN_CLASS = 'kafka.Kafka';
// Measured on 2 cores at load averages from 12 to 18: a first start (storage format, cold JVM) answers in 10 to
// 14 s, a restart after kill -9 (log recovery) in 16 to 17 s. A CI machine running other suites can be several
// times slower, so the limit is generous: it only ends a wait that will never succeed, and the progress lines say
// what is awaited meanwhile.
export const KAFKA_HEALTHY_WITHIN_MS = 180_000;
// A cluster's brokers start at once and share the cores, and each registers only once the controllers have elected
// a leader among themselves: a wider limit, for the same reason.
export const KAFKA_CLUSTER_HEALTHY_WITHIN_MS = 300_000;

export function kafkaVersion(): string {
  const match = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(readFileSync(POM, 'utf8'));
  if (!match) throw new StackError(`${POM} names no kafka.version`);
  return match[1];
}

// One broker of the local stack, and where its folder keeps it.
export interface KafkaNode extends DetachedServer {
  // Its properties file and data directory.
  readonly dir: string;
  readonly nodeId: number;
  readonly inCluster: boolean;
}

// The one-broker stack: STACK_DIR/kafka, logging to logs/kafka.log.
export function kafkaServer(stackDir: string): KafkaNode {
  const dir = path.join(stackDir, 'kafka');
  return {
    name: 'Kafka',
    dir,
    nodeId: 1,
    inCluster: false,
    pidFile: path.join(dir, 'kafka.pid'),
    addressFile: path.join(dir, 'kafka.address'),
    logFile: path.join(stackDir, 'logs', 'kafka.log'),
    addressSetting: 'KAFKA_BROKERS',
    addressFromCommandLine: listenerOfProperties,
  };
}

// A broker of the local cluster: STACK_DIR/kafka-cluster/broker-N, logging to logs/kafka-N.log. Its data is not
// the one broker's: a cluster has a cluster id and a quorum of its own, so the two layouts never share storage.
export function clusterNode(stackDir: string, nodeId: number): KafkaNode {
  const dir = path.join(clusterDir(stackDir), `broker-${nodeId}`);
  return {
    name: `Kafka broker ${nodeId}`,
    dir,
    nodeId,
    inCluster: true,
    pidFile: path.join(dir, 'kafka.pid'),
    addressFile: path.join(dir, 'kafka.address'),
    logFile: path.join(stackDir, 'logs', `kafka-${nodeId}.log`),
    addressSetting: 'KAFKA_BROKERS',
    addressFromCommandLine: listenerOfProperties,
  };
}

function clusterDir(stackDir: string): string {
  return path.join(stackDir, 'kafka-cluster');
}

const CLUSTER_NODE_IDS = Array.from({ length: LOCAL_CLUSTER_BROKERS }, (_, index) => index + 1);

// Every broker a folder may have started, in either layout: what stack:down stops and stack:status reads.
export function everyKafkaNode(stackDir: string): KafkaNode[] {
  return [kafkaServer(stackDir), ...CLUSTER_NODE_IDS.map((nodeId) => clusterNode(stackDir, nodeId))];
}

// A broker and the address it is asked to serve.
export interface KafkaNodeAt {
  readonly node: KafkaNode;
  readonly address: string;
}

// The brokers a configuration asks the stack for: the one broker at the first address (a list of several names a
// cluster the stack does not start; startKafka refuses it), or the cluster's brokers at the addresses config.ts
// gave them.
export function kafkaNodesAt(stackDir: string, brokers: readonly string[], localBrokers: number): KafkaNodeAt[] {
  if (localBrokers === 1) return [{ node: kafkaServer(stackDir), address: brokers[0] }];
  return CLUSTER_NODE_IDS.map((nodeId, index) => ({ node: clusterNode(stackDir, nodeId), address: brokers[index] }));
}

// A broker started before its address was recorded: the properties file on its command line names its listener.
function listenerOfProperties(commandLine: readonly string[]): string | null {
  const propertiesFile = commandLine.at(-1) ?? '';
  if (!propertiesFile.endsWith('.properties') || !existsSync(propertiesFile)) return null;
  return /^listeners=PLAINTEXT:\/\/([^,\s]+)/m.exec(readFileSync(propertiesFile, 'utf8'))?.[1] ?? null;
}

export function kafkaAwaited(brokers: readonly string[], localBrokers = 1): string {
  return localBrokers === 1
    ? `Kafka at ${brokers.join(',')} to answer a metadata request`
    : `the Kafka cluster at ${brokers.join(',')}: each broker to answer a metadata request and name all ${brokers.length}`;
}

// Whether the configured Kafka answers. One broker: any address that answers will do, as for any cluster a client
// bootstraps from. The local cluster: every one of its brokers, since a broker that is down must be started again.
export function kafkaProbe(brokers: readonly string[], localBrokers: number): () => Promise<boolean> {
  return localBrokers === 1 ? () => kafkaAnswers(brokers) : () => kafkaClusterAnswers(brokers);
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

function controllerAddress(address: string): string {
  const { host, port } = splitAddress(address);
  return `${host}:${port + 1}`;
}

function writeServerProperties(node: KafkaNode, address: string, cluster: readonly KafkaNodeAt[]): string {
  const { host, port } = splitAddress(address);
  const replicas = cluster.length === 0 ? 1 : cluster.length;
  const file = path.join(node.dir, 'server.properties');
  const voters =
    cluster.length === 0
      ? `1@${controllerAddress(address)}`
      : cluster.map((member) => `${member.node.nodeId}@${controllerAddress(member.address)}`).join(',');
  writeFileSync(
    file,
    [
      cluster.length === 0
        ? '# Written by stack/kafka-server.ts: one JVM is both the KRaft controller and the broker.'
        : `# Written by stack/kafka-server.ts: broker ${node.nodeId} of a local cluster of ${cluster.length}, each JVM a broker and a KRaft controller.`,
      'process.roles=broker,controller',
      `node.id=${node.nodeId}`,
      ...(cluster.length === 0
        ? []
        : [
            '# A static quorum: the voters are read from here at every start, so the cluster may move to other ports',
            '# between starts (a dynamic quorum keeps its voters and their addresses in its own log).',
          ]),
      `controller.quorum.voters=${voters}`,
      `listeners=PLAINTEXT://${host}:${port},CONTROLLER://${controllerAddress(address)}`,
      `advertised.listeners=PLAINTEXT://${host}:${port}`,
      'controller.listener.names=CONTROLLER',
      'inter.broker.listener.name=PLAINTEXT',
      'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
      `log.dirs=${path.join(node.dir, 'data')}`,
      ...(cluster.length === 0
        ? [
            '# One broker: internal topics cannot have more than one replica.',
            'offsets.topic.replication.factor=1',
            'transaction.state.log.replication.factor=1',
            'transaction.state.log.min.isr=1',
            'share.coordinator.state.topic.replication.factor=1',
            'share.coordinator.state.topic.min.isr=1',
          ]
        : [
            `# Internal topics (committed offsets, transactions, share groups) have ${replicas} replicas and take a write only`,
            "# while 2 are in sync, like the models' own topics: a committed offset is not lost with a broker.",
            `offsets.topic.replication.factor=${replicas}`,
            `transaction.state.log.replication.factor=${replicas}`,
            'transaction.state.log.min.isr=2',
            `share.coordinator.state.topic.replication.factor=${replicas}`,
            'share.coordinator.state.topic.min.isr=2',
            '# For every topic that does not set its own, the offsets topic among them (offset commits are written',
            "# with acks=all). The event log sets both on the models' topics itself.",
            `default.replication.factor=${replicas}`,
            'min.insync.replicas=2',
            '# A replica that missed acknowledged writes never becomes leader (the default, said here on purpose).',
            'unclean.leader.election.enable=false',
          ]),
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

function randomClusterId(classPath: string): string {
  const uuid = spawnSync('java', ['-cp', classPath, 'kafka.tools.StorageTool', 'random-uuid'], { encoding: 'utf8' });
  const clusterId = uuid.stdout.trim().split('\n').pop() ?? '';
  if (uuid.status !== 0 || clusterId.length === 0)
    throw new StackError(`kafka-storage random-uuid failed:\n${uuid.stderr}`);
  return clusterId;
}

// Every broker of a cluster is formatted with the same cluster id, or it refuses to join. The id is kept beside the
// brokers' folders; a broker formatted before the file was written names it in its meta.properties.
function clusterIdOf(stackDir: string, classPath: string): string {
  const file = path.join(clusterDir(stackDir), 'cluster.id');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const formatted = CLUSTER_NODE_IDS.map((nodeId) =>
    path.join(clusterNode(stackDir, nodeId).dir, 'data', 'meta.properties'),
  )
    .filter((meta) => existsSync(meta))
    .map((meta) => /^cluster\.id=(.+)$/m.exec(readFileSync(meta, 'utf8'))?.[1]?.trim())
    .find((id) => id !== undefined);
  const clusterId = formatted ?? randomClusterId(classPath);
  makeDirectory(clusterDir(stackDir), 'STACK_DIR');
  writeFileSync(file, `${clusterId}\n`);
  return clusterId;
}

function formatStorage(libs: string, node: KafkaNode, propertiesFile: string, clusterId: () => string, log: Log): void {
  if (existsSync(path.join(node.dir, 'data', 'meta.properties'))) return;
  makeDirectory(path.join(node.dir, 'data'), 'STACK_DIR');
  log(`formatting ${node.name} storage (KRaft)…`);
  const format = spawnSync(
    'java',
    ['-cp', `${libs}/*`, 'kafka.tools.StorageTool', 'format', '-t', clusterId(), '-c', propertiesFile],
    { encoding: 'utf8' },
  );
  if (format.status !== 0) throw new StackError(`kafka-storage format failed:\n${format.stdout}${format.stderr}`);
}

// Throws, before anything is written, when the folder runs a broker other than asked: on another address, or in
// the other layout (one broker against a cluster). Two servers on one folder's data would fight over its ports and
// storage, and leave one running with nothing that can stop it.
export function refuseOtherKafka(stackDir: string, wanted: readonly KafkaNodeAt[]): void {
  const running = everyKafkaNode(stackDir).flatMap((node) => {
    const recorded = serverOfFolder(node, KAFKA_MAIN_CLASS);
    return recorded === null ? [] : [{ node, recorded }];
  });
  const clashing = running.filter(
    ({ node, recorded }) =>
      !wanted.some((member) => member.node.pidFile === node.pidFile && member.address === recorded.address),
  );
  if (clashing.length === 0) return;
  const [first] = running;
  // One broker asked for, one running elsewhere: the message the one-broker stack has always given.
  if (running.length === 1 && !first.node.inCluster && wanted.length === 1 && !wanted[0].node.inCluster) {
    refuseSecondServer(wanted[0].node, KAFKA_MAIN_CLASS, wanted[0].address, stackDir);
    return;
  }
  const asked = wanted.map(({ address }) => address).join(',');
  const runs = running.map(
    ({ node, recorded }) => `${node.name} pid ${recorded.pid}, on ${recorded.address ?? 'an unrecorded address'}`,
  );
  const addresses = running.map(({ recorded }) => recorded.address);
  const inCluster = first.node.inCluster;
  const useIt = addresses.every((address) => address !== null)
    ? `  Use it: KAFKA_BROKERS=${addresses.join(',')}${inCluster ? ` KAFKA_LOCAL_BROKERS=${LOCAL_CLUSTER_BROKERS}` : ''}\n`
    : '';
  const layout = wanted.length === 1 ? '' : ` KAFKA_LOCAL_BROKERS=${wanted.length}`;
  throw new StackError(
    `Kafka cannot start on ${asked} from ${stackDir}: ${inCluster ? `the cluster` : 'the one-broker Kafka'} started from ` +
      `that folder is running (${runs.join('; ')}), and two Kafka servers cannot share one folder's data. Nothing was changed.\n` +
      useIt +
      `  Or stop it first: STACK_DIR=${stackDir} npm run stack:down\n` +
      `  Or give the new one a folder of its own: STACK_DIR=/some/other/folder KAFKA_BROKERS=${wanted[0].address}${layout}`,
  );
}

// Each port a broker to be started needs, with what for: its listener and, one above, its KRaft controller.
async function refuseTakenPorts(starting: readonly KafkaNodeAt[], cluster: boolean): Promise<void> {
  for (const { node, address } of starting) {
    const { host, port } = splitAddress(address);
    for (const candidate of [port, port + 1]) {
      if (!(await portAcceptsConnections(host, candidate))) continue;
      const who = cluster ? node.name : 'the local broker';
      const first = splitAddress(starting[0].address);
      throw new StackError(
        `Port ${candidate} on ${host} is taken by a process that is not a Kafka broker this stack can use` +
          (candidate === port + 1
            ? ` (${who} needs it for its KRaft controller)`
            : cluster
              ? ` (${who} listens on it)`
              : '') +
          `.\n  See what holds it: ss -ltnp 'sport = :${candidate}'\n` +
          `  Stop that process, or set KAFKA_BROKERS to a free port, e.g. KAFKA_BROKERS=${first.host}:${first.port + 100}` +
          (cluster ? ` (the cluster takes that port and the ${2 * LOCAL_CLUSTER_BROKERS - 1} above it)` : ''),
      );
    }
  }
}

// Starts the asked brokers that do not run from this folder, all before waiting for any: a cluster's brokers
// register only once a majority of its controllers have elected a leader. Resolves with the brokers it started,
// once every asked broker answers.
export async function startKafka(
  stackDir: string,
  brokers: readonly string[],
  localBrokers: number,
  log: Log,
): Promise<KafkaNode[]> {
  if (brokers.length !== localBrokers) {
    throw new StackError(
      `The local stack runs one broker, but KAFKA_BROKERS lists ${brokers.length}: ${brokers.join(', ')}, and none ` +
        `answers. Name one broker, or set KAFKA_LOCAL_BROKERS=${LOCAL_CLUSTER_BROKERS} to start a cluster on those ` +
        'addresses (npm run stack:up -- --brokers 3).',
    );
  }
  const wanted = kafkaNodesAt(stackDir, brokers, localBrokers);
  // Before anything is written: the folder's broker on another address would be damaged by a second one.
  refuseOtherKafka(stackDir, wanted);
  const cluster = wanted.length > 1;
  const starting = wanted.filter(({ node }) => serverOfFolder(node, KAFKA_MAIN_CLASS) === null);
  await refuseTakenPorts(starting, cluster);
  requireJavaAndMaven();
  const libs = ensureJars(stackDir, log);
  let clusterId: string | undefined;
  const idOfCluster = () => (clusterId ??= cluster ? clusterIdOf(stackDir, `${libs}/*`) : randomClusterId(`${libs}/*`));
  const launched: Array<{ node: KafkaNode; pid: number }> = [];
  for (const { node, address } of starting) {
    makeDirectory(node.dir, 'STACK_DIR');
    const propertiesFile = writeServerProperties(node, address, cluster ? wanted : []);
    formatStorage(libs, node, propertiesFile, idOfCluster, log);
    log(`starting Kafka ${kafkaVersion()}${cluster ? ` broker ${node.nodeId}` : ''} on ${address}…`);
    const pid = startDetached(
      node,
      'java',
      [
        // Three JVMs of a cluster share the machine: each keeps a smaller heap than the one broker.
        ...(cluster ? ['-Xms128m', '-Xmx512m'] : ['-Xms256m', '-Xmx1g']),
        '-XX:+UseG1GC',
        `-Dlog4j2.configurationFile=${LOG4J_CONFIG}`,
        '-cp',
        `${libs}/*`,
        KAFKA_MAIN_CLASS,
        propertiesFile,
      ],
      { cwd: node.dir, address, commandMarker: KAFKA_MAIN_CLASS },
    );
    launched.push({ node, pid });
  }
  const tookMs = await waitUntilHealthy({
    awaited: kafkaAwaited(brokers, wanted.length),
    limitMs: cluster ? KAFKA_CLUSTER_HEALTHY_WITHIN_MS : KAFKA_HEALTHY_WITHIN_MS,
    answers: kafkaProbe(brokers, wanted.length),
    address: brokers[0],
    givenUp: () => {
      const gone = wanted.find(({ node }) => recordedServerPid(node, KAFKA_MAIN_CLASS) === null);
      if (gone === undefined) return null;
      const pid = launched.find(({ node }) => node === gone.node)?.pid;
      return `${gone.node.name}${pid === undefined ? '' : ` (pid ${pid})`} exited during start-up`;
    },
    // The log of a broker that exited, else the first one's.
    logFile: () =>
      (wanted.find(({ node }) => recordedServerPid(node, KAFKA_MAIN_CLASS) === null) ?? wanted[0]).node.logFile,
    log,
  });
  log(`Kafka${cluster ? ' cluster' : ''} healthy in ${formatSeconds(tookMs)}`);
  return launched.map(({ node }) => node);
}
