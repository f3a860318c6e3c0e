// The process change deployed while returns run: a return started by the release before the change, and waiting
// for Inventory when the new release's workers take over, finishes as it started (the README's rule: patched() is
// false for a run whose history was written without the change), while a return started after the change follows
// the new rules, on the same workers.
import assert from 'node:assert/strict';
import { bundleWorkflowCode, Runtime, type Worker } from '@temporalio/worker';
import { RETURN_VARIANTS } from '../../traditional/client';
import { connectWorkers, createUserSupportWorker } from '../../traditional/worker';
import { waitFor } from '../../model/wait-for';
import { sampleReturn } from '../fixtures/domain-scenarios';
import { sharedWorkflowBundle, startTestDeployment, type TestDeployment } from './deployment-fixture';

// R-1002: refused by Sales, as outside the return window. Before the change it still got a replacement.
const lateReturn = (returnId: string) => ({ ...sampleReturn('R-1002'), returnId });

describe('traditional model, a process change deployed while returns are in flight', function () {
  this.timeout(240_000);
  let test: TestDeployment;
  let oldRelease: { worker: Worker; run: Promise<void> } | undefined;

  before(async () => {
    await sharedWorkflowBundle();
    test = await startTestDeployment('in-flight', { teams: ['sales', 'manufacturing', 'accounting', 'customer-care'] });
    // The release before the change serves User Support's task queue, and Inventory is down.
    const { code } = await bundleWorkflowCode({
      workflowsPath: require.resolve('./support/workflows-before-the-change'),
      logger: Runtime.instance().logger,
    });
    const worker = await createUserSupportWorker(await connectWorkers(test.config), test.config, { code });
    oldRelease = { worker, run: worker.run() };
  });

  after(async () => {
    if (oldRelease && oldRelease.worker.getState() === 'RUNNING') oldRelease.worker.shutdown();
    await oldRelease?.run;
    await test?.close();
  });

  it('should finish a return started before the change under the old rules, and start new ones under the new', async () => {
    const started = RETURN_VARIANTS.map((variant) => ({ variant, returnId: `R-OLD-${variant}` }));
    for (const { variant, returnId } of started) await test.deployment.start(lateReturn(returnId), variant);
    for (const { returnId } of started) {
      await waitFor(`${returnId}, started by the release before the change, to call Inventory`, async () =>
        (await test.deployment.workflowHistory(returnId)).some(
          (event) => event.type === 'ActivityTaskScheduled' && event.activity === 'createShipmentRequest',
        ),
      );
    }

    // The new release: its User Support worker takes over the runs, and Inventory is back.
    oldRelease!.worker.shutdown();
    await oldRelease!.run;
    await test.deployment.startTeam('user-support');
    await test.deployment.startTeam('inventory');

    for (const { variant, returnId } of started) {
      const outcome = (await test.deployment.client.workflow
        .getHandle(test.deployment.workflowId(returnId))
        .result()) as {
        readonly refund: { status: string };
        readonly replacement: { status: string };
        readonly verdict?: string;
      };
      assert.equal(outcome.refund.status, 'rejected', `${variant}: Sales rejects it in either release`);
      assert.equal(outcome.replacement.status, 'shipped', `${variant}: the old rule ships a replacement regardless`);
      assert.equal(outcome.verdict, undefined, `${variant}: the old outcome has no verdict`);
      const history = await test.deployment.workflowHistory(returnId);
      assert.ok(!history.some((event) => event.activity === 'notifyCustomer'), `${variant}: no Customer Care call`);
      assert.equal((await test.deployment.recordsOfReturn(returnId)).notification, undefined);
    }

    for (const variant of RETURN_VARIANTS) {
      const outcome = await test.deployment.submit(lateReturn(`R-NEW-${variant}`), variant);
      assert.equal(outcome.verdict, 'refused', variant);
      assert.equal(outcome.replacement.status, 'cancelled', `${variant}: nothing ships under the new rule`);
      assert.equal(outcome.notification.verdict, 'refused', variant);
    }
  });
});
