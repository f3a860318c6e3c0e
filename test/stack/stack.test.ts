// The local stack as a user drives it: `stack:up` twice, `stack:status`, `stack:down`, and a port held by
// something else. It runs its own servers on free ports in a stack folder of its own, so the servers the other
// suites use are never touched; jars and the Temporal binary are reused from the main stack folder.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../config';
import { kafkaServer, kafkaVersion } from '../../stack/kafka-server';
import { isAlive, readPid } from '../../stack/processes';
import { builtTemporalBinary, temporalServer } from '../../stack/temporal-server';
import { runScript } from '../support/run-script';

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

// A port p with p + offset free too: Kafka puts its controller on p + 1, Temporal its UI on p + 1000.
async function freePortPair(offset: number, from: number): Promise<number> {
  for (let port = from; port < from + 2000; port += 7) {
    if ((await portIsFree(port)) && (await portIsFree(port + offset))) return port;
  }
  throw new Error(`no free port pair from ${from}`);
}

describe('when a user runs the local stack scripts', function () {
  this.timeout(300_000);
  const main = loadConfig();
  const stackDir = mkdtempSync(path.join(os.tmpdir(), 'stack-test-'));
  let env: NodeJS.ProcessEnv;

  before(async () => {
    // Reuse what the main stack already fetched and built, so this suite adds no download or build.
    const libs = path.join(main.stackDir, 'kafka', `libs-${kafkaVersion()}`);
    assert.ok(existsSync(path.join(libs, '.complete')), `the main stack's Kafka jars are missing in ${libs}`);
    cpSync(libs, path.join(stackDir, 'kafka', `libs-${kafkaVersion()}`), { recursive: true });
    const temporalBinary = main.temporalBinary ?? builtTemporalBinary(main.stackDir);
    const kafkaPort = await freePortPair(1, 41000);
    const temporalPort = await freePortPair(1000, 43000);
    env = {
      STACK_DIR: stackDir,
      KAFKA_BROKERS: `127.0.0.1:${kafkaPort}`,
      TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`,
      ...(existsSync(temporalBinary) ? { TEMPORAL_BIN: temporalBinary } : {}),
    };
  });

  after(async () => {
    await runScript('stack:down', [], env);
    rmSync(stackDir, { recursive: true, force: true });
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
    assert.match(run.stdout, /nothing to start: both servers already answer/);
  });

  it('stack:status should report both healthy and started by this stack', async () => {
    const run = await runScript('stack:status', [], env);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /Kafka .* healthy .*started by this stack, pid \d+/);
    assert.match(run.stdout, /Temporal .* healthy .*started by this stack, pid \d+/);
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
      const run = await runScript('stack:up', [], { ...env, KAFKA_BROKERS: `127.0.0.1:${port}`, STACK_DIR: path.join(stackDir, 'other') });
      assert.equal(run.code, 1);
      assert.match(run.stderr, new RegExp(`Port ${port} on 127\\.0\\.0\\.1 is taken`));
      assert.match(run.stderr, /set KAFKA_BROKERS to a free port/);
    } finally {
      squatter.close();
    }
  });

  it('stack:down should stop both servers and leave no process of the stack behind', async () => {
    const pids = [readPid(kafkaServer(stackDir).pidFile), readPid(temporalServer(stackDir).pidFile)];
    assert.ok(pids.every((pid) => pid !== null && isAlive(pid)), 'both servers should be running before stack:down');
    const run = await runScript('stack:down', [], env);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    for (const pid of pids) assert.equal(isAlive(pid!), false, `pid ${pid} is still running`);
    const status = await runScript('stack:status', [], env);
    assert.equal(status.code, 3);
    assert.match(status.stdout, /not answering/);
  });
});
