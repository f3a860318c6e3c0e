// The local PostgreSQL server of TEAM_STORE=postgres as a user drives it: `stack:up` starts it (made for the URL's
// user, password and database), a second `stack:up` reuses it, `stack:status` reports it, a port held by something
// else is named, and `stack:down` stops it. It runs in a stack folder of its own on a free port; Kafka and Temporal
// are the ones the other suites share, found answering and left alone.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { runScript } from '../../model/script-process';
import { stopServers } from '../../stack/ensure';
import { postgresServer } from '../../stack/postgres-server';
import { isAlive, readPid } from '../../stack/processes';
import { postgresAnswers } from '../../traditional/postgres-team-store';
import { freePortPair } from './own-stack';

describe('when a user runs the local stack with TEAM_STORE=postgres', function () {
  this.timeout(300_000);
  let stackDir: string;
  let url: string;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    stackDir = mkdtempSync(path.join(os.tmpdir(), 'postgres-stack-'));
    url = `postgres://team:team-secret@127.0.0.1:${await freePortPair(0, 46000)}/own_returns`;
    env = { STACK_DIR: stackDir, TEAM_STORE: 'postgres', TEAM_DATABASE_URL: url };
  });

  after(async () => {
    await stopServers(stackDir, ['postgres'], () => undefined);
    rmSync(stackDir, { recursive: true, force: true });
  });

  it('stack:up should start PostgreSQL, wait until its database answers and print where it is', async () => {
    const run = await runScript('stack:up', [], env);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /starting PostgreSQL \d+\.\d+ on 127\.0\.0\.1:\d+/);
    assert.match(run.stdout, /PostgreSQL healthy/);
    assert.ok(run.stdout.includes(`TEAM_DATABASE_URL=${url.replace('team-secret', '***')}`), run.stdout);
    assert.ok(!run.stdout.includes('team-secret'), 'the password is never printed');
    assert.equal(await postgresAnswers(url), true, 'the URL’s user, password and database work');
  });

  it('stack:up a second time should reuse it and start nothing', async () => {
    const run = await runScript('stack:up', [], env);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /PostgreSQL answers at 127\.0\.0\.1:\d+/);
    assert.match(run.stdout, /nothing to start: every server already answers/);
  });

  it('stack:status should report it healthy and started by this stack', async () => {
    const run = await runScript('stack:status', [], env);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /PostgreSQL .* healthy .*started by this stack, pid \d+/);
  });

  it('stack:up should name a port that something else holds, say what to do, and exit non-zero', async () => {
    const squatter = net.createServer((socket) => {
      socket.on('error', () => undefined);
      socket.end('not postgres\n');
    });
    const port = await freePortPair(0, 47000);
    await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve));
    try {
      const run = await runScript('stack:up', [], {
        ...env,
        STACK_DIR: path.join(stackDir, 'other'),
        TEAM_DATABASE_URL: `postgres://team:team-secret@127.0.0.1:${port}/own_returns`,
      });
      assert.equal(run.code, 1, run.stdout + run.stderr);
      assert.match(run.stderr, new RegExp(`Port ${port} on 127\\.0\\.0\\.1 is taken`));
      assert.match(run.stderr, /set TEAM_DATABASE_URL to a free port/);
    } finally {
      squatter.close();
    }
  });

  it('stack:down should stop it and leave no process of it behind', async () => {
    const pid = readPid(postgresServer(stackDir).pidFile);
    assert.ok(pid !== null && isAlive(pid), 'PostgreSQL should be running before stack:down');
    const run = await runScript('stack:down', [], env);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal(isAlive(pid), false, `pid ${pid} is still running`);
    const status = await runScript('stack:status', [], env);
    assert.equal(status.code, 3);
    assert.match(status.stdout, /PostgreSQL .* not answering/);
  });
});
