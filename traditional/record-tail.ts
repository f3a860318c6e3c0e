// Which team's record of which return stands, as the records land in the team databases, whichever process writes
// them: each team's table followed by its sequence number, and the records not standing yet read again until they
// do (a unit held until the verdict ships or releases it is updated in place). What the orchestrator's client
// cannot say until a workflow ends, a reader of the stores sees as it happens, and by the same rule as the
// choreography's projection: the domain's teamHasSettled.
import Database from 'better-sqlite3';
import type { Config } from '../config';
import { RECORD_OF_TEAM, type Team, TEAMS, teamHasSettled } from '../domain';
import { teamDatabaseFile } from './team-store';
import { parseTeamRecord, teamTableName } from './teams';

const TAIL_INTERVAL_MS = 50;

export type TeamRecordListener = (returnId: string, team: Team) => void;

interface StoredRow {
  readonly returnId: string;
  readonly json: string;
}

// One team's table, read from the last row seen on.
class TableTail {
  private select: Database.Statement<[number], { seq: number; return_id: string; record: string }> | undefined;
  private selectOne: Database.Statement<[string], { record: string }> | undefined;
  private db: Database.Database | undefined;
  private lastSeq = 0;

  constructor(
    private readonly file: string,
    private readonly table: string,
  ) {}

  newRows(): StoredRow[] {
    if (!this.select) {
      try {
        this.db ??= new Database(this.file, { readonly: true, fileMustExist: true });
        this.db.pragma('busy_timeout = 5000');
        const exists = this.db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(this.table);
        if (!exists) return [];
        this.select = this.db.prepare(`SELECT seq, return_id, record FROM ${this.table} WHERE seq > ? ORDER BY seq`);
        this.selectOne = this.db.prepare(`SELECT record FROM ${this.table} WHERE return_id = ?`);
      } catch {
        // The team has not created its database yet.
        return [];
      }
    }
    const rows = this.select.all(this.lastSeq);
    if (rows.length > 0) this.lastSeq = rows[rows.length - 1].seq;
    return rows.map((row) => ({ returnId: row.return_id, json: row.record }));
  }

  // The record as it is now: a later step of the return rewrites its row in place.
  currentJson(returnId: string): string | undefined {
    return this.selectOne?.get(returnId)?.record;
  }

  close(): void {
    this.db?.close();
  }
}

// Polls only while someone listens; a listener that comes late is told what is known already.
export class RecordTail {
  private readonly tails: { readonly team: Team; readonly tail: TableTail }[];
  // Per return, the teams whose record stands, each reported once.
  private readonly known = new Map<string, Set<Team>>();
  // The records of returns with a team not standing yet: what is read again on every poll.
  private readonly unsettled = new Map<string, Record<string, unknown>>();
  private readonly listeners = new Set<TeamRecordListener>();
  private poll: NodeJS.Timeout | undefined;

  constructor(
    config: Pick<Config, 'dataDir' | 'scope'>,
    private readonly onReadError: (team: Team, error: Error) => void = () => undefined,
  ) {
    this.tails = TEAMS.map((team) => ({
      team,
      tail: new TableTail(teamDatabaseFile(config, team), teamTableName(team)),
    }));
  }

  listen(listener: TeamRecordListener): () => void {
    for (const [returnId, teams] of this.known) for (const team of teams) listener(returnId, team);
    this.listeners.add(listener);
    this.poll ??= setInterval(() => this.readNew(), TAIL_INTERVAL_MS);
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stopPolling();
    };
  }

  close(): void {
    this.listeners.clear();
    this.stopPolling();
    for (const { tail } of this.tails) tail.close();
  }

  private stopPolling(): void {
    clearInterval(this.poll);
    this.poll = undefined;
  }

  private readNew(): void {
    for (const { team, tail } of this.tails) {
      try {
        for (const row of tail.newRows()) {
          this.recordsOf(row.returnId)[RECORD_OF_TEAM[team]] = parseTeamRecord(team, row.json);
        }
      } catch (error) {
        this.onReadError(team, error as Error);
      }
    }
    for (const [returnId, records] of this.unsettled) this.check(returnId, records);
  }

  private recordsOf(returnId: string): Record<string, unknown> {
    let records = this.unsettled.get(returnId);
    if (!records) {
      records = {};
      this.unsettled.set(returnId, records);
    }
    return records;
  }

  private check(returnId: string, records: Record<string, unknown>): void {
    const reported = this.known.get(returnId);
    for (const { team, tail } of this.tails) {
      const field = RECORD_OF_TEAM[team];
      if (records[field] === undefined || reported?.has(team)) continue;
      // Nothing stands before the verdict; after it, a record may have changed since it was read.
      if (records[RECORD_OF_TEAM.sales] !== undefined && !teamHasSettled(team, records)) {
        try {
          const json = tail.currentJson(returnId);
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
