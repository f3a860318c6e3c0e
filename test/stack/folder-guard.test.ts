// The stack guards its folder: asked to start a second Kafka or Temporal on another port of the same STACK_DIR,
// `stack:up` refuses before it writes anything, names the server that runs and how to go on, and the first
// server keeps answering with its folder as it was. Its own servers and ports, as in stack.test.ts.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { waitFor } from '../../model/wait-for';
import { ensureStack, ownershipOf } from '../../stack/ensure';
import { kafkaAnswers, temporalAnswers } from '../../stack/health';
import { KAFKA_MAIN_CLASS, kafkaServer } from '../../stack/kafka-server';
import { isAlive, readPid, recordedServerPid } from '../../stack/processes';
import { TEMPORAL_COMMAND_MARKER, temporalServer } from '../../stack/temporal-server';
import { runScript } from '../../model/script-process';
import { freePortPair, type OwnStack, prepareOwnStack } from './own-stack';

// What the running servers write themselves (their data and logs) changes on its own; everything else the stack
// keeps in the folder (pid and address files, settings, storage format, the folders' entries) must not.
function isServersOwnWriting(relative: string): boolean {
  return (
    (relative.startsWith('kafka/data/') && relative !== 'kafka/data/meta.properties') ||
    relative.startsWith('temporal/temporal.db') ||
    relative.startsWith('logs/')
  );
}

function snapshot(dir: string): Map<string, string> {
  const seen = new Map<string, string>();
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name);
      const relative = path.relative(dir, full);
      // Jars are copied once and large: their presence is enough.
      if (relative.startsWith('kafka/libs-')) continue;
      if (entry.isDirectory()) {
        if (!isServersOwnWriting(`${relative}/`))
          seen.set(`${relative}/`, `entries modified ${statSync(full).mtimeMs}`);
        walk(full);
      } else if (!isServersOwnWriting(relative)) {
        seen.set(relative, createHash('sha256').update(readFileSync(full)).digest('hex'));
      }
    }
  };
  seen.set('./', `entries modified ${statSync(dir).mtimeMs}`);
  walk(dir);
  return seen;
}

const noStackTrace = (text: string) => !/\n\s+at .+:\d+:\d+/.test(text);

