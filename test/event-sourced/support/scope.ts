// An event-sourced deployment in a scope of its own, and the topics of that scope removed afterwards.
import type { Config } from '../../../config';
import { type Team, TEAMS } from '../../../domain';
import {
  type EventSourcedDeployment,
  type EventSourcedDeploymentOptions,
  startEventSourcedDeployment,
} from '../../../event-sourced/deployment';
import { connectEventLog, type EventLog } from '../../../event-sourced/event-log';
import { deleteScopeSnapshots } from '../../../event-sourced/snapshots';
import { TEAM_DECIDERS } from '../../../event-sourced/teams';
import { topicSpecs } from '../../../event-sourced/topics';
import { waitFor } from '../../../model/wait-for';

// A crashed team is started again at once, so a test that crashes one waits for it briefly.
export const TEST_OPTIONS: EventSourcedDeploymentOptions = { restartCrashedTeamsAfterMs: 200 };

// The caller keeps the config, so the scope's topics are removed even when starting the deployment failed.
export async function startTestDeployment(
  config: Config,
  options: EventSourcedDeploymentOptions = {},
): Promise<EventSourcedDeployment> {
  return startEventSourcedDeployment(config, { ...TEST_OPTIONS, ...options });
}

export async function connectTestLog(config: Config): Promise<EventLog> {
  return connectEventLog({ brokers: config.kafkaBrokers, clientId: `${config.scope}.test` });
}

export async function removeScope(config: Config): Promise<void> {
  deleteScopeSnapshots(config);
  const log = await connectTestLog(config);
  try {
    await log.deleteTopics(topicSpecs(config).map(({ topic }) => topic));
  } finally {
    await log.close();
  }
}

// How many times each eventId was written: 1 everywhere means nothing was lost twice or recorded twice.
export function countsByEventId(
  events: readonly { readonly envelope: { readonly eventId: string } }[],
): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { envelope } of events) counts.set(envelope.eventId, (counts.get(envelope.eventId) ?? 0) + 1);
  return counts;
}

// The teams that answer requests: every team but one that only reads the others (Customer Care).
export const TEAMS_READING_REQUESTS: readonly Team[] = TEAMS.filter((team) => TEAM_DECIDERS[team].readsRequests);

// Resolves once every team has taken every request and every event it reads.
export async function allCaughtUp(deployment: EventSourcedDeployment): Promise<void> {
  await waitFor('every team to take every request and every event it reads', () => deployment.caughtUp());
}

// The steps a team took for a return, by the types of its events, in the order stored: one of each at most.
export async function stepsOf(deployment: EventSourcedDeployment, team: Team, returnId: string): Promise<string[]> {
  return (await deployment.readTeamEvents(team))
    .filter(({ envelope }) => envelope.returnId === returnId)
    .map(({ envelope }) => envelope.type);
}

// True when no step was taken twice.
export function eachOnce(steps: readonly string[]): boolean {
  return new Set(steps).size === steps.length && steps.length > 0;
}
