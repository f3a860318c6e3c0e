// The workflow runs a scope left in Temporal: every workflow id of a scope starts with "<scope>.", so a visibility
// query finds them, and `npm run reset` deletes them so that a return of the scope can run again from the start.
import { type Client, isGrpcServiceError, WorkflowNotFoundError } from '@temporalio/client';

export interface WorkflowRun {
  readonly workflowId: string;
  readonly runId: string;
  // RUNNING, COMPLETED, TERMINATED, …, as Temporal names it.
  readonly status: string;
}

// gRPC's NOT_FOUND: the server knows no such execution (any more).
const NOT_FOUND = 5;

// Scopes are lowercase letters, digits and dashes (config.ts), so the prefix needs no quoting beyond the quotes.
// STARTS_WITH is the prefix operator of Temporal's SQL visibility, the dev server's SQLite store included.
export function scopeRunsQuery(scope: string): string {
  return `WorkflowId STARTS_WITH "${scope}."`;
}

// Every run of the scope that visibility lists: the latest run of each workflow id and any earlier ones.
// Visibility is eventually consistent: a run started or deleted a moment ago may not show yet.
export async function listScopeRuns(client: Client, scope: string): Promise<WorkflowRun[]> {
  const runs: WorkflowRun[] = [];
  for await (const info of client.workflow.list({ query: scopeRunsQuery(scope) })) {
    runs.push({ workflowId: info.workflowId, runId: info.runId, status: info.status.name });
  }
  return runs;
}

// Asks Temporal to delete the run. The server terminates a running run first, then deletes its history and its
// visibility record in the background, so the run can still be found for a moment after this returns.
export async function deleteRun(client: Client, run: WorkflowRun): Promise<void> {
  try {
    await client.workflowService.deleteWorkflowExecution({
      namespace: client.options.namespace,
      workflowExecution: { workflowId: run.workflowId, runId: run.runId },
    });
  } catch (error) {
    // Already gone, by an earlier reset or the retention period: what was asked for is done.
    if (isGrpcServiceError(error) && error.code === NOT_FOUND) return;
    throw error;
  }
}

// The run's status (RUNNING, COMPLETED, …) by the server's own record, not the eventually consistent visibility, or
// null when there is none: once null, a new run with the same workflow id can start. Without a runId: the latest
// run of the workflow id, so null means that no workflow of this id exists at all.
export async function runStatus(client: Client, workflowId: string, runId?: string): Promise<string | null> {
  try {
    return (await client.workflow.getHandle(workflowId, runId).describe()).status.name;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return null;
    if (isGrpcServiceError(error) && error.code === NOT_FOUND) return null;
    throw error;
  }
}
