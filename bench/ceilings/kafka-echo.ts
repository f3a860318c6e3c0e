// The Kafka ceiling's "team": per batch of requests, one opaque event per request appended to its own topic, then a
// commit, with the model's consumer settings. Plain kafkajs on purpose: the ceiling measures the platform and the
// client, not the model's event log, envelope or decisions.
//   ts-node bench/ceilings/kafka-echo.ts --team sales --event-bytes 600 [--min-bytes 1] [--max-wait-ms 50]
import { parseArgs } from 'node:util';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { loadConfig } from '../../config';
import { TEAMS } from '../../domain';
import { DEFAULT_CONSUMER_TUNING } from '../../event-sourced/event-log';
import { kafkaCeilingTopics } from './kafka-ceiling-topics';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      team: { type: 'string' },
      'event-bytes': { type: 'string' },
      'min-bytes': { type: 'string' },
      'max-wait-ms': { type: 'string' },
    },
  });
  const team = TEAMS.find((candidate) => candidate === values.team);
  if (!team) throw new Error(`--team must be one of ${TEAMS.join(', ')}`);
  const eventBytes = Number(values['event-bytes'] ?? 600);
  const config = loadConfig();
  const topics = kafkaCeilingTopics(config.scope);
  // By default the model's consumer settings; a fetch can be made to wait for more bytes to see what batching buys.
  const tuning = {
    ...DEFAULT_CONSUMER_TUNING,
    maxWaitTimeMs: Number(values['max-wait-ms'] ?? DEFAULT_CONSUMER_TUNING.maxWaitTimeMs),
  };
  const minBytes = Number(values['min-bytes'] ?? 1);
  // The same bytes every time: what the event says does not matter here, only its size.
  const event = Buffer.alloc(eventBytes, 'x');

  const kafka = new Kafka({
    clientId: `${config.scope}.ceiling.${team}`,
    brokers: config.kafkaBrokers,
    logLevel: logLevel.ERROR,
  });
  const producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
  });
  const consumer = kafka.consumer({
    groupId: topics.groupOf(team),
    sessionTimeout: tuning.sessionTimeoutMs,
    heartbeatInterval: tuning.heartbeatIntervalMs,
    maxWaitTimeInMs: tuning.maxWaitTimeMs,
    minBytes,
    allowAutoTopicCreation: false,
  });
  await producer.connect();
  await consumer.connect();
  await consumer.subscribe({ topics: [topics.requests], fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch, heartbeat, isRunning, isStale }) => {
      const { messages } = batch;
      for (let start = 0; start < messages.length; start += tuning.maxRecordsPerCall) {
        if (!isRunning() || isStale()) return;
        const chunk = messages.slice(start, start + tuning.maxRecordsPerCall);
        await producer.send({
          topic: topics.teamEvents[team],
          acks: -1,
          messages: chunk.map((message) => ({ key: message.key, value: event })),
        });
        const last = chunk[chunk.length - 1];
        await consumer.commitOffsets([
          { topic: batch.topic, partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() },
        ]);
        await heartbeat();
      }
    },
  });
  process.stdout.write(`${team} ready\n`);

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    Promise.all([consumer.disconnect(), producer.disconnect()]).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    process.stderr.write(`${team} consumer crashed: ${payload.error.message}\n`);
    process.exit(1);
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
