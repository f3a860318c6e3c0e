// Task queues of the Temporal ceiling: the model's layout (one per team, one for the workflows) under a prefix of
// their own, so ceiling workers never pick up the model's tasks in the same scope.
import { type Team, perTeam } from '../../domain';

export const CEILING_WORKFLOW_QUEUE_ROLE = 'user-support';

export function temporalCeilingQueueOf(scope: string, role: Team | typeof CEILING_WORKFLOW_QUEUE_ROLE): string {
  return `${scope}.ceiling.${role}`;
}

export function temporalCeilingTeamQueues(scope: string): Record<Team, string> {
  return perTeam((team) => temporalCeilingQueueOf(scope, team));
}

export function temporalCeilingWorkflowId(scope: string, returnId: string): string {
  return `${scope}.ceiling.${returnId}`;
}
