// The event-sourced model behind the one door (model/port.ts): User Support's publisher, the five team runners
// and the live return-status projection, with every team's decisions read back from its own topic.
import type { Config } from '../config';
import { missingTeams, perTeam, RECORD_OF_TEAM, type Team, TEAMS, type TeamRecords } from '../domain';
import { standingDecision } from '../model/effects-check';
import type {
  AuditReader,
  Model,
  ModelRole,
  ProcessSpec,
  ReturnsKnown,
  StoredDecision,
  StoredEffects,
} from '../model/port';
import { type AsProcesses, killTeamProcess, startModelProcesses } from '../model/supervisor';
import { waitFor } from '../model/wait-for';
import { decodeRequest, decodeTeamEvent } from './envelope';
import { connectEventLog, type EventLog } from './event-log';
import { type AuditEntry, readReturnStatus } from './projections/return-status.projection';
import { teamEventTopics, topicsOf } from './topics';
import {
  type EventSourcedDeployment,
  type EventSourcedDeploymentOptions,
  startEventSourcedDeployment,
} from './deployment';

export interface EventSourcedModel extends Model, AuditReader<EventSourcedAuditTrail> {
  readonly name: 'event-sourced';
  // The deployment behind the door, for what only this model has (its topics, a team's state, its lag).
  readonly deployment: EventSourcedDeployment;
}

export interface EventSourcedModelOptions extends EventSourcedDeploymentOptions {
  // Each team a process of its own; here only User Support's publisher and the live projection.
  readonly asProcesses?: AsProcesses;
}

export async function openEventSourcedModel(
  config: Config,
  options: EventSourcedModelOptions = {},
): Promise<EventSourcedModel> {
  const { asProcesses } = options;
  const deployment = await startEventSourcedDeployment(config, asProcesses ? { ...options, teams: [] } : options);
  const processes = asProcesses
    ? await startModelProcesses('event-sourced', config, eventSourcedProcessSpecs(), asProcesses).catch(
        async (error: unknown) => {
          await deployment.close();
          throw error;
        },
      )
    : null;
  const teamOf = (role: ModelRole): Team => {
    if (role === 'user-support') throw new Error('User Support is no process of its own in the event-sourced model');
    return role;
  };
  // The live projection reports each team's event once, as soon as it is on the team's topic: each return handed
  // over is followed while anyone listens.
  const recordListeners = new Set<(returnId: string, team: Team) => void>();
  const followed = new Set<string>();
  const follow = (returnId: string) => {
    if (recordListeners.size === 0 || followed.has(returnId)) return;
    followed.add(returnId);
    deployment
      .waitForOutcome(returnId, {
        onTeamRecord: (team) => recordListeners.forEach((listener) => listener(returnId, team)),
      })
      .catch(() => undefined);
  };
  const model: EventSourcedModel = {
    name: 'event-sourced',
    label: 'event-sourced',
    config,
    deployment,
    async accept(input) {
      const request = (await deployment.publish(input)).data;
      follow(request.returnId);
      return request;
    },
    outcome: (returnId, wait) =>
      deployment.waitForOutcome(returnId, {
        onTeamRecord: wait?.onTeamRecord && ((team) => wait.onTeamRecord?.(team)),
      }),
    submit: async (request, wait) => model.outcome((await model.accept(request)).returnId, wait),
    effects: () => readTeamTopicEffects(deployment.eventLog, config.scope),
    returnsKnown: (returnIds) => returnsKnown(deployment, returnIds),
    auditTrail: (returnId) => readAuditTrail(deployment.eventLog, config, returnId),
    onTeamRecord(listener) {
      recordListeners.add(listener);
      return () => recordListeners.delete(listener);
    },
    processes,
    stopTeam: async (role) =>
      void (processes ? await processes.process(teamOf(role)).stop() : await deployment.stopTeam(teamOf(role))),
    startTeam: (role) => (processes ? processes.process(teamOf(role)).start() : deployment.startTeam(teamOf(role))),
    killTeam: (role) => killTeamProcess(processes, teamOf(role)),
    async settle({ timeoutMs = 120_000 } = {}) {
      await waitFor(
        `every team of scope ${config.scope} to take every request and every event it reads`,
        () => deployment.caughtUp(),
        { timeoutMs, intervalMs: 100 },
      );
    },
    processSpecs: () => eventSourcedProcessSpecs(),
    async close() {
      await processes?.close();
      await deployment.close();
    },
  };
  return model;
}

