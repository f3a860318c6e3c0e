// A replicated broker under failure, as `npm run stack:up -- --brokers 3` runs it: a scope's topics get three
// replicas with two in sync required; User Support publishes under load while the broker that leads the most
// partitions is killed -9 and started again, and every acknowledged publish is read back, each eventId once. Then a
// second broker is killed (two left: publishes are still acknowledged) and a third (one left: publishes fail rather
// than be acknowledged with one copy). Its own stack folder and ports, since it kills brokers.
import assert from 'node:assert/strict';
import net from 'node:net';
import { type Config, loadConfig } from '../../config';
import type { RefundRequest } from '../../domain';
import { decodeRequest } from '../../event-sourced/envelope';
import { connectEventLog, type EventLog, type TopicReplicas } from '../../event-sourced/event-log';
import { createPublisher, type Publisher } from '../../event-sourced/publisher';
import { firstOfEachEventId } from '../../event-sourced/team-events';
import { topicSpecs, topicsOf } from '../../event-sourced/topics';
import { runScript } from '../../model/script-process';
import { waitFor } from '../../model/wait-for';
import { generateReturns } from '../../samples/generate-returns';
import { clusterNode, KAFKA_MAIN_CLASS } from '../../stack/kafka-server';
import { isAlive, recordedServerPid } from '../../stack/processes';
import { TEMPORAL_COMMAND_MARKER, temporalServer } from '../../stack/temporal-server';
import { uniqueScope } from '../support/test-config';
import { freePortWith, killKafkaBroker, type OwnStack, prepareOwnStack } from './own-stack';

const UNDER_LOAD = 3000;
const WORKERS = 8;
const KILLED_AFTER = 600;
const WITH_TWO_LEFT = 200;
// Each in a produce request of its own, so those whose partition the last broker leads are not failed by those whose
// leader is gone: 30 keys over 3 partitions miss all of the survivor's with a chance of (2/3)^30, below 1e-5.
const WITH_ONE_LEFT = 30;
// Generous: three JVMs share 2 cores with the test, and a loaded CI machine runs other suites meanwhile. Each wait
// says what it waits for.
const CONDITION_MS = 300_000;
// With one broker left there is no controller quorum, so the leader can neither shrink the in-sync set nor move:
// a publish waits out kafkajs' request timeout on each of its retries, about three minutes in all.
const FAILURE_MS = 600_000;

// Publishes the requests with a few publishes in flight, each again until it is acknowledged, as a caller retries an
// infrastructure error: the same request has the same eventId, so a copy stored by a failed attempt is one fact.
function publishUnderLoad(publisher: Publisher, requests: readonly RefundRequest[]) {
  const acknowledged = new Set<string>();
  let next = 0;
  let retried = 0;
  const failures: string[] = [];
  const publishOne = async (request: RefundRequest) => {
    const deadline = Date.now() + CONDITION_MS;
    for (;;) {
      try {
        acknowledged.add((await publisher.publish(request)).eventId);
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        retried++;
        if (failures.length < 5) failures.push(String(error));
      }
    }
  };
  const done = Promise.all(
    Array.from({ length: WORKERS }, async () => {
      while (next < requests.length) await publishOne(requests[next++]);
    }),
  );
  return { acknowledged, done, retried: () => retried, failures };
}

const topicNames = (config: Config) => topicSpecs(config).map(({ topic }) => topic);

function partitionsOf(layout: readonly TopicReplicas[]) {
  return layout.flatMap(({ topic, partitions }) => partitions.map((partition) => ({ topic, ...partition })));
}

// The broker that leads the most of the scope's partitions; of equals, the lowest node id.
function busiestLeader(layout: readonly TopicReplicas[], among: readonly number[]): number {
  const led = (node: number) => partitionsOf(layout).filter(({ leader }) => leader === node).length;
  return [...among].sort((a, b) => led(b) - led(a) || a - b)[0];
}

