// Every path of the sample returns through the real broker: User Support publishes, the teams answer on their own,
// Sales' verdict settling what the others began, and the outcome read back from the team topics is the one the
// business expects.
import assert from 'node:assert/strict';
import { type CustomerNotification, type ReturnOutcome, type Team, TEAMS } from '../../domain';
import type { EventSourcedDeployment } from '../../event-sourced/deployment';
import { SAMPLE_RETURNS } from '../../samples/sample-returns';
import { testConfig } from '../support/test-config';
import { sampleOutcome } from './support/expected-outcomes';
import { removeScope, startTestDeployment } from './support/scope';

const EXPECTED: readonly ReturnOutcome[] = [
  sampleOutcome('R-1001', {
    refund: {
      status: 'issued',
      refundedAmount: { amountCents: 79900, currency: 'EUR' },
      rejectionReason: null,
      refundedByReturnId: null,
    },
    replacement: 'shipped',
    diagnosis: 'battery',
    disassembly: 'ordered',
    costCentre: 'CC-AMS-1',
    disposal: { status: 'charged', amount: { amountCents: 41250, currency: 'EUR' } },
  }),
  sampleOutcome('R-1002', {
    refund: {
      status: 'rejected',
      refundedAmount: { amountCents: 0, currency: 'USD' },
      rejectionReason: 'outside-return-window',
      refundedByReturnId: null,
    },
    replacement: 'cancelled',
    diagnosis: 'display',
    disassembly: 'unit-returned',
    costCentre: 'CC-DAL-2',
    disposal: { status: 'not-charged', amount: { amountCents: 0, currency: 'USD' } },
  }),
  sampleOutcome('R-1003', {
    refund: {
      status: 'rejected',
      refundedAmount: { amountCents: 0, currency: 'EUR' },
      rejectionReason: 'order-already-refunded',
      refundedByReturnId: 'R-1001',
    },
    replacement: 'cancelled',
    diagnosis: 'liquid-damage',
    disassembly: 'unit-returned',
    costCentre: 'CC-AMS-1',
    disposal: { status: 'not-charged', amount: { amountCents: 0, currency: 'EUR' } },
  }),
  sampleOutcome('R-1004', {
    refund: {
      status: 'issued',
      refundedAmount: { amountCents: 29900, currency: 'GBP' },
      rejectionReason: null,
      refundedByReturnId: null,
    },
    replacement: 'shipped',
    diagnosis: 'display',
    disassembly: 'ordered',
    costCentre: 'CC-MAN-1',
    disposal: { status: 'charged', amount: { amountCents: 15500, currency: 'GBP' } },
  }),
  sampleOutcome('R-1005', {
    refund: {
      status: 'issued',
      refundedAmount: { amountCents: 29900, currency: 'GBP' },
      rejectionReason: null,
      refundedByReturnId: null,
    },
    replacement: 'backordered',
    diagnosis: 'other',
    disassembly: 'ordered',
    costCentre: 'CC-MAN-1',
    disposal: { status: 'charged', amount: { amountCents: 15500, currency: 'GBP' } },
  }),
  sampleOutcome('R-1006', {
    refund: {
      status: 'issued',
      refundedAmount: { amountCents: 49900, currency: 'USD' },
      rejectionReason: null,
      refundedByReturnId: null,
    },
    replacement: 'backordered',
    diagnosis: 'battery',
    disassembly: 'ordered',
    costCentre: 'CC-DAL-2',
    disposal: { status: 'charged', amount: { amountCents: 18000, currency: 'USD' } },
  }),
];

const PATHS: Readonly<Record<string, string>> = {
  'R-1001': 'a return within the window is refunded, its replacement shipped, its disassembly ordered and charged',
  'R-1002': 'a return after the 30-day window is refused: nothing ships, the unit goes back, nothing is charged',
  'R-1003': 'a second return of an order already refunded is refused, and what was begun for it undone',
  'R-1004': 'the last unit of a model is shipped',
  'R-1005': 'a replacement of a model out of stock is backordered',
  'R-1006': 'a replacement of a discontinued model is backordered',
};