describe('when a second stack is started on the same STACK_DIR with other ports', function () {
  this.timeout(300_000);
  let stack: OwnStack;
  let kafkaPid: number;
  let temporalPid: number;

  before(async () => {
    stack = await prepareOwnStack('stack-guard', { kafkaFrom: 46000, temporalFrom: 48000 });
    await ensureStack(stack.config, { kafka: true, temporal: true });
    kafkaPid = readPid(kafkaServer(stack.dir).pidFile)!;
    temporalPid = readPid(temporalServer(stack.dir).pidFile)!;
  });

  after(async () => {
    await stack.remove();
  });

  it('should refuse a second Kafka before touching the folder, and name the running broker and the fixes', async () => {
    const before = snapshot(stack.dir);
    const otherBroker = `127.0.0.1:${await freePortPair(1, 46500)}`;
    const run = await runScript('stack:up', [], { ...stack.env, KAFKA_BROKERS: otherBroker });
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.match(run.stderr, new RegExp(`Kafka cannot start on ${otherBroker} from ${stack.dir}`));
    assert.match(run.stderr, new RegExp(`pid ${kafkaPid}, on ${stack.env.KAFKA_BROKERS}`));
    assert.match(run.stderr, new RegExp(`Use it: KAFKA_BROKERS=${stack.env.KAFKA_BROKERS}`));
    assert.match(
      run.stderr,
      new RegExp(`STACK_DIR=${stack.dir} KAFKA_BROKERS=${stack.env.KAFKA_BROKERS} npm run stack:down`),
    );
    assert.match(run.stderr, /a folder of its own: STACK_DIR=/);
    assert.ok(noStackTrace(run.stderr), run.stderr);

    assert.deepEqual(snapshot(stack.dir), before);
    assert.ok(
      !readFileSync(kafkaServer(stack.dir).logFile, 'utf8').includes(otherBroker),
      'the kafka log mentions the second port',
    );
    assert.equal(await kafkaAnswers(stack.config.kafkaBrokers), true, 'the first broker should still answer');
    assert.equal(recordedServerPid(kafkaServer(stack.dir), KAFKA_MAIN_CLASS, stack.env.KAFKA_BROKERS), kafkaPid);
  });

  it('should refuse a second Temporal the same way, and leave the first one serving', async () => {
    const before = snapshot(stack.dir);
    const otherAddress = `127.0.0.1:${await freePortPair(1000, 48500)}`;
    const run = await runScript('stack:up', [], { ...stack.env, TEMPORAL_ADDRESS: otherAddress });
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.match(run.stderr, new RegExp(`Temporal cannot start on ${otherAddress} from ${stack.dir}`));
    assert.match(run.stderr, new RegExp(`pid ${temporalPid}, on ${stack.env.TEMPORAL_ADDRESS}`));
    assert.match(run.stderr, new RegExp(`Use it: TEMPORAL_ADDRESS=${stack.env.TEMPORAL_ADDRESS}`));
    assert.match(run.stderr, /npm run stack:down/);
    assert.ok(noStackTrace(run.stderr), run.stderr);

    assert.deepEqual(snapshot(stack.dir), before);
    assert.equal(await temporalAnswers(stack.config.temporalAddress, stack.config.temporalNamespace), true);
    assert.equal(
      recordedServerPid(temporalServer(stack.dir), TEMPORAL_COMMAND_MARKER, stack.env.TEMPORAL_ADDRESS),
      temporalPid,
    );
  });

  it("should never report the folder's server as the one on another address", async () => {
    const elsewhere = { ...stack.config, kafkaBrokers: ['127.0.0.1:1'], temporalAddress: '127.0.0.1:2' };
    assert.equal(recordedServerPid(kafkaServer(stack.dir), KAFKA_MAIN_CLASS, '127.0.0.1:1'), null);
    assert.equal(recordedServerPid(temporalServer(stack.dir), TEMPORAL_COMMAND_MARKER, '127.0.0.1:2'), null);
    assert.match(
      ownershipOf(elsewhere, 'kafka'),
      new RegExp(`^not started by this stack; .* runs on ${stack.env.KAFKA_BROKERS}, pid ${kafkaPid}$`),
    );
    assert.match(
      ownershipOf(elsewhere, 'temporal'),
      new RegExp(`^not started by this stack; .* runs on ${stack.env.TEMPORAL_ADDRESS}, pid ${temporalPid}$`),
    );
    assert.equal(ownershipOf(stack.config, 'kafka'), `started by this stack, pid ${kafkaPid}`);
  });

  it("should wait for the folder's own broker that does not answer yet, rather than start a second one", async () => {
    const said: string[] = [];
    // A stopped process holds its port and answers nothing, as a broker still starting does.
    process.kill(kafkaPid, 'SIGSTOP');
    let resumed = false;
    try {
      const ensuring = ensureStack(stack.config, { kafka: true, temporal: false }, (line) => said.push(line));
      await waitFor(
        "ensureStack to say it waits for the folder's own broker",
        () => said.some((line) => line.includes('does not answer yet; waiting for it')),
        {
          timeoutMs: 60_000,
        },
      );
      process.kill(kafkaPid, 'SIGCONT');
      resumed = true;
      const handle = await ensuring;
      assert.deepEqual(handle.started, []);
      assert.match(
        said.join('\n'),
        new RegExp(
          `Kafka started from this folder \\(pid ${kafkaPid}\\) runs on ${stack.env.KAFKA_BROKERS} but does not answer yet`,
        ),
      );
      assert.equal(readPid(kafkaServer(stack.dir).pidFile), kafkaPid);
    } finally {
      if (!resumed) process.kill(kafkaPid, 'SIGCONT');
    }
  });

  it('should leave stack:down able to stop both servers', async () => {
    const run = await runScript('stack:down', [], stack.env);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal(isAlive(kafkaPid), false, `Kafka (pid ${kafkaPid}) is still running`);
    assert.equal(isAlive(temporalPid), false, `Temporal (pid ${temporalPid}) is still running`);
  });
});