async function waitForPartitions(
  log: EventLog,
  config: Config,
  what: string,
  holds: (partition: { leader: number; inSync: readonly number[] }) => boolean,
): Promise<void> {
  await waitFor(what, async () => partitionsOf(await log.describeTopics(topicNames(config))).every(holds), {
    timeoutMs: CONDITION_MS,
    intervalMs: 500,
  });
}

// Every request record of the scope: how many copies of each eventId are stored, and how many the project's
// readers see (the first of each eventId).
async function readRequests(log: EventLog, config: Config) {
  const copies = new Map<string, number>();
  const firstTime = firstOfEachEventId();
  let seen = 0;
  let poison = 0;
  await log.readToEnd([topicsOf(config.scope).requests], (record) => {
    const decoded = decodeRequest(record);
    if (!decoded.ok) {
      poison++;
      return;
    }
    copies.set(decoded.envelope.eventId, (copies.get(decoded.envelope.eventId) ?? 0) + 1);
    if (firstTime(decoded.envelope)) seen++;
  });
  return { copies, seen, poison };
}

// The same, once the cluster serves it: a broker just started back may lead a partition of the committed offsets,
// whose group coordinator refuses groups (COORDINATOR_LOAD_IN_PROGRESS) until it has loaded them, for longer than
// the client's own retries on a loaded machine.
function readRequestsOnceServed(log: EventLog, config: Config): ReturnType<typeof readRequests> {
  return waitFor('every request record to be read back from the start of the topic', () => readRequests(log, config), {
    timeoutMs: CONDITION_MS,
    intervalMs: 1000,
  });
}

async function stackUp(stack: OwnStack): Promise<string> {
  const run = await runScript('stack:up', ['--brokers', '3'], stack.env);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  return run.stdout;
}

