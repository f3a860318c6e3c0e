// The fault suite's team process (faults/edge/event-sourced-team.ts): the production team, with a fault put around
// its event log from outside. Its crash point must hit the window between append and commit, and its negative
// control must decide a return it decided before a second time, or the fault suite would prove nothing.
import assert from 'node:assert/strict';
import { type Team, TEAMS } from '../../domain';
import type { EventSourcedDeployment } from '../../event-sourced/deployment';
import { waitFor } from '../../model/wait-for';
import { aReturn } from '../fixtures/domain-scenarios';
import { ScriptProcess } from '../../model/script-process';
import { testConfig } from '../support/test-config';
import { removeScope, startTestDeployment } from './support/scope';

const EDGE_SCRIPT = 'faults/edge/event-sourced-team.ts';
const PRODUCTION_SCRIPT = 'event-sourced/run-team.ts';
const OTHER_TEAMS = TEAMS.filter((team) => team !== 'accounting');

async function eventsFor(deployment: EventSourcedDeployment, team: Team, returnId: string): Promise<number> {
  return (await deployment.readTeamEvents(team)).filter(({ envelope }) => envelope.returnId === returnId).length;
}

describe('Event-sourced model: a team behind a fault at the edge', () => {
  const started: ScriptProcess[] = [];
  const startAccounting = async (script: string, args: readonly string[], scope: string): Promise<ScriptProcess> => {
    const accounting = ScriptProcess.node(script, ['--team', 'accounting', ...args], { RETURNS_SCOPE: scope });
    started.push(accounting);
    await accounting.waitForOutput('the accounting process to be ready', /^accounting ready$/m, 60_000);
    return accounting;
  };

  afterEach(() => {
    for (const child of started.splice(0)) child.killAll();
  });

  describe('when it crashes after appending a return', () => {
    let deployment: EventSourcedDeployment;
    const config = testConfig('edge-crash');
    const request = aReturn({ returnId: 'R-EDGE-CRASH', orderId: 'O-EDGE-CRASH' });

    before(async () => {
      deployment = await startTestDeployment(config, { teams: OTHER_TEAMS });
    });

    after(async () => {
      await deployment?.close();
      await removeScope(config);
    });

    it('should die with its event on the topic and its cause uncommitted, which a restart answers once', async () => {
      const accounting = await startAccounting(EDGE_SCRIPT, ['--crash-after-append', request.returnId], config.scope);
      await deployment.publish(request);
      const { signal, stderr } = await accounting.finished;
      assert.equal(signal, 'SIGKILL', stderr);
      assert.match(stderr, /crash point: R-EDGE-CRASH appended, request not yet committed; killing this process/);
      assert.equal(await eventsFor(deployment, 'accounting', request.returnId), 1);
      // Accounting writes once it has the request and the verdict: the later of the two is uncommitted.
      assert.equal(await deployment.teamLag('accounting'), 1);

      await startAccounting(PRODUCTION_SCRIPT, [], config.scope);
      await waitFor(
        'accounting to commit the request again',
        async () => (await deployment.teamLag('accounting')) === 0,
      );
      assert.equal(await eventsFor(deployment, 'accounting', request.returnId), 1);
    });
  });

  describe('when it starts from an empty state', () => {
    let deployment: EventSourcedDeployment;
    const config = testConfig('edge-empty');
    const request = aReturn({ returnId: 'R-EDGE-EMPTY', orderId: 'O-EDGE-EMPTY' });

    before(async () => {
      deployment = await startTestDeployment(config);
      await deployment.submit(request, { timeoutMs: 30_000 });
      await deployment.stopTeam('accounting');
    });

    after(async () => {
      await deployment?.close();
      await removeScope(config);
    });

    it('should forget what it decided, and decide the return a second time', async () => {
      const accounting = await startAccounting(EDGE_SCRIPT, ['--from-empty-state'], config.scope);
      assert.match(accounting.stderr, /state rebuilt from 0 events/);
      await deployment.publish(request);
      await waitFor(
        'accounting to decide the return again',
        async () => (await eventsFor(deployment, 'accounting', request.returnId)) === 2,
      );
      await waitFor('accounting to commit the request', async () => (await deployment.teamLag('accounting')) === 0);
      const copies = (await deployment.readTeamEvents('accounting')).filter(
        ({ envelope }) => envelope.returnId === request.returnId,
      );
      assert.equal(new Set(copies.map(({ envelope }) => envelope.eventId)).size, 1);
    });
  });
});
