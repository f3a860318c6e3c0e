// A returnId requested again with other content: the first request stands, and every team says so with a dead
// letter naming both versions, instead of dropping the second in silence. The same request again stays silent.
import assert from 'node:assert/strict';
import {
  disassemblyEvent,
  disposalEvent,
  outcomeOnItsOwn,
  RECORD_OF_TEAM,
  refundEvent,
  shipmentEvent,
  type Team,
  TEAMS,
} from '../../domain';
import { requestContentId } from '../../domain/request-content';
import type { EventSourcedDeployment } from '../../event-sourced/deployment';
import { requestEnvelope, type TeamEventsOf, teamEventEnvelope } from '../../event-sourced/envelope';
import type { DeadLetter } from '../../event-sourced/event-log';
import { waitFor } from '../../model/wait-for';
import { aReturn, changedVersionOf } from '../fixtures/domain-scenarios';
import { testConfig } from '../support/test-config';
import { allCaughtUp, removeScope, startTestDeployment, TEAMS_READING_REQUESTS } from './support/scope';

async function conflictLetters(deployment: EventSourcedDeployment, returnId: string): Promise<DeadLetter[]> {
  return (await deployment.readDeadLetters()).filter(
    (letter) => letter.reason === 'conflicting-duplicate' && letter.key === returnId,
  );
}

async function eventsOf(deployment: EventSourcedDeployment, team: Team, returnId: string) {
  return (await deployment.readTeamEvents(team)).filter(({ envelope }) => envelope.returnId === returnId);
}

async function everyTeamsEvents(deployment: EventSourcedDeployment, returnId: string): Promise<string[][]> {
  return Promise.all(
    TEAMS.map(async (team) => (await eventsOf(deployment, team, returnId)).map(({ envelope }) => envelope.eventId)),
  );
}

async function restartTeams(deployment: EventSourcedDeployment): Promise<void> {
  for (const team of TEAMS) {
    await deployment.stopTeam(team);
    await deployment.startTeam(team);
  }
}

