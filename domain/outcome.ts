// The combined result of the teams for one return: the value both models must produce identically.
import type { RefundRequest } from './refund-request';
import { type RecordOfTeam, type Team, TEAM_MODULES } from './teams';

type RecordsOfReturn = {
  readonly [M in (typeof TEAM_MODULES)[number] as M['outcomeField']]: RecordOfTeam<M['team']>;
};

// No wall-clock times in here: when each team acted belongs to the audit trail, not to the outcome.
export interface ReturnOutcome extends RecordsOfReturn {
  readonly returnId: string;
}

export type TeamRecords = Partial<RecordsOfReturn>;

// Where each team's record sits in a return's TeamRecords and ReturnOutcome.
type RecordOfTeamMap = { readonly [M in (typeof TEAM_MODULES)[number] as M['team']]: M['outcomeField'] };
export const RECORD_OF_TEAM = Object.fromEntries(
  TEAM_MODULES.map(({ team, outcomeField }) => [team, outcomeField]),
) as RecordOfTeamMap;

// In the order of TEAMS.
export function missingTeams(records: TeamRecords): Team[] {
  return TEAM_MODULES.filter(({ outcomeField }) => !records[outcomeField]).map(({ team }) => team);
}

// A return is complete when every team has answered; until then there is no outcome.
export function assembleOutcome(returnId: string, records: TeamRecords): ReturnOutcome | null {
  if (missingTeams(records).length > 0) return null;
  const outcome = { returnId } as { returnId: string } & Record<keyof RecordsOfReturn, { readonly returnId: string }>;
  for (const { outcomeField } of TEAM_MODULES) {
    const record = records[outcomeField] as { readonly returnId: string };
    if (record.returnId !== returnId) {
      throw new Error(`Record for return ${record.returnId} was assembled into return ${returnId}`);
    }
    outcome[outcomeField] = record;
  }
  return outcome as ReturnOutcome;
}

// The outcome of a return nothing earlier interferes with (no earlier refund of its order, no unit of its model
// shipped yet): what a return on its own must come to in either model.
export function outcomeOnItsOwn(request: RefundRequest): ReturnOutcome {
  const records = Object.fromEntries(
    TEAM_MODULES.map(({ outcomeField, decideOnItsOwn }) => [outcomeField, decideOnItsOwn(request)]),
  ) as TeamRecords;
  const outcome = assembleOutcome(request.returnId, records);
  if (!outcome) throw new Error("every team's record was given");
  return outcome;
}
