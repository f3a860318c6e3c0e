// The event-sourced model under load, and its Kafka ceiling. The driver is User Support, event-sourced/publisher.ts: it
// publishes one validated RefundRequested per return and tails the four team topics; a return is done when each
// team's event has been seen.
// The teams run as event-sourced/run-team.ts processes, or for the ceiling bench/ceilings/kafka-echo.ts.
import {
  decideAssetDisposal,
  decideDisassemblyOrder,
  decideOrderRefund,
  decideReplacementShipment,
  disassemblyEvent,
  disposalEvent,
  type RefundRequest,
  refundEvent,
  shipmentEvent,
  type Team,
  TEAMS,
} from '../../domain';
import { batchedAppend } from '../../event-sourced/batched-append';
import { encodeEnvelope, requestEnvelope, teamEventEnvelope } from '../../event-sourced/envelope';
import { connectEventLog, type LogRecord, type Subscription, type TopicSpec } from '../../event-sourced/event-log';
import { createPublisher } from '../../event-sourced/publisher';
import { topicSpecs, topicsOf } from '../../event-sourced/topics';
import { kafkaCeilingTopics } from '../ceilings/kafka-ceiling-topics';
import { type BenchContext, childEnv } from '../context';
import type { ProcessRole } from '../cpu-meter';
import { type ChildSpec, ProcessGroup } from '../team-processes';
import { ReturnTracker } from './return-tracker';
import type { Subject, SubjectGroup, Verification } from './subject';

