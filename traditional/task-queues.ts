// One task queue per team: each team runs its own Worker, as each would run its own service.
import { TEAMS, type Team } from '../domain';

export const USER_SUPPORT = 'user-support';

// Every process that serves a task queue: the four teams' activities and User Support's workflows.
export type WorkerTeam = Team | typeof USER_SUPPORT;
export const WORKER_TEAMS: readonly WorkerTeam[] = [...TEAMS, USER_SUPPORT];

// Handed to the workflow in its input: workflow code runs in a sandbox and cannot read configuration.
export type TeamTaskQueues = Readonly<Record<Team, string>>;

export function taskQueueOf(scope: string, team: WorkerTeam): string {
  return `${scope}.${team}`;
}

export function teamTaskQueues(scope: string): TeamTaskQueues {
  return {
    sales: taskQueueOf(scope, 'sales'),
    inventory: taskQueueOf(scope, 'inventory'),
    manufacturing: taskQueueOf(scope, 'manufacturing'),
    accounting: taskQueueOf(scope, 'accounting'),
  };
}

export function isWorkerTeam(value: string): value is WorkerTeam {
  return (WORKER_TEAMS as readonly string[]).includes(value);
}
