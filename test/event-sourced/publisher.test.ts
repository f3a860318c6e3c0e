// User Support's publisher against the real broker: the publishes of one event-loop turn go out as one produce
// request, every request arrives, one return's requests keep their order, and a failure stays with its own callers.
import assert from 'node:assert/strict';
import type { Config } from '../../config';
import { InvalidRefundRequestError, type RefundRequest } from '../../domain';
import { decodeRequest } from '../../event-sourced/envelope';
import type { EventLog, OutgoingRecord } from '../../event-sourced/event-log';
import { createPublisher, type Publisher, type PublisherOptions } from '../../event-sourced/publisher';
import { topicSpecs, topicsOf } from '../../event-sourced/topics';
import { aReturn } from '../fixtures/domain-scenarios';
import { testConfig } from '../support/test-config';
import { connectTestLog, removeScope } from './support/scope';

const AT = '2026-05-11T10:00:00.000Z';

// Version v of return r: one serial number per version, so the order of a return's requests can be read back.
function version(returnIndex: number, versionIndex: number): RefundRequest {
  return aReturn({
    returnId: `R-${returnIndex}`,
    orderId: `O-${returnIndex}`,
    serialNumber: `SN-${returnIndex}-${versionIndex}`,
  });
}

// Every version of each return, the first of all returns before the second of any, as a burst of retries would.
function interleaved(returns: number, versions: number): RefundRequest[] {
  return Array.from({ length: versions }, (_, v) => Array.from({ length: returns }, (_, r) => version(r, v))).flat();
}

interface Harness {
  readonly config: Config;
  readonly log: EventLog;
  // Every append the publisher made, with its records, the failed ones too.
  readonly appends: OutgoingRecord[][];
  failNextAppend(error: Error): void;
  publisher(options?: PublisherOptions): Publisher;
  // The serial numbers on the request topic, per returnId, in offset order.
  serialsByReturn(): Promise<Map<string, string[]>>;
}

async function startHarness(label: string): Promise<Harness> {
  const config = testConfig(label);
  const log = await connectTestLog(config);
  const requests = topicsOf(config.scope).requests;
  await log.ensureTopics(topicSpecs(config).filter(({ topic }) => topic === requests));
  const appends: OutgoingRecord[][] = [];
  let nextFailure: Error | null = null;
  // The real log, watched from outside; a failure is simulated only when a test asks for one.
  const watched: EventLog = {
    ...log,
    append: async (topic, records) => {
      appends.push([...records]);
      const failure = nextFailure;
      nextFailure = null;
      if (failure) throw failure;
      await log.append(topic, records);
    },
  };
  return {
    config,
    log,
    appends,
    failNextAppend: (error) => {
      nextFailure = error;
    },
    publisher: (options) => createPublisher(watched, config.scope, () => AT, options),
    async serialsByReturn() {
      const serials = new Map<string, string[]>();
      await log.readToEnd([requests], (record) => {
        const decoded = decodeRequest(record);
        assert.ok(decoded.ok, 'every record on the request topic is a valid request');
        const { returnId, data } = decoded.envelope;
        serials.set(returnId, [...(serials.get(returnId) ?? []), data.defectiveItem.serialNumber]);
      });
      return serials;
    },
  };
}

async function stopHarness(harness: Harness | undefined): Promise<void> {
  if (!harness) return;
  await harness.log.close();
  await removeScope(harness.config);
}

function expectedSerials(requests: readonly RefundRequest[]): Map<string, string[]> {
  const serials = new Map<string, string[]>();
  for (const { returnId, defectiveItem } of requests) {
    serials.set(returnId, [...(serials.get(returnId) ?? []), defectiveItem.serialNumber]);
  }
  return serials;
}

