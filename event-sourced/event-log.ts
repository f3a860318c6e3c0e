// The event log: the only module that imports kafkajs, so the client can be swapped for another with a
// KafkaJS-compatible API (e.g. @confluentinc/kafka-javascript) by changing this file alone.
// It knows topics, keys, bytes and offsets; what the bytes mean is for envelope.ts and the components.
import { randomBytes } from 'node:crypto';
import {
  type Admin,
  ConfigResourceTypes,
  type Consumer,
  type EachBatchPayload,
  Kafka,
  type KafkaMessage,
  type LogEntry,
  logLevel,
  Partitioners,
  type Producer,
} from 'kafkajs';
import { ActionableError } from '../cli/actionable-error';

export interface LogRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: Buffer | null;
  readonly timestamp: string;
  // What travels beside the value, for readers that route or trace a record without decoding it; {} when none.
  readonly headers: Readonly<Record<string, string>>;
}

export interface OutgoingRecord {
  readonly key: string | null;
  readonly value: string | Buffer | null;
  readonly headers?: Readonly<Record<string, string>>;
  // A partition chosen by the writer; otherwise the key's, by murmur2 as the Java clients choose (partitionOfKey).
  readonly partition?: number;
}

// Where a record that no reader could make sense of ends up, with enough to find, replay or discard it.
export interface DeadLetter {
  readonly reason: string;
  readonly detail: string;
  readonly reportedBy: string;
  readonly sourceTopic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly originalValueBase64: string | null;
}

export interface TopicSpec {
  readonly topic: string;
  readonly partitions: number;
  // Event topics are the system of record: kept forever, never compacted.
  readonly keepForever: boolean;
}

export interface TopicReplicas {
  readonly topic: string;
  readonly minInSync: number;
  readonly partitions: ReadonlyArray<{
    readonly partition: number;
    // The broker's node id; -1 while no replica can lead.
    readonly leader: number;
    readonly replicas: readonly number[];
    readonly inSync: readonly number[];
  }>;
}

// A topic kept from an earlier run: the broker never shrinks a topic, and growing one would move keys between
// partitions and break the order of a return's events, so it is used as it is and the caller says so.
export interface PartitionMismatch {
  readonly topic: string;
  readonly partitions: number;
  readonly asked: number;
}

export interface Subscription {
  // Finishes the batch in hand, leaves the group and disconnects. Uncommitted records are delivered again later.
  stop(): Promise<void>;
}

// The partitions of each topic one member of a group is given, at each rebalance.
export type Assignment = Readonly<Record<string, readonly number[]>>;

export interface SubscribeOptions {
  readonly groupId: string;
  readonly topics: readonly string[];
  // Called at once each time the group gives this member its partitions, before any record of them is handed on.
  readonly onAssignment?: (assignment: Assignment) => void;
  // Awaited before each call of onRecords, with the group kept alive meanwhile: a member may build what it needs to
  // take a partition it just gained, however long that takes, without the group taking it for dead.
  readonly beforeRecords?: (topic: string, partition: number) => Promise<void>;
  // Records of one partition, in offset order. Nothing is committed unless the handler calls commit(record),
  // which commits everything up to and including that record. A handler that throws fails the subscription.
  readonly onRecords: (records: readonly LogRecord[], commit: (record: LogRecord) => Promise<void>) => Promise<void>;
  // Called once when the subscription fails: its handler threw, or the client gave up. Nothing more is consumed.
  readonly onFailure: (error: Error) => void;
}

export interface ConsumerTuning {
  readonly sessionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly maxWaitTimeMs: number;
  // What the broker waits to hold before it answers a fetch (up to maxWaitTimeMs): 1 answers with the first record,
  // more lets a fetch carry a batch at moderate rates.
  readonly minBytes: number;
  // Records handed to a handler at once: bounds the size of one append of the events they cause.
  readonly maxRecordsPerCall: number;
}

