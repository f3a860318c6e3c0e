// The README's main commands as a user runs them: `npm start`, then `npm run audit` for one of its returns.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../config';
import { teamEventTopics, topicSpecs, topicsOf } from '../../event-sourced/topics';
import { runScript, type ScriptRun } from '../../model/script-process';
import { uniqueScope } from '../support/test-config';
import { clearTestScope, connectScopeStores, testScopes } from './support/scope-stores';

interface AuditJson {
  temporal: { events: { type: string; time: string; eventId: number }[] };
  kafka: { missingTopics: string[]; events: { team: string; occurredAt: string }[] };
}

// The times of the Temporal section as printed, in the order printed.
function temporalTimesOf(auditText: string): number[] {
  const section = auditText.slice(
    auditText.indexOf('Temporal workflow history'),
    auditText.indexOf('Kafka team topics'),
  );
  return [...section.matchAll(/^\s+(\d{4}-\d\d-\d\dT[\d:.]+Z)\s+\+/gm)].map(([, time]) => Date.parse(time));
}

function assertNeverBackwards(times: readonly number[], what: string): void {
  assert.ok(times.length > 0, `${what}: no times`);
  times.forEach((time, index) =>
    assert.ok(index === 0 || time >= times[index - 1], `${what}: time ${index} goes backwards`),
  );
}

describe('when a user runs the side-by-side demo', function () {
  this.timeout(240_000);
  const scope = uniqueScope('demo');
  const env = { RETURNS_SCOPE: scope };
  let demo: ScriptRun;

  before(async () => {
    demo = await runScript('start', [], env);
  });

  after(async () => {
    await clearTestScope({ ...loadConfig(), scope });
  });

  it('npm start should exit 0 and say both models agree on all six sample returns', () => {
    assert.equal(demo.code, 0, demo.stderr);
    assert.match(demo.stdout, /Identical in both models: 6 of 6 outcomes, and every team record/);
    assert.doesNotMatch(demo.stdout, /DIFFERENT/);
  });

  it('npm start should print what every team did in each model, side by side', () => {
    for (const returnId of ['R-1001', 'R-1002', 'R-1003', 'R-1004', 'R-1005', 'R-1006']) {
      assert.match(demo.stdout, new RegExp(`^${returnId} `, 'm'));
    }
    assert.match(
      demo.stdout,
      /sales\s+refund rejected: order-already-refunded\s+refund rejected: order-already-refunded\s+same/,
    );
    assert.match(demo.stdout, /inventory\s+WATCH-W1 backordered\s+WATCH-W1 backordered\s+same/);
    // The two refused returns: nothing ships, no order or charge stands, and the customer is told why.
    assert.match(demo.stdout, /inventory\s+PHONE-X1 cancelled\s+PHONE-X1 cancelled\s+same/);
    assert.match(demo.stdout, /inventory\s+LAPTOP-L3 cancelled\s+LAPTOP-L3 cancelled\s+same/);
    assert.match(demo.stdout, /accounting\s+no disposal charged to CC-DAL-2\s+no disposal charged to CC-DAL-2\s+same/);
    assert.match(
      demo.stdout,
      /customer-care\s+told: refused, order-already-refunded\s+told: refused, order-already-refunded\s+same/,
    );
  });

  it('npm start should print one return’s audit trail from the workflow history and from the team topics', () => {
    assert.match(demo.stdout, /Temporal workflow history/);
    for (const activity of [
      'createOrderRefundRequest',
      'holdReplacement',
      'registerDisassemblyOrder',
      'chargeAssetDisposal',
      'shipReplacement',
      'notifyCustomer',
    ]) {
      assert.match(demo.stdout, new RegExp(`ActivityTaskCompleted\\s+${activity}`));
    }
    for (const event of [
      'RefundIssued',
      'ReplacementShipped',
      'DisassemblyOrdered',
      'AssetDisposalCharged',
      'CustomerNotified',
    ]) {
      assert.match(demo.stdout, new RegExp(`${event}\\s+${scope}\\.[\\w-]+\\.events partition \\d+ offset \\d+`));
    }
  });

  it('npm run audit should print the trail of any processed return, also as JSON', async () => {
    const text = await runScript('audit', ['R-1003'], env);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /RefundRejected/);
    const json = await runScript('audit', ['R-1003', '--json'], env);
    assert.equal(json.code, 0, json.stderr);
    const trail = JSON.parse(json.stdout) as {
      temporal: { events: { type: string; activity?: string }[] };
      kafka: { events: { team: string; type: string }[] };
    };
    assert.ok(trail.temporal.events.some((event) => event.type === 'WorkflowExecutionCompleted'));
    assert.deepEqual([...new Set(trail.kafka.events.map((event) => event.team))].sort(), [
      'accounting',
      'customer-care',
      'inventory',
      'manufacturing',
      'sales',
    ]);
  });

  it('npm run audit R-1003 should show from both sources how the refusal was handled: compensated, or never done', async () => {
    const json = JSON.parse((await runScript('audit', ['R-1003', '--json'], env)).stdout) as {
      temporal: { events: { type: string; activity?: string }[] };
      kafka: { events: { type: string }[] };
    };
    // The parallel saga: each team's work undone, once each, in the reverse order of the steps.
    const compensations = json.temporal.events
      .filter((event) => event.type === 'ActivityTaskCompleted')
      .map((event) => event.activity)
      .filter((activity) =>
        ['reverseAssetDisposal', 'cancelDisassemblyOrder', 'releaseReplacement'].includes(activity ?? ''),
      );
    assert.deepEqual(compensations, ['reverseAssetDisposal', 'cancelDisassemblyOrder', 'releaseReplacement']);
    // The choreography: Accounting waited for the verdict, so no charge to reverse; Inventory released what it
    // held, or held nothing when the verdict came first; each once.
    const types = json.kafka.events.map((event) => event.type);
    assert.ok(!types.includes('AssetDisposalCharged') && !types.includes('AssetDisposalReversed'), types.join(', '));
    assert.equal(types.filter((type) => type === 'AssetDisposalNotCharged').length, 1);
    const inventorySteps = types.filter((type) =>
      ['UnitHeld', 'ReplacementReleased', 'ReplacementCancelled'].includes(type),
    );
    assert.ok(
      ['UnitHeld,ReplacementReleased', 'ReplacementCancelled'].includes(inventorySteps.join(',')),
      inventorySteps.join(','),
    );
    assert.equal(types.filter((type) => type === 'CustomerNotified').length, 1);
  });

  it('npm run audit should say so, and exit 1, for a return that was never processed', async () => {
    const run = await runScript('audit', ['R-NEVER'], env);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /No return R-NEVER in scope/);
    assert.match(run.stdout, /Temporal has no workflow .*R-NEVER: the traditional model has not run this return/);
    assert.match(run.stdout, /hold no event of R-NEVER: the event-sourced model has not run this return/);
  });

  it('npm run audit should list the Temporal history in the order things happened, its times never going back', async () => {
    for (const returnId of ['R-1001', 'R-1003', 'R-1005']) {
      const text = await runScript('audit', [returnId], env);
      assert.equal(text.code, 0, text.stderr);
      assertNeverBackwards(temporalTimesOf(text.stdout), `${returnId} as text`);
      const json = JSON.parse((await runScript('audit', [returnId, '--json'], env)).stdout) as AuditJson;
      assertNeverBackwards(
        json.temporal.events.map(({ time }) => Date.parse(time)),
        `${returnId} as JSON`,
      );
      const eventIds = json.temporal.events.map(({ eventId }) => eventId).sort((left, right) => left - right);
      assert.deepEqual(
        eventIds,
        eventIds.map((_, index) => index + 1),
        'every history event, once',
      );
    }
  });

  // Last: it deletes the scope's team databases, as a second checkout against the same servers would see them.
  it('npm start should call it stale state and name npm run reset, not a difference, once .data/ of the scope is gone', async () => {
    rmSync(path.join(loadConfig().dataDir, scope), { recursive: true, force: true });
    const again = await runScript('start', [], env);
    assert.notEqual(again.code, 0);
    const output = `${again.stdout}\n${again.stderr}`;
    assert.match(output, new RegExp(`Stale state in scope "${scope}"`));
    assert.match(output, /`npm run reset`/);
    assert.doesNotMatch(output, /NOT identical/);
  });
});

