// The traditional model's workers: each team serves its own activities on its own task queue, and User Support
// serves the workflows on its queue. They run in-process (deployment.ts), or one per process:
//   ts-node traditional/worker.ts --team <team|user-support>
import { parseArgs } from 'node:util';
import {
  bundleWorkflowCode,
  DefaultLogger,
  type LogEntry,
  type LogLevel,
  makeTelemetryFilterString,
  NativeConnection,
  Runtime,
  Worker,
  type WorkflowBundle,
} from '@temporalio/worker';
import { ActionableError } from '../cli/actionable-error';
import { type EntryPoint, runEntryPoint } from '../cli/entry-point';
import { type Config, loadConfig } from '../config';
import type { Team } from '../domain';
import { TemporalUnavailableError } from './client';
import {
  createTeamActivities,
  isWorkerTeam,
  openTeamStore,
  taskQueueOf,
  type TeamStores,
  USER_SUPPORT,
  WORKER_TEAMS,
  type WorkerTeam,
} from './teams';
import type { TeamDependencies } from './team-store';

type WorkerConfig = Pick<Config, 'temporalNamespace' | 'scope'>;

// Team workers serve activities only and User Support's only workflows; Temporal warns about each at start.
const EXPECTED_WARNINGS = [/^No workflows registered/, /^No activities registered/];

// Temporal logs every worker state change at INFO. A demo or a test run wants what went wrong, on stderr.
// Signals are left to the entry point (cli/entry-point.ts), which stops the workers itself and says what was done:
// with Temporal's default, the runtime would also take SIGINT and SIGTERM, shut every worker down on the first
// Ctrl-C and leave the command waiting on returns no worker serves any more.
// The runtime is made once per process: if something already made it, its logger and signal handling stay.
export function installTemporalRuntime({
  level = 'WARN',
  shutdownSignals = [],
}: { level?: LogLevel; shutdownSignals?: NodeJS.Signals[] } = {}): void {
  if (Runtime._instance) return;
  const write = (entry: LogEntry) => {
    if (EXPECTED_WARNINGS.some((pattern) => pattern.test(entry.message))) return;
    const meta = entry.meta && Object.keys(entry.meta).length > 0 ? ` ${JSON.stringify(entry.meta, readableMeta)}` : '';
    process.stderr.write(`[temporal ${entry.level}] ${entry.message}${meta}\n`);
  };
  Runtime.install({
    logger: new DefaultLogger(level, write),
    // The native core prints its own logs to stdout unless forwarded, which would break --json output.
    telemetryOptions: {
      logging: { forward: {}, filter: makeTelemetryFilterString({ core: level === 'INFO' ? 'INFO' : 'WARN' }) },
    },
    shutdownSignals,
  });
}

// Errors by their message; task tokens are opaque bytes that only make a line unreadable.
function readableMeta(key: string, value: unknown): unknown {
  if (key === 'taskToken') return undefined;
  return value instanceof Error ? `${value.name}: ${value.message}` : value;
}

// Bundling takes seconds: do it once per process and hand the bundle to every User Support worker.
export async function bundleReturnWorkflows(): Promise<WorkflowBundle> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('./workflows'),
    logger: Runtime.instance().logger,
  });
  return { code };
}

export async function connectWorkers(
  config: Pick<Config, 'temporalAddress' | 'temporalNamespace'>,
): Promise<NativeConnection> {
  try {
    return await NativeConnection.connect({ address: config.temporalAddress });
  } catch (error) {
    throw new TemporalUnavailableError(config, error);
  }
}

export function createTeamWorker<T extends Team>(
  connection: NativeConnection,
  config: WorkerConfig,
  team: T,
  dependencies: TeamDependencies<TeamStores[T]>,
): Promise<Worker> {
  return Worker.create({
    connection,
    namespace: config.temporalNamespace,
    taskQueue: taskQueueOf(config.scope, team),
    activities: createTeamActivities(team, dependencies),
  });
}

export function createUserSupportWorker(
  connection: NativeConnection,
  config: WorkerConfig,
  workflowBundle: WorkflowBundle,
): Promise<Worker> {
  return Worker.create({
    connection,
    namespace: config.temporalNamespace,
    taskQueue: taskQueueOf(config.scope, USER_SUPPORT),
    workflowBundle,
  });
}

const USAGE = `Usage: ts-node traditional/worker.ts --team <${WORKER_TEAMS.join('|')}>

Runs one team's Temporal worker on the task queue <RETURNS_SCOPE>.<team> until SIGINT or SIGTERM, then stops
after its in-flight calls and exits 0.
Settings: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, RETURNS_SCOPE, DATA_DIR, TEAM_STORE, TEAM_DATABASE_URL (see
Configuration in the README).
Exit codes: 0 stopped cleanly, 1 a server or the worker failed, 2 a usage error or a bad setting.`;

// The worker a --team value names; a usage error (exit 2) that shows the usage otherwise.
export function workerTeamNamed(name: string | undefined, usage: string): WorkerTeam {
  if (!name || !isWorkerTeam(name)) {
    throw new ActionableError(`${name ? `Unknown team "${name}"` : 'Missing --team'}\n\n${usage}`, 2);
  }
  return name;
}

export interface WorkerProcessOptions {
  // Decorates the team's store before its activities get it, after emmett's WrapEventStore: the seam by which a
  // script around this one puts a fault or a probe around the store. Production runs the store as it is.
  readonly wrapStore?: <T extends Team>(store: TeamStores[T], team: T) => TeamStores[T];
}

// The life of a worker's process, from connecting to Temporal to a clean stop; resolves with its exit code.
export async function runWorkerProcess(
  entry: EntryPoint,
  team: WorkerTeam,
  options: WorkerProcessOptions = {},
): Promise<number> {
  const config = loadConfig();
  installTemporalRuntime({ level: 'INFO' });
  const connection = await connectWorkers(config);
  let store: TeamStores[Team] | undefined;
  let closed: () => void = () => undefined;
  const allClosed = new Promise<void>((resolve) => (closed = resolve));
  try {
    let worker: Worker;
    if (team === USER_SUPPORT) {
      worker = await createUserSupportWorker(connection, config, await bundleReturnWorkflows());
    } else {
      store = await openTeamStore(config, team);
      const served = options.wrapStore ? options.wrapStore(store, team) : store;
      worker = await createTeamWorker(connection, config, team, { store: served, clock: () => new Date() });
    }
    process.stderr.write(`${team} worker serving ${taskQueueOf(config.scope, team)} at ${config.temporalAddress}\n`);
    // A signal is this worker's normal end: it stops polling, finishes its in-flight calls, and run() resolves.
    entry.onStop(async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await allClosed;
    });
    await worker.run();
    process.stderr.write(`${team} worker stopped\n`);
    // Ended by itself, without a signal: its supervisor should start it again.
    return 1;
  } finally {
    await store?.close();
    await connection.close();
    closed();
  }
}

if (require.main === module) {
  runEntryPoint(
    async (entry) => {
      const { values } = parseArgs({ options: { team: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
      if (values.help) {
        process.stdout.write(`${USAGE}\n`);
        return 0;
      }
      return runWorkerProcess(entry, workerTeamNamed(values.team, USAGE));
    },
    { exitCodeAfterCleanStop: 0 },
  );
}