export const DEFAULT_CONSUMER_TUNING: ConsumerTuning = {
  // 6 s is the broker's smallest allowed session: a consumer that died without leaving is noticed quickly.
  sessionTimeoutMs: 6_000,
  heartbeatIntervalMs: 500,
  // How long the broker holds a fetch open when there is nothing new: the floor of end-to-end latency.
  maxWaitTimeMs: 50,
  minBytes: 1,
  maxRecordsPerCall: 250,
};

export interface EventLogOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly log?: (line: string) => void;
  readonly tuning?: Partial<ConsumerTuning>;
}

export interface EventLog {
  // Creates the topics that do not exist yet and waits until every partition answers; topics are never created
  // implicitly. Resolves with the topics that already existed with another partition count than asked for.
  ensureTopics(specs: readonly TopicSpec[]): Promise<PartitionMismatch[]>;
  // How the topics are replicated now: each partition's leader, replicas and in-sync replicas, and the topic's
  // min.insync.replicas. What ensureTopics made of them, for an operator or a test to see.
  describeTopics(topics: readonly string[]): Promise<TopicReplicas[]>;
  // The topics that exist now, of those asked about.
  existingTopics(topics: readonly string[]): Promise<string[]>;
  deleteTopics(topics: readonly string[]): Promise<void>;
  // Consumer groups whose id starts with the prefix.
  consumerGroups(prefix: string): Promise<string[]>;
  // Forgets the groups' committed offsets. A group still has to be empty: its members stopped.
  deleteConsumerGroups(groupIds: readonly string[]): Promise<void>;
  // Resolves once every in-sync replica has the records (acks = -1); throws when the client gives up.
  append(topic: string, records: readonly OutgoingRecord[]): Promise<void>;
  appendDeadLetter(topic: string, letter: DeadLetter): Promise<void>;
  // Every record from the start of the topics to their end as it is now, then resolves with the count. With
  // `partitions`, only those partitions of each topic, each from its offset in `from` (default 0).
  readToEnd(
    topics: readonly string[],
    onRecord: (record: LogRecord) => void | Promise<void>,
    only?: PartitionsToRead,
  ): Promise<number>;
  // How many partitions the topic has.
  partitionCount(topic: string): Promise<number>;
  // Partition -> the offset the next record appended there will get.
  endOffsets(topic: string): Promise<Map<number, bigint>>;
  // A consumer group that commits its progress, so a restart resumes where the last commit left off.
  subscribe(options: SubscribeOptions): Promise<Subscription>;
  // Every record from the start, then each new one as it arrives; commits nothing.
  tail(
    topics: readonly string[],
    onRecord: (record: LogRecord) => void | Promise<void>,
    onFailure: (error: Error) => void,
  ): Promise<Subscription>;
  // Records of the topics not yet committed by the group, over all of them.
  lag(groupId: string, topics: readonly string[]): Promise<number>;
  close(): Promise<void>;
}

export interface PartitionsToRead {
  readonly partitions: ReadonlySet<number>;
  // topic -> partition -> the first offset to read.
  readonly from?: ReadonlyMap<string, ReadonlyMap<number, bigint>>;
}

// The partition a key's record goes to in a topic of that many partitions, as kafkajs' default partitioner (and
// every Java client) chooses it: murmur2 of the key. A reader finds by it which records of a topic belong with a
// partition of another.
export function partitionOfKey(key: string, partitions: number): number {
  return KEY_PARTITIONER({
    topic: 'any',
    partitionMetadata: Array.from({ length: partitions }, (_, partitionId) => ({
      partitionId,
      partitionErrorCode: 0,
      leader: 0,
      replicas: [0],
      isr: [0],
    })),
    message: { key, value: null },
  });
}
const KEY_PARTITIONER = Partitioners.DefaultPartitioner();

