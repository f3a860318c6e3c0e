// Each model as the fault scenarios run it: every team (and, in the traditional model, User Support's workflow
// worker) a child process of its own; in this process only what a caller has, the publisher or the Temporal
// client, and a view of which team has answered which return, read from where the teams store their decisions.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Client } from '@temporalio/client';
import { type Config, configEnv } from '../config';
import { type RefundRequest, type Team, TEAMS } from '../domain';
import { type EventSourcedDeployment, startEventSourcedDeployment } from '../event-sourced/deployment';
import { decodeTeamEvent } from '../event-sourced/envelope';
import { topicSpecs, topicsOf } from '../event-sourced/topics';
import { connectClient, returnWorkflowId, type ReturnVariant, startReturn } from '../traditional/client';
import { teamDatabaseFile } from '../traditional/team-store';
import { readTeamRecords, teamTableName, USER_SUPPORT, type WorkerTeam } from '../traditional/teams';
import {
  type EventSourcedReadOptions,
  type ModelName,
  readEventSourcedEffects,
  readTraditionalEffects,
  type StoredEffects,
} from './checker';
import { eventSourcedTeamProcess, type TeamProcess, traditionalWorkerProcess } from './children';

export type ProcessRole = WorkerTeam;

// Which teams have answered which return, as the answers are stored; and a promise for any set of them.
export class AnswerTracker {
  private readonly answers = new Map<string, Map<Team, number>>();
  private readonly waiters = new Map<string, { teams: readonly Team[]; resolve: () => void }[]>();
  private readonly listeners = new Set<(returnId: string, team: Team, atMs: number) => void>();

  answer(returnId: string, team: Team, atMs = performance.now()): void {
    let teams = this.answers.get(returnId);
    if (!teams) {
      teams = new Map();
      this.answers.set(returnId, teams);
    }
    if (teams.has(team)) return;
    teams.set(team, atMs);
    for (const listener of this.listeners) listener(returnId, team, atMs);
    const waiting = this.waiters.get(returnId);
    if (!waiting) return;
    const still = waiting.filter((waiter) => {
      if (!waiter.teams.every((wanted) => teams.has(wanted))) return true;
      waiter.resolve();
      return false;
    });
    if (still.length > 0) this.waiters.set(returnId, still);
    else this.waiters.delete(returnId);
  }

  answeredBy(returnId: string): ReadonlyMap<Team, number> {
    return this.answers.get(returnId) ?? new Map();
  }

  hasAnswered(returnId: string, team: Team): boolean {
    return this.answers.get(returnId)?.has(team) ?? false;
  }

  isComplete(returnId: string): boolean {
    return (this.answers.get(returnId)?.size ?? 0) === TEAMS.length;
  }

