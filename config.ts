// The one place that reads the environment. Entry points call loadConfig(); everything else receives values.
// A bad value is refused here, at start-up, with the setting's name and how to fix it, rather than deep inside a
// client library minutes later.
import path from 'node:path';
import { ActionableError } from './cli/actionable-error';
import { isLoopback } from './stack/processes';

export interface Config {
  // Every broker a client may bootstrap from; with a local cluster, all of its brokers.
  readonly kafkaBrokers: string[];
  // How many brokers the local stack starts where none answers: one, or a cluster of LOCAL_CLUSTER_BROKERS.
  readonly kafkaLocalBrokers: number;
  readonly kafkaPartitions: number;
  // How many instances of each team run: members of the team's consumer group in the event-sourced model, worker
  // processes on the team's task queue in the traditional one.
  readonly teamInstances: number;
  // How a team's consumer fetches: the broker answers once it holds minBytes, or after maxWaitMs.
  readonly kafkaFetch: { readonly minBytes: number; readonly maxWaitMs: number };
  readonly temporalAddress: string;
  readonly temporalNamespace: string;
  // Where the local stack keeps its jars, binary, data and logs.
  readonly stackDir: string;
  // Where the traditional model's team databases and run records live.
  readonly dataDir: string;
  // Where the traditional model's teams keep their records: a SQLite file per team in dataDir (one host), or one
  // PostgreSQL database that the replicas of a team's worker on several hosts share.
  readonly teamStore: TeamStoreKind;
  // The PostgreSQL database of teamStore 'postgres'; each scope keeps its tables in a schema of its own.
  readonly teamDatabaseUrl: string;
  // An explicit temporal CLI to run instead of building one.
  readonly temporalBinary: string | null;
  // Prefixes every topic, consumer group, task queue, workflow id and team database, so test runs and demos
  // never see each other's state. Re-running a scope replays the same returns idempotently.
  readonly scope: string;
}

export const TEAM_STORES = ['sqlite', 'postgres'] as const;
export type TeamStoreKind = (typeof TEAM_STORES)[number];

const projectRoot = __dirname;

export const DEFAULTS = {
  KAFKA_BROKERS: '127.0.0.1:9092',
  KAFKA_LOCAL_BROKERS: '1',
  KAFKA_PARTITIONS: '3',
  TEAM_INSTANCES: '1',
  KAFKA_FETCH_MIN_BYTES: '1',
  KAFKA_FETCH_MAX_WAIT_MS: '50',
  TEMPORAL_ADDRESS: '127.0.0.1:7233',
  TEMPORAL_NAMESPACE: 'default',
  STACK_DIR: path.join(projectRoot, '.stack'),
  DATA_DIR: path.join(projectRoot, '.data'),
  TEAM_STORE: 'sqlite',
  // Port 5433, beside PostgreSQL's usual 5432, so a server already installed on the machine is left alone.
  TEAM_DATABASE_URL: 'postgres://returns:returns@127.0.0.1:5433/returns',
  RETURNS_SCOPE: 'demo',
} as const;

// A setting the command cannot run with: a usage error (exit code 2), printed without a stack trace.
export class SettingError extends ActionableError {
  constructor(message: string) {
    super(message, 2);
  }
}

export function validScope(scope: string): string {
  if (!/^[a-z0-9][a-z0-9-]{0,39}$/.test(scope)) {
    throw new SettingError(
      `RETURNS_SCOPE must be 1-40 lowercase letters, digits or dashes, starting with a letter or digit, got "${scope}". ` +
        'It becomes part of topic, task-queue and file names: for example RETURNS_SCOPE=demo-2.',
    );
  }
  return scope;
}