export class EventLogUnavailableError extends ActionableError {
  constructor(brokers: readonly string[], cause: unknown) {
    super(
      `Kafka does not answer at ${brokers.join(', ')}: ${(cause as Error).message}. ` +
        'Start it with `npm run stack:up`, or point KAFKA_BROKERS at a running broker.',
    );
  }
}

// A health probe: one metadata request, no retries, nothing logged. True when a broker answers and names its
// controller; any failure is false, since whoever probes asks again.
export async function kafkaAnswers(brokers: readonly string[]): Promise<boolean> {
  const cluster = await describeClusterOnce(brokers);
  return cluster !== null && cluster.brokers.length > 0 && cluster.controller !== null;
}

// The same probe for a cluster that must be whole: each broker answers at its own address, and names every one of
// them as a live broker. A broker killed a moment ago stays named until its session with the controller expires,
// but no longer answers; one still starting answers only once it is registered.
export async function kafkaClusterAnswers(brokers: readonly string[]): Promise<boolean> {
  const answers = await Promise.all(brokers.map((broker) => describeClusterOnce([broker])));
  return answers.every(
    (cluster) =>
      cluster !== null &&
      cluster.controller !== null &&
      brokers.every((broker) => cluster.brokers.some(({ host, port }) => `${host}:${port}` === broker)),
  );
}