  onAnswer(listener: (returnId: string, team: Team, atMs: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  until(returnId: string, teams: readonly Team[] = TEAMS): Promise<void> {
    const known = this.answers.get(returnId);
    if (known && teams.every((team) => known.has(team))) return Promise.resolve();
    return new Promise((resolve) => {
      const waiting = this.waiters.get(returnId) ?? [];
      waiting.push({ teams, resolve });
      this.waiters.set(returnId, waiting);
    });
  }
}

export interface ModelUnderTest {
  readonly model: ModelName;
  // e.g. "traditional (sequential)"
  readonly name: string;
  readonly config: Config;
  readonly processes: ReadonlyMap<ProcessRole, TeamProcess>;
  readonly answers: AnswerTracker;
  // Hands one return to the model once: published, or its workflow started. Throws when the model refuses it or
  // cannot be reached; the caller decides whether to try again.
  accept(request: RefundRequest): Promise<void>;
  // Resolves once the return is finished as its caller sees it: all four events on the topics, or the workflow
  // completed (which may be well after the last record, when the last activity's completion was lost).
  finished(returnId: string): Promise<void>;
  // When each team stored its decision on each return, by the team's own clock (epoch ms).
  recordedAt(team: Team): Promise<Map<string, number>>;
  effects(options?: EventSourcedReadOptions): Promise<StoredEffects>;
  // Stops every process, then removes the scope's topics or databases.
  close(): Promise<void>;
}

export interface EventSourcedUnderTest extends ModelUnderTest {
  readonly model: 'event-sourced';
  readonly deployment: EventSourcedDeployment;
  // Requests the team's consumer group has not committed yet.
  lag(team: Team): Promise<number>;
}

export interface TraditionalUnderTest extends ModelUnderTest {
  readonly model: 'traditional';
  readonly variant: ReturnVariant;
  readonly client: Client;
  // Workflow runs of this scope that have not finished.
  openWorkflows(): Promise<number>;
  workflowRuns(): Promise<number>;
}

export interface ModelOptions {
  readonly base: Config;
  // Becomes part of the scope: topics, groups, task queues, workflow ids and databases are the scenario's own.
  readonly label: string;
  // The negative control: every team runs for its whole life without idempotency (faults/edge/).
  readonly negativeControl?: boolean;
  // Called once the processes exist and before they start: where a scenario arms a crash point.
  readonly beforeStart?: (model: ModelUnderTest) => void;
  readonly log?: (line: string) => void;
}

export function faultScope(label: string): string {
  const safe = label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, 24)
    .replace(/-+$/, '');
  return `f-${safe}-${randomBytes(4).toString('hex')}`;
}

// Stops every process at once; a process that does not stop in time is killed.
async function closeProcesses(processes: Iterable<TeamProcess>): Promise<void> {
  await Promise.all([...processes].map((child) => child.close()));
}

export async function startEventSourcedModel(options: ModelOptions): Promise<EventSourcedUnderTest> {
  const config: Config = { ...options.base, scope: faultScope(options.label) };
  const log = options.log ?? (() => undefined);
  // Here only User Support's publisher and the live return-status projection: no team runs in this process.
  const deployment = await retryingTransient(() =>
    startEventSourcedDeployment(config, { teams: [], restartCrashedTeamsAfterMs: 1_000 }),
  );
  const answers = new AnswerTracker();
  const watched = new Set<string>();
  const processes = new Map<ProcessRole, TeamProcess>(
    TEAMS.map((team) => [team, eventSourcedTeamProcess(team, configEnv(config), { negativeControl: options.negativeControl, log })]),
  );
  const removeTopics = async () => {
    await deployment.eventLog.deleteTopics(topicSpecs(config).map(({ topic }) => topic)).catch(() => undefined);
  };
  const model: EventSourcedUnderTest = {
    model: 'event-sourced',
    name: 'event-sourced',
    config,
    processes,
    answers,
    deployment,
    async accept(request) {
      await deployment.publish(request);
      if (watched.has(request.returnId)) return;
      watched.add(request.returnId);
      // The live projection reports each team's event once, as soon as it is on the team's topic.
      deployment
        .waitForOutcome(request.returnId, { onTeamRecord: (team) => answers.answer(request.returnId, team) })
        .catch(() => undefined);
    },
    finished: (returnId) => answers.until(returnId, TEAMS),
    lag: (team) => deployment.teamLag(team),
    async recordedAt(team) {
      const times = new Map<string, number>();
      await deployment.eventLog.readToEnd([topicsOf(config.scope).teamEvents[team]], (record) => {
        const decoded = decodeTeamEvent(record, team);
        if (decoded.ok && !times.has(decoded.envelope.returnId)) {
          times.set(decoded.envelope.returnId, Date.parse(decoded.envelope.occurredAt));
        }
      });
      return times;
    },
    effects: (readOptions) => readEventSourcedEffects(deployment.eventLog, config.scope, readOptions),
    async close() {
      await closeProcesses(processes.values());
      await removeTopics();
      await deployment.close();
    },
  };
  await startProcesses(model, options);
  return model;
}

// Creating topics while the broker creates others can fail for a moment ("This server does not host this
// topic-partition"): an error the broker marks retriable is tried again, a few times, as any caller would.
async function retryingTransient<T>(attempt: () => Promise<T>, attempts = 3): Promise<T> {
  for (let tried = 1; ; tried++) {
    try {
      return await attempt();
    } catch (error) {
      if ((error as { retriable?: boolean }).retriable !== true || tried >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500 * tried));
    }
  }
}