describe('when a cluster of three brokers loses brokers under load', function () {
  this.timeout(40 * 60_000);
  let stack: OwnStack;
  let config: Config;
  let log: EventLog;
  let publisher: Publisher;
  const said: string[] = [];
  const acknowledged = new Set<string>();
  let firstUp: string;

  before(async () => {
    stack = await prepareOwnStack('three-brokers', { kafkaFrom: 59000, temporalFrom: 62000, kafkaBrokers: 3 });
    firstUp = await stackUp(stack);
    config = { ...loadConfig({ ...stack.env, KAFKA_LOCAL_BROKERS: '3' }), scope: uniqueScope('three-brokers') };
    log = await connectEventLog({
      brokers: config.kafkaBrokers,
      clientId: `${config.scope}.test`,
      log: (line) => said.push(line),
    });
    await log.ensureTopics(topicSpecs(config));
    publisher = createPublisher(log, config.scope, () => new Date().toISOString());
  });

  after(async () => {
    await log?.close().catch(() => undefined);
    await stack?.remove();
  });

  it('stack:up --brokers 3 should start three brokers and say where they listen', () => {
    for (const nodeId of [1, 2, 3]) assert.match(firstUp, new RegExp(`starting Kafka \\S+ broker ${nodeId} on`));
    assert.match(firstUp, /Kafka cluster healthy/);
    assert.match(firstUp, new RegExp(`KAFKA_BROKERS=${config.kafkaBrokers.join(',')}  KAFKA_LOCAL_BROKERS=3`));
  });

  it("should create the scope's topics with three replicas, all in sync, and two required in sync", async () => {
    const layout = await log.describeTopics(topicNames(config));
    for (const { topic, minInSync, partitions } of layout) {
      assert.equal(minInSync, 2, topic);
      assert.equal(partitions.length, config.kafkaPartitions, topic);
      for (const { partition, replicas, inSync } of partitions) {
        assert.deepEqual([...replicas].sort(), [1, 2, 3], `${topic}-${partition} replicas`);
        assert.deepEqual([...inSync].sort(), [1, 2, 3], `${topic}-${partition} in sync`);
      }
    }
  });

  describe('when the broker leading the most partitions is killed under load and started again', () => {
    const requests = generateReturns({ seed: 303, count: UNDER_LOAD, idPrefix: 'KILL' });
    let victim: number;
    let acknowledgedAtKill: number;
    let acknowledgedWhileDown: number;
    let restartSaid: string;
    let read: Awaited<ReturnType<typeof readRequests>>;
    let load: ReturnType<typeof publishUnderLoad>;

    before(async () => {
      victim = busiestLeader(await log.describeTopics(topicNames(config)), [1, 2, 3]);
      load = publishUnderLoad(publisher, requests);
      await waitFor(`${KILLED_AFTER} publishes to be acknowledged`, () => load.acknowledged.size >= KILLED_AFTER, {
        timeoutMs: CONDITION_MS,
      });
      await killKafkaBroker(stack.dir, victim);
      acknowledgedAtKill = load.acknowledged.size;
      await waitForPartitions(
        log,
        config,
        `every partition to elect a leader other than the killed broker ${victim}, and drop it from its in-sync set`,
        ({ leader, inSync }) => leader >= 0 && leader !== victim && !inSync.includes(victim),
      );
      acknowledgedWhileDown = load.acknowledged.size - acknowledgedAtKill;
      restartSaid = await stackUp(stack);
      await waitForPartitions(log, config, `broker ${victim} to be back in every in-sync set`, ({ inSync }) =>
        inSync.includes(victim),
      );
      await waitFor(`all ${UNDER_LOAD} publishes to be acknowledged`, () => load.acknowledged.size === UNDER_LOAD, {
        timeoutMs: CONDITION_MS,
      });
      await load.done;
      for (const eventId of load.acknowledged) acknowledged.add(eventId);
      read = await readRequestsOnceServed(log, config);
    });

    it('should have killed the broker with publishes still to come', () => {
      assert.ok(acknowledgedAtKill >= KILLED_AFTER && acknowledgedAtKill < UNDER_LOAD, String(acknowledgedAtKill));
    });

    it('stack:up --brokers 3 should start the killed broker again, and only it', () => {
      assert.match(restartSaid, new RegExp(`starting Kafka \\S+ broker ${victim} on`));
      assert.equal((restartSaid.match(/starting Kafka \S+ broker/g) ?? []).length, 1, restartSaid);
    });

    it('should read back every acknowledged publish, each eventId once, and nothing else', () => {
      assert.equal(read.poison, 0);
      const missing = [...load.acknowledged].filter((eventId) => !read.copies.has(eventId));
      assert.deepEqual(missing, [], `lost ${missing.length}; kafkajs said:\n${said.slice(-20).join('\n')}`);
      const unknown = [...read.copies.keys()].filter((eventId) => !load.acknowledged.has(eventId));
      assert.deepEqual(unknown, []);
      assert.equal(read.seen, UNDER_LOAD);
      const stored = [...read.copies.values()].reduce((sum, count) => sum + count, 0);
      // Copies come only from an append retried after its acknowledgement was lost; readers count each once.
      process.stdout.write(
        `      ${UNDER_LOAD} acknowledged (${acknowledgedAtKill} before the kill of broker ${victim}, ` +
          `${acknowledgedWhileDown} more until the leaders had moved), ` +
          `${load.retried()} publishes retried, ${stored} records stored, ${read.seen} read once each\n`,
      );
    });
  });

  describe('when a second broker is killed, then a third', () => {
    const withTwo = generateReturns({ seed: 304, count: WITH_TWO_LEFT, idPrefix: 'TWO' });
    const withOne = generateReturns({ seed: 305, count: WITH_ONE_LEFT, idPrefix: 'ONE' });
    let twoLeft: ReturnType<typeof publishUnderLoad>;
    const outcomes: Array<{ acknowledged: boolean } | { error: unknown }> = [];
    let survivor: number;
    let awayScope: Config;
    let awayLayout: TopicReplicas[];
    let second: number;
    let read: Awaited<ReturnType<typeof readRequests>>;

    before(async () => {
      second = busiestLeader(await log.describeTopics(topicNames(config)), [1, 2, 3]);
      await killKafkaBroker(stack.dir, second);
      await waitForPartitions(
        log,
        config,
        `every partition to elect a leader other than the killed broker ${second}, and drop it from its in-sync set`,
        ({ leader, inSync }) => leader >= 0 && leader !== second && !inSync.includes(second) && inSync.length === 2,
      );
      awayScope = { ...config, scope: uniqueScope('broker-away') };
      await log.ensureTopics(topicSpecs(awayScope));
      awayLayout = await log.describeTopics(topicNames(awayScope));
      twoLeft = publishUnderLoad(publisher, withTwo);
      await waitFor(
        `${WITH_TWO_LEFT} publishes with two brokers left to be acknowledged`,
        () => twoLeft.acknowledged.size === WITH_TWO_LEFT,
        { timeoutMs: CONDITION_MS },
      );
      await twoLeft.done;
      for (const eventId of twoLeft.acknowledged) acknowledged.add(eventId);

      // The survivor leads some of the request topic's partitions: an append there is the one it could take alone.
      const [requestTopic] = await log.describeTopics([topicsOf(config.scope).requests]);
      survivor = busiestLeader(
        [requestTopic],
        [1, 2, 3].filter((node) => node !== second),
      );
      const third = [1, 2, 3].find((node) => node !== second && node !== survivor);
      assert.ok(third !== undefined);
      await killKafkaBroker(stack.dir, third);
      for (const request of withOne) {
        publisher.publish(request).then(
          () => outcomes.push({ acknowledged: true }),
          (error: unknown) => outcomes.push({ error }),
        );
        // The next turn of the event loop: the publisher batches what one turn publishes.
        await new Promise((resolve) => setImmediate(resolve));
      }
      await waitFor(
        `the ${WITH_ONE_LEFT} publishes with one broker left to fail or be acknowledged`,
        () => outcomes.length === WITH_ONE_LEFT,
        { timeoutMs: FAILURE_MS, intervalMs: 1000 },
      );
      await stackUp(stack);
      await waitForPartitions(
        log,
        config,
        'every broker to be back in every in-sync set',
        ({ leader, inSync }) => leader >= 0 && inSync.length === 3,
      );
      // The topics created while a broker was away: it holds its replicas again once it is back.
      await waitForPartitions(
        log,
        awayScope,
        'every broker to be in sync on the topics created while one was away',
        ({ leader, inSync }) => leader >= 0 && inSync.length === 3,
      );
      read = await readRequestsOnceServed(log, config);
    });

    it("should give a new scope's topics three replicas with a broker away, the two up in sync", () => {
      for (const { topic, minInSync, partitions } of awayLayout) {
        assert.equal(minInSync, 2, topic);
        for (const { partition, replicas, inSync } of partitions) {
          assert.deepEqual([...replicas].sort(), [1, 2, 3], `${topic}-${partition} replicas`);
          assert.deepEqual(
            [...inSync].sort(),
            [1, 2, 3].filter((node) => node !== second),
            `${topic}-${partition} in sync`,
          );
        }
      }
    });

    it('should acknowledge every publish while two brokers of three are up', () => {
      assert.equal(twoLeft.acknowledged.size, WITH_TWO_LEFT);
    });

    it('should fail every publish with one broker left, those the last broker leads included, none acknowledged', () => {
      assert.equal(outcomes.filter((outcome) => 'acknowledged' in outcome).length, 0);
      const errors = outcomes.map((outcome) => String((outcome as { error: unknown }).error));
      for (const error of errors) assert.match(error, /^KafkaJS/);
      // The last broker still leads its partitions, but with no controller quorum it can neither drop the dead
      // replicas from the in-sync set nor move a partition: an append waits for a copy that never comes and times
      // out (with a quorum and one replica in sync it would answer NOT_ENOUGH_REPLICAS). Where the leader is gone,
      // the client cannot connect.
      const tally = new Map<string, number>();
      for (const error of errors) tally.set(error, (tally.get(error) ?? 0) + 1);
      process.stdout.write(
        `      with broker ${survivor} left, ${errors.length} failed: ` +
          `${[...tally].map(([error, count]) => `${count} × ${error}`).join('; ')}\n`,
      );
    });

    it('should still hold every publish acknowledged before, each read once', () => {
      const missing = [...acknowledged].filter((eventId) => !read.copies.has(eventId));
      assert.deepEqual(missing, [], `lost ${missing.length}`);
      assert.equal(read.poison, 0);
      // A publish that failed may still have been stored; it was never acknowledged, so nothing relied on it.
      assert.ok(read.seen >= UNDER_LOAD + WITH_TWO_LEFT && read.seen <= UNDER_LOAD + WITH_TWO_LEFT + WITH_ONE_LEFT);
      process.stdout.write(
        `      ${read.seen - UNDER_LOAD - WITH_TWO_LEFT} of the ${WITH_ONE_LEFT} failed publishes were stored anyway\n`,
      );
    });
  });

  describe('when the cluster is reported on and stopped', () => {
    it('stack:status should report each broker answering and started by this stack', async () => {
      const run = await runScript('stack:status', ['--brokers', '3'], stack.env);
      assert.equal(run.code, 0, run.stdout + run.stderr);
      assert.match(run.stdout, /^Kafka .* healthy .*started by this stack, pids \d+, \d+, \d+\)$/m);
      config.kafkaBrokers.forEach((address, index) =>
        assert.match(
          run.stdout,
          new RegExp(`^  Kafka broker ${index + 1}  ${address}  answers  \\(started by this stack, pid \\d+\\)$`, 'm'),
        ),
      );
    });

    it('stack:down should stop every broker and the Temporal server', async () => {
      const pids = [
        ...[1, 2, 3].map((nodeId) => recordedServerPid(clusterNode(stack.dir, nodeId), KAFKA_MAIN_CLASS)),
        recordedServerPid(temporalServer(stack.dir), TEMPORAL_COMMAND_MARKER),
      ];
      assert.ok(pids.every((pid) => pid !== null));
      const run = await runScript('stack:down', [], stack.env);
      assert.equal(run.code, 0, run.stdout + run.stderr);
      for (const pid of pids) assert.equal(isAlive(pid), false, `pid ${pid} is still running`);
      const status = await runScript('stack:status', ['--brokers', '3'], stack.env);
      assert.equal(status.code, 3, status.stdout);
    });

    it('stack:up --brokers 3 should name a port of the cluster that something else holds, and start nothing', async () => {
      const port = await freePortWith([1, 2, 3, 4, 5], 61000);
      const squatter = net.createServer((socket) => socket.destroy());
      await new Promise<void>((resolve) => squatter.listen(port + 5, '127.0.0.1', resolve));
      try {
        const run = await runScript('stack:up', ['--brokers', '3'], {
          ...stack.env,
          KAFKA_BROKERS: `127.0.0.1:${port}`,
          STACK_DIR: `${stack.dir}/other`,
        });
        assert.equal(run.code, 1, run.stdout + run.stderr);
        assert.match(
          run.stderr,
          new RegExp(
            `Port ${port + 5} on 127\\.0\\.0\\.1 is taken .*\\(Kafka broker 3 needs it for its KRaft controller\\)`,
          ),
        );
        assert.match(run.stderr, /set KAFKA_BROKERS to a free port/);
        assert.doesNotMatch(run.stdout, /starting Kafka/);
      } finally {
        squatter.close();
      }
    });
  });
});
