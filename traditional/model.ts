// The traditional model behind the one door (model/port.ts): User Support's workflow worker, the teams'
// activity workers and a client, with every team's decisions read back from its own database.
import type { Config } from '../config';
import { assertValidRefundRequest, type ReturnOutcome, type Team, TEAMS, perTeam } from '../domain';
import type {
  AuditReader,
  Model,
  OutcomeWait,
  ProcessSpec,
  ReturnsKnown,
  StoredDecision,
  StoredEffects,
} from '../model/port';
import { type AsProcesses, killTeamProcess, startModelProcesses } from '../model/supervisor';
import { waitFor } from '../model/wait-for';
import { type Client, isGrpcServiceError } from '@temporalio/client';
import { type AuditEvent, fetchAuditTrail, inTimeOrder } from './audit-trail';
import { connectClient, outcomeOfRun, returnWorkflowId, type ReturnVariant, type ReturnWorkflow } from './client';
import { RecordTail } from './record-tail';
import {
  startTraditionalDeployment,
  type TraditionalDeployment,
  type TraditionalDeploymentOptions,
} from './deployment';
import { scopeRunsQuery } from './scope-runs';
import { WORKER_TEAMS } from './teams';

export interface TraditionalModel extends Model, AuditReader<TraditionalAuditTrail> {
  readonly name: 'traditional';
  readonly variant: ReturnVariant;
  // The deployment behind the door, for what only this model has (its client, a workflow's history).
  readonly deployment: TraditionalDeployment;
}

export interface TraditionalModelOptions extends TraditionalDeploymentOptions {
  // Which workflow User Support runs: every team at once, a saga (default), or one after another, Sales first.
  readonly variant?: ReturnVariant;
  // Each worker a process of its own; here only the client.
  readonly asProcesses?: AsProcesses;
}

// How many workflow describes at a time: a scope whose stores disagree may have thousands of returns to look up.
const DESCRIBES_AT_ONCE = 20;

export async function openTraditionalModel(
  config: Config,
  options: TraditionalModelOptions = {},
): Promise<TraditionalModel> {
  const variant = options.variant ?? 'parallel';
  const { asProcesses } = options;
  const deployment = await startTraditionalDeployment(config, asProcesses ? { ...options, teams: [] } : options);
  const processes = asProcesses
    ? await startModelProcesses('traditional', config, traditionalProcessSpecs(), asProcesses).catch(
        async (error: unknown) => {
          await deployment.close();
          throw error;
        },
      )
    : null;
  const tail = new RecordTail(config);
  // The workflow's result says the return is done; the team databases say, meanwhile, who has recorded it.
  const awaitOutcome = async (returnId: string, result: () => Promise<ReturnOutcome>, wait?: OutcomeWait) => {
    const onTeamRecord = wait?.onTeamRecord;
    if (!onTeamRecord) return result();
    const reported = new Set<Team>();
    const report = (team: Team) => {
      if (reported.has(team)) return;
      reported.add(team);
      onTeamRecord(team);
    };
    const stop = tail.listen((recorded, team) => recorded === returnId && report(team));
    try {
      const outcome = await result();
      // Every team recorded before its activity completed: any the tail has not read yet has its record all the same.
      for (const team of TEAMS) report(team);
      return outcome;
    } finally {
      stop();
    }
  };
  const model: TraditionalModel = {
    name: 'traditional',
    label: `traditional (${variant})`,
    variant,
    config,
    deployment,
    async accept(input) {
      const request = assertValidRefundRequest(input);
      await deployment.start(request, variant);
      return request;
    },
    outcome: (returnId, wait) =>
      awaitOutcome(
        returnId,
        async () =>
          outcomeOfRun(
            await deployment.client.workflow.getHandle<ReturnWorkflow>(deployment.workflowId(returnId)).result(),
          ),
        wait,
      ),
    async submit(input, wait) {
      if (!wait?.onTeamRecord) return deployment.submit(input, variant);
      const request = assertValidRefundRequest(input);
      return awaitOutcome(request.returnId, () => deployment.submit(request, variant), wait);
    },
    onTeamRecord: (listener) => tail.listen(listener),
    effects: () => readTeamDatabaseEffects((team) => deployment.readRecords(team)),
    returnsKnown: (returnIds) => returnsKnown(deployment, returnIds),
    auditTrail: (returnId) => readAuditTrail(deployment.client, config, returnId),
    processes,
    stopTeam: async (role) => void (processes ? await processes.process(role).stop() : await deployment.stopTeam(role)),
    startTeam: (role) => (processes ? processes.process(role).start() : deployment.startTeam(role)),
    killTeam: (role) => killTeamProcess(processes, role),
    async settle({ timeoutMs = 120_000 } = {}) {
      const running = `${scopeRunsQuery(config.scope)} AND ExecutionStatus = 'Running'`;
      await waitFor(
        `no workflow of scope ${config.scope} to be running`,
        async () => Number((await deployment.client.workflow.count(running)).count) === 0,
        { timeoutMs, intervalMs: 200 },
      );
    },
    processSpecs: () => traditionalProcessSpecs(),
    async close() {
      await tail.close();
      await processes?.close();
      await deployment.close();
    },
  };
  return model;
}

