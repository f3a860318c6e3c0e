// The whole traditional model in one process: User Support's workflow worker, each team's activity worker
// and a client. The start script, the parity and fault suites and the benchmark drive the model through this;
// any team can be stopped and started again, as if its service went down and came back.
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { NativeConnection, Worker, WorkflowBundle } from '@temporalio/worker';
import type { Config } from '../config';
import { StaleScopeError } from '../cli/stale-scope-error';
import {
  missingTeams,
  RECORD_OF_TEAM,
  type RecordOfTeam,
  type ReturnOutcome,
  type Team,
  TEAMS,
  type TeamRecords,
} from '../domain';
import { type AuditEvent, fetchAuditTrail } from './audit-trail';
import {
  connectClient,
  returnWorkflowId,
  type ReturnVariant,
  type ReturnWorkflow,
  startReturn,
  submitReturn,
  workflowUiLink,
} from './client';
import { runStatus } from './scope-runs';
import {
  openTeamStore,
  readTeamRecords,
  taskQueueOf,
  teamStoreNames,
  type TeamStores,
  USER_SUPPORT,
  WORKER_TEAMS,
  type WorkerTeam,
} from './teams';
import type { StoredRecord } from './team-store';
import { bundleReturnWorkflows, connectWorkers, createTeamWorker, createUserSupportWorker } from './worker';

export interface TraditionalDeploymentOptions {
  // Bundled once by the caller and shared, since bundling takes seconds; bundled here when missing.
  readonly workflowBundle?: WorkflowBundle;
  // The workers to run in this process (default: all five). The others may run as their own processes.
  readonly teams?: readonly WorkerTeam[];
  // A team's store to use instead of opening its own: how a test wraps a store to inject a failure.
  readonly stores?: Partial<TeamStores>;
  readonly clock?: () => Date;
  readonly log?: (line: string) => void;
}

export type AllTeamRecords = { readonly [T in Team]: StoredRecord<RecordOfTeam<T>>[] };

export interface TraditionalDeployment {
  readonly config: Config;
  readonly client: Client;
  readonly taskQueues: Readonly<Record<WorkerTeam, string>>;
  // Validates, then starts the return (or joins the run already started for it) and waits for its outcome.
  // Throws StaleScopeError when the run had finished before and a team's store lacks the record it names.
  submit(request: unknown, variant?: ReturnVariant): Promise<ReturnOutcome>;
  // Validates, then starts the return (or finds it) without waiting.
  start(request: unknown, variant?: ReturnVariant): Promise<WorkflowHandle<ReturnWorkflow>>;
  workflowId(returnId: string): string;
  uiLink(returnId: string): string;
  startTeam(team: WorkerTeam): Promise<void>;
  // Shuts the team's worker down after its in-flight calls; its calls then wait on its task queue.
  stopTeam(team: WorkerTeam): Promise<void>;
  runningTeams(): WorkerTeam[];
  readRecords<T extends Team>(team: T): Promise<StoredRecord<RecordOfTeam<T>>[]>;
  readAllRecords(): Promise<AllTeamRecords>;
  // What each team has recorded for one return so far.
  recordsOfReturn(returnId: string): Promise<TeamRecords>;
  // The return's workflow history: the audit trail of who was called when, and how many attempts it took.
  workflowHistory(returnId: string): Promise<AuditEvent[]>;
  // The status of the return's workflow in Temporal (RUNNING, COMPLETED, …), or null when this model never saw it.
  workflowStatus(returnId: string): Promise<string | null>;
  close(): Promise<void>;
}

interface RunningWorker {
  readonly worker: Worker;
  readonly run: Promise<void>;
}

