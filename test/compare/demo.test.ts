// The README's main commands as a user runs them: `npm start`, then `npm run audit` for one of its returns.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../config';
import { removeScope } from '../event-sourced/support/scope';
import { runScript, type ScriptRun } from '../support/run-script';
import { uniqueScope } from '../support/test-config';

describe('when a user runs the side-by-side demo', function () {
  this.timeout(240_000);
  const scope = uniqueScope('demo');
  const env = { RETURNS_SCOPE: scope };
  let demo: ScriptRun;

  before(async () => {
    demo = await runScript('start', [], env);
  });

  after(async () => {
    await removeScope({ ...loadConfig(), scope }).catch(() => undefined);
    rmSync(path.join(loadConfig().dataDir, scope), { recursive: true, force: true });
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
    assert.match(demo.stdout, /sales\s+refund rejected: order-already-refunded\s+refund rejected: order-already-refunded\s+same/);
    assert.match(demo.stdout, /inventory\s+WATCH-W1 backordered\s+WATCH-W1 backordered\s+same/);
  });

  it('npm start should print one return’s audit trail from the workflow history and from the team topics', () => {
    assert.match(demo.stdout, /Temporal workflow history/);
    for (const activity of ['createOrderRefundRequest', 'createShipmentRequest', 'registerDisassemblyOrder', 'chargeAssetDisposal']) {
      assert.match(demo.stdout, new RegExp(`ActivityTaskCompleted\\s+${activity}`));
    }
    for (const event of ['RefundIssued', 'ReplacementShipped', 'DisassemblyOrdered', 'AssetDisposalCharged']) {
      assert.match(demo.stdout, new RegExp(`${event}\\s+${scope}\\.\\w+\\.events partition \\d+ offset \\d+`));
    }
  });

  it('npm run audit should print the trail of any processed return, also as JSON', async () => {
    const text = await runScript('audit', ['R-1003'], env);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /RefundRejected/);
    const json = await runScript('audit', ['R-1003', '--json'], env);
    assert.equal(json.code, 0, json.stderr);
    const trail = JSON.parse(json.stdout) as { temporal: { events: { type: string }[] }; kafka: { events: { team: string }[] } };
    assert.ok(trail.temporal.events.some((event) => event.type === 'WorkflowExecutionCompleted'));
    assert.deepEqual(trail.kafka.events.map((event) => event.team).sort(), ['accounting', 'inventory', 'manufacturing', 'sales']);
  });

  it('npm run audit should say so, and exit 1, for a return that was never processed', async () => {
    const run = await runScript('audit', ['R-NEVER'], env);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /No return R-NEVER in scope/);
  });
});
