// A team's own records in its own SQLite file: in the traditional model each team keeps its state to itself,
// and User Support reaches it only through the team's activities. Records are kept whole as JSON, beside the
// few columns the team queries, which are indexed.
import { existsSync, rmdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Config } from '../config';
import { type Team, TEAMS } from '../domain';
import { ActionableError } from '../cli/actionable-error';
import { makeDirectory } from '../cli/make-directory';

export interface TeamRecord {
  readonly returnId: string;
}

// How one team's records map to a table. Column names are constants written here, never input.
export interface TeamTable<R extends TeamRecord, C extends string> {
  readonly name: string;
  readonly recordId: (record: R) => string;
  readonly columns: { readonly [K in C]: (record: R) => string };
  readonly indexes: readonly (readonly C[])[];
  // A record stored by an earlier version of the team, as this version reads it (a field added since gets the
  // value every earlier record meant). Without it, records are read as stored.
  readonly upgrade?: (stored: R) => R;
}

export interface StoredRecord<R> {
  readonly record: R;
  // When the team recorded it, by the team's clock: the audit trail, never part of the outcome.
  readonly recordedAt: string;
}

export type Where<C extends string> = Partial<Readonly<Record<C, string>>>;

// What every team's activity factory receives: its own store, and a clock for when it recorded.
export interface TeamDependencies<S> {
  readonly store: S;
  readonly clock: () => Date;
}

const SQL_NAME = /^[a-z][a-z_]*$/;

// A record as the table keeps it (JSON, perhaps written by an earlier version of the team), as this version reads it.
export function parseStoredRecord<R extends TeamRecord, C extends string>(table: TeamTable<R, C>, json: string): R {
  const stored = JSON.parse(json) as R;
  return table.upgrade ? table.upgrade(stored) : stored;
}

export function teamDatabaseFile(config: Pick<Config, 'dataDir' | 'scope'>, team: Team): string {
  return path.join(config.dataDir, config.scope, 'traditional', `${team}.db`);
}

// SQLite keeps a database in WAL mode in three files: the database, its write-ahead log and its shared-memory index.
function filesOfDatabase(file: string): string[] {
  return [file, `${file}-wal`, `${file}-shm`];
}

// The team databases of the scope that exist now: what `npm run reset` deletes.
export function scopeDatabaseFiles(config: Pick<Config, 'dataDir' | 'scope'>): string[] {
  return TEAMS.map((team) => teamDatabaseFile(config, team)).filter((file) => existsSync(file));
}

// Deletes the scope's team databases, and its folders once they are empty. No worker of the scope may be running:
// one that still has its file open would go on writing to a file nobody can open any more.
export function deleteScopeDatabases(config: Pick<Config, 'dataDir' | 'scope'>): void {
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

export class TeamStore<R extends TeamRecord, C extends string> {
  private readonly selectByReturnId: Database.Statement<[string], { record: string }>;
  private readonly insertRecord: Database.Statement<unknown[]>;
  private readonly updateRecord: Database.Statement<unknown[]>;
  private readonly selectAll: Database.Statement<[], { record: string; recorded_at: string }>;
  private readonly queries = new Map<string, Database.Statement<unknown[]>>();

  private constructor(
    private readonly db: Database.Database,
    private readonly table: TeamTable<R, C>,
  ) {
    const columns = Object.keys(table.columns) as C[];
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

  static open<R extends TeamRecord, C extends string>(file: string, table: TeamTable<R, C>): TeamStore<R, C> {
    const columns = Object.keys(table.columns);
    for (const name of [table.name, ...columns]) {
      if (!SQL_NAME.test(name)) throw new Error(`"${name}" is not a plain SQL name`);
    }
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
      return new TeamStore(db, table);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  // Records of a team that may be running in another process, or not at all yet.
  static read<R extends TeamRecord, C extends string>(file: string, table: TeamTable<R, C>): StoredRecord<R>[] {
    if (!existsSync(file)) return [];
    const store = TeamStore.open(file, table);
    try {
      return store.records();
    } finally {
      store.close();
    }
  }

  recordOf(returnId: string): R | undefined {
    const row = this.selectByReturnId.get(returnId);
    return row ? this.parse(row.record) : undefined;
  }

  // The idempotent heart of every activity: in one transaction, the record this return already has, unchanged,
  // or the one `decide` makes now. A retried or twice-delivered call therefore never decides twice. IMMEDIATE
  // takes the write lock before reading, so two calls cannot both see "no record" and both decide.
  recordOnce(returnId: string, recordedAt: string, decide: () => R): R {
    return this.db
      .transaction((): R => {
        const existing = this.recordOf(returnId);
        if (existing) return existing;
        const record = decide();
        if (record.returnId !== returnId) {
          throw new Error(`Decided a record for return ${record.returnId} while recording return ${returnId}`);
        }
        const columns = Object.keys(this.table.columns) as C[];
        this.insertRecord.run(
          returnId,
          this.table.recordId(record),
          ...columns.map((column) => this.table.columns[column](record)),
          recordedAt,
          JSON.stringify(record),
        );
        return record;
      })
      .immediate();
  }

  // A later step of the return, as idempotent as recordOnce: in one transaction, `settle` turns the record the return
  // has now (or none) into the one that follows; when that is the record already kept, nothing is written. The
  // team keeps a return's latest record only, as a team database does: how it got there is in the workflow's
  // history.
  settleOnce(returnId: string, recordedAt: string, settle: (recorded: R | undefined) => R): R {
    return this.db
      .transaction((): R => {
        const existing = this.recordOf(returnId);
        const record = settle(existing);
        if (record.returnId !== returnId) {
          throw new Error(`Settled a record for return ${record.returnId} while recording return ${returnId}`);
        }
        if (existing && JSON.stringify(existing) === JSON.stringify(record)) return existing;
        const columns = Object.keys(this.table.columns) as C[];
        const columnValues = columns.map((column) => this.table.columns[column](record));
        if (existing) {
          this.updateRecord.run(...columnValues, recordedAt, JSON.stringify(record), returnId);
        } else {
          this.insertRecord.run(
            returnId,
            this.table.recordId(record),
            ...columnValues,
            recordedAt,
            JSON.stringify(record),
          );
        }
        return record;
      })
      .immediate();
  }

  // The return that recorded first among those matching, or null.
  firstReturnIdWhere(where: Where<C>): string | null {
    const [statement, values] = this.query('SELECT return_id FROM', where, 'ORDER BY seq LIMIT 1');
    const row = statement.get(...values) as { return_id: string } | undefined;
    return row ? row.return_id : null;
  }

  countWhere(where: Where<C>): number {
    const [statement, values] = this.query('SELECT COUNT(*) AS count FROM', where, '');
    return (statement.get(...values) as { count: number }).count;
  }

  records(): StoredRecord<R>[] {
    return this.selectAll.all().map((row) => ({ record: this.parse(row.record), recordedAt: row.recorded_at }));
  }

  private parse(json: string): R {
    return parseStoredRecord(this.table, json);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private query(head: string, where: Where<C>, tail: string): [Database.Statement<unknown[]>, string[]] {
    const conditions = Object.entries(where).filter((entry): entry is [string, string] => entry[1] !== undefined);
    for (const [column] of conditions) {
      if (!Object.hasOwn(this.table.columns, column)) throw new Error(`${this.table.name} has no column ${column}`);
    }
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
