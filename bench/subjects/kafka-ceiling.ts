// The Kafka ceiling: the choreography's fan-out with no domain logic. The driver appends the model's request bytes,
// unvalidated, through the same batching as the model's publisher, and tails the four team topics; a return is
// done when each team's event has been seen. The teams are bench/ceilings/kafka-echo.ts processes.
import { eventOnItsOwn, perTeam, type RefundRequest, type Team, TEAMS } from '../../domain';
import { batchedAppend } from '../../event-sourced/batched-append';
import { encodeEnvelope, requestEnvelope, teamEventEnvelope } from '../../event-sourced/envelope';
import { connectEventLog, type EventLog, type Subscription, type TopicSpec } from '../../event-sourced/event-log';
import type { StoredDecision, StoredEffects } from '../../model/port';
import type { Supervisor } from '../../model/supervisor';
import { kafkaCeilingTopics } from '../ceilings/kafka-ceiling-topics';
import type { BenchContext } from '../context';
import { startCeilingProcesses } from './processes';
import { type Door, type SubjectGroup, subjectOf } from './subject';

export async function startKafkaCeiling(context: BenchContext, keepTopics = false): Promise<SubjectGroup> {
  const { config, workload } = context;
  const topics = kafkaCeilingTopics(config.scope);
  const specs = ceilingTopicSpecs(config.kafkaPartitions, [topics.requests, ...Object.values(topics.teamEvents)]);
  const log = await connectEventLog({
    brokers: config.kafkaBrokers,
    clientId: `${config.scope}.bench.ceiling`,
    log: (line) => context.log(`driver ${line}`),
  });
  const feed = new TeamFeed();
  let tail: Subscription | undefined;
  let supervisor: Supervisor | undefined;
  try {
    await log.ensureTopics(specs);
    tail = await tailTeamTopics(log, topics.teamEvents, feed, context.log);
    const eventBytes = String(typicalTeamEventBytes(workload.request(0)));
    supervisor = await startCeilingProcesses(
      context,
      'kafka-ceiling',
      TEAMS.map((team) => ({
        role: team,
        script: 'bench/ceilings/kafka-echo.ts',
        args: ['--team', team, '--event-bytes', eventBytes],
        ready: new RegExp(`^${team} ready$`),
      })),
    );
  } catch (error) {
    await tail?.stop().catch(() => undefined);
    await log.close().catch(() => undefined);
    throw error;
  }
  const teams = supervisor;
  const teamTail = tail;
  const append = batchedAppend(log, topics.requests, context.tuning.publishBatchMax);
  const door: Door = {
    async accept(request) {
      if (feed.failure) throw feed.failure;
      await append({
        key: request.returnId,
        value: JSON.stringify(requestEnvelope(request, new Date().toISOString())),
      });
    },
    onTeamRecord: (listener) => feed.listen(listener),
    killTeam: async (team) => void (await teams.process(team).kill()),
    startTeam: (team) => teams.process(team).start(),
    effects: () => effectsByKey(log, topics.teamEvents),
  };
  const subject = subjectOf(
    {
      name: 'kafka-ceiling',
      kind: 'ceiling',
      label: 'Kafka ceiling (kafkajs fan-out, no domain logic)',
      completionSignal: 'the driver has seen an event of each of the four teams on their topics',
      seesTeams: true,
      verifiedBy: 'team topics read to the end, events counted by key',
    },
    door,
    teams,
    context,
    'kafka-server',
  );
  // Once the tail has failed, no open return can be seen to complete.
  feed.onFailure((error) => subject.tracker.failAll(error));

  return {
    subjects: [subject],
    async close() {
      await teams.close();
      await teamTail.stop().catch(() => undefined);
      if (!keepTopics)
        await log
          .deleteTopics(specs.map(({ topic }) => topic))
          .catch((error: unknown) => context.log(`could not delete the run's topics: ${(error as Error).message}`));
      await log.close();
    },
  };
}

// Each team event the driver's tail sees, to whoever listens; and the tail's failure, once.
class TeamFeed {
  private readonly listeners = new Set<(returnId: string, team: Team) => void>();
  private readonly failureListeners: ((error: Error) => void)[] = [];
  failure: Error | undefined;

  listen(listener: (returnId: string, team: Team) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  answered(returnId: string, team: Team): void {
    for (const listener of this.listeners) listener(returnId, team);
  }

  onFailure(listener: (error: Error) => void): void {
    this.failureListeners.push(listener);
  }

  failed(error: Error): void {
    this.failure = error;
    for (const listener of this.failureListeners) listener(error);
  }
}

// From the beginning of the team topics: nothing answered before the tail joined is missed.
async function tailTeamTopics(
  log: EventLog,
  teamTopics: Readonly<Record<Team, string>>,
  feed: TeamFeed,
  say: (line: string) => void,
): Promise<Subscription> {
  const teamOfTopic = new Map<string, Team>(TEAMS.map((team) => [teamTopics[team], team]));
  return log.tail(
    TEAMS.map((team) => teamTopics[team]),
    (record) => {
      const team = teamOfTopic.get(record.topic);
      if (team && record.key !== null) feed.answered(record.key, team);
    },
    (error) => {
      say(`the driver's tail of the team topics failed: ${error.message}`);
      feed.failed(error);
    },
  );
}

// The echo's events are opaque: each is one decision of the return its key names, and one without a key is unreadable.
async function effectsByKey(log: EventLog, teamTopics: Readonly<Record<Team, string>>): Promise<StoredEffects> {
  const decisions = perTeam(() => new Map<string, StoredDecision[]>());
  const unreadable = perTeam(() => 0);
  const teamOfTopic = new Map<string, Team>(TEAMS.map((team) => [teamTopics[team], team]));
  // One read of all four topics: one consumer group to join, not four.
  await log.readToEnd(
    TEAMS.map((team) => teamTopics[team]),
    (record) => {
      const team = teamOfTopic.get(record.topic);
      if (!team) return;
      if (record.key === null) {
        unreadable[team] += 1;
        return;
      }
      const decision = { record: { returnId: record.key }, recordedAt: '', step: 'recorded' };
      const stored = decisions[team].get(record.key);
      if (stored) stored.push(decision);
      else decisions[team].set(record.key, [decision]);
    },
  );
  const copies = perTeam(() => 0);
  return { model: 'event-sourced', decisions, copies, unreadable };
}

// As many partitions as the model's topics; the ceiling's topics go when the run ends, so retention is moot.
function ceilingTopicSpecs(partitions: number, topics: readonly string[]): TopicSpec[] {
  return topics.map((topic) => ({ topic, partitions, keepForever: false }));
}

// The mean size of the four team events of one return, so the ceiling writes as many bytes as the model.
function typicalTeamEventBytes(request: RefundRequest): number {
  const cause = requestEnvelope(request, new Date(0).toISOString());
  const at = cause.occurredAt;
  const events = TEAMS.map((team) => teamEventEnvelope(team, eventOnItsOwn(team, request), cause, at));
  const total = events.reduce((sum, event) => sum + Buffer.byteLength(String(encodeEnvelope(event).value)), 0);
  return Math.round(total / events.length);
}
