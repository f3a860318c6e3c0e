// The team topics written by the release before the process changed (test/fixtures/before-the-process-changes),
// loaded into a fresh scope and read by today's five teams: every old event passes the envelope's gate, upcast where
// its shape changed, the returns the old release settled stay as they were, and a return it left open for a team is
// decided by that team under the new rule. What the choreography cannot do is undo a replacement the old Inventory
// already shipped for a refused return: that is asserted here as it happens.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assembleOutcome, missingTeams, type ReturnOutcome, type Team, TEAMS } from '../../domain';
import type { EventSourcedDeployment, TeamEventRecord } from '../../event-sourced/deployment';
import { topicSpecs, topicsOf } from '../../event-sourced/topics';
import { waitFor } from '../../model/wait-for';
import { SAMPLE_RETURNS } from '../../samples/sample-returns';
import { testConfig } from '../support/test-config';
import { allCaughtUp, connectTestLog, countsByEventId, removeScope, startTestDeployment } from './support/scope';

interface RecordedRecord {
  readonly partition: number;
  readonly offset: string;
  readonly key: string;
  readonly value: string;
}

const OLD_TEAMS = ['sales', 'inventory', 'manufacturing', 'accounting'] as const satisfies readonly Team[];
type Role = 'requests' | (typeof OLD_TEAMS)[number];

interface RecordedTopics {
  readonly partitions: number;
  readonly requestsNotDecidedBy: Readonly<Record<string, readonly string[]>>;
  readonly topics: Readonly<Record<Role, readonly RecordedRecord[]>>;
}

const FIXTURES = join(__dirname, '..', 'fixtures', 'before-the-process-changes');
const recorded = JSON.parse(readFileSync(join(FIXTURES, 'team-topics.json'), 'utf8')) as RecordedTopics;
const oldOutcomes = (
  JSON.parse(readFileSync(join(FIXTURES, 'outcomes.json'), 'utf8')) as {
    outcomes: Record<string, Omit<ReturnOutcome, 'verdict' | 'notification'>>;
  }
).outcomes;

const ACCEPTED = ['R-1001', 'R-1004', 'R-1005', 'R-1006'];
const REFUSED_AFTER_SHIPPING = ['R-1002', 'R-1003'];
const NOT_DECIDED_BY_MANUFACTURING = 'R-1902';

const where = ({ partition, offset }: { partition: number; offset: string }) => `${partition}/${offset}`;
const byPartitionThenOffset = (a: RecordedRecord, b: RecordedRecord) =>
  a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset));
const recordedValue = (record: RecordedRecord) => JSON.parse(record.value) as { eventId: string; data: object };
const stepsIn = (events: readonly TeamEventRecord[], returnId: string) =>
  events.filter(({ envelope }) => envelope.returnId === returnId).map(({ envelope }) => envelope.type);

