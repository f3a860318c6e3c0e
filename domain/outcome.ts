// The combined result of the teams for one return: the value both models must produce identically. It holds the
// record that stands for each team once the return has settled; how each got there (a unit held and released, a
// charge reversed) belongs to the audit trail.
import type { RefundRequest } from './refund-request';
import {
  moduleOfTeam,
  type RecordOfTeam,
  recordsOnItsOwn,
  type Team,
  TEAM_MODULES,
  type TeamModule,
  type Verdict,
  verdictOf,
} from './teams';

type RecordsOfReturn = {
  readonly [M in (typeof TEAM_MODULES)[number] as M['outcomeField']]: RecordOfTeam<M['team']>;
};

// No wall-clock times in here: when each team acted belongs to the audit trail, not to the outcome.
export interface ReturnOutcome extends RecordsOfReturn {
  readonly returnId: string;
  readonly verdict: Verdict['kind'];
}

export type TeamRecords = Partial<RecordsOfReturn>;

// Where each team's record sits in a return's TeamRecords and ReturnOutcome.
type RecordOfTeamMap = { readonly [M in (typeof TEAM_MODULES)[number] as M['team']]: M['outcomeField'] };
export const RECORD_OF_TEAM = Object.fromEntries(
  TEAM_MODULES.map(({ team, outcomeField }) => [team, outcomeField]),
) as RecordOfTeamMap;

// Sales' verdict on the return, once Sales has answered.
export function verdictOfRecords(records: TeamRecords): Verdict | null {
  return records.refund ? verdictOf(records.refund) : null;
}

// Whether the team's record for the return stands: there is one, and it is the one the verdict leaves.
export function teamHasSettled(team: Team, records: TeamRecords): boolean {
  const record = recordOf(team, records);
  if (!record) return false;
  const verdict = verdictOfRecords(records);
  return verdict !== null && moduleOfTeam(team).standsUnder(record as never, verdict);
}

function recordOf(team: Team, records: TeamRecords): unknown {
  return (records as Record<string, unknown>)[moduleOfTeam(team).outcomeField];
}

// The teams whose record does not stand yet, in the order of TEAMS: no record, or one the verdict has not settled.
export function missingTeams(records: TeamRecords): Team[] {
  return TEAM_MODULES.filter(({ team }) => !teamHasSettled(team, records)).map(({ team }) => team);
}

// The teams that acted before a refusal reached them and have yet to undo it: a record the refusal does not leave
// standing (a unit held, a disassembly ordered, a charge made). None while the verdict is unknown or an acceptance.
export function teamsAwaitingUndo(records: TeamRecords): Team[] {
  const verdict = verdictOfRecords(records);
  if (verdict?.kind !== 'refused') return [];
  return TEAM_MODULES.filter(({ team }) => recordOf(team, records) !== undefined && !teamHasSettled(team, records)).map(
    ({ team }) => team,
  );
}

// A return is settled when every team's record stands; until then there is no outcome.
export function assembleOutcome(returnId: string, records: TeamRecords): ReturnOutcome | null {
  if (missingTeams(records).length > 0) return null;
  const verdict = verdictOfRecords(records) as Verdict;
  const outcome = { returnId, verdict: verdict.kind } as { returnId: string; verdict: Verdict['kind'] } & Record<
    keyof RecordsOfReturn,
    { readonly returnId: string }
  >;
  for (const { outcomeField } of TEAM_MODULES as readonly TeamModule[]) {
    const record = records[outcomeField as keyof RecordsOfReturn] as { readonly returnId: string };
    if (record.returnId !== returnId) {
      throw new Error(`Record for return ${record.returnId} was assembled into return ${returnId}`);
    }
    outcome[outcomeField as keyof RecordsOfReturn] = record;
  }
  return outcome as ReturnOutcome;
}

// The outcome of a return nothing earlier interferes with (no earlier refund of its order, no unit of its model
// taken yet): what a return on its own must come to in either model.
export function outcomeOnItsOwn(request: RefundRequest): ReturnOutcome {
  const outcome = assembleOutcome(request.returnId, recordsOnItsOwn(request));
  if (!outcome) throw new Error("every team's record was given");
  return outcome;
}