// The local cluster: three JVMs, each a broker and a KRaft controller. Three is the smallest quorum that survives
// the loss of one (two voters survive none), and the smallest cluster where a topic with two in-sync replicas
// required still takes appends with a broker down.
export const LOCAL_CLUSTER_BROKERS = 3;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const kafkaLocalBrokers = localBrokerCount(env);
  return {
    kafkaBrokers: brokerList(env, kafkaLocalBrokers),
    kafkaLocalBrokers,
    kafkaPartitions: wholeNumber(env, 'KAFKA_PARTITIONS', 1, 1000),
    teamInstances: wholeNumber(env, 'TEAM_INSTANCES', 1, 32),
    kafkaFetch: {
      minBytes: wholeNumber(env, 'KAFKA_FETCH_MIN_BYTES', 1, 10_000_000),
      maxWaitMs: wholeNumber(env, 'KAFKA_FETCH_MAX_WAIT_MS', 0, 10_000),
    },
    temporalAddress: address(env, 'TEMPORAL_ADDRESS', env.TEMPORAL_ADDRESS ?? DEFAULTS.TEMPORAL_ADDRESS),
    temporalNamespace: namespace(env.TEMPORAL_NAMESPACE ?? DEFAULTS.TEMPORAL_NAMESPACE),
    stackDir: folder(env, 'STACK_DIR'),
    dataDir: folder(env, 'DATA_DIR'),
    teamStore: teamStore(env.TEAM_STORE ?? DEFAULTS.TEAM_STORE),
    teamDatabaseUrl: databaseUrl(env.TEAM_DATABASE_URL ?? DEFAULTS.TEAM_DATABASE_URL),
    // Empty means unset: the CLI on PATH, or the one the stack builds.
    temporalBinary: env.TEMPORAL_BIN ? path.resolve(env.TEMPORAL_BIN) : null,
    scope: validScope(env.RETURNS_SCOPE ?? DEFAULTS.RETURNS_SCOPE),
  };
}

// Where the Web UI of the Temporal server at TEMPORAL_ADDRESS is: the dev server serves it 1000 ports above its
// frontend. Workflow links printed by the model and the stack point there.
export function temporalUiUrl(address: string): string {
  const separator = address.lastIndexOf(':');
  return `http://${address.slice(0, separator)}:${Number(address.slice(separator + 1)) + 1000}`;
}

// How a command writes, read even when the rest of the configuration is bad, since it shapes that very message.
export interface OutputSettings {
  // RETURNS_DEBUG=1: every failure with its stack trace, for a bug report.
  readonly debug: boolean;
  // The usual conventions: FORCE_COLOR (any value but 0 or false) colours even a pipe, NO_COLOR (any non-empty
  // value) turns colour off; otherwise a terminal gets colour and a pipe or file plain text. FORCE_COLOR wins, as
  // in Node itself.
  readonly colour: 'always' | 'never' | 'terminal';
}

export function loadOutputSettings(env: NodeJS.ProcessEnv = process.env): OutputSettings {
  const force = env.FORCE_COLOR;
  const colour =
    force !== undefined
      ? force === '0' || force === 'false'
        ? 'never'
        : 'always'
      : env.NO_COLOR
        ? 'never'
        : 'terminal';
  return { debug: env.RETURNS_DEBUG === '1' || env.RETURNS_DEBUG === 'true', colour };
}

function brokerList(env: NodeJS.ProcessEnv, localBrokers: number): string[] {
  const text = env.KAFKA_BROKERS ?? DEFAULTS.KAFKA_BROKERS;
  const brokers = text
    .split(',')
    .map((broker) => broker.trim())
    .filter((broker) => broker.length > 0);
  if (brokers.length === 0) {
    throw new SettingError(
      `KAFKA_BROKERS must be a comma-separated list of host:port, got "${text}". Unset it for the local broker at ${DEFAULTS.KAFKA_BROKERS}.`,
    );
  }
  for (const broker of brokers) address(env, 'KAFKA_BROKERS', broker);
  return localBrokers === 1 ? brokers : localCluster(text, brokers);
}

function localBrokerCount(env: NodeJS.ProcessEnv): number {
  const text = env.KAFKA_LOCAL_BROKERS ?? DEFAULTS.KAFKA_LOCAL_BROKERS;
  if (text === '1' || text === String(LOCAL_CLUSTER_BROKERS)) return Number(text);
  throw new SettingError(
    `KAFKA_LOCAL_BROKERS must be 1 (one broker) or ${LOCAL_CLUSTER_BROKERS} (a cluster, each broker also a KRaft ` +
      `controller), got "${text}". Unset it for the default ${DEFAULTS.KAFKA_LOCAL_BROKERS}.`,
  );
}

