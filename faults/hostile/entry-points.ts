// The entry points of the matrix, by the names the report gives them, and who must answer hostile input at
// each: the caller gets the error at the start scripts and User Support's APIs; on a topic, every reader of it
// dead-letters the record.
import { type Team, TEAMS } from '../../domain';
import { TEAM_DECIDERS } from '../../event-sourced/teams';

export type StartScript = 'traditional' | 'event-sourced';

export function startScriptEntry(script: StartScript): string {
  return `npm run ${script} -- --requests`;
}

export const CLIENT_ENTRY = 'traditional client: startReturn()';
export const PUBLISHER_ENTRY = 'event-sourced publisher: publish() / publishJson()';
export const REQUEST_TOPIC_ENTRY = 'request topic';

export function teamTopicEntry(team: Team): string {
  return `${team} topic`;
}

// Every team reads the request topic.
export const REQUEST_TOPIC_READERS: readonly string[] = TEAMS.filter((team) => TEAM_DECIDERS[team].readsRequests);

// The live return-status projection reads every team topic; the team reads its own when it rebuilds, and the
// teams that read it (TEAM_INPUTS) in their groups.
export function teamTopicReaders(team: Team): readonly string[] {
  return ['return-status', team, ...TEAMS.filter((reader) => TEAM_DECIDERS[reader].reads.includes(team))];
}
