// The platform itself, before any model code: the stack's Temporal server runs a workflow on a real worker.
import assert from 'node:assert/strict';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { loadConfig } from '../../config';
import * as activities from './smoke.activities';
import { uniqueScope } from '../support/test-config';

describe('when a workflow runs on the stack Temporal server', () => {
  it('should complete with its one activity on a real worker', async () => {
    const config = loadConfig();
    const taskQueue = `${uniqueScope('smoke')}.queue`;
    const workerConnection = await NativeConnection.connect({ address: config.temporalAddress });
    const worker = await Worker.create({
      connection: workerConnection,
      namespace: config.temporalNamespace,
      taskQueue,
      workflowsPath: require.resolve('./smoke.workflows'),
      activities,
    });
    const connection = await Connection.connect({ address: config.temporalAddress });
    const client = new Client({ connection, namespace: config.temporalNamespace });
    try {
      const result = await worker.runUntil(
        client.workflow.execute('smokeWorkflow', { taskQueue, workflowId: `${taskQueue}.wf`, args: ['stack'] }),
      );
      assert.equal(result, 'hello, stack');
    } finally {
      await connection.close();
      await workerConnection.close();
    }
  });
});
