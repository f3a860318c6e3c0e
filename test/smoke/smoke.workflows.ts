// The smallest real workflow: one activity on a real worker. Types only from activities: workflows run in a sandbox.
import { proxyActivities } from '@temporalio/workflow';
import type * as activities from './smoke.activities';

const { greet } = proxyActivities<typeof activities>({ startToCloseTimeout: '10 seconds' });

export async function smokeWorkflow(name: string): Promise<string> {
  return greet(name);
}
