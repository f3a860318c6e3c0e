// A team as its own process: it answers like the in-process teams, and SIGTERM stops it cleanly, leaving nothing
// uncommitted behind.
import assert from 'node:assert/strict';
import type { EventSourcedDeployment } from '../../event-sourced/deployment';
import { ScriptProcess } from '../../model/script-process';
import { aReturn } from '../fixtures/domain-scenarios';
import { testConfig } from '../support/test-config';
import { outcomeOnItsOwn, TEAMS } from '../../domain';
import { removeScope, startTestDeployment } from './support/scope';

describe('Event-sourced model: a team in its own process', () => {
  let deployment: EventSourcedDeployment;
  const config = testConfig('run-team');
  let accounting: ScriptProcess;
  const output = () => `${accounting.stdout}${accounting.stderr}`;

  before(async () => {
    deployment = await startTestDeployment(config, { teams: TEAMS.filter((team) => team !== 'accounting') });
    // Node itself, not npx: the signal goes straight to the team's process.
    accounting = ScriptProcess.node('event-sourced/run-team.ts', ['--team', 'accounting'], {
      RETURNS_SCOPE: config.scope,
    });
    await accounting.waitForOutput('the accounting process to be ready', /accounting ready/);
  });

  after(async () => {
    accounting?.killAll();
    await deployment?.close();
    await removeScope(config);
  });

  describe('when Accounting runs as a process of its own', () => {
    it('should answer a return with the other teams', async () => {
      const request = aReturn({ returnId: 'R-PROCESS', orderId: 'O-PROCESS' });
      assert.deepEqual(await deployment.submit(request, { timeoutMs: 30_000 }), outcomeOnItsOwn(request), output());
    });

    it('should stop cleanly on SIGTERM, with every request and verdict it took committed', async () => {
      accounting.signalFirst('SIGTERM');
      assert.equal((await accounting.finished).code, 0, output());
      assert.equal(await deployment.teamLag('accounting'), 0);
    });
  });
});