describe('Event-sourced model: a returnId requested again with other content', () => {
  let deployment: EventSourcedDeployment;
  const config = testConfig('conflict');
  const first = aReturn({ returnId: 'R-CONFLICT', orderId: 'O-CONFLICT' });
  const second = changedVersionOf(first);
  const firstContentId = requestContentId(first);
  const secondContentId = requestContentId(second);

  before(async () => {
    deployment = await startTestDeployment(config);
  });

  after(async () => {
    await deployment?.close();
    await removeScope(config);
  });

  it('should have two versions that differ in every team record, or the test would prove nothing', () => {
    const [one, other] = [outcomeOnItsOwn(first), outcomeOnItsOwn(second)];
    for (const team of TEAMS) assert.notDeepEqual(one[RECORD_OF_TEAM[team]], other[RECORD_OF_TEAM[team]], team);
    assert.notEqual(firstContentId, secondContentId);
  });

  describe('when the second version is published after the first was decided', () => {
    let letters: DeadLetter[];

    before(async () => {
      assert.deepEqual(await deployment.submit(first, { timeoutMs: 30_000 }), outcomeOnItsOwn(first));
      await deployment.publish(second);
      letters = await waitFor('a conflicting-duplicate letter from every team that reads requests', async () => {
        const found = await conflictLetters(deployment, first.returnId);
        return found.length >= TEAMS_READING_REQUESTS.length && found;
      });
      await allCaughtUp(deployment);
    });

    it('should have every team that reads requests dead-letter it once, naming both versions', async () => {
      assert.deepEqual(letters.map((letter) => letter.reportedBy).sort(), [...TEAMS_READING_REQUESTS].sort());
      for (const letter of letters) {
        assert.ok(letter.detail.includes(first.returnId), letter.detail);
        assert.ok(letter.detail.includes(`first version ${firstContentId}`), letter.detail);
        assert.ok(letter.detail.includes(`this version ${secondContentId}`), letter.detail);
        assert.equal(letter.sourceTopic, deployment.topics.requests);
        const original = JSON.parse(Buffer.from(letter.originalValueBase64 ?? '', 'base64').toString('utf8'));
        assert.deepEqual(original.data, second);
      }
      assert.equal((await conflictLetters(deployment, first.returnId)).length, TEAMS_READING_REQUESTS.length);
    });

    it("should leave each team's record that of the first version, and nothing of the second", async () => {
      const firstOutcome = outcomeOnItsOwn(first);
      for (const team of TEAMS) {
        const events = await eventsOf(deployment, team, first.returnId);
        const types = events.map(({ envelope }) => envelope.type);
        assert.equal(new Set(types).size, types.length, `${team} took a step twice: ${types.join()}`);
        assert.deepEqual(events.at(-1)?.envelope.data, firstOutcome[RECORD_OF_TEAM[team]], team);
        // Every event goes back to the first version, those that react to another team's event too.
        for (const { envelope } of events) assert.equal(envelope.causationContentId, firstContentId, team);
      }
      const { returnId: _returnId, verdict: _verdict, ...records } = firstOutcome;
      assert.deepEqual(deployment.recordsOfReturn(first.returnId), records);
    });
  });

  describe('when the first version is published again', () => {
    it('should stay silent and change nothing', async () => {
      const lettersBefore = (await deployment.readDeadLetters()).length;
      const eventsBefore = await everyTeamsEvents(deployment, first.returnId);
      await deployment.publish(first);
      await allCaughtUp(deployment);
      assert.equal((await deployment.readDeadLetters()).length, lettersBefore);
      assert.deepEqual(await everyTeamsEvents(deployment, first.returnId), eventsBefore);
    });
  });

  describe('when the teams restart and the second version comes again', () => {
    it('should still know the first version from their own topics, and dead-letter the second again', async () => {
      const eventsBefore = await everyTeamsEvents(deployment, first.returnId);
      await restartTeams(deployment);
      await deployment.publish(second);
      const letters = await waitFor('a second conflicting-duplicate letter from every team', async () => {
        const found = await conflictLetters(deployment, first.returnId);
        return found.length >= 2 * TEAMS_READING_REQUESTS.length && found;
      });
      await allCaughtUp(deployment);
      // Reading the requests again on the restart reported nothing twice.
      assert.equal((await conflictLetters(deployment, first.returnId)).length, 2 * TEAMS_READING_REQUESTS.length);
      assert.equal(letters.length, 2 * TEAMS_READING_REQUESTS.length);
      assert.deepEqual(await everyTeamsEvents(deployment, first.returnId), eventsBefore);
    });
  });

  describe('when a return was decided by events of version 1, which name no content', () => {
    const legacy = aReturn({ returnId: 'R-LEGACY', orderId: 'O-LEGACY' });
    const cause = requestEnvelope(legacy, '2026-05-11T10:00:00.000Z');
    const outcome = outcomeOnItsOwn(legacy);
    // What the four teams wrote for it before Customer Care existed, every record one that stands.
    const decided: { readonly [T in Exclude<Team, 'customer-care'>]: TeamEventsOf[T] } = {
      sales: refundEvent(outcome.refund),
      inventory: shipmentEvent(outcome.replacement),
      manufacturing: disassemblyEvent(outcome.disassembly),
      accounting: disposalEvent(outcome.disposal),
    };
    const legacyTeams = Object.keys(decided) as (keyof typeof decided)[];
    // The team's event as version 1 wrote it: without causationContentId, and its record without a status where
    // version 1 had none.
    const version1Of = (team: keyof typeof decided) => {
      const envelope = teamEventEnvelope(team, decided[team], cause, cause.occurredAt);
      const {
        causationContentId: _unknown,
        data,
        ...written
      } = envelope as unknown as {
        readonly causationContentId: unknown;
        readonly data: Readonly<Record<string, unknown>>;
      };
      const { status: _added, ...withoutStatus } = data;
      const record = team === 'manufacturing' || team === 'accounting' ? withoutStatus : data;
      return { key: legacy.returnId, value: JSON.stringify({ ...written, version: 1, data: record }) };
    };

    it('should rebuild from them, and drop a request with other content unreported, as before', async () => {
      for (const team of legacyTeams)
        await deployment.eventLog.append(deployment.topics.teamEvents[team], [version1Of(team)]);
      await restartTeams(deployment);
      assert.deepEqual(
        await deployment.waitForOutcome(legacy.returnId, { timeoutMs: 30_000 }),
        outcomeOnItsOwn(legacy),
      );
      await deployment.publish(changedVersionOf(legacy));
      await deployment.publish(legacy);
      await allCaughtUp(deployment);
      assert.deepEqual(await conflictLetters(deployment, legacy.returnId), []);
      const currentVersions = { sales: 2, inventory: 2, manufacturing: 3, accounting: 3 };
      for (const team of legacyTeams) {
        const events = await eventsOf(deployment, team, legacy.returnId);
        assert.deepEqual(
          events.map(({ envelope }) => ({
            version: envelope.version,
            causationContentId: envelope.causationContentId,
          })),
          [{ version: currentVersions[team], causationContentId: null }],
          team,
        );
      }
      // Customer Care tells the customer of it, once, after an event that named no content.
      const notifications = await eventsOf(deployment, 'customer-care', legacy.returnId);
      assert.deepEqual(
        notifications.map(({ envelope }) => [envelope.type, envelope.causationContentId]),
        [['CustomerNotified', null]],
      );
    });
  });
});
