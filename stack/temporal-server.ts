// The local Temporal dev server (`temporal server start-dev`): the real server with a SQLite file and the Web UI.
// The CLI comes from TEMPORAL_BIN, from PATH, or is built once from the Go module proxy into the stack folder.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { temporalAnswers, waitUntilHealthy } from './health';
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
  whichCommand,
} from './processes';
import { makeDirectory } from '../cli/make-directory';

// Later CLI tags carry a `replace` directive in go.mod, which `go install pkg@version` refuses.
export const TEMPORAL_CLI_VERSION = 'v1.5.1';
const TEMPORAL_CLI_PACKAGE = 'github.com/temporalio/cli/cmd/temporal';
export const TEMPORAL_COMMAND_MARKER = 'start-dev';
// Measured on 2 cores at load averages from 2 to 50, with a fresh database: the dev server opens its port in 0.2 to
// 3.5 s and serves the namespace in 0.5 to 2.3 s; its SQLite schema costs six fsyncs. A first start once took
// 98.5 s on a loaded machine; the one delay found that grows that large was the health probe's own reconnect
// backoff (see temporalAnswers), now gone. The limit only ends a wait that will never succeed, so it is generous;
// the progress lines say what is awaited meanwhile.
export const TEMPORAL_HEALTHY_WITHIN_MS = 300_000;

export function temporalServer(stackDir: string): DetachedServer & { dir: string } {
  const dir = path.join(stackDir, 'temporal');
  return {
    name: 'Temporal',
    dir,
    pidFile: path.join(dir, 'temporal.pid'),
    addressFile: path.join(dir, 'temporal.address'),
    logFile: path.join(stackDir, 'logs', 'temporal.log'),
    addressSetting: 'TEMPORAL_ADDRESS',
    addressFromCommandLine: addressOfArguments,
  };
}

// A server started before its address was recorded: its --ip and --port say where it listens.
function addressOfArguments(commandLine: readonly string[]): string | null {
  const valueOf = (flag: string) => {
    const at = commandLine.indexOf(flag);
    return at >= 0 ? commandLine[at + 1] : undefined;
  };
  const [ip, port] = [valueOf('--ip'), valueOf('--port')];
  return ip !== undefined && port !== undefined ? `${ip}:${port}` : null;
}

export function temporalAwaited(address: string, namespace: string): string {
  return `Temporal at ${address} to accept a client for namespace ${namespace}`;
}

export function builtTemporalBinary(stackDir: string): string {
  return path.join(stackDir, 'temporal', 'bin', 'temporal');
}

export async function findOrBuildTemporal(stackDir: string, explicitBinary: string | null, log: Log): Promise<string> {
  if (explicitBinary !== null) {
    if (!existsSync(explicitBinary))
      throw new StackError(`TEMPORAL_BIN points at ${explicitBinary}, which does not exist.`);
    return explicitBinary;
  }
  const onPath = whichCommand('temporal');
  if (onPath !== null) return onPath;
  const built = builtTemporalBinary(stackDir);
  if (existsSync(built)) return built;
  if (!commandExists('go')) {
    throw new StackError(
      'The local Temporal server needs the `temporal` CLI, which is not on PATH, and Go to build it, which is missing.\n' +
        '  Install Go 1.22+ (https://go.dev/doc/install, or sudo apt-get install golang), or put a temporal binary on PATH,\n' +
        '  or set TEMPORAL_BIN to one. Or run Redpanda and Temporal with Docker instead: docker compose up -d.',
    );
  }
  await buildTemporal(stackDir, built, log);
  return built;
}

async function buildTemporal(stackDir: string, target: string, log: Log): Promise<void> {
  const goRoot = path.join(stackDir, 'go');
  makeDirectory(path.dirname(target), 'STACK_DIR');
  log(
    `building the Temporal CLI ${TEMPORAL_CLI_VERSION} from the Go module proxy (first run only, about 5 minutes on 2 cores)…`,
  );
  const started = Date.now();
  const env = {
    ...process.env,
    CGO_ENABLED: '0',
    GOBIN: path.dirname(target),
    GOPATH: goRoot,
    GOMODCACHE: path.join(goRoot, 'mod'),
    GOCACHE: path.join(goRoot, 'build-cache'),
    // Module files are read-only by default, which makes the cache folder hard to delete.
    GOFLAGS: `${process.env.GOFLAGS ?? ''} -modcacherw`.trim(),
  };
  const output: string[] = [];
  const exitCode = await new Promise<number>((resolve, reject) => {
    const child = spawn('go', ['install', `${TEMPORAL_CLI_PACKAGE}@${TEMPORAL_CLI_VERSION}`], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const progress = setInterval(
      () => log(`  still building the Temporal CLI (${formatSeconds(Date.now() - started)})…`),
      30_000,
    );
    for (const stream of [child.stdout, child.stderr])
      stream.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(progress);
      resolve(code ?? 1);
    });
  });
  if (exitCode !== 0 || !existsSync(target)) {
    throw new StackError(
      `go install ${TEMPORAL_CLI_PACKAGE}@${TEMPORAL_CLI_VERSION} failed:\n${output.join('').trim().split('\n').slice(-25).join('\n')}`,
    );
  }
  log(`Temporal CLI built in ${formatSeconds(Date.now() - started)}: ${target}`);
}