describe('Event-sourced model: the publisher batches the publishes of one turn', () => {
  let harness: Harness | undefined;

  afterEach(async () => {
    await stopHarness(harness);
    harness = undefined;
  });

  describe('when one request is published on its own', () => {
    it('should make one append of one record', async () => {
      harness = await startHarness('publisher-one');
      await harness.publisher().publish(version(1, 0));
      assert.deepEqual(
        harness.appends.map((records) => records.length),
        [1],
      );
      assert.deepEqual(await harness.serialsByReturn(), expectedSerials([version(1, 0)]));
    });
  });

  describe('when many requests are published in one turn', () => {
    it('should append them all in one produce request, each return in call order', async () => {
      harness = await startHarness('publisher-burst');
      const requests = interleaved(40, 3);
      const publisher = harness.publisher();
      const envelopes = await Promise.all(requests.map((request) => publisher.publish(request)));
      assert.deepEqual(
        envelopes.map(({ returnId }) => returnId),
        requests.map(({ returnId }) => returnId),
      );
      assert.deepEqual(
        harness.appends.map((records) => records.length),
        [requests.length],
      );
      assert.deepEqual(await harness.serialsByReturn(), expectedSerials(requests));
    });
  });

  describe('when one turn holds more requests than one append may carry', () => {
    it('should split them into several appends, keeping each return in one of them, in call order', async () => {
      harness = await startHarness('publisher-split');
      const requests = interleaved(30, 2);
      const publisher = harness.publisher({ maxRequestsPerAppend: 8 });
      await Promise.all(requests.map((request) => publisher.publish(request)));
      assert.ok(harness.appends.length > 1, `${harness.appends.length} append(s)`);
      const appendOfReturn = new Map<string, number>();
      harness.appends.forEach((records, append) => {
        for (const { key } of records) {
          assert.equal(appendOfReturn.get(String(key)) ?? append, append, `${key} is in one append`);
          appendOfReturn.set(String(key), append);
        }
      });
      assert.equal(harness.appends.flat().length, requests.length);
      assert.deepEqual(await harness.serialsByReturn(), expectedSerials(requests));
    });
  });

  describe('when an invalid request is published between valid ones', () => {
    it('should reject it alone, and append the others', async () => {
      harness = await startHarness('publisher-invalid');
      const before = interleaved(10, 1);
      const after = Array.from({ length: 10 }, (_, r) => version(100 + r, 0));
      const publisher = harness.publisher();
      const published = [
        ...before.map((request) => publisher.publish(request)),
        publisher.publish({ ...version(50, 0), order: { orderId: '' } }),
        publisher.publishJson('{"returnId": '),
        ...after.map((request) => publisher.publish(request)),
      ];
      const results = await Promise.allSettled(published);
      const rejected = results.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
      assert.equal(rejected.length, 2);
      for (const reason of rejected) assert.ok(reason instanceof InvalidRefundRequestError, String(reason));
      assert.deepEqual(
        harness.appends.map((records) => records.length),
        [before.length + after.length],
      );
      assert.deepEqual(await harness.serialsByReturn(), expectedSerials([...before, ...after]));
    });

    it('should queue nothing when it is published on its own', async () => {
      harness = await startHarness('publisher-invalid-alone');
      await assert.rejects(harness.publisher().publish({ returnId: 'R-1' }), InvalidRefundRequestError);
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(harness.appends, []);
    });
  });

  describe('when the append of a batch fails', () => {
    it('should reject every caller of that batch with its error, and publish the next turn as usual', async () => {
      harness = await startHarness('publisher-failure');
      const publisher = harness.publisher();
      const failure = new Error('the broker went away');
      harness.failNextAppend(failure);
      const failed = await Promise.allSettled(interleaved(5, 1).map((request) => publisher.publish(request)));
      assert.deepEqual(
        failed.map((result) => (result.status === 'rejected' ? result.reason : result.status)),
        failed.map(() => failure),
      );
      const next = Array.from({ length: 3 }, (_, r) => version(10 + r, 0));
      await Promise.all(next.map((request) => publisher.publish(request)));
      assert.deepEqual(
        harness.appends.map((records) => records.length),
        [5, 3],
      );
      assert.deepEqual(await harness.serialsByReturn(), expectedSerials(next));
    });
  });
});