describe('when a user audits a return run only through npm run traditional', function () {
  this.timeout(240_000);
  const scopes = testScopes('audit-traditional', 1);
  const [config] = scopes.configs;
  const env = { RETURNS_SCOPE: config.scope, DATA_DIR: config.dataDir };
  let audit: ScriptRun;
  let json: AuditJson;

  before(async () => {
    const traditional = await runScript('traditional', [], env);
    assert.equal(traditional.code, 0, traditional.stderr);
    audit = await runScript('audit', ['R-1003'], env);
    json = JSON.parse((await runScript('audit', ['R-1003', '--json'], env)).stdout) as AuditJson;
  });

  after(() => scopes.remove());

  it('should show the Temporal history and exit 0', () => {
    assert.equal(audit.code, 0, audit.stderr);
    assert.match(audit.stdout, /ActivityTaskCompleted\s+createOrderRefundRequest \(sales\)/);
    assert.match(audit.stdout, /WorkflowExecutionCompleted/);
    assert.ok(json.temporal.events.some(({ type }) => type === 'WorkflowExecutionCompleted'));
  });

  it('should say plainly that Kafka has nothing for this scope', () => {
    assert.match(
      audit.stdout,
      new RegExp(
        `Kafka has no team topics of scope ${config.scope}: the event-sourced model has not run in this scope`,
      ),
    );
    assert.doesNotMatch(`${audit.stdout}${audit.stderr}`, /does not host this topic-partition/);
    assert.deepEqual(json.kafka.missingTopics, teamEventTopics(topicsOf(config.scope)));
    assert.deepEqual(json.kafka.events, []);
  });

  it('should create no topic', async () => {
    const stores = await connectScopeStores(config);
    try {
      assert.deepEqual(await stores.eventLog.existingTopics(topicSpecs(config).map(({ topic }) => topic)), []);
    } finally {
      await stores.close();
    }
  });
});

describe('when a user runs the side-by-side demo with three instances of every team', function () {
  this.timeout(240_000);
  const scope = uniqueScope('demo-instances');
  let demo: ScriptRun;

  before(async () => {
    demo = await runScript('start', [], { RETURNS_SCOPE: scope, TEAM_INSTANCES: '3' });
  });

  after(async () => {
    await clearTestScope({ ...loadConfig(), scope });
  });

  it('TEAM_INSTANCES=3 npm start should say so, and that both models agree on all six sample returns', () => {
    assert.equal(demo.code, 0, demo.stderr);
    assert.match(`${demo.stdout}${demo.stderr}`, /18 Temporal workers and 15 Kafka subscribers \(TEAM_INSTANCES=3/);
    assert.match(demo.stdout, /Identical in both models: 6 of 6 outcomes, and every team record/);
    assert.doesNotMatch(demo.stdout, /DIFFERENT/);
    assert.match(demo.stdout, /inventory\s+WATCH-W1 shipped\s+WATCH-W1 shipped\s+same/);
    assert.match(demo.stdout, /inventory\s+WATCH-W1 backordered\s+WATCH-W1 backordered\s+same/);
  });
});