// keepTopics: leave the run's topics on the broker for a look afterwards; by default they go when the group closes.
export async function startChoreography(context: BenchContext, variant: 'model' | 'ceiling', keepTopics = false): Promise<SubjectGroup> {
  const { config, workload } = context;
  const ceiling = variant === 'ceiling';
  const modelTopics = topicsOf(config.scope);
  const ceilingTopics = kafkaCeilingTopics(config.scope);
  const teamTopics: Record<Team, string> = ceiling ? { ...ceilingTopics.teamEvents } : { ...modelTopics.teamEvents };
  const teamOfTopic = new Map<string, Team>(TEAMS.map((team) => [teamTopics[team], team]));
  const specs = ceiling
    ? ceilingTopicSpecs(config.kafkaPartitions, [ceilingTopics.requests, ...Object.values(ceilingTopics.teamEvents)])
    : topicSpecs(config);

  const log = await connectEventLog({
    brokers: config.kafkaBrokers,
    clientId: `${config.scope}.bench${ceiling ? '.ceiling' : ''}`,
    log: (line) => context.log(`driver ${line}`),
  });
  const tracker = new ReturnTracker(workload.indexOf);
  const processes = new ProcessGroup({
    name: ceiling ? 'kafka-ceiling' : 'choreography',
    env: childEnv(config),
    nodeOptions: context.childNodeOptions,
    logDir: context.logDir,
    log: context.log,
  });
  let tail: Subscription | undefined;
  let tailFailure: Error | undefined;
  try {
    await log.ensureTopics(specs);
    // From the beginning of the team topics: nothing answered before the tail joined is missed.
    tail = await log.tail(
      TEAMS.map((team) => teamTopics[team]),
      (record: LogRecord) => {
        const team = teamOfTopic.get(record.topic);
        if (team && record.key !== null) tracker.teamAnswered(record.key, team);
      },
      (error) => {
        tailFailure = error;
        context.log(`the driver's tail of the team topics failed: ${error.message}`);
        tracker.failAll(error);
      },
    );
    const eventBytes = ceiling ? typicalTeamEventBytes(workload.request(0)) : 0;
    const childSpecs: ChildSpec[] = TEAMS.map((team) =>
      ceiling
        ? {
            role: team,
            script: 'bench/ceilings/kafka-echo.ts',
            args: ['--team', team, '--event-bytes', String(eventBytes)],
            ready: new RegExp(`^${team} ready$`),
          }
        : {
            role: team,
            script: 'event-sourced/run-team.ts',
            args: ['--team', team],
            ready: new RegExp(`^${team} ready$`),
            note: /ready: state rebuilt from (\d+) events/,
          },
    );
    await processes.startAll(childSpecs);
  } catch (error) {
    await processes.stopAll();
    await tail?.stop().catch(() => undefined);
    await log.close().catch(() => undefined);
    throw error;
  }

  const clock = () => new Date().toISOString();
  const maxRequestsPerAppend = context.tuning.publishBatchMax;
  // The model goes through User Support's real edge: validation, envelope and batching. The ceiling sends the same
  // bytes, unvalidated (no domain logic in the ceiling), through the same batching, so the two differ only in the
  // domain work, not in how many produce requests they make.
  let send: (request: RefundRequest) => Promise<unknown>;
  if (ceiling) {
    const append = batchedAppend(log, ceilingTopics.requests, maxRequestsPerAppend);
    send = (request) => append({ key: request.returnId, value: JSON.stringify(requestEnvelope(request, clock())) });
  } else {
    const publisher = createPublisher(log, config.scope, clock, { maxRequestsPerAppend });
    send = (request) => publisher.publish(request);
  }

  const submit: Subject['submit'] = (index, onTeam) => {
    if (tailFailure) return Promise.reject(tailFailure);
    const request = workload.request(index);
    const done = tracker.expect(index, request.returnId, onTeam);
    send(request).catch((error: unknown) => tracker.fail(request.returnId, error as Error));
    return done;
  };

  const processRoles = (): ProcessRole[] => [
    ...[...processes.pids()].map(([role, pid]) => ({ role, pid })),
    ...context.servers.filter((server) => server.role === 'kafka-server' && server.pid !== null).map((server) => ({ role: server.role, pid: server.pid as number })),
  ];

  async function verify(): Promise<Verification> {
    const accepted = [...tracker.indexesIn('completed'), ...tracker.indexesIn('sent')].map(workload.returnId);
    // The model's events are counted by eventId (a duplicate append carries the same one); the ceiling's by key.
    const counts = Object.fromEntries(TEAMS.map((team) => [team, new Map<string, number>()])) as Record<Team, Map<string, number>>;
    const returnsOf = Object.fromEntries(TEAMS.map((team) => [team, new Set<string>()])) as Record<Team, Set<string>>;
    const records = Object.fromEntries(TEAMS.map((team) => [team, 0])) as Record<Team, number>;
    let unreadable = 0;
    let deadLetters = 0;
    // One read of all four topics (and the dead letters): one consumer group to join, not five.
    await log.readToEnd([...TEAMS.map((team) => teamTopics[team]), ...(ceiling ? [] : [modelTopics.deadLetter])], (record) => {
      const team = teamOfTopic.get(record.topic);
      if (!team) {
        deadLetters += 1;
        return;
      }
      records[team] += 1;
      let identity: string | null = record.key;
      let returnId: string | null = record.key;
      if (!ceiling) {
        try {
          const parsed = JSON.parse(record.value?.toString('utf8') ?? 'null') as { eventId?: string; returnId?: string } | null;
          identity = parsed?.eventId ?? null;
          returnId = parsed?.returnId ?? null;
        } catch {
          identity = null;
        }
      }
      if (identity === null || returnId === null) {
        unreadable += 1;
        return;
      }
      returnsOf[team].add(returnId);
      counts[team].set(identity, (counts[team].get(identity) ?? 0) + 1);
    });
    const perTeam = {} as Record<Team, { records: number; returns: number; duplicates: number }>;
    let duplicatedEffects = 0;
    for (const team of TEAMS) {
      const duplicates = [...counts[team].values()].reduce((sum, count) => sum + count - 1, 0);
      duplicatedEffects += duplicates;
      perTeam[team] = { records: records[team], returns: returnsOf[team].size, duplicates };
    }
    const lostIds = accepted.filter((returnId) => TEAMS.some((team) => !returnsOf[team].has(returnId)));
    return {
      method: ceiling ? 'team topics read to the end, events counted by key' : 'team topics read to the end, events counted by eventId',
      sent: accepted.length,
      completeInTeamState: accepted.length - lostIds.length,
      lost: lostIds.length,
      lostExamples: lostIds.slice(0, 10),
      duplicatedEffects,
      unreadableRecords: unreadable,
      perTeam,
      deadLetters: ceiling ? null : deadLetters,
    };
  }

  const subject: Subject = {
    name: ceiling ? 'kafka-ceiling' : 'choreography',
    kind: ceiling ? 'ceiling' : 'implementation',
    label: ceiling ? 'Kafka ceiling (kafkajs fan-out, no domain logic)' : 'Choreography (event-sourced, Kafka API)',
    completionSignal: 'the driver has seen an event of each of the four teams on their topics',
    returnId: workload.returnId,
    seesTeams: true,
    submit,
    outstanding: () => tracker.outstanding(),
    outstandingPerTeam: () => tracker.outstandingPerTeam(),
    waitUntilIdle: (timeoutMs) => tracker.waitUntilIdle(timeoutMs),
    processes: processRoles,
    runningChildren: () => processes.running(),
    childEvents: () => processes.events,
    killTeam: (team) => processes.kill(team),
    restartTeam: (team) => processes.restart(team),
    verify,
  };

  return {
    subjects: [subject],
    async close() {
      await processes.stopAll();
      await tail?.stop().catch(() => undefined);
      if (!keepTopics) await log.deleteTopics(specs.map(({ topic }) => topic)).catch((error: unknown) => context.log(`could not delete the run's topics: ${(error as Error).message}`));
      await log.close();
    },
  };
}

// As many partitions as the model's topics; the ceiling's topics go when the run ends, so retention is moot.
function ceilingTopicSpecs(partitions: number, topics: readonly string[]): TopicSpec[] {
  return topics.map((topic) => ({ topic, partitions, keepForever: false }));
}

// The mean size of the four team events of one return, so the ceiling writes as many bytes as the model.
function typicalTeamEventBytes(request: RefundRequest): number {
  const cause = requestEnvelope(request, new Date(0).toISOString());
  const at = cause.occurredAt;
  const events = [
    teamEventEnvelope('sales', refundEvent(decideOrderRefund(request, { earlierRefundOfOrder: null })), cause, at),
    teamEventEnvelope('inventory', shipmentEvent(decideReplacementShipment(request, { unitsShippedOfModel: 0 })), cause, at),
    teamEventEnvelope('manufacturing', disassemblyEvent(decideDisassemblyOrder(request)), cause, at),
    teamEventEnvelope('accounting', disposalEvent(decideAssetDisposal(request)), cause, at),
  ];
  const total = events.reduce((sum, event) => sum + Buffer.byteLength(String(encodeEnvelope(event).value)), 0);
  return Math.round(total / events.length);
}
