// The event vocabulary: past-tense business facts, each with a version. The Kafka envelope around them lives in
// event-sourced/; the names and payloads live here and in each team's module, so that both models speak one
// language.
import type { RefundRequest } from './refund-request';
import { type EventOfTeam, type Team, TEAM_MODULES } from './teams';

export interface RefundRequestedV1 {
  readonly type: 'RefundRequested';
  readonly version: 1;
  readonly data: RefundRequest;
}

// Every team event is at version 2. Its data is version 1's, the team's record; what version 2 added is that the
// event names the content of the request it answers (requestContentId), which a version 1 event left unknown.
// The event-sourced envelope carries that name and reads version 1 as version 2 (event-sourced/envelope.ts).
export type TeamEvent = EventOfTeam<Team>;

export type TeamEventType = TeamEvent['type'];

export const TEAM_OF_EVENT = Object.fromEntries(
  TEAM_MODULES.flatMap(({ team, eventTypes }) => eventTypes.map((type) => [type, team])),
) as Readonly<Record<TeamEventType, Team>>;

export function refundRequested(request: RefundRequest): RefundRequestedV1 {
  return { type: 'RefundRequested', version: 1, data: request };
}
