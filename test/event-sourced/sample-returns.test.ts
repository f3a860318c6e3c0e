// Every path of the sample returns through the real broker: User Support publishes, the four teams answer on
// their own, and the outcome read back from the team topics is the one the business expects.
import assert from 'node:assert/strict';
import type { ReturnOutcome } from '../../domain';
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
    costCentre: 'CC-AMS-1',
    disposal: { amountCents: 41250, currency: 'EUR' },
  }),
  sampleOutcome('R-1002', {
    refund: {
      status: 'rejected',
      refundedAmount: { amountCents: 0, currency: 'USD' },
      rejectionReason: 'outside-return-window',
      refundedByReturnId: null,
    },
    replacement: 'shipped',
    diagnosis: 'display',
    costCentre: 'CC-DAL-2',
    disposal: { amountCents: 70000, currency: 'USD' },
  }),
  sampleOutcome('R-1003', {
    refund: {
      status: 'rejected',
      refundedAmount: { amountCents: 0, currency: 'EUR' },
      rejectionReason: 'order-already-refunded',
      refundedByReturnId: 'R-1001',
    },
    replacement: 'shipped',
    diagnosis: 'liquid-damage',
    costCentre: 'CC-AMS-1',
    disposal: { amountCents: 41250, currency: 'EUR' },
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
    costCentre: 'CC-MAN-1',
    disposal: { amountCents: 15500, currency: 'GBP' },
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
    costCentre: 'CC-MAN-1',
    disposal: { amountCents: 15500, currency: 'GBP' },
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
    costCentre: 'CC-DAL-2',
    disposal: { amountCents: 18000, currency: 'USD' },
  }),
];

const PATHS: Readonly<Record<string, string>> = {
  'R-1001': 'a return within the window is refunded and its replacement shipped',
  'R-1002': 'a return after the 30-day window is not refunded',
  'R-1003': 'a second return of an order already refunded is not refunded again',
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

  describe('when a return is traced', () => {
    it('should show one event per team, each caused by the request and found where it is stored', async () => {
      const trail = await deployment.auditTrail('R-1003');
      assert.deepEqual(trail.map((entry) => entry.team).sort(), ['accounting', 'inventory', 'manufacturing', 'sales']);
      for (const entry of trail) {
        assert.equal(entry.causationId, 'user-support:RefundRequested:R-1003');
        assert.equal(entry.topic, deployment.topics.teamEvents[entry.team]);
        assert.ok(Date.parse(entry.occurredAt) > 0);
      }
    });
  });
});
