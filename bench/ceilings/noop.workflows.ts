// The Temporal ceiling's workflows: the traditional model's shape (four activity calls, each on its own team's
// task queue, in order or all at once) with no domain logic and no state, so only the platform's cost remains.
import { proxyActivities } from '@temporalio/workflow';
import { TEAMS, type RefundRequest } from '../../domain';
// Types only: workflows run in a sandbox.
import type { NoopActivities } from './noop.activities';

export interface NoopWorkflowInput {
  readonly request: RefundRequest;
  readonly taskQueues: Readonly<Record<(typeof TEAMS)[number], string>>;
}

// The model's activity options: the same timeouts and retries, so each call costs the server the same.
function teamCall(taskQueue: string): NoopActivities {
  return proxyActivities<NoopActivities>({
    taskQueue,
    startToCloseTimeout: '10 seconds',
    retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumInterval: '5 seconds' },
  });
}

export async function noopSequential({ request, taskQueues }: NoopWorkflowInput): Promise<number> {
  for (const team of TEAMS) await teamCall(taskQueues[team]).noop(request);
  return TEAMS.length;
}

export async function noopParallel({ request, taskQueues }: NoopWorkflowInput): Promise<number> {
  const answers = await Promise.all(TEAMS.map((team) => teamCall(taskQueues[team]).noop(request)));
  return answers.length;
}
