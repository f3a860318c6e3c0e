// A command that had to start the servers for itself stops them when it ends, as `npm run bench` does; one that
// found them running leaves them alone. Its own stack folder and ports, so the shared servers are never touched.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { kafkaServer } from '../../stack/kafka-server';
import { isAlive, readPid } from '../../stack/processes';
import { temporalServer } from '../../stack/temporal-server';
import { type OwnStack, prepareOwnStack } from '../stack/own-stack';
import { runScript, type ScriptRun } from '../../model/script-process';

describe('npm run faults on a stack folder with no server running', function () {
  this.timeout(600_000);
  let stack: OwnStack;
  let out: string;
  let run: ScriptRun;

  before(async () => {
    stack = await prepareOwnStack('faults-stack', { kafkaFrom: 53000, temporalFrom: 55000 });
    out = mkdtempSync(path.join(os.tmpdir(), 'faults-out-'));
    run = await runScript('faults', ['--quick', '--only', 'hostile-input', '--out', out], stack.env);
  });

  after(async () => {
    await stack?.remove();
    rmSync(out, { recursive: true, force: true });
  });

  it('should start both servers, run the scenario and exit 0', () => {
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stderr, /\[stack\] starting Kafka/);
    assert.match(run.stderr, /\[stack\] starting the Temporal dev server/);
  });

  it('should stop the servers it started when it ends', async () => {
    assert.match(run.stderr, /\[stack\] stopping Kafka/);
    assert.match(run.stderr, /\[stack\] stopping Temporal/);
    for (const server of [kafkaServer(stack.dir), temporalServer(stack.dir)]) {
      const pid = readPid(server.pidFile);
      assert.ok(pid === null || !isAlive(pid), `${server.name} (pid ${pid}) is still running`);
    }
    const status = await runScript('stack:status', [], stack.env);
    assert.equal(status.code, 3, status.stdout);
  });
});
