// At-least-once delivery made harmless: a request published twice, or a request or an event delivered again after
// a team crashed between appending its events and committing what caused them, never has a team take a step twice.
import assert from 'node:assert/strict';
import { type Team, TEAMS } from '../../domain';
import type { EventSourcedDeployment } from '../../event-sourced/deployment';
import { decodeRequest } from '../../event-sourced/envelope';
import { waitFor } from '../../model/wait-for';
import { aReturn } from '../fixtures/domain-scenarios';
import { testConfig } from '../support/test-config';
import { outcomeOnItsOwn } from '../../domain';
import { crashAfterAppend } from './support/crash-after-append';
import { allCaughtUp, eachOnce, removeScope, startTestDeployment, stepsOf } from './support/scope';

async function eventsFor(deployment: EventSourcedDeployment, team: Team, returnId: string): Promise<number> {
  return (await stepsOf(deployment, team, returnId)).length;
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

    it('should have each team take each step once, and report nothing: the same content is no conflict', async () => {
      assert.deepEqual(await deployment.waitForOutcome('R-TWICE', { timeoutMs: 30_000 }), outcomeOnItsOwn(request));
      await allCaughtUp(deployment);
      for (const team of TEAMS) {
        const steps = await stepsOf(deployment, team, 'R-TWICE');
        assert.ok(eachOnce(steps), `${team} took ${steps.join(', ')}`);
      }
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
        // Sales starts later, so that Inventory's first step is the unit it holds on the request.
        teams: TEAMS.filter((team) => team !== 'sales'),
        // Left crashed, so the test can look at the log before the team comes back.
        restartCrashedTeamsAfterMs: null,
        // Once: on the first of Inventory's appends for the return.
        wrapLog: crashAfterAppend(config.scope, (team, returnId) => {
          if (team !== 'inventory' || returnId !== 'R-CRASH' || crashes > 0) return false;
          crashes++;
          return true;
        }),
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

    it('should, once restarted, rebuild its state, take the request again and hold nothing more', async () => {
      await deployment.startTeam('inventory');
      await waitFor('inventory to commit the request', async () => (await deployment.teamLag('inventory')) === 0);
      assert.deepEqual(await stepsOf(deployment, 'inventory', 'R-CRASH'), ['UnitHeld']);
      await deployment.startTeam('sales');
      assert.deepEqual(await deployment.waitForOutcome('R-CRASH', { timeoutMs: 30_000 }), outcomeOnItsOwn(request));
      await allCaughtUp(deployment);
      assert.equal(crashes, 1);
      assert.deepEqual(await stepsOf(deployment, 'inventory', 'R-CRASH'), ['UnitHeld', 'ReplacementShipped']);
      // The stock it counted before the crash still counts: the watch was held, then shipped, once.
      const takenUnits = [...deployment.teamState('inventory').values()].map(
        (state) => (state as { takenUnits: Record<string, number> }).takenUnits,
      );
      assert.deepEqual(Object.assign({}, ...takenUnits), { 'WATCH-W1': 1 });
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

    it('should complete the return with each step of each team once, though every team crashed once', async () => {
      assert.deepEqual(await deployment.submit(request, { timeoutMs: 30_000 }), outcomeOnItsOwn(request));
      await allCaughtUp(deployment);
      assert.deepEqual([...crashed].sort(), [...TEAMS].sort());
      for (const team of TEAMS) {
        const steps = await stepsOf(deployment, team, 'R-SUPERVISED');
        assert.ok(eachOnce(steps), `${team} took ${steps.join(', ')}`);
      }
    });
  });
});