async function describeClusterOnce(
  brokers: readonly string[],
): Promise<{ brokers: Array<{ host: string; port: number }>; controller: number | null } | null> {
  const kafka = new Kafka({
    clientId: 'stack-health',
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1500,
    requestTimeout: 3000,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    return await admin.describeCluster();
  } catch {
    return null;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

// How the topics the models create are replicated, from the number of brokers the cluster names when they are
// created: on a cluster, three replicas, of which two must hold an append before it is acknowledged (acks = -1
// waits for every in-sync replica, and a partition with fewer than two in sync refuses appends rather than keep
// them on one disk); on one broker, one.
//
// Why from the cluster and not from a setting: the code runs unchanged against the one-broker local stack, the
// local cluster, Redpanda or a remote cluster, and the setting that says how many brokers the stack starts does not
// say which cluster a client reaches (a cluster started once is found by later commands at its first address).
// Why not the broker's own default: it is 1 on Kafka and on Redpanda unless an operator changes it, which would
// leave a three-broker cluster's topics on one disk each. Why three for a cluster that names two brokers: most
// often it is a cluster of three with one away, and a topic keeps the replicas it was created with, as it keeps
// its partition count. Kafka then places the third replica on the broker that is away, which catches up once it is
// back (test/stack/three-brokers.test.ts); a cluster of only two brokers refuses, and TooFewBrokersError says why.
// Redpanda would refuse two replicas anyway (an odd number only).
export interface Replication {
  readonly factor: number;
  readonly minInSync: number;
}

export function replicationFor(brokers: number): Replication {
  return brokers >= 2 ? { factor: 3, minInSync: 2 } : { factor: 1, minInSync: 1 };
}

export class TooFewBrokersError extends ActionableError {
  constructor(brokers: readonly string[], live: number, { factor }: Replication, cause: unknown) {
    super(
      `Kafka at ${brokers.join(', ')} names ${live} live brokers, too few for the ${factor} replicas every topic of ` +
        `a cluster gets (${(cause as Error).message}). Start the brokers that are down (the local cluster: npm run ` +
        'stack:up -- --brokers 3) and run this again: a topic created with fewer copies would keep them for good.',
    );
  }
}

// Whether the error, or one it wraps or gathers, is the broker's error of that type.
function hasErrorType(error: unknown, type: string): boolean {
  const candidate = error as { type?: string; cause?: unknown; errors?: unknown[] } | null;
  if (!candidate) return false;
  return (
    candidate.type === type ||
    hasErrorType(candidate.cause, type) ||
    (Array.isArray(candidate.errors) && candidate.errors.some((inner) => hasErrorType(inner, type)))
  );
}

export async function connectEventLog(options: EventLogOptions): Promise<EventLog> {
  const tuning: ConsumerTuning = { ...DEFAULT_CONSUMER_TUNING, ...options.tuning };
  const kafka = new Kafka({
    clientId: options.clientId,
    brokers: [...options.brokers],
    logLevel: logLevel.ERROR,
    // Per-request errors (namespace Connection) are retried or thrown further up by kafkajs itself: leaving them
    // out keeps expected ones, such as a group coordinator still loading, out of the output. While a broker is
    // away, kafkajs says the same thing every few hundred milliseconds for each client: a line said in the last
    // minute is counted instead, and the count comes with its next showing.
    logCreator: () => {
      const shown = new Map<string, { at: number; since: number }>();
      return (entry: LogEntry) => {
        if (entry.namespace === 'Connection') return;
        const { message, error } = entry.log as { message: string; error?: string };
        const line = `kafkajs ${entry.namespace}: ${message}${error ? ` (${error})` : ''}`;
        const now = Date.now();
        const last = shown.get(line);
        if (last && now - last.at < 60_000) {
          last.since++;
          return;
        }
        // Distinct lines are few; the bound only keeps a long run from collecting old ones.
        if (shown.size > 200) for (const [key, { at }] of shown) if (now - at >= 60_000) shown.delete(key);
        shown.set(line, { at: now, since: 0 });
        const repeats =
          last && last.since > 0
            ? ` [${last.since} more times in the last ${Math.round((now - last.at) / 1000)} s]`
            : '';
        options.log?.(`${line}${repeats}`);
      };
    },
  });
  const admin: Admin = kafka.admin();
  const producer: Producer = kafka.producer({
    // Explicit, so kafkajs does not warn about its v2 partitioner change: murmur2 of the key, as Java clients do.
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
    // One attempt per send: append retries a failed send itself, whole (see append).
    retry: { retries: 0 },
  });
  try {
    await admin.connect();
    await producer.connect();
  } catch (error) {
    await admin.disconnect();
    throw new EventLogUnavailableError(options.brokers, error);
  }
  const subscriptions = new Set<Subscription>();

  function newConsumer(groupId: string): Consumer {
    return kafka.consumer({
      groupId,
      sessionTimeout: tuning.sessionTimeoutMs,
      heartbeatInterval: tuning.heartbeatIntervalMs,
      maxWaitTimeInMs: tuning.maxWaitTimeMs,
      minBytes: tuning.minBytes,
      allowAutoTopicCreation: false,
      // A consumer that gives up is not restarted here: its owner rebuilds its state and starts a new one.
      retry: { initialRetryTime: 100, restartOnFailure: async () => false },
    });
  }

  async function ensureTopics(specs: readonly TopicSpec[]): Promise<PartitionMismatch[]> {
    const deadline = Date.now() + TOPICS_READY_WITHIN_MS;
    const waiting = `creating the topics ${specs.map(({ topic }) => topic).join(', ')}`;
    await retryingTransient(waiting, deadline, async () => {
      const existing = new Set(await admin.listTopics());
      const missing = specs.filter(({ topic }) => !existing.has(topic));
      if (missing.length === 0) return;
      const live = (await admin.describeCluster()).brokers.length;
      const replication = replicationFor(live);
      const { factor, minInSync } = replication;
      // The leader wait is ours, below: kafkajs' own gives up on a partition the broker does not host yet, which
      // on a loaded machine is the normal state of a topic for a moment after it is created. A topic that another
      // process created meanwhile is no error (kafkajs then resolves false).
      try {
        await admin.createTopics({
          waitForLeaders: false,
          timeout: 30_000,
          topics: missing.map(({ topic, partitions, keepForever }) => ({
            topic,
            numPartitions: partitions,
            replicationFactor: factor,
            configEntries: [
              { name: 'min.insync.replicas', value: String(minInSync) },
              ...(keepForever
                ? [
                    { name: 'retention.ms', value: '-1' },
                    { name: 'retention.bytes', value: '-1' },
                  ]
                : []),
            ],
          })),
        });
      } catch (error) {
        if (hasErrorType(error, 'INVALID_REPLICATION_FACTOR'))
          throw new TooFewBrokersError(options.brokers, live, replication, error);
        throw error;
      }
    });
    // Every partition answers a request before this resolves, so a reader never mistakes a topic that is not
    // ready for an error.
    const mismatches: PartitionMismatch[] = [];
    for (const { topic, partitions } of specs) {
      const offsets = await retryingTransient(`waiting for the partitions of ${topic} to have a leader`, deadline, () =>
        admin.fetchTopicOffsets(topic),
      );
      if (offsets.length !== partitions) mismatches.push({ topic, partitions: offsets.length, asked: partitions });
    }
    return mismatches;
  }

  async function describeTopics(topics: readonly string[]): Promise<TopicReplicas[]> {
    const deadline = Date.now() + 30_000;
    const metadata = await retryingTransient('describing topics', deadline, () =>
      admin.fetchTopicMetadata({ topics: [...topics] }),
    );
    const configs = await retryingTransient('describing topic configs', deadline, () =>
      admin.describeConfigs({
        includeSynonyms: false,
        resources: topics.map((name) => ({
          type: ConfigResourceTypes.TOPIC,
          name,
          configNames: ['min.insync.replicas'],
        })),
      }),
    );
    return topics.map((topic) => {
      const partitions = metadata.topics.find(({ name }) => name === topic)?.partitions ?? [];
      const minInSync = configs.resources
        .find(({ resourceName }) => resourceName === topic)
        ?.configEntries.find(({ configName }) => configName === 'min.insync.replicas')?.configValue;
      return {
        topic,
        minInSync: Number(minInSync ?? Number.NaN),
        partitions: partitions
          .map(({ partitionId, leader, replicas, isr }) => ({ partition: partitionId, leader, replicas, inSync: isr }))
          .sort((a, b) => a.partition - b.partition),
      };
    });
  }

  async function existingTopics(topics: readonly string[]): Promise<string[]> {
    const existing = new Set(await retryingTransient('listing topics', Date.now() + 30_000, () => admin.listTopics()));
    return topics.filter((topic) => existing.has(topic));
  }

  async function deleteTopics(topics: readonly string[]): Promise<void> {
    const doomed = await existingTopics(topics);
    if (doomed.length > 0) await admin.deleteTopics({ topics: doomed });
  }

  async function consumerGroups(prefix: string): Promise<string[]> {
    const { groups } = await retryingTransient('listing consumer groups', Date.now() + 30_000, () =>
      admin.listGroups(),
    );
    return groups.map(({ groupId }) => groupId).filter((groupId) => groupId.startsWith(prefix));
  }

  async function deleteConsumerGroups(groupIds: readonly string[]): Promise<void> {
    if (groupIds.length > 0) await admin.deleteGroups([...groupIds]);
  }

  async function append(topic: string, records: readonly OutgoingRecord[]): Promise<void> {
    if (records.length === 0) return;
    const messages = records.map(({ key, value, headers, partition }) => ({ key, value, headers, partition }));
    // One request for the whole batch, tried again on a transient error, then thrown. A retry after a lost
    // acknowledgement can store a batch twice: readers recognise the copies by their deterministic eventIds.
    // kafkajs 2.2.4 would retry by itself, but it keeps each broker's answer across its retries: when a partition's
    // leader moves to a broker that has answered already, that partition's records are never sent again, and the
    // send resolves all the same (tulios/kafkajs#1303; seen here as acknowledged records missing after a broker of
    // a cluster was killed). So every attempt is a send of its own, with every record, and kafkajs' own schedule:
    // five retries, 300 ms doubling.
    for (let attempt = 0, waitMs = 300; ; attempt++, waitMs = Math.min(waitMs * 2, 30_000)) {
      try {
        await producer.send({ topic, acks: -1, messages });
        return;
      } catch (error) {
        if (attempt >= APPEND_RETRIES || !isTransient(error)) throw error;
        await new Promise((resolve) => setTimeout(resolve, waitMs));
      }
    }
  }

  async function appendDeadLetter(topic: string, letter: DeadLetter): Promise<void> {
    // Keyed by where the record was found and who found it, so a letter reported twice is recognisable.
    const key = `${letter.reportedBy}|${letter.sourceTopic}|${letter.partition}|${letter.offset}`;
    await append(topic, [{ key, value: JSON.stringify(letter) }]);
  }

  // The end of each partition now, and where reading it starts; partitions with nothing to read are left out.
  async function readRanges(
    topics: readonly string[],
    only: PartitionsToRead | undefined,
  ): Promise<Map<string, { start: bigint; end: bigint }>> {
    const ranges = new Map<string, { start: bigint; end: bigint }>();
    for (const topic of topics) {
      const offsets = await retryingTransient(`reading the offsets of ${topic}`, Date.now() + 30_000, () =>
        admin.fetchTopicOffsets(topic),
      );
      for (const { partition, high, low } of offsets) {
        if (only && !only.partitions.has(partition)) continue;
        const asked = only?.from?.get(topic)?.get(partition) ?? 0n;
        const start = asked > BigInt(low) ? asked : BigInt(low);
        if (BigInt(high) > start) ranges.set(partitionKey(topic, partition), { start, end: BigInt(high) });
      }
    }
    return ranges;
  }

  async function endOffsetsOf(topic: string): Promise<Map<number, bigint>> {
    const offsets = await retryingTransient(`reading the offsets of ${topic}`, Date.now() + 30_000, () =>
      admin.fetchTopicOffsets(topic),
    );
    return new Map(offsets.map(({ partition, high }) => [partition, BigInt(high)]));
  }

  async function partitionCount(topic: string): Promise<number> {
    return (await endOffsetsOf(topic)).size;
  }

  async function readToEnd(
    topics: readonly string[],
    onRecord: (record: LogRecord) => void | Promise<void>,
    only?: PartitionsToRead,
  ): Promise<number> {
    const ranges = await readRanges(topics, only);
    if (ranges.size === 0) return 0;
    // kafkajs reads only through a consumer group. This one commits nothing, and the broker forgets an empty
    // group without offsets by itself.
    const consumer = newConsumer(ephemeralGroupId(options.clientId, 'read'));
    let count = 0;
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [...topics], fromBeginning: true });
      // Where a range starts past offset 0, the consumer is moved there once the group has given it the partition.
      const sought = new Set<string>();
      await new Promise<void>((resolve, reject) => {
        let settled = false;
        const settle = (error?: Error) => {
          if (settled) return;
          settled = true;
          if (error) reject(error);
          else resolve();
        };
        consumer.on(consumer.events.CRASH, ({ payload }) => settle(payload.error));
        consumer
          .run({
            autoCommit: false,
            eachBatch: async ({ batch }) => {
              const key = partitionKey(batch.topic, batch.partition);
              const range = ranges.get(key);
              if (settled) return;
              // A partition with nothing to read here: the group gave it all the same, so it is set aside.
              if (range === undefined) {
                consumer.pause([{ topic: batch.topic, partitions: [batch.partition] }]);
                return;
              }
              if (range.start > 0n && !sought.has(key)) {
                sought.add(key);
                consumer.seek({ topic: batch.topic, partition: batch.partition, offset: range.start.toString() });
                return;
              }
              try {
                for (const message of batch.messages) {
                  if (BigInt(message.offset) < range.start) continue;
                  if (BigInt(message.offset) >= range.end) break;
                  count++;
                  await onRecord(toLogRecord(batch.topic, batch.partition, message));
                }
              } catch (error) {
                settle(error as Error);
                return;
              }
              if (BigInt(batch.lastOffset()) + 1n >= range.end) {
                ranges.delete(key);
                consumer.pause([{ topic: batch.topic, partitions: [batch.partition] }]);
              }
              if (ranges.size === 0) settle();
            },
          })
          .catch((error: unknown) => settle(error as Error));
      });
    } finally {
      await consumer.disconnect();
    }
    return count;
  }

  async function subscribe({
    groupId,
    topics,
    onRecords,
    onFailure,
    onAssignment,
    beforeRecords,
  }: SubscribeOptions): Promise<Subscription> {
    const consumer = newConsumer(groupId);
    let failure: Error | undefined;
    let stopping: Promise<void> | undefined;
    const stop = (): Promise<void> => {
      stopping ??= consumer.disconnect().finally(() => subscriptions.delete(subscription));
      return stopping;
    };
    const subscription: Subscription = { stop };
    const fail = (error: Error) => {
      if (failure) return;
      failure = error;
      // The consumer is stopped without committing anything more; whoever owns it decides what happens next.
      // Disconnecting waits for the handler in hand to return, so it runs after the handler has thrown. The
      // failure is reported either way: a consumer that also fails to disconnect is discarded all the same.
      setImmediate(() => {
        stop()
          .catch(() => undefined)
          .finally(() => onFailure(error));
      });
    };
    consumer.on(consumer.events.CRASH, ({ payload }) => fail(payload.error));
    // kafkajs emits it synchronously once the member has its partitions, before it fetches any of them.
    if (onAssignment) consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => onAssignment(payload.memberAssignment));

    const eachBatch = async ({ batch, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> => {
      if (failure) throw failure;
      if (beforeRecords) {
        let ready = false;
        const preparing = beforeRecords(batch.topic, batch.partition).then(
          () => void (ready = true),
          (error: unknown) => fail(error as Error),
        );
        // kafkajs heartbeats only between batches and when asked to: a long preparation asks every half second.
        // A heartbeat that finds the group rebalancing throws, and the batch is delivered again after it.
        while (!ready && !failure) {
          await Promise.race([preparing, new Promise((resolve) => setTimeout(resolve, 500))]);
          if (!ready && !failure) await heartbeat();
        }
        if (failure !== undefined) throw failure as Error;
      }
      const commit = async (record: LogRecord) => {
        await consumer.commitOffsets([
          { topic: record.topic, partition: record.partition, offset: (BigInt(record.offset) + 1n).toString() },
        ]);
      };
      const records = batch.messages.map((message) => toLogRecord(batch.topic, batch.partition, message));
      for (let start = 0; start < records.length; start += tuning.maxRecordsPerCall) {
        // Stopping or rebalancing: what is left of the batch stays uncommitted and is delivered again.
        if (!isRunning() || isStale()) return;
        try {
          await onRecords(records.slice(start, start + tuning.maxRecordsPerCall), commit);
        } catch (error) {
          fail(error as Error);
          // Thrown on, so kafkajs does not move past the records that were not handled.
          throw error;
        }
        await heartbeat();
      }
    };

    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [...topics], fromBeginning: true });
      await consumer.run({ autoCommit: false, eachBatch });
    } catch (error) {
      await consumer.disconnect();
      throw error;
    }
    subscriptions.add(subscription);
    return subscription;
  }

  async function tail(
    topics: readonly string[],
    onRecord: (record: LogRecord) => void | Promise<void>,
    onFailure: (error: Error) => void,
  ): Promise<Subscription> {
    return subscribe({
      groupId: ephemeralGroupId(options.clientId, 'tail'),
      topics,
      onRecords: async (records) => {
        for (const record of records) await onRecord(record);
      },
      onFailure,
    });
  }

  async function lag(groupId: string, topics: readonly string[]): Promise<number> {
    // The group's offsets before the ends: a record taken meanwhile then still counts, and none is ever missed.
    const committed = await retryingTransient(`reading the offsets of ${groupId}`, Date.now() + 30_000, () =>
      admin.fetchOffsets({ groupId, topics: [...topics] }),
    );
    let total = 0n;
    for (const topic of topics) {
      const ends = await retryingTransient(`reading the offsets of ${topic}`, Date.now() + 30_000, () =>
        admin.fetchTopicOffsets(topic),
      );
      const ofTopic = committed.find((entry) => entry.topic === topic);
      for (const { partition, high, low } of ends) {
        const offset = ofTopic?.partitions.find((entry) => entry.partition === partition)?.offset ?? '-1';
        // -1: the group never committed on this partition, so it starts from the beginning.
        const position = offset === '-1' ? BigInt(low) : BigInt(offset);
        if (BigInt(high) > position) total += BigInt(high) - position;
      }
    }
    return Number(total);
  }

  async function close(): Promise<void> {
    await Promise.all([...subscriptions].map((subscription) => subscription.stop()));
    await producer.disconnect();
    await admin.disconnect();
  }

  return {
    ensureTopics,
    describeTopics,
    existingTopics,
    deleteTopics,
    consumerGroups,
    deleteConsumerGroups,
    append,
    appendDeadLetter,
    readToEnd,
    partitionCount,
    endOffsets: endOffsetsOf,
    subscribe,
    tail,
    lag,
    close,
  };
}

