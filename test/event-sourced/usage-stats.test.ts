// Usage statistics as a pure function of the events: the analytics subscriber's arithmetic, without a broker.
import assert from 'node:assert/strict';
import { type AnyEnvelope, requestEnvelope } from '../../event-sourced/envelope';
import { usageStats } from '../../event-sourced/projections/usage-stats.projection';
import { SAMPLE_RETURNS } from '../../samples/sample-returns';
import { aReturn } from '../fixtures/domain-scenarios';
import { choreography } from './support/choreography';
import { SAMPLE_USAGE } from './support/sample-usage';

const AT = '2026-08-01T10:00:00.000Z';

// Every event the sample returns cause, in publication order, each return settled before the next is published.
function eventsOfSamples(): AnyEnvelope[] {
  const publish = choreography(AT);
  return SAMPLE_RETURNS.flatMap((request) => publish(request));
}

describe('Usage statistics', () => {
  describe('when the six sample returns have been answered', () => {
    it('should count returns, defects, refunds, charged disposal costs, replacements and notifications', () => {
      assert.deepEqual(usageStats(eventsOfSamples()), SAMPLE_USAGE);
    });
  });

  describe('when an event was written twice', () => {
    it('should count it once', () => {
      const events = eventsOfSamples();
      assert.deepEqual(usageStats([...events, ...events]), SAMPLE_USAGE);
    });
  });

  describe('when a return is requested and nobody has answered yet', () => {
    it('should count it as requested, not complete', () => {
      const stats = usageStats([requestEnvelope(aReturn({ returnId: 'R-9', modelId: 'TABLET-T5' }), AT)]);
      assert.deepEqual(
        [stats.returnsRequested, stats.returnsComplete, stats.returnsPerModel],
        [1, 0, { 'TABLET-T5': 1 }],
      );
    });
  });

  describe('when a refused return was charged before the verdict gated Accounting, and the charge was reversed', () => {
    it('should count no disposal cost for it', () => {
      const events = eventsOfSamples();
      const reversed = events.map((envelope) =>
        envelope.type === 'AssetDisposalNotCharged'
          ? { ...envelope, type: 'AssetDisposalReversed' as const }
          : envelope,
      );
      assert.ok(reversed.some(({ type }) => type === 'AssetDisposalReversed'));
      assert.deepEqual(usageStats(reversed).disposalCostBySite, SAMPLE_USAGE.disposalCostBySite);
    });
  });
});
