// Driver for User Support's workflow client: hands an input to startReturn(), and reads back what Temporal holds
// of it, the input of the run it started and how many runs the scope has.
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { RefundRequest } from '../../../domain';
import { startReturn } from '../../../traditional/client';
import { type Answer, answerOf } from '../rows';

export interface WorkflowClientDriver {
  submit(input: unknown): Promise<Answer>;
  start(request: RefundRequest): Promise<WorkflowHandle>;
  // The request the run was started with, as its history holds it.
  startedWith(handle: WorkflowHandle): Promise<RefundRequest | undefined>;
  runsStarted(): Promise<number>;
}

export function workflowClientDriver(client: Client, scope: string): WorkflowClientDriver {
  const start = (input: unknown) => startReturn(client, scope, input, 'parallel');
  return {
    submit: (input) => answerOf(() => start(input)),
    start,
    async startedWith(handle) {
      const history = await handle.fetchHistory();
      const payload = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0]?.data;
      const input = payload ? (JSON.parse(Buffer.from(payload).toString('utf8')) as { request: RefundRequest }) : null;
      return input?.request;
    },
    async runsStarted() {
      return Number((await client.workflow.count(`TaskQueue = '${scope}.user-support'`)).count);
    },
  };
}
