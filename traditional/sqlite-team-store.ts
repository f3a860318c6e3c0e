// The embedded team store, the default: each team's records in a SQLite file of its own on the worker's host,
// `DATA_DIR/<scope>/traditional/<team>.db`. Workers of one team on one host share the file; on several hosts they
// cannot, and the PostgreSQL store (postgres-team-store.ts) takes its place.
import { existsSync, rmdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Config } from '../config';
import { type Team, TEAMS } from '../domain';
import { ActionableError } from '../cli/actionable-error';
import { makeDirectory } from '../cli/make-directory';
import {
  checkReturnOf,
  checkTableNames,
  columnsOf,
  columnValues,
  conditionsOf,
  parseStoredRecord,
  sameRecord,
  type ScopeTeamStores,
  type StoredRecord,
  type StoredRow,
  type TableFollower,
  type TeamRecord,
  type TeamStore,
  type TeamTable,
  type TeamView,
  type Where,
} from './team-store';

type FileConfig = Pick<Config, 'dataDir' | 'scope'>;

export function teamDatabaseFile(config: FileConfig, team: Team): string {
  return path.join(config.dataDir, config.scope, 'traditional', `${team}.db`);
}

// SQLite keeps a database in WAL mode in three files: the database, its write-ahead log and its shared-memory index.
function filesOfDatabase(file: string): string[] {
  return [file, `${file}-wal`, `${file}-shm`];
}

export function sqliteScopeStores(config: FileConfig): ScopeTeamStores {
  const fileOf = (team: Team) => teamDatabaseFile(config, team);
  return {
    location: path.dirname(fileOf(TEAMS[0])),
    nameOf: (team) => path.basename(fileOf(team)),
    open: async (team, table) => SqliteTeamStore.open(fileOf(team), table),
    read: (team, table) => SqliteTeamStore.read(fileOf(team), table),
    follow: (team, table) => new SqliteTableFollower(fileOf(team), table.name),
    existing: async () => TEAMS.map(fileOf).filter((file) => existsSync(file)),
    deleteAll: async () => deleteScopeFiles(config),
  };
}