export async function startTraditionalDeployment(
  config: Config,
  options: TraditionalDeploymentOptions = {},
): Promise<TraditionalDeployment> {
  const log = options.log ?? (() => undefined);
  const clock = options.clock ?? (() => new Date());
  const client = await connectClient(config);
  let connection: NativeConnection;
  try {
    connection = await connectWorkers(config);
  } catch (error) {
    await client.connection.close();
    throw error;
  }
  let workflowBundle = options.workflowBundle;
  const ownStores: Partial<Record<Team, TeamStores[Team]>> = {};
  const running = new Map<WorkerTeam, RunningWorker>();
  const starting = new Map<WorkerTeam, Promise<void>>();
  let closed = false;

  const storeOf = <T extends Team>(team: T): TeamStores[T] | undefined =>
    (options.stores?.[team] ?? ownStores[team]) as TeamStores[T] | undefined;

  async function createWorker(team: WorkerTeam): Promise<Worker> {
    if (team === USER_SUPPORT) {
      workflowBundle ??= await bundleReturnWorkflows();
      return createUserSupportWorker(connection, config, workflowBundle);
    }
    let store = storeOf(team);
    if (!store) {
      store = await openTeamStore(config, team);
      ownStores[team] = store;
    }
    return createTeamWorker(connection, config, team, { store, clock });
  }

  async function launch(team: WorkerTeam): Promise<void> {
    const worker = await createWorker(team);
    const run = worker.run().catch((error: unknown) => {
      log(`${team} worker stopped with an error: ${(error as Error).message}`);
    });
    running.set(team, { worker, run });
    // A worker that stopped by itself (a fatal error, or a signal to the process) is no longer running.
    void run.then(() => {
      if (running.get(team)?.worker === worker) running.delete(team);
    });
  }

  function startTeam(team: WorkerTeam): Promise<void> {
    if (closed) return Promise.reject(new Error('The traditional deployment is closed'));
    if (running.has(team)) return Promise.resolve();
    let pending = starting.get(team);
    if (!pending) {
      pending = launch(team).finally(() => starting.delete(team));
      starting.set(team, pending);
    }
    return pending;
  }

  async function stopTeam(team: WorkerTeam): Promise<void> {
    await starting.get(team)?.catch(() => undefined);
    const entry = running.get(team);
    if (!entry) return;
    running.delete(team);
    if (entry.worker.getState() === 'RUNNING') entry.worker.shutdown();
    await entry.run;
  }

  async function readRecords<T extends Team>(team: T): Promise<StoredRecord<RecordOfTeam<T>>[]> {
    const store = storeOf(team);
    return store ? ((await store.records()) as StoredRecord<RecordOfTeam<T>>[]) : readTeamRecords(config, team);
  }

  async function readAllRecords(): Promise<AllTeamRecords> {
    const records = await Promise.all(TEAMS.map(async (team) => [team, await readRecords(team)] as const));
    return Object.fromEntries(records) as AllTeamRecords;
  }

  async function recordsOfReturn(returnId: string): Promise<TeamRecords> {
    const records: Partial<Record<keyof TeamRecords, unknown>> = {};
    for (const team of TEAMS) {
      const store = storeOf(team);
      const record = store
        ? await store.recordOf(returnId)
        : (await readRecords(team)).find((stored) => stored.record.returnId === returnId)?.record;
      if (record) records[RECORD_OF_TEAM[team]] = record;
    }
    return records as TeamRecords;
  }

  // Every team records before its activity returns, so a finished run whose team has no record was not run
  // against this store: Temporal kept the run, and the store was deleted or belongs to another checkout.
  async function submit(request: unknown, variant: ReturnVariant): Promise<ReturnOutcome> {
    const outcome = await submitReturn(client, config.scope, request, variant);
    const lacking = missingTeams(await recordsOfReturn(outcome.returnId));
    if (lacking.length > 0) {
      const { location, names } = teamStoreNames(config, lacking);
      throw new StaleScopeError(
        config.scope,
        `Temporal holds the finished workflow ${returnWorkflowId(config.scope, outcome.returnId)}, whose outcome names ` +
          `records of ${lacking.join(', ')}, but the team databases in ${location} ` +
          `(${names.join(', ')}) hold no record of ${outcome.returnId}.`,
      );
    }
    return outcome;
  }

  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    await Promise.all([...starting.values()].map((pending) => pending.catch(() => undefined)));
    await Promise.all([...running.keys()].map((team) => stopTeam(team)));
    await connection.close();
    await client.connection.close();
    await Promise.all(Object.values(ownStores).map((store) => store.close()));
  }

  const deployment: TraditionalDeployment = {
    config,
    client,
    taskQueues: Object.fromEntries(WORKER_TEAMS.map((team) => [team, taskQueueOf(config.scope, team)])) as Record<
      WorkerTeam,
      string
    >,
    submit: (request, variant = 'parallel') => submit(request, variant),
    start: (request, variant = 'parallel') => startReturn(client, config.scope, request, variant),
    workflowId: (returnId) => returnWorkflowId(config.scope, returnId),
    uiLink: (returnId) => workflowUiLink(config, returnWorkflowId(config.scope, returnId)),
    startTeam,
    stopTeam,
    runningTeams: () => [...running.keys()],
    readRecords,
    readAllRecords,
    recordsOfReturn,
    workflowHistory: (returnId) => fetchAuditTrail(client, returnWorkflowId(config.scope, returnId)),
    workflowStatus: (returnId) => runStatus(client, returnWorkflowId(config.scope, returnId)),
    close,
  };
  try {
    for (const team of options.teams ?? WORKER_TEAMS) await startTeam(team);
  } catch (error) {
    await close();
    throw error;
  }
  return deployment;
}
