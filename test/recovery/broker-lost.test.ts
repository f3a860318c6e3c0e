// Losing the broker mid-run in the event-sourced model: a wait for an outcome says once that Kafka does not
// answer (and once that it answers again), fails with what to do when it stays away too long, and kafkajs' own
// retry lines are folded instead of repeated. Its own stack folder, ports and broker, since it kills it.
import assert from 'node:assert/strict';
import { ActionableError } from '../../cli/actionable-error';
import type { ReturnOutcome } from '../../domain';
import { KafkaGoneError } from '../../event-sourced/broker-watch';
import { type EventSourcedDeployment, startEventSourcedDeployment } from '../../event-sourced/deployment';
import { EventLogUnavailableError } from '../../event-sourced/event-log';
import { generateReturns } from '../../samples/generate-returns';
import { ensureStack } from '../../stack/ensure';
import { killServer, type OwnStack, prepareOwnStack } from '../stack/own-stack';
import { uniqueScope } from '../support/test-config';
import { waitFor } from '../../model/wait-for';

interface Said {
  readonly line: string;
  readonly atMs: number;
}

// A promise's result, once it has one, without letting its rejection go unhandled meanwhile.
function settle<T>(work: Promise<T>): { result: () => { value?: T; error?: unknown } | undefined } {
  let result: { value?: T; error?: unknown } | undefined;
  work.then(
    (value) => (result = { value }),
    (error: unknown) => (result = { error }),
  );
  return { result: () => result };
}

const downNotice = (brokers: string) =>
  `Kafka at ${brokers} does not answer; the returns in flight continue when it is back`;

describe('when the Kafka broker stops answering while the event-sourced model awaits a return', function () {
  this.timeout(10 * 60_000);
  let stack: OwnStack;
  let brokers: string;
  const [first, second, third] = generateReturns({ seed: 77, count: 3, idPrefix: 'LOST' });

  before(async () => {
    stack = await prepareOwnStack('broker-lost', { kafkaFrom: 54000, temporalFrom: 56000 });
    brokers = stack.config.kafkaBrokers.join(',');
    await ensureStack(stack.config, { kafka: true, temporal: false });
  });

  after(async () => {
    await stack?.remove();
  });

  describe('when it stays away longer than the deployment waits for it', () => {
    const said: Said[] = [];
    let deployment: EventSourcedDeployment;
    let waitError: unknown;
    let publishError: unknown;
    let closed: { error?: unknown } | undefined;

    before(async () => {
      const config = { ...stack.config, scope: uniqueScope('broker-lost') };
      deployment = await startEventSourcedDeployment(config, {
        log: (line) => said.push({ line, atMs: Date.now() }),
        brokerAwayLimitMs: 20_000,
      });
      await deployment.submit(first);
      const waiting = settle(deployment.waitForOutcome(second.returnId));
      await killServer(stack.dir, 'kafka');
      await waitFor(
        'the deployment to say that Kafka does not answer',
        () => said.some(({ line }) => line.startsWith(downNotice(brokers))),
        {
          timeoutMs: 120_000,
        },
      );
      await waitFor('the wait to fail once Kafka stayed away past the limit', () => waiting.result(), {
        timeoutMs: 180_000,
      });
      waitError = waiting.result()?.error;
      publishError = await deployment.publish(third).then(
        () => undefined,
        (error: unknown) => error,
      );
      const closing = settle(deployment.close());
      await waitFor('the deployment to close while Kafka is away', () => closing.result(), { timeoutMs: 180_000 });
      closed = closing.result();
    });

    it('should say once, naming the broker, that Kafka does not answer', () => {
      const notices = said.filter(({ line }) => line.startsWith(downNotice(brokers)));
      assert.equal(notices.length, 1, said.map(({ line }) => line).join('\n'));
    });

    it('should fail the wait with an error that says how to go on', () => {
      assert.ok(waitError instanceof KafkaGoneError, String(waitError));
      assert.ok(waitError instanceof ActionableError);
      assert.match(waitError.message, new RegExp(`Kafka at ${brokers} has not answered for \\d+ s`));
      assert.match(waitError.message, /npm run stack:up/);
      assert.match(waitError.message, /same RETURNS_SCOPE/);
    });

    it('should refuse a publish with an error that names Kafka, not a raw client error', () => {
      assert.ok(publishError instanceof EventLogUnavailableError, String(publishError));
      assert.match(publishError.message, new RegExp(`Kafka does not answer at ${brokers}`));
    });

    it('should say a repeated kafkajs line at most once a minute', () => {
      const lastShown = new Map<string, number>();
      for (const { line, atMs } of said.filter(({ line }) => line.startsWith('kafkajs'))) {
        const text = line.replace(/ \[\d+ more times in the last \d+ s\]$/, '');
        const before = lastShown.get(text);
        assert.ok(before === undefined || atMs - before >= 60_000, `said twice within a minute: ${text}`);
        lastShown.set(text, atMs);
      }
    });

    it('should close without waiting for the broker', () => {
      assert.deepEqual(closed, { value: undefined });
    });
  });

  describe('when it comes back while a return is awaited', () => {
    const said: Said[] = [];
    let deployment: EventSourcedDeployment;
    let outcome: ReturnOutcome | undefined;

    before(async () => {
      await ensureStack(stack.config, { kafka: true, temporal: false });
      const config = { ...stack.config, scope: uniqueScope('broker-back') };
      deployment = await startEventSourcedDeployment(config, { log: (line) => said.push({ line, atMs: Date.now() }) });
      await deployment.submit(first);
      const waiting = settle(deployment.waitForOutcome(second.returnId));
      await killServer(stack.dir, 'kafka');
      await waitFor('the deployment to say that Kafka does not answer', () => deployment.brokerIsDown(), {
        timeoutMs: 120_000,
      });
      await ensureStack(stack.config, { kafka: true, temporal: false });
      await waitFor('the deployment to say that Kafka answers again', () => !deployment.brokerIsDown(), {
        timeoutMs: 120_000,
      });
      // Published once the broker is back: the wait that began before the outage ends with its outcome.
      await waitFor(`${second.returnId} to be published after the broker came back`, () => deployment.publish(second), {
        timeoutMs: 120_000,
        intervalMs: 1_000,
      });
      await waitFor(`the outcome of ${second.returnId}, awaited across the outage`, () => waiting.result(), {
        timeoutMs: 180_000,
      });
      outcome = waiting.result()?.value;
    });

    after(async () => {
      await deployment?.close();
    });

    it('should say once that Kafka does not answer, and once that it answers again', () => {
      const lines = said.map(({ line }) => line);
      assert.equal(lines.filter((line) => line.startsWith(downNotice(brokers))).length, 1, lines.join('\n'));
      assert.equal(
        lines.filter((line) => line === `Kafka at ${brokers} answers again; the returns in flight go on`).length,
        1,
        lines.join('\n'),
      );
    });

    it('should finish the return awaited across the outage', () => {
      assert.equal(outcome?.returnId, second.returnId);
    });
  });
});
