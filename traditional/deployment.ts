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
  // How many replicas of each worker run in this process, on the same task queue (default: the configuration's
  // TEAM_INSTANCES).
  readonly instances?: number;
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
  readonly workers: readonly Worker[];
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
  // The stores of the replicas after the first, by team and replica, kept across a team's restarts.
  const replicaStores = new Map<string, TeamStores[Team]>();
  const instances = options.instances ?? config.teamInstances;
  const running = new Map<WorkerTeam, RunningWorker>();
  const starting = new Map<WorkerTeam, Promise<void>>();
  let closed = false;

  const storeOf = <T extends Team>(team: T): TeamStores[T] | undefined =>
    (options.stores?.[team] ?? ownStores[team]) as TeamStores[T] | undefined;

  // Each replica after the first has a store of its own, as a worker on another host would: replicas racing for one
  // return meet in the store's transaction. A store given in the options is shared by every replica.
  async function replicaStore<T extends Team>(team: T, replica: number): Promise<TeamStores[T]> {
    const given = options.stores?.[team];
    if (given) return given;
    const kept = (replica === 0 ? ownStores[team] : replicaStores.get(`${team}#${replica}`)) as
      TeamStores[T] | undefined;
    if (kept) return kept;
    const store = await openTeamStore(config, team);
    if (replica === 0) ownStores[team] = store;
    else replicaStores.set(`${team}#${replica}`, store);
    return store;
  }

  // Temporal registers one worker per task queue on a connection, so each replica after the first polls over a
  // connection of its own, as a worker process does.
  const replicaConnections: Promise<NativeConnection>[] = [];
  function connectionOf(replica: number): Promise<NativeConnection> {
    if (replica === 0) return Promise.resolve(connection);
    while (replicaConnections.length < replica) replicaConnections.push(connectWorkers(config));
    return replicaConnections[replica - 1];
  }

  async function createWorker(team: WorkerTeam, replica: number): Promise<Worker> {
    const polling = await connectionOf(replica);
    if (team === USER_SUPPORT) {
      workflowBundle ??= await bundleReturnWorkflows();
      return createUserSupportWorker(polling, config, workflowBundle);
    }
    return createTeamWorker(polling, config, team, { store: await replicaStore(team, replica), clock });
  }

  // The team's replicas, each a worker polling the team's task queue: Temporal hands each task to one of them.
  async function launch(team: WorkerTeam): Promise<void> {
    const workers: Worker[] = [];
    for (let replica = 0; replica < instances; replica++) workers.push(await createWorker(team, replica));
    const run = Promise.all(
      workers.map((worker) =>
        worker.run().catch((error: unknown) => {
          log(`${team} worker stopped with an error: ${(error as Error).message}`);
        }),
      ),
    ).then(() => undefined);
    const entry = { workers, run };
    running.set(team, entry);
    // Workers that stopped by themselves (a fatal error, or a signal to the process) are no longer running.
    void run.then(() => {
      if (running.get(team) === entry) running.delete(team);
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
    for (const worker of entry.workers) if (worker.getState() === 'RUNNING') worker.shutdown();
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
    for (const replicaConnection of await Promise.allSettled(replicaConnections)) {
      if (replicaConnection.status === 'fulfilled') await replicaConnection.value.close();
    }
    await connection.close();
    await client.connection.close();
    await Promise.all([...Object.values(ownStores), ...replicaStores.values()].map((store) => store.close()));
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