// Checked before the CLI is built too, so a taken port is reported at once and not after a five-minute build.
export async function refuseTakenTemporalPorts(address: string): Promise<void> {
  const { host, port } = splitAddress(address);
  const uiPort = port + 1000;
  for (const candidate of [port, uiPort]) {
    if (await portAcceptsConnections(host, candidate)) {
      throw new StackError(
        `Port ${candidate} on ${host} is taken by a process that is not a Temporal server this stack can use` +
          (candidate === uiPort ? ' (the dev server puts its Web UI there)' : '') +
          `.\n  See what holds it: ss -ltnp 'sport = :${candidate}'\n` +
          `  Stop that process, or set TEMPORAL_ADDRESS to a free port, e.g. TEMPORAL_ADDRESS=${host}:${port + 100}`,
      );
    }
  }
}

export async function startTemporal(
  stackDir: string,
  address: string,
  namespace: string,
  binary: string,
  log: Log,
): Promise<void> {
  const { host, port } = splitAddress(address);
  const uiPort = port + 1000;
  const server = temporalServer(stackDir);
  // Before anything is written: two dev servers on one SQLite file would corrupt it.
  const running = refuseSecondServer(server, TEMPORAL_COMMAND_MARKER, address, stackDir);
  if (running !== null)
    throw new StackError(
      `Temporal started from ${stackDir} is running on ${address} (pid ${running.pid}): not starting a second one`,
    );
  await refuseTakenTemporalPorts(address);
  const database = path.join(server.dir, 'temporal.db');
  const firstStart = !existsSync(database);
  makeDirectory(server.dir, 'STACK_DIR');
  const args = [
    'server',
    'start-dev',
    '--ip',
    host,
    '--port',
    String(port),
    '--ui-port',
    String(uiPort),
    // A file, not memory: workflow histories survive a restart of the server, which the fault suite relies on.
    '--db-filename',
    database,
    // SQLite's default rollback journal syncs the file on every transaction and halves what the server sustains
    // (about 10 against 25 workflows/s in the benchmark). A write-ahead log synced at checkpoints still survives the
    // server process being killed, which is all a local stack needs: only a machine crash can lose the last writes.
    '--sqlite-pragma',
    'journal_mode=wal',
    '--sqlite-pragma',
    'synchronous=normal',
    '--log-level',
    'warn',
    // The dev server's default per-namespace rate limits throttle a benchmark long before the machine does.
    '--dynamic-config-value',
    'frontend.namespaceRPS=20000',
    '--dynamic-config-value',
    'frontend.namespaceCount=20000',
    '--dynamic-config-value',
    'frontend.rps=20000',
    '--dynamic-config-value',
    'history.rps=20000',
    '--dynamic-config-value',
    'matching.rps=20000',
  ];
  if (namespace !== 'default') args.push('--namespace', namespace);
  log(
    `starting the Temporal dev server on ${address}${firstStart ? ` (first start: it creates its database ${database})` : ''}…`,
  );
  const pid = startDetached(server, binary, args, { cwd: server.dir, address, commandMarker: TEMPORAL_COMMAND_MARKER });
  const tookMs = await waitUntilHealthy({
    awaited: temporalAwaited(address, namespace),
    limitMs: TEMPORAL_HEALTHY_WITHIN_MS,
    answers: () => temporalAnswers(address, namespace),
    address,
    givenUp: () =>
      recordedServerPid(server, TEMPORAL_COMMAND_MARKER) === null
        ? `Temporal (pid ${pid}) exited during start-up`
        : null,
    logFile: server.logFile,
    log,
  });
  log(`Temporal healthy in ${formatSeconds(tookMs)}`);
}