// The addresses of the local cluster. Every broker also listens on the port above its own for its controller, so
// one address names the first broker and the others follow two ports apart: 9092, 9094, 9096 (controllers on
// 9093, 9095, 9097). All of them are then listed, so a client bootstraps from any broker that is up.
function localCluster(text: string, listed: readonly string[]): string[] {
  const size = LOCAL_CLUSTER_BROKERS;
  const example = `for example KAFKA_BROKERS=${DEFAULTS.KAFKA_BROKERS} with KAFKA_LOCAL_BROKERS=${size} takes the ports 9092 to 9097`;
  const remote = listed.find((broker) => !isLoopback(broker.slice(0, broker.lastIndexOf(':'))));
  if (remote !== undefined) {
    throw new SettingError(
      `KAFKA_LOCAL_BROKERS=${size} starts brokers on this machine, but KAFKA_BROKERS names ${remote}, which the stack ` +
        `never starts. Unset KAFKA_LOCAL_BROKERS to use that cluster as it is, or set KAFKA_BROKERS to a loopback address, ${example}.`,
    );
  }
  if (listed.length !== 1 && listed.length !== size) {
    throw new SettingError(
      `KAFKA_BROKERS names ${listed.length} brokers ("${text}"), but KAFKA_LOCAL_BROKERS=${size} runs ${size}: name the ` +
        `first (the others take the ports 2 and 4 above it) or all ${size}, ${example}.`,
    );
  }
  const cluster =
    listed.length === size
      ? [...listed]
      : Array.from({ length: size }, (_, index) => {
          const separator = listed[0].lastIndexOf(':');
          return `${listed[0].slice(0, separator)}:${Number(listed[0].slice(separator + 1)) + 2 * index}`;
        });
  const taken = new Set<string>();
  for (const broker of cluster) {
    const separator = broker.lastIndexOf(':');
    const port = Number(broker.slice(separator + 1));
    for (const used of [port, port + 1]) {
      const where = `${broker.slice(0, separator)}:${used}`;
      if (used > 65_535 || taken.has(where)) {
        throw new SettingError(
          `KAFKA_BROKERS "${text}" leaves no room for the local cluster: each broker takes its port and the one above ` +
            `it (its KRaft controller), and port ${used} is ${used > 65_535 ? 'beyond 65535' : 'needed twice'}; ${example}.`,
        );
      }
      taken.add(where);
    }
  }
  return cluster;
}

// host:port with a port a socket can use; a port of 0 or 99999 passes a pattern but fails much later.
function address(env: NodeJS.ProcessEnv, name: 'KAFKA_BROKERS' | 'TEMPORAL_ADDRESS', value: string): string {
  const whole = env[name] ?? DEFAULTS[name];
  const match = /^([A-Za-z0-9._-]+):(\d{1,5})$/.exec(value);
  if (!match) {
    throw new SettingError(
      `${name} must be host:port${name === 'KAFKA_BROKERS' ? ' (comma-separated for several brokers)' : ''}, got "${whole}". ` +
        `For example ${name}=${DEFAULTS[name]}, the default.`,
    );
  }
  const port = Number(match[2]);
  if (port < 1 || port > 65_535) {
    throw new SettingError(
      `${name} names port ${port} in "${whole}"; a port is 1 to 65535. For example ${name}=${DEFAULTS[name]}, the default.`,
    );
  }
  return value;
}

// Temporal accepts a wide range of namespace names; blanks and slashes are never among them.
function namespace(value: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/.test(value)) {
    throw new SettingError(
      `TEMPORAL_NAMESPACE must be 1-255 letters, digits, dots, dashes or underscores, got "${value}". Unset it for "${DEFAULTS.TEMPORAL_NAMESPACE}".`,
    );
  }
  return value;
}