// The scope's team databases, and its folders once they are empty.
function deleteScopeFiles(config: FileConfig): void {
  for (const team of TEAMS) {
    for (const file of filesOfDatabase(teamDatabaseFile(config, team))) rmSync(file, { force: true });
  }
  const traditionalDir = path.dirname(teamDatabaseFile(config, TEAMS[0]));
  for (const dir of [traditionalDir, path.dirname(traditionalDir)]) {
    try {
      rmdirSync(dir);
    } catch (error) {
      // Not there, or holding files that are not team databases: left as it is.
      if (!['ENOENT', 'ENOTEMPTY', 'EEXIST'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
    }
  }
}

export class SqliteTeamStore<R extends TeamRecord, C extends string> implements TeamStore<R, C> {
  private readonly selectByReturnId: Database.Statement<[string], { record: string }>;
  private readonly insertRecord: Database.Statement<unknown[]>;
  private readonly updateRecord: Database.Statement<unknown[]>;
  private readonly selectAll: Database.Statement<[], { record: string; recorded_at: string }>;
  private readonly queries = new Map<string, Database.Statement<unknown[]>>();
  // Per file, the last transaction that any store of this process began on it. The decision between BEGIN and
  // COMMIT may await; meanwhile a second store on the same file (two workers of a team in one process) must not
  // BEGIN IMMEDIATE, whose busy wait would block the event loop, and with it the transaction it waits for.
  private static readonly lastTransactionOfFile = new Map<string, Promise<unknown>>();

  private constructor(
    private readonly db: Database.Database,
    private readonly file: string,
    private readonly table: TeamTable<R, C>,
  ) {
    const columns = columnsOf(table);
    this.selectByReturnId = db.prepare(`SELECT record FROM ${table.name} WHERE return_id = ?`);
    this.insertRecord = db.prepare(
      `INSERT INTO ${table.name} (return_id, record_id, ${columns.join(', ')}, recorded_at, record)
       VALUES (${['?', '?', ...columns.map(() => '?'), '?', '?'].join(', ')})`,
    );
    this.updateRecord = db.prepare(
      `UPDATE ${table.name} SET ${columns.map((column) => `${column} = ?, `).join('')}recorded_at = ?, record = ?
       WHERE return_id = ?`,
    );
    this.selectAll = db.prepare(`SELECT record, recorded_at FROM ${table.name} ORDER BY seq`);
  }

  static open<R extends TeamRecord, C extends string>(file: string, table: TeamTable<R, C>): SqliteTeamStore<R, C> {
    checkTableNames(table);
    const columns = columnsOf(table);
    makeDirectory(path.dirname(file), 'DATA_DIR');
    const db = openDatabase(file);
    try {
      // WAL lets a reader (a test, the audit) look while the team's worker writes, even from another process;
      // the busy timeout makes two writers on one file (two workers of one team) take turns.
      db.pragma('journal_mode = WAL');
      db.pragma('busy_timeout = 5000');
      db.exec(`
        CREATE TABLE IF NOT EXISTS ${table.name} (
          seq INTEGER PRIMARY KEY,
          return_id TEXT NOT NULL UNIQUE,
          record_id TEXT NOT NULL UNIQUE,
          ${columns.map((column) => `${column} TEXT NOT NULL,`).join('\n          ')}
          recorded_at TEXT NOT NULL,
          record TEXT NOT NULL CHECK (json_valid(record))
        );
        ${table.indexes
          .map(
            (index) =>
              `CREATE INDEX IF NOT EXISTS ${table.name}_by_${index.join('_')} ON ${table.name} (${index.join(', ')});`,
          )
          .join('\n')}
      `);
      return new SqliteTeamStore(db, path.resolve(file), table);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  // Records of a team that may be running in another process, or not at all yet.
  static async read<R extends TeamRecord, C extends string>(
    file: string,
    table: TeamTable<R, C>,
  ): Promise<StoredRecord<R>[]> {
    if (!existsSync(file)) return [];
    const store = SqliteTeamStore.open(file, table);
    try {
      return store.recordsNow();
    } finally {
      await store.close();
    }
  }

  async recordOf(returnId: string): Promise<R | undefined> {
    return this.recordNow(returnId);
  }

  recordOnce(returnId: string, recordedAt: string, decide: (view: TeamView<C>) => R | Promise<R>): Promise<R> {
    return this.transaction(async () => {
      const existing = this.recordNow(returnId);
      if (existing) return () => existing;
      const record = await decide(this);
      checkReturnOf(record, returnId, 'Decided');
      return () => {
        this.insert(record, recordedAt);
        return record;
      };
    });
  }

  settleOnce(
    returnId: string,
    recordedAt: string,
    settle: (recorded: R | undefined, view: TeamView<C>) => R | Promise<R>,
  ): Promise<R> {
    return this.transaction(async () => {
      const existing = this.recordNow(returnId);
      const record = await settle(existing, this);
      checkReturnOf(record, returnId, 'Settled');
      if (existing && sameRecord(existing, record)) return () => existing;
      return () => {
        if (existing) {
          this.updateRecord.run(...columnValues(this.table, record), recordedAt, JSON.stringify(record), returnId);
        } else {
          this.insert(record, recordedAt);
        }
        return record;
      };
    });
  }

  async firstReturnIdWhere(where: Where<C>): Promise<string | null> {
    const [statement, values] = this.query('SELECT return_id FROM', where, 'ORDER BY seq LIMIT 1');
    const row = statement.get(...values) as { return_id: string } | undefined;
    return row ? row.return_id : null;
  }

  async countWhere(where: Where<C>): Promise<number> {
    const [statement, values] = this.query('SELECT COUNT(*) AS count FROM', where, '');
    return (statement.get(...values) as { count: number }).count;
  }

  async records(): Promise<StoredRecord<R>[]> {
    return this.recordsNow();
  }

  async close(): Promise<void> {
    await SqliteTeamStore.lastTransactionOfFile.get(this.file);
    if (this.db.open) this.db.close();
  }

  // IMMEDIATE takes the write lock before reading, so two calls (two workers of the team on this file) cannot both
  // see "no record" and both decide, nor two returns both take the last unit of a model. The decision reads through
  // this same connection (the store is its view), inside the transaction, and may await; the write it returns runs with the COMMIT in one synchronous step, so no other call on this
  // connection ever reads a record that is not committed.
  private transaction<T>(decide: () => Promise<() => T>): Promise<T> {
    const turns = SqliteTeamStore.lastTransactionOfFile;
    const run = (turns.get(this.file) ?? Promise.resolve()).then(async () => {
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const write = await decide();
        const result = write();
        this.db.exec('COMMIT');
        return result;
      } catch (error) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw error;
      }
    });
    const done = run.catch(() => undefined);
    turns.set(this.file, done);
    // The last one forgets itself, so the map holds only files with a transaction under way.
    void done.then(() => turns.get(this.file) === done && turns.delete(this.file));
    return run;
  }

  private insert(record: R, recordedAt: string): void {
    this.insertRecord.run(
      record.returnId,
      this.table.recordId(record),
      ...columnValues(this.table, record),
      recordedAt,
      JSON.stringify(record),
    );
  }

  private recordNow(returnId: string): R | undefined {
    const row = this.selectByReturnId.get(returnId);
    return row ? parseStoredRecord(this.table, row.record) : undefined;
  }

  private recordsNow(): StoredRecord<R>[] {
    return this.selectAll
      .all()
      .map((row) => ({ record: parseStoredRecord(this.table, row.record), recordedAt: row.recorded_at }));
  }

  private query(head: string, where: Where<C>, tail: string): [Database.Statement<unknown[]>, string[]] {
    const conditions = conditionsOf(this.table, where);
    const filter = conditions.length > 0 ? `WHERE ${conditions.map(([column]) => `${column} = ?`).join(' AND ')}` : '';
    const sql = `${head} ${this.table.name} ${filter} ${tail}`;
    let statement = this.queries.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.queries.set(sql, statement);
    }
    return [statement, conditions.map(([, value]) => value)];
  }
}

function openDatabase(file: string): Database.Database {
  try {
    return new Database(file);
  } catch (error) {
    throw new ActionableError(
      `Cannot open the team database ${file}: ${(error as Error).message}. Set DATA_DIR to a folder you can write to.`,
      2,
    );
  }
}

// One team's file, read-only, from the last row seen on; a team that has not created its database yet has no rows.
class SqliteTableFollower implements TableFollower {
  private select: Database.Statement<[number], { seq: number; return_id: string; record: string }> | undefined;
  private selectOne: Database.Statement<[string], { record: string }> | undefined;
  private db: Database.Database | undefined;

  constructor(
    private readonly file: string,
    private readonly table: string,
  ) {}

  async rowsAfter(seq: number): Promise<StoredRow[]> {
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
    return this.select.all(seq).map((row) => ({ seq: row.seq, returnId: row.return_id, json: row.record }));
  }

  async currentJson(returnId: string): Promise<string | undefined> {
    return this.selectOne?.get(returnId)?.record;
  }

  async close(): Promise<void> {
    this.db?.close();
  }
}