// One worker process per task queue: User Support's workflows and each team's activities.
export function traditionalProcessSpecs(): ProcessSpec[] {
  return WORKER_TEAMS.map((role) => ({
    role,
    script: 'traditional/worker.ts',
    args: ['--team', role],
    ready: new RegExp(`^${role} worker serving `),
  }));
}

// Every team's decisions, from its store: the deployment's open stores, or those of a scope no deployment of this
// process runs.
export async function readTeamDatabaseEffects(
  readRecords: (team: Team) => Promise<readonly Omit<StoredDecision, 'step'>[]>,
): Promise<StoredEffects> {
  const records = await Promise.all(TEAMS.map(async (team) => [team, await readRecords(team)] as const));
  const ofTeam = new Map(records);
  // UNIQUE(return_id): a team store holds one record per return at most, its latest step.
  const decisions = perTeam(
    (team) =>
      new Map(
        (ofTeam.get(team) ?? []).map((stored) => [
          stored.record.returnId,
          [{ ...stored, step: stepOfRecord(stored.record) }],
        ]),
      ),
  );
  const none = perTeam(() => 0);
  return { model: 'traditional', decisions, copies: none, unreadable: none };
}

// A team record's step is its status (held, shipped…); a record with none has one step only.
export function stepOfRecord(record: { readonly returnId: string }): string {
  const { status } = record as { readonly status?: unknown };
  return typeof status === 'string' ? status : 'recorded';
}

// Handed: a workflow of the return exists, running or finished. Finished: it completed.
async function returnsKnown(deployment: TraditionalDeployment, returnIds: Iterable<string>): Promise<ReturnsKnown> {
  const pending = [...new Set(returnIds)];
  const statuses: (readonly [string, string | null])[] = [];
  while (pending.length > 0) {
    const batch = pending.splice(0, DESCRIBES_AT_ONCE);
    statuses.push(
      ...(await Promise.all(
        batch.map(async (returnId) => [returnId, await deployment.workflowStatus(returnId)] as const),
      )),
    );
  }
  const withStatus = (wanted: (status: string | null) => boolean) =>
    new Set(statuses.filter(([, status]) => wanted(status)).map(([returnId]) => returnId));
  return { handed: withStatus((status) => status !== null), finished: withStatus((status) => status === 'COMPLETED') };
}

export interface TraditionalAuditTrail {
  readonly workflowId: string;
  // In the order they happened; eventId is each one's place in the history. Empty when Temporal has no such run.
  readonly events: readonly AuditEvent[];
}

// gRPC's NOT_FOUND: Temporal has no workflow of this id.
const NOT_FOUND = 5;

async function readAuditTrail(
  client: Client,
  config: Pick<Config, 'scope'>,
  returnId: string,
): Promise<TraditionalAuditTrail> {
  const workflowId = returnWorkflowId(config.scope, returnId);
  const events = await fetchAuditTrail(client, workflowId).then(inTimeOrder, (error: unknown) => {
    if (isGrpcServiceError(error) && error.code === NOT_FOUND) return [];
    throw error;
  });
  return { workflowId, events };
}

// The traditional model's audit trails alone, over a client of their own: no worker starts, nothing is created.
export async function openTraditionalAuditReader(
  config: Config,
): Promise<AuditReader<TraditionalAuditTrail> & { close(): Promise<void> }> {
  const client = await connectClient(config);
  return {
    auditTrail: (returnId) => readAuditTrail(client, config, returnId),
    close: () => client.connection.close(),
  };
}