// An empty value would resolve to the current folder and scatter files there.
function folder(env: NodeJS.ProcessEnv, name: 'STACK_DIR' | 'DATA_DIR'): string {
  const value = env[name] ?? DEFAULTS[name];
  if (value.trim() === '')
    throw new SettingError(
      `${name} is set but empty. Set it to a folder you can write to, or unset it for ${DEFAULTS[name]}.`,
    );
  return path.resolve(value);
}

function teamStore(value: string): TeamStoreKind {
  const kind = TEAM_STORES.find((store) => store === value);
  if (!kind) {
    throw new SettingError(
      `TEAM_STORE must be ${TEAM_STORES.join(' or ')}, got "${value}". Unset it for sqlite, the default (a file per ` +
        'team in DATA_DIR), or set it to postgres when the workers of a team run on several hosts (see TEAM_DATABASE_URL).',
    );
  }
  return kind;
}

// The password of a URL in a message is replaced: the message goes to a terminal, a log or a CI report.
export function withoutPassword(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^:/@]*:)[^@/]*@/i, '$1***@');
}

// postgres://user:password@host:port/database, as node-postgres reads it; the port defaults to 5432.
function databaseUrl(value: string): string {
  const fix = `For example TEAM_DATABASE_URL=${DEFAULTS.TEAM_DATABASE_URL}, the default, where the local stack starts a server.`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new SettingError(
      `TEAM_DATABASE_URL must be a URL postgres://user:password@host:port/database, got "${withoutPassword(value)}". ${fix}`,
    );
  }
  const problem =
    url.protocol !== 'postgres:' && url.protocol !== 'postgresql:'
      ? `starts with ${url.protocol}// instead of postgres://`
      : url.hostname === ''
        ? 'names no host'
        : url.port !== '' && !(Number(url.port) >= 1 && Number(url.port) <= 65_535)
          ? `names port ${url.port}; a port is 1 to 65535`
          : !/^\/[^/]+$/.test(url.pathname)
            ? 'names no database (the path after host:port)'
            : null;
  if (problem !== null) {
    throw new SettingError(`TEAM_DATABASE_URL ${problem}: "${withoutPassword(value)}". ${fix}`);
  }
  return value;
}

type WholeNumberSetting = 'KAFKA_PARTITIONS' | 'TEAM_INSTANCES' | 'KAFKA_FETCH_MIN_BYTES' | 'KAFKA_FETCH_MAX_WAIT_MS';

function wholeNumber(env: NodeJS.ProcessEnv, name: WholeNumberSetting, min: number, max: number): number {
  const text = env[name] ?? DEFAULTS[name];
  // Digits only: Number() would also take "1e2", "0x10" and " 3 ".
  const value = /^\d{1,12}$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= min && value <= max)) {
    throw new SettingError(
      `${name} must be a whole number from ${min} to ${max}, got "${text}". Unset it for the default ${DEFAULTS[name]}.`,
    );
  }
  return value;
}

// The inverse of loadConfig: the environment that gives a child process exactly this configuration. Every field
// of Config is written, so a child never falls back to a default the parent did not have; loadConfig(configEnv(c))
// equals c (test/unit/config-env.test.ts holds it to that).
export function configEnv(config: Config): Record<string, string> {
  return {
    KAFKA_BROKERS: config.kafkaBrokers.join(','),
    KAFKA_LOCAL_BROKERS: String(config.kafkaLocalBrokers),
    KAFKA_PARTITIONS: String(config.kafkaPartitions),
    TEAM_INSTANCES: String(config.teamInstances),
    KAFKA_FETCH_MIN_BYTES: String(config.kafkaFetch.minBytes),
    KAFKA_FETCH_MAX_WAIT_MS: String(config.kafkaFetch.maxWaitMs),
    TEMPORAL_ADDRESS: config.temporalAddress,
    TEMPORAL_NAMESPACE: config.temporalNamespace,
    STACK_DIR: config.stackDir,
    DATA_DIR: config.dataDir,
    TEAM_STORE: config.teamStore,
    TEAM_DATABASE_URL: config.teamDatabaseUrl,
    // Empty is how loadConfig reads "unset": the child finds the CLI as the parent did.
    TEMPORAL_BIN: config.temporalBinary ?? '',
    RETURNS_SCOPE: config.scope,
  };
}
