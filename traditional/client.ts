// User Support's front door in the traditional model: a return is validated at the edge, then started as one
// workflow named after its returnId, so however often it is submitted it is processed once.
import {
  Client,
  Connection,
  WorkflowExecutionAlreadyStartedError,
  type WorkflowHandle,
  WorkflowIdConflictPolicy,
  WorkflowIdReusePolicy,
} from '@temporalio/client';
import type { Config } from '../config';
import { assertValidRefundRequest, type ReturnOutcome } from '../domain';
import { temporalUiUrl } from '../stack/temporal-server';
import { taskQueueOf, teamTaskQueues, USER_SUPPORT } from './task-queues';
import type { processReturnParallel, ReturnWorkflowInput } from './workflows';
import { ActionableError } from '../cli/actionable-error';

export type ReturnVariant = 'sequential' | 'parallel';
export const RETURN_VARIANTS: readonly ReturnVariant[] = ['sequential', 'parallel'];

// Both variants share one signature, and one workflow id per return.
export type ReturnWorkflow = typeof processReturnParallel;

export const WORKFLOW_TYPE_OF_VARIANT = {
  sequential: 'processReturnSequential',
  parallel: 'processReturnParallel',
} as const satisfies Record<ReturnVariant, string>;

export class TemporalUnavailableError extends ActionableError {
  constructor(config: Pick<Config, 'temporalAddress' | 'temporalNamespace'>, cause: unknown) {
    super(
      `Temporal does not answer at ${config.temporalAddress} (namespace ${config.temporalNamespace}): ` +
        `${(cause as Error).message}. Start it with \`npm run stack:up\`, or point TEMPORAL_ADDRESS at a running server.`,
    );
  }
}

export function returnWorkflowId(scope: string, returnId: string): string {
  return `${scope}.return.${returnId}`;
}

export function workflowUiLink(config: Pick<Config, 'temporalAddress' | 'temporalNamespace'>, workflowId: string): string {
  const namespace = encodeURIComponent(config.temporalNamespace);
  return `${temporalUiUrl(config.temporalAddress)}/namespaces/${namespace}/workflows/${encodeURIComponent(workflowId)}`;
}

export async function connectClient(config: Pick<Config, 'temporalAddress' | 'temporalNamespace'>): Promise<Client> {
  try {
    const connection = await Connection.connect({ address: config.temporalAddress });
    return new Client({ connection, namespace: config.temporalNamespace });
  } catch (error) {
    throw new TemporalUnavailableError(config, error);
  }
}

// Starts the return's workflow, or finds the one already started for it: by either variant, running or done.
// Throws InvalidRefundRequestError, before anything is started, when the request is not valid.
export async function startReturn(
  client: Client,
  scope: string,
  input: unknown,
  variant: ReturnVariant,
): Promise<WorkflowHandle<ReturnWorkflow>> {
  const request = assertValidRefundRequest(input);
  const workflowId = returnWorkflowId(scope, request.returnId);
  const workflowInput: ReturnWorkflowInput = { request, taskQueues: teamTaskQueues(scope) };
  try {
    return await client.workflow.start<ReturnWorkflow>(WORKFLOW_TYPE_OF_VARIANT[variant], {
      workflowId,
      taskQueue: taskQueueOf(scope, USER_SUPPORT),
      args: [workflowInput],
      // A finished return is never started again; a running one is joined rather than started twice.
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    });
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return client.workflow.getHandle<ReturnWorkflow>(workflowId);
    throw error;
  }
}

export async function submitReturn(client: Client, scope: string, input: unknown, variant: ReturnVariant): Promise<ReturnOutcome> {
  const handle = await startReturn(client, scope, input, variant);
  return handle.result();
}