describe('Event-sourced model: the sample returns', () => {
  let deployment: EventSourcedDeployment;
  const config = testConfig('samples');
  const outcomes = new Map<string, ReturnOutcome>();

  before(async () => {
    deployment = await startTestDeployment(config);
    // In order, each complete before the next: R-1003 repeats R-1001's order, R-1005 wants R-1004's watch.
    for (const request of SAMPLE_RETURNS)
      outcomes.set(request.returnId, await deployment.submit(request, { timeoutMs: 30_000 }));
  });

  after(async () => {
    await deployment?.close();
    await removeScope(config);
  });

  for (const expected of EXPECTED) {
    describe(`when ${expected.returnId} is published`, () => {
      it(`should find that ${PATHS[expected.returnId]}`, () => {
        assert.deepEqual(outcomes.get(expected.returnId), expected);
      });
    });
  }

  describe('when the customers are told', () => {
    it('should tell each one once, what Sales and Inventory decided', async () => {
      const told = (returnId: string) => {
        const { verdict, replacement, refusalReason } = outcomes.get(returnId)?.notification as CustomerNotification;
        return { verdict, replacement, refusalReason };
      };
      assert.deepEqual(
        SAMPLE_RETURNS.map(({ returnId }) => told(returnId)),
        [
          { verdict: 'accepted', replacement: 'shipped', refusalReason: null },
          { verdict: 'refused', replacement: null, refusalReason: 'outside-return-window' },
          { verdict: 'refused', replacement: null, refusalReason: 'order-already-refunded' },
          { verdict: 'accepted', replacement: 'shipped', refusalReason: null },
          { verdict: 'accepted', replacement: 'backordered', refusalReason: null },
          { verdict: 'accepted', replacement: 'backordered', refusalReason: null },
        ],
      );
      const notified = (await deployment.readTeamEvents('customer-care')).map(({ envelope }) => envelope.returnId);
      assert.deepEqual(notified.sort(), SAMPLE_RETURNS.map(({ returnId }) => returnId).sort());
    });
  });

  describe('when a refused return is traced', () => {
    it("should show each team's steps, the compensations under their own types", async () => {
      const trail = await deployment.auditTrail('R-1003');
      const steps = (team: Team) => trail.filter((entry) => entry.team === team).map((entry) => entry.type);
      assert.deepEqual([...new Set(trail.map((entry) => entry.team))].sort(), [...TEAMS].sort());
      assert.deepEqual(steps('sales'), ['RefundRejected']);
      // A unit is held and released, or, when the verdict came first, nothing is held and the replacement cancelled.
      assert.ok(
        ['UnitHeld,ReplacementReleased', 'ReplacementCancelled'].includes(steps('inventory').join()),
        steps('inventory').join(),
      );
      assert.ok(
        ['DisassemblyOrdered,DisassemblyCancelled', 'DefectiveUnitReturned'].includes(steps('manufacturing').join()),
        steps('manufacturing').join(),
      );
      assert.deepEqual(steps('accounting'), ['AssetDisposalNotCharged']);
      assert.deepEqual(steps('customer-care'), ['CustomerNotified']);
    });

    it('should have each event caused by the request or another of its events, and found where stored', async () => {
      const trail = await deployment.auditTrail('R-1003');
      const causes = new Set(['user-support:RefundRequested:R-1003', ...trail.map((entry) => entry.eventId)]);
      for (const entry of trail) {
        assert.ok(entry.causationId !== null && causes.has(entry.causationId), `${entry.eventId} ${entry.causationId}`);
        assert.notEqual(entry.causationId, entry.eventId);
        assert.equal(entry.topic, deployment.topics.teamEvents[entry.team]);
        assert.ok(Date.parse(entry.occurredAt) > 0);
      }
      const sales = trail.find((entry) => entry.team === 'sales');
      assert.equal(sales?.causationId, 'user-support:RefundRequested:R-1003');
    });
  });
});
