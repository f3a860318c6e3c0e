// Which team's record of which return stands, as the records land in the team stores, whichever process writes
// them: each team's table followed by its sequence number, and the records not standing yet read again until they
// do (a unit held until the verdict ships or releases it is updated in place). What the orchestrator's client
// cannot say until a workflow ends, a reader of the stores sees as it happens, and by the same rule as the
// choreography's projection: the domain's teamHasSettled.
import { RECORD_OF_TEAM, type Team, TEAMS, teamHasSettled } from '../domain';
import { followTeamTable, parseTeamRecord } from './teams';
import type { TableFollower, TeamStoreConfig } from './team-store';

const TAIL_INTERVAL_MS = 50;

export type TeamRecordListener = (returnId: string, team: Team) => void;

// Polls only while someone listens; a listener that comes late is told what is known already.
export class RecordTail {
  private readonly tails: { readonly team: Team; readonly tail: TableFollower; lastSeq: number }[];
  // Per return, the teams whose record stands, each reported once.
  private readonly known = new Map<string, Set<Team>>();
  // The records of returns with a team not standing yet: what is read again on every poll.
  private readonly unsettled = new Map<string, Record<string, unknown>>();
  private readonly listeners = new Set<TeamRecordListener>();
  private poll: NodeJS.Timeout | undefined;
  // The poll under way: the next waits for it, since a poll of a database server may take longer than the interval.
  private reading: Promise<void> | undefined;

  constructor(
    config: TeamStoreConfig,
    private readonly onReadError: (team: Team, error: Error) => void = () => undefined,
  ) {
    this.tails = TEAMS.map((team) => ({ team, tail: followTeamTable(config, team), lastSeq: 0 }));
  }

  listen(listener: TeamRecordListener): () => void {
    for (const [returnId, teams] of this.known) for (const team of teams) listener(returnId, team);
    this.listeners.add(listener);
    this.poll ??= setInterval(() => {
      this.reading ??= this.readNew().finally(() => (this.reading = undefined));
    }, TAIL_INTERVAL_MS);
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stopPolling();
    };
  }

  async close(): Promise<void> {
    this.listeners.clear();
    this.stopPolling();
    await this.reading;
    await Promise.all(this.tails.map(({ tail }) => tail.close()));
  }

  private stopPolling(): void {
    clearInterval(this.poll);
    this.poll = undefined;
  }

  private async readNew(): Promise<void> {
    for (const entry of this.tails) {
      try {
        const rows = await entry.tail.rowsAfter(entry.lastSeq);
        if (rows.length > 0) entry.lastSeq = rows[rows.length - 1].seq;
        for (const row of rows) {
          this.recordsOf(row.returnId)[RECORD_OF_TEAM[entry.team]] = parseTeamRecord(entry.team, row.json);
        }
      } catch (error) {
        this.onReadError(entry.team, error as Error);
      }
    }
    for (const [returnId, records] of this.unsettled) await this.check(returnId, records);
  }

  private recordsOf(returnId: string): Record<string, unknown> {
    let records = this.unsettled.get(returnId);
    if (!records) {
      records = {};
      this.unsettled.set(returnId, records);
    }
    return records;
  }

  private async check(returnId: string, records: Record<string, unknown>): Promise<void> {
    const reported = this.known.get(returnId);
    for (const { team, tail } of this.tails) {
      const field = RECORD_OF_TEAM[team];
      if (records[field] === undefined || reported?.has(team)) continue;
      // Nothing stands before the verdict; after it, a record may have changed since it was read.
      if (records[RECORD_OF_TEAM.sales] !== undefined && !teamHasSettled(team, records)) {
        try {
          const json = await tail.currentJson(returnId);
          if (json !== undefined) records[field] = parseTeamRecord(team, json);
        } catch (error) {
          this.onReadError(team, error as Error);
        }
      }
      if (teamHasSettled(team, records)) this.heard(returnId, team);
    }
    if (this.known.get(returnId)?.size === TEAMS.length) this.unsettled.delete(returnId);
  }

  private heard(returnId: string, team: Team): void {
    let teams = this.known.get(returnId);
    if (!teams) {
      teams = new Set();
      this.known.set(returnId, teams);
    }
    if (teams.has(team)) return;
    teams.add(team);
    for (const listener of this.listeners) listener(returnId, team);
  }
}
