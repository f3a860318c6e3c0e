// At-least-once delivery made harmless: a request published twice, or delivered again after a team crashed
// between appending its event and committing the request, never gives a second team event.
import assert from 'node:assert/strict';
import { type Team, TEAMS } from '../../domain';
import type { EventSourcedDeployment } from '../../event-sourced/deployment';
import { decodeRequest } from '../../event-sourced/envelope';
import { waitFor } from '../../model/wait-for';
import { aReturn } from '../fixtures/domain-scenarios';
import { testConfig } from '../support/test-config';
import { outcomeOnItsOwn } from '../../domain';
import { crashAfterAppend } from './support/crash-after-append';
import { removeScope, startTestDeployment } from './support/scope';

async function eventsFor(deployment: EventSourcedDeployment, team: Team, returnId: string): Promise<number> {
  return (await deployment.readTeamEvents(team)).filter(({ envelope }) => envelope.returnId === returnId).length;
}

async function allCommitted(deployment: EventSourcedDeployment): Promise<void> {
  await waitFor('every team to commit every request', async () =>
    (await Promise.all(TEAMS.map((team) => deployment.teamLag(team)))).every((lag) => lag === 0),
  );
}

describe('Event-sourced model: redelivery', () => {
  describe('when the same request is published twice', () => {
    let deployment: EventSourcedDeployment;
    const config = testConfig('twice');
    const request = aReturn({ returnId: 'R-TWICE', orderId: 'O-TWICE' });

    before(async () => {
      deployment = await startTestDeployment(config);
    });

    after(async () => {
      await deployment?.close();
      await removeScope(config);
    });

    it('should carry both copies, recognisable by one eventId', async () => {
      const first = await deployment.publish(request);
      const second = await deployment.publish(request);
      assert.equal(second.eventId, first.eventId);
      const onTopic: string[] = [];
      await deployment.eventLog.readToEnd([deployment.topics.requests], (record) => {
        const decoded = decodeRequest(record);
        if (decoded.ok) onTopic.push(decoded.envelope.eventId);
      });
      assert.deepEqual(onTopic, [first.eventId, first.eventId]);
    });

    it('should have each team answer once, and report nothing: the same content twice is no conflict', async () => {
      assert.deepEqual(await deployment.waitForOutcome('R-TWICE', { timeoutMs: 30_000 }), outcomeOnItsOwn(request));
      await allCommitted(deployment);
      for (const team of TEAMS) assert.equal(await eventsFor(deployment, team, 'R-TWICE'), 1, `${team} answered twice`);
      assert.deepEqual(await deployment.readDeadLetters(), []);
    });
  });

  describe('when a team crashes after appending its event and before committing the request', () => {
    let deployment: EventSourcedDeployment;
    const config = testConfig('crash');
    const request = aReturn({ returnId: 'R-CRASH', orderId: 'O-CRASH', modelId: 'WATCH-W1' });
    let crashes = 0;

    before(async () => {
      deployment = await startTestDeployment(config, {
        // Left crashed, so the test can look at the log before the team comes back.
        restartCrashedTeamsAfterMs: null,
        wrapLog: crashAfterAppend(
          config.scope,
          (team, returnId) => team === 'inventory' && returnId === 'R-CRASH' && crashes++ === 0,
        ),
      });
    });

    after(async () => {
      await deployment?.close();
      await removeScope(config);
    });

    it('should leave the event on the topic and the request uncommitted', async () => {
      await deployment.publish(request);
      await waitFor('inventory to crash', () => deployment.teamStatus('inventory') === 'crashed');
      assert.equal(await eventsFor(deployment, 'inventory', 'R-CRASH'), 1);
      assert.equal(await deployment.teamLag('inventory'), 1);
    });

    it('should, once restarted, rebuild its state, take the request again and append nothing', async () => {
      await deployment.startTeam('inventory');
      assert.deepEqual(await deployment.waitForOutcome('R-CRASH', { timeoutMs: 30_000 }), outcomeOnItsOwn(request));
      // Committed now: the restarted team took the request again, and found it handled.
      await allCommitted(deployment);
      assert.equal(crashes, 1);
      assert.equal(await eventsFor(deployment, 'inventory', 'R-CRASH'), 1);
      // The stock it counted before the crash still counts: the watch was shipped once.
      assert.deepEqual(JSON.parse(JSON.stringify(deployment.teamState('inventory'))).shippedUnits, { 'WATCH-W1': 1 });
      // The request delivered again is the one the team decided on: nothing to report.
      assert.deepEqual(await deployment.readDeadLetters(), []);
    });
  });

  describe('when a crashed team is restarted by its supervisor', () => {
    let deployment: EventSourcedDeployment;
    const config = testConfig('supervised');
    const request = aReturn({ returnId: 'R-SUPERVISED', orderId: 'O-SUPERVISED' });
    const crashed = new Set<Team>();

    before(async () => {
      deployment = await startTestDeployment(config, {
        wrapLog: crashAfterAppend(config.scope, (team, returnId) => {
          if (returnId !== 'R-SUPERVISED' || crashed.has(team)) return false;
          crashed.add(team);
          return true;
        }),
      });
    });

    after(async () => {
      await deployment?.close();
      await removeScope(config);
    });

    it('should complete the return with one event per team, though every team crashed once', async () => {
      assert.deepEqual(await deployment.submit(request, { timeoutMs: 30_000 }), outcomeOnItsOwn(request));
      await allCommitted(deployment);
      assert.deepEqual([...crashed].sort(), [...TEAMS].sort());
      for (const team of TEAMS)
        assert.equal(await eventsFor(deployment, team, 'R-SUPERVISED'), 1, `${team} answered twice`);
    });
  });
});
