// Large files: a long run reports its progress on stderr, and --concurrency N submits several returns at once
// while returns that depend on each other keep their order, so the outcomes are those of one after another.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type SubmissionCounts, SubmissionProgress } from '../../cli/submission-progress';
import { initialStockOf, type ReturnOutcome } from '../../domain';
import { generateReturns } from '../../samples/generate-returns';
import { runScript } from '../../model/script-process';
import { uniqueScope } from '../support/test-config';

describe('Progress of a long submission', () => {
  let now = 0;
  let counts: SubmissionCounts = { total: 1000, submitted: 0, completed: 0, rejected: 0 };
  let lines: string[] = [];
  const progress = () => new SubmissionProgress(() => counts, { log: (line) => lines.push(line), clock: () => now });

  beforeEach(() => {
    now = 0;
    lines = [];
  });

  describe('when the run is short', () => {
    it('should say nothing, not even at the end', () => {
      const shown = progress();
      now = 4_000;
      counts = { total: 6, submitted: 6, completed: 6, rejected: 0 };
      shown.tick();
      shown.finish();
      assert.deepEqual(lines, []);
    });
  });

  describe('when the run lasts longer than a few seconds', () => {
    it('should say how many requests are done of the total, the rate and the time left, every ten seconds', () => {
      const shown = progress();
      now = 10_000;
      counts = { total: 1000, submitted: 204, completed: 200, rejected: 0 };
      shown.tick();
      now = 15_000;
      shown.tick();
      now = 20_000;
      counts = { total: 1000, submitted: 405, completed: 400, rejected: 0 };
      shown.tick();
      assert.deepEqual(lines, [
        'progress: 200 of 1000 requests done (20%), 4 in flight, 20 returns/s, about 40.0s left',
        'progress: 400 of 1000 requests done (40%), 5 in flight, 20 returns/s, about 30.0s left',
      ]);
    });

    it('should close with the total and the rate', () => {
      const shown = progress();
      now = 6_000;
      counts = { total: 1000, submitted: 60, completed: 60, rejected: 0 };
      shown.tick();
      now = 50_000;
      counts = { total: 1000, submitted: 990, completed: 990, rejected: 10 };
      shown.finish();
      assert.equal(lines.at(-1), 'progress: 1000 requests done in 50.0s (20 returns/s)');
    });

    it('should leave out the share and the time left when the total is not known (stdin)', () => {
      const shown = progress();
      now = 6_000;
      counts = { total: null, submitted: 30, completed: 30, rejected: 0 };
      shown.tick();
      assert.deepEqual(lines, ['progress: 30 requests done, 5.0 returns/s']);
    });

    it('should say nothing more once stopped, so the stop can say what was done in its own words', () => {
      const shown = progress();
      now = 6_000;
      shown.tick();
      shown.stop();
      now = 60_000;
      shown.tick();
      shown.finish();
      assert.equal(lines.length, 1);
    });
  });
});

describe('npm run event-sourced -- --concurrency 8', function () {
  this.timeout(300_000);
  // Repeated orders, and models with stock for one return (WATCH-W1) or none (PHONE-X0), whose outcomes depend on
  // which of the returns comes first.
  const returns = generateReturns({ seed: 23, count: 60, idPrefix: 'CONC', repeatedOrderShare: 0.3 });
  let folder: string;
  let file: string;

  before(() => {
    folder = mkdtempSync(path.join(os.tmpdir(), 'concurrency-'));
    file = path.join(folder, 'returns.json');
    writeFileSync(file, JSON.stringify(returns));
  });

  after(() => {
    rmSync(folder, { recursive: true, force: true });
  });

  it('the file should hold returns that depend on each other', () => {
    const orders = new Set(returns.map((request) => request.order.orderId));
    assert.ok(orders.size < returns.length, 'some orders are returned twice');
    const watches = returns.filter((request) => request.model.modelId === 'WATCH-W1');
    assert.equal(initialStockOf('WATCH-W1'), 1);
    assert.ok(watches.length >= 2, 'the one WATCH-W1 in stock is asked for more than once');
  });

  it('should decide every return as one after another does', async () => {
    const outcomesOf = async (args: string[]) => {
      const run = await runScript('event-sourced', ['--requests', file, '--json', ...args], {
        RETURNS_SCOPE: uniqueScope('concurrency'),
      });
      assert.equal(run.code, 0, run.stderr);
      const outcomes = run.stdout
        .split('\n')
        .filter((line) => line.length > 0)
        .map((line) => JSON.parse(line) as ReturnOutcome);
      return new Map(outcomes.map((outcome) => [outcome.returnId, outcome]));
    };
    const [oneByOne, concurrent] = await Promise.all([outcomesOf([]), outcomesOf(['--concurrency', '8'])]);
    assert.equal(concurrent.size, returns.length);
    for (const request of returns)
      assert.deepEqual(concurrent.get(request.returnId), oneByOne.get(request.returnId), request.returnId);
  });
});