// As many as kafkajs' default for a send.
const APPEND_RETRIES = 5;

// A topic's first moments and a loaded machine: generous, since nothing is wrong but time.
const TOPICS_READY_WITHIN_MS = 120_000;

// kafkajs' admin gives up at once on some errors the broker marks retriable, such as a partition whose leader is
// moving or not ready yet, or a request that timed out on a busy broker: those are tried again until the deadline.
async function retryingTransient<T>(what: string, deadline: number, attempt: () => Promise<T>): Promise<T> {
  for (let delayMs = 50; ; delayMs = Math.min(delayMs * 2, 1_000)) {
    try {
      return await attempt();
    } catch (error) {
      if (!isTransient(error)) throw error;
      if (Date.now() + delayMs > deadline) {
        throw new Error(
          `Kafka kept answering "${(error as Error).message}" while ${what}; gave up after its deadline`,
          {
            cause: error,
          },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}

// What the client marks retriable, also when it arrives wrapped: kafkajs wraps the last error once its own
// retries are used up, and gathers the errors of a request about several topics.
function isTransient(error: unknown): boolean {
  const candidate = error as { retriable?: boolean; name?: string; cause?: unknown; errors?: unknown[] } | null;
  if (!candidate) return false;
  if (candidate.retriable === true) return true;
  if (candidate.name === 'KafkaJSNumberOfRetriesExceeded') return isTransient(candidate.cause);
  if (candidate.name === 'KafkaJSAggregateError' && Array.isArray(candidate.errors)) {
    return candidate.errors.length > 0 && candidate.errors.every(isTransient);
  }
  return false;
}

function toLogRecord(topic: string, partition: number, message: KafkaMessage): LogRecord {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key ? message.key.toString('utf8') : null,
    value: message.value,
    timestamp: message.timestamp,
    headers: headersOf(message),
  };
}

function headersOf(message: KafkaMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    // A header given more than once keeps its last value: nothing here writes one twice.
    const last = Array.isArray(value) ? value.at(-1) : value;
    if (last !== undefined) headers[name] = last.toString();
  }
  return headers;
}

function partitionKey(topic: string, partition: number): string {
  return `${topic}#${partition}`;
}

function ephemeralGroupId(clientId: string, purpose: string): string {
  return `${clientId}.${purpose}.${randomBytes(6).toString('hex')}`;
}
