// Which team has recorded which return, as the records land in the team databases, whichever process writes
// them: each team's table followed by its sequence number. What the orchestrator's client cannot say until a
// workflow ends, a reader of the stores sees as it happens.
import Database from 'better-sqlite3';
import type { Config } from '../config';
import { type Team, TEAMS } from '../domain';
import { teamDatabaseFile } from './team-store';
import { teamTableName } from './teams';

const TAIL_INTERVAL_MS = 50;

export type TeamRecordListener = (returnId: string, team: Team) => void;

// One team's table, read from the last row seen on.
class TableTail {
  private select: Database.Statement<[number], { seq: number; return_id: string }> | undefined;
  private db: Database.Database | undefined;
  private lastSeq = 0;

  constructor(
    private readonly file: string,
    private readonly table: string,
  ) {}

  newReturnIds(): string[] {
    if (!this.select) {
      try {
        this.db ??= new Database(this.file, { readonly: true, fileMustExist: true });
        this.db.pragma('busy_timeout = 5000');
        const exists = this.db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(this.table);
        if (!exists) return [];
        this.select = this.db.prepare(`SELECT seq, return_id FROM ${this.table} WHERE seq > ? ORDER BY seq`);
      } catch {
        // The team has not created its database yet.
        return [];
      }
    }
    const rows = this.select.all(this.lastSeq);
    if (rows.length > 0) this.lastSeq = rows[rows.length - 1].seq;
    return rows.map((row) => row.return_id);
  }

  close(): void {
    this.db?.close();
  }
}

// Polls only while someone listens; a listener that comes late is told what is known already.
export class RecordTail {
  private readonly tails: { readonly team: Team; readonly tail: TableTail }[];
  private readonly known = new Map<string, Set<Team>>();
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
        for (const returnId of tail.newReturnIds()) this.heard(returnId, team);
      } catch (error) {
        this.onReadError(team, error as Error);
      }
    }
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
