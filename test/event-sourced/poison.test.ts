// Poison: a record no reader can make sense of goes to the dead-letter topic with the reason, whoever reads it,
// and the records after it are processed as usual.
import assert from 'node:assert/strict';
import type { EventSourcedDeployment } from '../../event-sourced/deployment';
import { encodeEnvelope, requestEnvelope } from '../../event-sourced/envelope';
import { TEAM_INPUTS } from '../../event-sourced/teams';
import type { DeadLetter } from '../../event-sourced/event-log';
import { waitFor } from '../../model/wait-for';
import { aReturn } from '../fixtures/domain-scenarios';
import { testConfig } from '../support/test-config';
import { outcomeOnItsOwn, type Team, TEAMS } from '../../domain';
import { removeScope, startTestDeployment, TEAMS_READING_REQUESTS } from './support/scope';

const AT = '2026-05-11T10:00:00.000Z';
const valid = aReturn({ returnId: 'R-AFTER-POISON', orderId: 'O-AFTER-POISON' });
const envelope = requestEnvelope(valid, AT);
const json = (value: unknown) => JSON.stringify(value);

// Keyed like the valid request after them, so they share its partition and come before it.
const POISON: readonly { readonly reason: string; readonly key: string | null; readonly value: string }[] = [
  { reason: 'invalid-json', key: valid.returnId, value: '{"eventId": "user-support:Refund' },
  { reason: 'missing-key', key: null, value: json(envelope) },
  { reason: 'unknown-type', key: valid.returnId, value: json({ ...envelope, type: 'RefundDemanded' }) },
  { reason: 'unknown-version', key: valid.returnId, value: json({ ...envelope, version: 7 }) },
  { reason: 'invalid-data', key: valid.returnId, value: json({ ...envelope, data: { ...envelope.data, cost: {} } }) },
  { reason: 'key-mismatch', key: 'R-SOMEONE-ELSE', value: json(envelope) },
];

describe('Event-sourced model: poison messages', () => {
  let deployment: EventSourcedDeployment;
  const config = testConfig('poison');
  let letters: DeadLetter[];

  before(async () => {
    deployment = await startTestDeployment(config);
  });

  after(async () => {
    await deployment?.close();
    await removeScope(config);
  });

  describe('when malformed requests come before a valid one on the request topic', () => {
    it('should still answer the valid request', async () => {
      await deployment.eventLog.append(deployment.topics.requests, POISON);
      await deployment.eventLog.append(deployment.topics.requests, [encodeEnvelope(envelope)]);
      assert.deepEqual(await deployment.waitForOutcome(valid.returnId, { timeoutMs: 30_000 }), outcomeOnItsOwn(valid));
    });

    it('should have every team that reads requests dead-letter each of them with its reason', async () => {
      letters = await waitFor('a dead letter from every team for every poison record', async () => {
        const found = await deployment.readDeadLetters();
        return found.length >= TEAMS_READING_REQUESTS.length * POISON.length && found;
      });
      assert.deepEqual(
        [...new Set(letters.map((letter) => letter.reportedBy))].sort(),
        [...TEAMS_READING_REQUESTS].sort(),
      );
      for (const team of TEAMS_READING_REQUESTS) {
        const fromTeam = letters.filter((letter) => letter.reportedBy === team);
        assert.deepEqual(
          fromTeam.map((letter) => letter.reason).sort(),
          POISON.map((poison) => poison.reason).sort(),
          team,
        );
      }
    });

    it('should keep where each came from and its original bytes', () => {
      for (const poison of POISON) {
        const letter = letters.find(
          (candidate) => candidate.reason === poison.reason && candidate.reportedBy === 'sales',
        );
        assert.ok(letter, `no letter for ${poison.reason}`);
        assert.deepEqual(
          {
            sourceTopic: letter.sourceTopic,
            key: letter.key,
            original: Buffer.from(letter.originalValueBase64 ?? '', 'base64').toString(),
          },
          { sourceTopic: deployment.topics.requests, key: poison.key, original: poison.value },
        );
        assert.match(letter.offset, /^\d+$/);
        assert.ok(letter.detail.length > 0);
      }
    });
  });

  describe('when a team topic holds a record that is not a team event', () => {
    it('should dead-letter it from the return-status projection and the teams that read it, who go on', async () => {
      await deployment.eventLog.append(deployment.topics.teamEvents.sales, [
        { key: 'R-GARBAGE', value: 'not an event' },
      ]);
      const next = aReturn({ returnId: 'R-AFTER-GARBAGE', orderId: 'O-AFTER-GARBAGE' });
      assert.deepEqual(await deployment.submit(next, { timeoutMs: 30_000 }), outcomeOnItsOwn(next));
      const letter = await waitFor('the projection to report the record', async () =>
        (await deployment.readDeadLetters()).find((candidate) => candidate.reportedBy === 'return-status'),
      );
      assert.deepEqual(
        { reason: letter.reason, sourceTopic: letter.sourceTopic, key: letter.key },
        { reason: 'invalid-json', sourceTopic: deployment.topics.teamEvents.sales, key: 'R-GARBAGE' },
      );
      // Every team that reads Sales reports it as well, once its group has delivered it.
      const readers = TEAMS.filter((team) => TEAM_INPUTS[team].some((read: Team) => read === 'sales'));
      const reporters = await waitFor('every reader of sales to report the record', async () => {
        const found = (await deployment.readDeadLetters()).filter((candidate) => candidate.key === 'R-GARBAGE');
        const teams = new Set(found.map((candidate) => candidate.reportedBy));
        return readers.every((team) => teams.has(team)) && teams;
      });
      assert.deepEqual([...reporters].sort(), ['return-status', ...readers].sort());
    });
  });
});
