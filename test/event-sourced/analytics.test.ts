// The analytics subscriber joins after the returns were processed, reads every topic from the beginning, and
// its statistics agree with the outcomes the returns had.
import assert from 'node:assert/strict';
import type { ReturnOutcome } from '../../domain';
import type { EventSourcedDeployment } from '../../event-sourced/deployment';
import { topicSpecs } from '../../event-sourced/topics';
import type { MoneyTotals, UsageStats } from '../../event-sourced/projections/usage-stats.projection';
import { SAMPLE_RETURNS } from '../../samples/sample-returns';
import { runScript } from '../../model/script-process';
import { testConfig, uniqueScope } from '../support/test-config';
import { SAMPLE_USAGE } from './support/sample-usage';
import { connectTestLog, removeScope, startTestDeployment } from './support/scope';

function total(amounts: readonly { readonly amountCents: number; readonly currency: string }[]): MoneyTotals {
  const totals: Record<string, number> = {};
  for (const { amountCents, currency } of amounts) totals[currency] = (totals[currency] ?? 0) + amountCents;
  return totals;
}

describe('Event-sourced model: analytics', () => {
  let deployment: EventSourcedDeployment;
  const config = testConfig('analytics');
  const outcomes: ReturnOutcome[] = [];
  let stats: UsageStats;

  before(async () => {
    deployment = await startTestDeployment(config);
    for (const request of SAMPLE_RETURNS) outcomes.push(await deployment.submit(request, { timeoutMs: 30_000 }));
    await deployment.close();
    const run = await runScript('analytics', ['--json'], { RETURNS_SCOPE: config.scope });
    assert.equal(run.code, 0, run.stderr);
    stats = JSON.parse(run.stdout) as UsageStats;
  });

  after(async () => {
    await removeScope(config);
  });

  describe('when `npm run analytics -- --json` runs after the sample returns', () => {
    it('should print the usage statistics of the samples', () => {
      assert.deepEqual(stats, SAMPLE_USAGE);
    });

    it('should agree with the outcomes on refunds, backorders and the disposal costs charged', () => {
      const issued = outcomes.filter(({ refund }) => refund.status === 'issued');
      const sites = [...new Set(outcomes.map(({ disassembly }) => disassembly.siteId))];
      assert.deepEqual(
        {
          issued: stats.refundsIssued,
          rejected: stats.refundsRejected.count,
          backordered: stats.replacements.backordered,
          disposalCostBySite: stats.disposalCostBySite,
        },
        {
          issued: { count: issued.length, amount: total(issued.map(({ refund }) => refund.refundedAmount)) },
          rejected: outcomes.length - issued.length,
          backordered: outcomes.filter(({ replacement }) => replacement.status === 'backordered').length,
          disposalCostBySite: Object.fromEntries(
            sites.map((site) => [
              site,
              total(
                outcomes
                  .filter(({ disassembly, disposal }) => disassembly.siteId === site && disposal.status === 'charged')
                  .map(({ disposal }) => disposal.amount),
              ),
            ]),
          ),
        },
      );
    });
  });

  describe('when `npm run analytics` is given a scope that has no topics (a misspelt one, say)', () => {
    const misspelt = { ...config, scope: uniqueScope('analytcs') };
    let run: Awaited<ReturnType<typeof runScript>>;

    before(async () => {
      run = await runScript('analytics', [], { RETURNS_SCOPE: misspelt.scope });
    });

    it('should name the scope, say what to check, and exit 1', () => {
      assert.equal(run.code, 1, run.stdout);
      assert.match(run.stderr, new RegExp(`Scope "${misspelt.scope}" has no topics in Kafka`));
      assert.match(run.stderr, /Check RETURNS_SCOPE .*or run a model in this scope first/);
      assert.equal(run.stdout, '');
    });

    it('should create no topic of that scope', async () => {
      const log = await connectTestLog(misspelt);
      try {
        assert.deepEqual(await log.existingTopics(topicSpecs(misspelt).map(({ topic }) => topic)), []);
      } finally {
        await log.close();
      }
    });
  });
});