describe('Event-sourced model: the team topics written before the process changed, rebuilt by today’s teams', () => {
  const config = testConfig('rebuild-before-change', { kafkaPartitions: recorded.partitions });
  const topics = topicsOf(config.scope);
  const topicOf: Readonly<Record<Role, string>> = { requests: topics.requests, ...topics.teamEvents };
  let deployment: EventSourcedDeployment;
  let events: Readonly<Record<Team, TeamEventRecord[]>>;

  before(async () => {
    const log = await connectTestLog(config);
    try {
      assert.deepEqual(await log.ensureTopics(topicSpecs(config)), []);
      // One at a time, in each partition's order: the key's partition and the order of the appends give every
      // record the partition and offset it was recorded at, which the first test checks.
      for (const role of Object.keys(recorded.topics) as Role[]) {
        for (const record of [...recorded.topics[role]].sort(byPartitionThenOffset)) {
          await log.append(topicOf[role], [{ key: record.key, value: record.value }]);
        }
      }
    } finally {
      await log.close();
    }
    deployment = await startTestDeployment(config);
    await allCaughtUp(deployment);
    const read = await Promise.all(TEAMS.map((team) => deployment.readTeamEvents(team)));
    events = Object.fromEntries(TEAMS.map((team, index) => [team, read[index]])) as Record<Team, TeamEventRecord[]>;
  });

  after(async () => {
    await deployment?.close();
    await removeScope(config);
  });

  it('should hold every recorded record at its recorded partition and offset', async () => {
    for (const role of Object.keys(recorded.topics) as Role[]) {
      const stored = new Map<string, string | undefined>();
      await deployment.eventLog.readToEnd([topicOf[role]], (record) => {
        stored.set(where(record), record.value?.toString('utf8'));
      });
      for (const record of recorded.topics[role]) {
        assert.equal(stored.get(where(record)), record.value, `${role} ${where(record)}`);
      }
    }
  });

  it('should read every old team event through the envelope’s gate, with the old orders and charges upcast', async () => {
    for (const team of OLD_TEAMS) {
      const read = new Map(events[team].map((event) => [where(event), event.envelope]));
      for (const record of recorded.topics[team]) {
        const old = recordedValue(record);
        const envelope = read.get(where(record));
        assert.equal(envelope?.eventId, old.eventId, `${team} ${where(record)}`);
        if (envelope.type === 'DisassemblyOrdered' || envelope.type === 'AssetDisposalCharged') {
          const status = envelope.type === 'DisassemblyOrdered' ? 'ordered' : 'charged';
          assert.deepEqual([envelope.version, envelope.data], [3, { ...old.data, status }]);
        } else {
          assert.deepEqual(envelope.data, old.data);
        }
      }
    }
    assert.deepEqual(await deployment.readDeadLetters(), []);
  });

  for (const returnId of ACCEPTED) {
    it(`should settle ${returnId} as the old release did, with its records unchanged and the customer notified`, async () => {
      const outcome = await deployment.waitForOutcome(returnId, { timeoutMs: 30_000 });
      const { notification, ...settled } = outcome;
      const old = oldOutcomes[returnId];
      assert.deepEqual(settled, {
        ...old,
        verdict: 'accepted',
        disassembly: { ...old.disassembly, status: 'ordered' },
        disposal: { ...old.disposal, status: 'charged' },
      });
      assert.deepEqual([notification.verdict, notification.refundedAmount], ['accepted', old.refund.refundedAmount]);
      // Nothing written for it but the recorded events and Customer Care's notification.
      for (const team of OLD_TEAMS) {
        const recordedIds = recorded.topics[team].filter(({ key }) => key === returnId).map(recordedValue);
        assert.deepEqual(
          events[team].filter(({ envelope }) => envelope.returnId === returnId).map(({ envelope }) => envelope.eventId),
          recordedIds.map(({ eventId }) => eventId),
        );
      }
      assert.deepEqual(stepsIn(events['customer-care'], returnId), ['CustomerNotified']);
    });
  }

  it(`should have Manufacturing decide ${NOT_DECIDED_BY_MANUFACTURING}, requested before the change, under the new rule`, async () => {
    assert.deepEqual(recorded.requestsNotDecidedBy, { manufacturing: [NOT_DECIDED_BY_MANUFACTURING] });
    // Manufacturing's re-keying forwards the scope's history from two topics, the requests and Sales', in whatever
    // order its fetches bring them. Request first: the order is registered, then cancelled on the refusal. Refusal
    // first: the unit goes back without an order. Either way the record that stands is the new rule's, where the old
    // release kept an order for a refused return.
    const steps = stepsIn(events.manufacturing, NOT_DECIDED_BY_MANUFACTURING);
    assert.ok(
      [
        JSON.stringify(['DisassemblyOrdered', 'DisassemblyCancelled']),
        JSON.stringify(['DefectiveUnitReturned']),
      ].includes(JSON.stringify(steps)),
      steps.join(', '),
    );
    const records = await waitFor('the projection to take the unit sent back', () => {
      const found = deployment.recordsOfReturn(NOT_DECIDED_BY_MANUFACTURING);
      return found.disassembly?.status === 'unit-returned' && found;
    });
    assert.equal(records.refund?.rejectionReason, 'outside-return-window');
  });

  // A return refused under the old rule had its replacement shipped, its disassembly ordered and its disposal charged
  // at once. Today's Manufacturing and Accounting read the refusal as news and compensate; today's Inventory finds a
  // shipped unit, which nothing brings back, and keeps it, writing nothing. A shipped
  // replacement does not stand under a refusal, so Inventory's record never settles, Customer Care waits for it,
  // and the return reaches no outcome: the choreography cannot finish a return decided under the old rule.
  for (const returnId of [...REFUSED_AFTER_SHIPPING, NOT_DECIDED_BY_MANUFACTURING]) {
    it(`should compensate ${returnId}’s disassembly and disposal, and leave it without an outcome`, async () => {
      assert.deepEqual(
        {
          inventory: stepsIn(events.inventory, returnId),
          accounting: stepsIn(events.accounting, returnId),
          customerCare: stepsIn(events['customer-care'], returnId),
        },
        {
          inventory: ['ReplacementShipped'],
          accounting: ['AssetDisposalCharged', 'AssetDisposalReversed'],
          customerCare: [],
        },
      );
      if (returnId !== NOT_DECIDED_BY_MANUFACTURING) {
        assert.deepEqual(stepsIn(events.manufacturing, returnId), ['DisassemblyOrdered', 'DisassemblyCancelled']);
      }
      const records = await waitFor(`the projection to take ${returnId}’s compensations`, () => {
        const found = deployment.recordsOfReturn(returnId);
        return found.disassembly?.status === 'unit-returned' && found.disposal?.status === 'not-charged' && found;
      });
      assert.deepEqual(
        [records.refund?.status, records.replacement?.status, records.disposal?.amount.amountCents],
        ['rejected', 'shipped', 0],
      );
      assert.deepEqual(missingTeams(records), ['inventory', 'customer-care']);
      assert.equal(assembleOutcome(returnId, records), null);
    });
  }

  it('should have written each eventId once', () => {
    const writtenTwice = TEAMS.flatMap((team) =>
      [...countsByEventId(events[team])]
        .filter(([, count]) => count !== 1)
        .map(([eventId, count]) => ({ eventId, count })),
    );
    assert.deepEqual(writtenTwice, []);
  });

  it('should refuse a new return of R-1001’s order: Sales’ state is rebuilt from its old topic', async () => {
    const sample = SAMPLE_RETURNS.find(({ returnId }) => returnId === 'R-1003');
    assert.ok(sample);
    const outcome = await deployment.submit({ ...sample, returnId: 'R-2003' }, { timeoutMs: 30_000 });
    assert.deepEqual(
      [outcome.verdict, outcome.refund.orderId, outcome.refund.rejectionReason, outcome.refund.refundedByReturnId],
      ['refused', 'O-5001', 'order-already-refunded', 'R-1001'],
    );
    assert.equal(outcome.notification.refusalReason, 'order-already-refunded');
    await allCaughtUp(deployment);
    assert.deepEqual(await deployment.readDeadLetters(), []);
  });
});
