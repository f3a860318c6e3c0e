// User Support's front door in the traditional model: a return is validated at the edge, then started as one
// workflow named after its returnId, so however often it is submitted it is processed once, as first submitted.
import {
  Client,
  Connection,
  WorkflowExecutionAlreadyStartedError,
  type WorkflowHandle,
  WorkflowIdConflictPolicy,
  WorkflowIdReusePolicy,
} from '@temporalio/client';
import { type Config, temporalUiUrl } from '../config';
import { assertValidRefundRequest, requestContentId, type ReturnOutcome } from '../domain';
import { taskQueueOf, teamTaskQueues, USER_SUPPORT } from './teams';
import type { processReturnParallel, ReturnWorkflowInput, ReturnWorkflowResult } from './workflows';
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

// A second submission of a returnId with other content than the first: the first stands, the second is refused.
export class ConflictingReturnError extends ActionableError {
  constructor(
    readonly returnId: string,
    readonly workflowId: string,
    // requestContentId of the request the run was started with, and of the one refused.
    readonly firstContentId: string,
    readonly laterContentId: string,
  ) {
    super(
      `Return ${returnId} was already submitted with other content (first version ${firstContentId}, this version ` +
        `${laterContentId}). The first submission stands, as workflow ${workflowId}, and nothing of this one was ` +
        'applied. Submit a changed return under a returnId of its own.',
    );
  }
}

// Every run carries the content id of the request it was started with, so a later submission is compared with it
// by one describe() instead of a read of the run's history.
const CONTENT_ID_MEMO = 'requestContentId';

export function returnWorkflowId(scope: string, returnId: string): string {
  return `${scope}.return.${returnId}`;
}

export function workflowUiLink(
  config: Pick<Config, 'temporalAddress' | 'temporalNamespace'>,
  workflowId: string,
): string {
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
// Throws InvalidRefundRequestError, before anything is started, when the request is not valid, and
// ConflictingReturnError when the run already started for this returnId was started with other content.
export async function startReturn(
  client: Client,
  scope: string,
  input: unknown,
  variant: ReturnVariant,
): Promise<WorkflowHandle<ReturnWorkflow>> {
  const request = assertValidRefundRequest(input);
  const workflowId = returnWorkflowId(scope, request.returnId);
  const contentId = requestContentId(request);
  const workflowInput: ReturnWorkflowInput = { request, taskQueues: teamTaskQueues(scope) };
  try {
    return await client.workflow.start<ReturnWorkflow>(WORKFLOW_TYPE_OF_VARIANT[variant], {
      workflowId,
      taskQueue: taskQueueOf(scope, USER_SUPPORT),
      args: [workflowInput],
      memo: { [CONTENT_ID_MEMO]: contentId },
      // One run per return: a finished return is never started again, and a running one is not started twice.
      // FAIL, not USE_EXISTING, for a running one: the SDK does not say whether USE_EXISTING started a run or
      // found one, and only a run found must be compared with this request. The error says so in both cases.
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
  const existing = client.workflow.getHandle<ReturnWorkflow>(workflowId);
  const { memo } = await existing.describe();
  const firstContentId = memo?.[CONTENT_ID_MEMO];
  // A run started before runs carried the memo names no content: it is joined, as every run was before.
  if (typeof firstContentId === 'string' && firstContentId !== contentId) {
    throw new ConflictingReturnError(request.returnId, workflowId, firstContentId, contentId);
  }
  return existing;
}

export async function submitReturn(
  client: Client,
  scope: string,
  input: unknown,
  variant: ReturnVariant,
): Promise<ReturnOutcome> {
  const handle = await startReturn(client, scope, input, variant);
  return outcomeOfRun(await handle.result());
}

// A run's result as the return's outcome. A run started before a process change finishes as it started, and its
// result has the shape of its time (workflows.ts); it is handed on as it is, for a reader to show or compare.
export function outcomeOfRun(result: ReturnWorkflowResult): ReturnOutcome {
  return result as ReturnOutcome;
}
