// The platform itself, before any model code: the broker the stack runs works with kafkajs for everything the
// event-sourced model uses (explicit topic creation, keyed produce, consumer groups with commits). It imports
// kafkajs itself, not the event log, so a failure here points at the broker and not at the model's code.
import assert from 'node:assert/strict';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { loadConfig } from '../../config';
import { waitFor } from '../../model/wait-for';
import { uniqueScope } from '../support/test-config';

describe('when kafkajs talks to the stack broker', () => {
  const config = loadConfig();
  const kafka = new Kafka({ clientId: 'smoke', brokers: config.kafkaBrokers, logLevel: logLevel.WARN });
  const topic = `${uniqueScope('smoke')}.keyed`;
  const admin = kafka.admin();
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  const consumer = kafka.consumer({ groupId: `${topic}.group`, heartbeatInterval: 500, sessionTimeout: 10_000 });

  before(async () => {
    await Promise.all([admin.connect(), producer.connect(), consumer.connect()]);
  });

  after(async () => {
    await Promise.all([consumer.disconnect(), producer.disconnect()]);
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('should create a topic explicitly with several partitions', async () => {
    assert.equal(await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: false }), true);
    // kafkajs' own leader wait gives up when the broker does not host a new partition yet, which on a loaded
    // machine it often does not for a moment: wait for the leaders here instead, as the event log does.
    const metadata = await waitFor(
      'the new topic to have a leader for each of its partitions',
      async () => {
        const found = await admin.fetchTopicMetadata({ topics: [topic] });
        return found.topics[0].partitions.every(({ leader }) => leader >= 0) && found;
      },
      { timeoutMs: 120_000 },
    );
    assert.equal(metadata.topics[0].partitions.length, 3);
  });

  it('should deliver 1,000 keyed messages to a consumer group in per-key order, at least once, and commit them', async () => {
    const keys = Array.from({ length: 20 }, (_, index) => `key-${index}`);
    const messages = Array.from({ length: 1000 }, (_, index) => ({
      key: keys[index % keys.length],
      value: JSON.stringify({ sequence: Math.floor(index / keys.length) }),
    }));
    await producer.send({ topic, acks: -1, messages });

    const seen = new Map<string, number[]>();
    let received = 0;
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const key = message.key!.toString();
        const { sequence } = JSON.parse(message.value!.toString()) as { sequence: number };
        seen.set(key, [...(seen.get(key) ?? []), sequence]);
        received++;
      },
    });
    await waitFor('all 1,000 messages', () => keys.every((key) => new Set(seen.get(key)).size === 50));

    // Delivery is at least once: a rebalance on a loaded machine hands a partition's messages since its last commit
    // to the group again. Per key, each message comes after the one before it, or is such a replay of earlier ones.
    assert.ok(received >= 1000, `${received} deliveries`);
    for (const key of keys) {
      const sequences = seen.get(key) ?? [];
      const outOfOrder = sequences.findIndex((sequence, index) => index > 0 && sequence > sequences[index - 1] + 1);
      assert.equal(outOfOrder, -1, `messages of ${key} out of order: ${sequences.join(', ')}`);
      assert.deepEqual(
        [...new Set(sequences)].sort((left, right) => left - right),
        Array.from({ length: 50 }, (_, index) => index),
        `messages of ${key}`,
      );
    }
    // Offsets are committed per partition; together they cover every message.
    await waitFor('committed offsets covering all messages', async () => {
      const [committed] = await admin.fetchOffsets({ groupId: `${topic}.group`, topics: [topic] });
      return committed.partitions.reduce((sum, partition) => sum + Number(partition.offset), 0) === 1000;
    });
  });
});
