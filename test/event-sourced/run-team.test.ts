// A team as its own process: it answers requests like the in-process teams, and SIGTERM stops it cleanly,
// leaving nothing uncommitted behind.
import assert from 'node:assert/strict';
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import type { EventSourcedDeployment } from '../../event-sourced/deployment';
import { waitFor } from '../../model/wait-for';
import { aReturn } from '../fixtures/domain-scenarios';
import { PROJECT_ROOT } from '../support/script-process';
import { testConfig } from '../support/test-config';
import { outcomeOnItsOwn } from '../../domain';
import { removeScope, startTestDeployment } from './support/scope';

describe('Event-sourced model: a team in its own process', () => {
  let deployment: EventSourcedDeployment;
  const config = testConfig('run-team');
  let accounting: ChildProcessWithoutNullStreams;
  let output = '';
  let exited: Promise<number | null>;

  before(async () => {
    deployment = await startTestDeployment(config, { teams: ['sales', 'inventory', 'manufacturing'] });
    // Node itself, not npx: the signal goes straight to the team's process.
    accounting = spawn(
      process.execPath,
      ['-r', 'ts-node/register', 'event-sourced/run-team.ts', '--team', 'accounting'],
      {
        cwd: PROJECT_ROOT,
        env: { ...process.env, RETURNS_SCOPE: config.scope },
      },
    );
    accounting.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    accounting.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    exited = new Promise((resolve) => accounting.on('exit', (code) => resolve(code)));
    await waitFor('the accounting process to be ready', () => output.includes('accounting ready'), {
      timeoutMs: 60_000,
    });
  });

  after(async () => {
    if (accounting?.exitCode === null) accounting.kill('SIGKILL');
    await deployment?.close();
    await removeScope(config);
  });

  describe('when Accounting runs as a process of its own', () => {
    it('should answer a return with the other three teams', async () => {
      const request = aReturn({ returnId: 'R-PROCESS', orderId: 'O-PROCESS' });
      assert.deepEqual(await deployment.submit(request, { timeoutMs: 30_000 }), outcomeOnItsOwn(request), output);
    });

    it('should stop cleanly on SIGTERM, with every request it took committed', async () => {
      accounting.kill('SIGTERM');
      assert.equal(await exited, 0, output);
      assert.equal(await deployment.teamLag('accounting'), 0);
    });
  });
});
