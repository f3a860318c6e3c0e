// The local stack as a user drives it: `stack:up` twice, `stack:status`, `stack:down`, and a port held by
// something else. It runs its own servers on free ports in a stack folder of its own, so the servers the other
// suites use are never touched; jars and the Temporal binary are reused from the main stack folder.
import assert from 'node:assert/strict';
import net from 'node:net';
import path from 'node:path';
import { kafkaServer } from '../../stack/kafka-server';
import { isAlive, readPid } from '../../stack/processes';
import { temporalServer } from '../../stack/temporal-server';
import { runScript } from '../../model/script-process';
import { freePortPair, type OwnStack, prepareOwnStack } from './own-stack';

describe('when a user runs the local stack scripts', function () {
  this.timeout(300_000);
  let stack: OwnStack;
  let env: NodeJS.ProcessEnv;
  let stackDir: string;

  before(async () => {
    stack = await prepareOwnStack('stack-test', { kafkaFrom: 41000, temporalFrom: 43000 });
    ({ env, dir: stackDir } = stack);
  });

  after(async () => {
    await runScript('stack:down', [], env);
    await stack.remove();
  });

  it('stack:up should start both servers, wait until healthy and print where they are', async () => {
    const run = await runScript('stack:up', [], env);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /Kafka healthy/);
    assert.match(run.stdout, /Temporal healthy/);
    assert.match(run.stdout, new RegExp(`KAFKA_BROKERS=${env.KAFKA_BROKERS}`));
    assert.match(run.stdout, /Temporal UI\s+http:\/\/127\.0\.0\.1:\d+/);
  });

  it('stack:up a second time should reuse both servers and start nothing', async () => {
    const run = await runScript('stack:up', [], env);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /nothing to start: every server already answers/);
  });

  it('stack:status should report both healthy and started by this stack', async () => {
    const run = await runScript('stack:status', [], env);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /Kafka .* healthy .*started by this stack, pid \d+/);
    assert.match(run.stdout, /Temporal .* healthy .*started by this stack, pid \d+/);
  });

  it('stack:up should say at once that the running Temporal lacks the namespace asked for, and exit 2', async () => {
    const run = await runScript('stack:up', [], { ...env, TEMPORAL_NAMESPACE: 'no-such-namespace' });
    assert.equal(run.code, 2, run.stdout + run.stderr);
    assert.match(
      run.stderr,
      new RegExp(`Temporal at ${env.TEMPORAL_ADDRESS} answers, but has no namespace "no-such-namespace"`),
    );
    assert.match(run.stderr, /Fix TEMPORAL_NAMESPACE/);
    assert.doesNotMatch(run.stdout, /still waiting/);
  });

  it('stack:up should name a port that something else holds, say what to do, and exit non-zero', async () => {
    const squatter = net.createServer((socket) => {
      // Our health checks hang up on it abruptly; that is expected.
      socket.on('error', () => undefined);
      socket.end('not kafka\n');
    });
    const port = await freePortPair(1, 45000);
    await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve));
    try {
      const run = await runScript('stack:up', [], {
        ...env,
        KAFKA_BROKERS: `127.0.0.1:${port}`,
        STACK_DIR: path.join(stackDir, 'other'),
      });
      assert.equal(run.code, 1);
      assert.match(run.stderr, new RegExp(`Port ${port} on 127\\.0\\.0\\.1 is taken`));
      assert.match(run.stderr, /set KAFKA_BROKERS to a free port/);
    } finally {
      squatter.close();
    }
  });

  it('stack:down should stop both servers and leave no process of the stack behind', async () => {
    const pids = [readPid(kafkaServer(stackDir).pidFile), readPid(temporalServer(stackDir).pidFile)];
    assert.ok(
      pids.every((pid) => pid !== null && isAlive(pid)),
      'both servers should be running before stack:down',
    );
    const run = await runScript('stack:down', [], env);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    for (const pid of pids) assert.equal(isAlive(pid!), false, `pid ${pid} is still running`);
    const status = await runScript('stack:status', [], env);
    assert.equal(status.code, 3);
    assert.match(status.stdout, /not answering/);
  });
});