// A process that dies before it is ready is given the same second chance a supervisor would give it.
async function startWithRetries(child: TeamProcess, attempts = 3): Promise<void> {
  for (let tried = 1; ; tried++) {
    try {
      return await child.start();
    } catch (error) {
      if (tried >= attempts) throw error;
    }
  }
}

// Starts every process of the model at once and puts them under supervision; closes the model if one fails.
async function startProcesses(model: ModelUnderTest, options: ModelOptions): Promise<void> {
  try {
    options.beforeStart?.(model);
    await Promise.all([...model.processes.values()].map((child) => startWithRetries(child)));
  } catch (error) {
    await model.close();
    throw error;
  }
  for (const child of model.processes.values()) child.supervise(true);
}

// Reads the records a team's worker (another process) has written since the last look, by their sequence number.
class RecordTail {
  private select: Database.Statement<[number], { seq: number; return_id: string }> | undefined;
  private db: Database.Database | undefined;
  private lastSeq = 0;

  constructor(
    private readonly file: string,
    private readonly table: string,
  ) {}

  newReturnIds(): string[] {
    if (!this.select) {
      try {
        this.db ??= new Database(this.file, { readonly: true, fileMustExist: true });
        this.db.pragma('busy_timeout = 5000');
        const exists = this.db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(this.table);
        if (!exists) return [];
        this.select = this.db.prepare(`SELECT seq, return_id FROM ${this.table} WHERE seq > ? ORDER BY seq`);
      } catch {
        // The worker has not created its database yet.
        return [];
      }
    }
    const rows = this.select.all(this.lastSeq);
    if (rows.length > 0) this.lastSeq = rows[rows.length - 1].seq;
    return rows.map((row) => row.return_id);
  }

  close(): void {
    this.db?.close();
  }
}

export interface TraditionalModelOptions extends ModelOptions {
  readonly variant: ReturnVariant;
}

const TAIL_INTERVAL_MS = 50;

export async function startTraditionalModel(options: TraditionalModelOptions): Promise<TraditionalUnderTest> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'faults-traditional-'));
  const config: Config = { ...options.base, scope: faultScope(options.label), dataDir };
  const log = options.log ?? (() => undefined);
  const removeData = () => rmSync(dataDir, { recursive: true, force: true });
  let client: Client;
  try {
    client = await connectClient(config);
  } catch (error) {
    removeData();
    throw error;
  }
  const roles: ProcessRole[] = [USER_SUPPORT, ...TEAMS];
  const processes = new Map<ProcessRole, TeamProcess>(
    roles.map((role) => [role, traditionalWorkerProcess(role, configEnv(config), { negativeControl: options.negativeControl, log })]),
  );
  const answers = new AnswerTracker();
  const tails = TEAMS.map((team) => ({
    team,
    tail: new RecordTail(teamDatabaseFile(config, team), teamTableName(team)),
  }));
  const poll = setInterval(() => {
    for (const { team, tail } of tails) {
      try {
        for (const returnId of tail.newReturnIds()) answers.answer(returnId, team);
      } catch (error) {
        log(`reading ${team}'s records failed, trying again: ${(error as Error).message}`);
      }
    }
  }, TAIL_INTERVAL_MS);

  const count = async (query: string) => Number((await client.workflow.count(query)).count);
  const inScope = `TaskQueue = '${config.scope}.${USER_SUPPORT}'`;
  const model: TraditionalUnderTest = {
    model: 'traditional',
    name: `traditional (${options.variant})`,
    variant: options.variant,
    config,
    client,
    processes,
    answers,
    async accept(request) {
      await startReturn(client, config.scope, request, options.variant);
    },
    async finished(returnId) {
      await client.workflow.getHandle(returnWorkflowId(config.scope, returnId)).result();
    },
    openWorkflows: () => count(`${inScope} AND ExecutionStatus = 'Running'`),
    workflowRuns: () => count(inScope),
    async recordedAt(team) {
      return new Map(
        readTeamRecords(config, team).map(({ record, recordedAt }) => [record.returnId, Date.parse(recordedAt)]),
      );
    },
    effects: async () => readTraditionalEffects(config),
    async close() {
      clearInterval(poll);
      await closeProcesses(processes.values());
      for (const { tail } of tails) tail.close();
      await client.connection.close();
      removeData();
    },
  };
  await startProcesses(model, options);
  return model;
}