// One process per team, as in production.
export function eventSourcedProcessSpecs(): ProcessSpec[] {
  return TEAMS.map((team) => ({
    role: team,
    script: 'event-sourced/run-team.ts',
    args: ['--team', team],
    ready: new RegExp(`^${team} ready$`),
  }));
}

// Every team topic of a scope from offset 0, each record read by the gate every reader uses. Each event is one step
// of its team for its return, named by its type (a unit held, then shipped). A decision taken again differs at
// least in when it occurred; a byte-identical record is the same decision stored twice, counted as a copy. Values
// in ignoredValues (records a fault scenario wrote onto a topic itself) are no team's decision.
export async function readTeamTopicEffects(
  eventLog: EventLog,
  scope: string,
  ignoredValues: ReadonlySet<string> = new Set(),
): Promise<StoredEffects> {
  const decisions = perTeam(() => new Map<string, StoredDecision[]>());
  const copies = perTeam(() => 0);
  const unreadable = perTeam(() => 0);
  const topics = topicsOf(scope).teamEvents;
  for (const team of TEAMS) {
    const seenValues = new Set<string>();
    await eventLog.readToEnd([topics[team]], (record) => {
      const value = record.value?.toString('utf8') ?? '';
      if (ignoredValues.has(value)) return;
      const decoded = decodeTeamEvent(record, team);
      if (!decoded.ok) {
        unreadable[team]++;
        return;
      }
      if (seenValues.has(value)) {
        copies[team]++;
        return;
      }
      seenValues.add(value);
      const { envelope } = decoded;
      const decision = { record: envelope.data, step: envelope.type, recordedAt: envelope.occurredAt };
      const stored = decisions[team].get(envelope.returnId);
      if (stored) stored.push(decision);
      else decisions[team].set(envelope.returnId, [decision]);
    });
  }
  return { model: 'event-sourced', decisions, copies, unreadable };
}

// Handed: a RefundRequested on the request topic. Finished: every team's record on its topic stands, the latest
// of its steps, as every reader goes by.
async function returnsKnown(deployment: EventSourcedDeployment, returnIds: Iterable<string>): Promise<ReturnsKnown> {
  const asked = new Set(returnIds);
  const handed = new Set<string>();
  if (asked.size > 0) {
    await deployment.eventLog.readToEnd([deployment.topics.requests], (record) => {
      const decoded = decodeRequest(record);
      if (decoded.ok && asked.has(decoded.envelope.returnId)) handed.add(decoded.envelope.returnId);
    });
  }
  const effects = handed.size > 0 ? await readTeamTopicEffects(deployment.eventLog, deployment.config.scope) : null;
  const standing = (returnId: string): TeamRecords => {
    const records: Record<string, unknown> = {};
    for (const team of TEAMS) {
      const decisions = effects?.decisions[team].get(returnId);
      if (decisions) records[RECORD_OF_TEAM[team]] = standingDecision(decisions).record;
    }
    return records;
  };
  const finished = new Set([...handed].filter((returnId) => missingTeams(standing(returnId)).length === 0));
  return { handed, finished };
}

export interface EventSourcedAuditTrail {
  // The scope's team topics that do not exist: all of them when the model never ran in the scope.
  readonly missingTopics: readonly string[];
  // The return's team events, in the order they occurred, each with where it is stored.
  readonly events: readonly AuditEntry[];
}

// Reading a topic that does not exist fails (and would wait for it first), so only a scope whose team topics all
// exist is read; a scope where the event-sourced model never ran has none.
async function readAuditTrail(
  eventLog: EventLog,
  config: Pick<Config, 'scope'>,
  returnId: string,
): Promise<EventSourcedAuditTrail> {
  const teamTopics = teamEventTopics(topicsOf(config.scope));
  const existing = new Set(await eventLog.existingTopics(teamTopics));
  const missingTopics = teamTopics.filter((topic) => !existing.has(topic));
  if (missingTopics.length > 0) return { missingTopics, events: [] };
  // A poison record on a team topic is the team's dead-letter business; the audit just passes over it.
  const projection = await readReturnStatus(eventLog, config.scope, () => Promise.resolve());
  return { missingTopics, events: projection.auditTrail(returnId) };
}

// The event-sourced model's audit trails alone, over a connection of their own: no team starts, no topic is created.
export async function openEventSourcedAuditReader(
  config: Config,
): Promise<AuditReader<EventSourcedAuditTrail> & { close(): Promise<void> }> {
  const eventLog = await connectEventLog({ brokers: config.kafkaBrokers, clientId: `${config.scope}.audit` });
  return {
    auditTrail: (returnId) => readAuditTrail(eventLog, config, returnId),
    close: () => eventLog.close(),
  };
}
