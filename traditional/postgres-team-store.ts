// The team store for workers on several hosts: replicas of a team's worker cannot share a SQLite file, so they share
// one PostgreSQL database (TEAM_STORE=postgres, TEAM_DATABASE_URL). Each scope keeps its tables in a schema of its
// own, `returns_<scope>`, with the table, columns and indexes of the SQLite store. The one module that imports pg.
import { Client, type ClientBase, DatabaseError, Pool, type PoolClient } from 'pg';
import { type Config, withoutPassword } from '../config';
import { ActionableError } from '../cli/actionable-error';
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

type Queryable = Pick<ClientBase, 'query'>;

// A worker runs a few activities at once; each holds a connection for one short transaction.
const CONNECTIONS_PER_STORE = 4;
const CONNECT_WITHIN_MS = 10_000;
// A transaction is idle only while its worker decides, which takes microseconds. A replica lost mid-transaction (its
// host gone, no TCP reset) would otherwise keep the team's table locked until the server notices, hours later.
const IDLE_IN_TRANSACTION_MS = 60_000;

// Scopes are lowercase letters, digits and dashes (config.ts); a dash is no plain SQL name, an underscore is, and
// no scope has one, so two scopes never share a schema.
export function scopeSchema(scope: string): string {
  const schema = `returns_${scope.replaceAll('-', '_')}`;
  if (!/^[a-z][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`"${scope}" gives no plain schema name`);
  return schema;
}

// host:port/database, for messages: never the password.
export function databaseOf(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
}

export function postgresScopeStores(config: Pick<Config, 'teamDatabaseUrl' | 'scope'>): ScopeTeamStores {
  const url = config.teamDatabaseUrl;
  const schema = scopeSchema(config.scope);
  return {
    location: `schema ${schema} of ${databaseOf(url)}`,
    nameOf: (_team, table) => table.name,
    open: (_team, table) => PostgresTeamStore.open(url, schema, table),
    read: (_team, table) => PostgresTeamStore.read(url, schema, table),
    follow: (_team, table) => new PostgresTableFollower(url, `${schema}.${table.name}`),
    existing: () =>
      withClient(url, async (client) => {
        const tables = await client.query<{ table_name: string }>(
          'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
          [schema],
        );
        return tables.rows.map((row) => `${schema}.${row.table_name}`);
      }),
    deleteAll: () =>
      withClient(url, async (client) => void (await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`))),
  };
}

export class PostgresTeamStore<R extends TeamRecord, C extends string> implements TeamStore<R, C> {
  private readonly qualified: string;

  private constructor(
    private readonly pool: Pool,
    schema: string,
    private readonly table: TeamTable<R, C>,
  ) {
    this.qualified = `${schema}.${table.name}`;
  }

  static async open<R extends TeamRecord, C extends string>(
    url: string,
    schema: string,
    table: TeamTable<R, C>,
  ): Promise<PostgresTeamStore<R, C>> {
    checkTableNames(table);
    const pool = new Pool({
      connectionString: url,
      max: CONNECTIONS_PER_STORE,
      connectionTimeoutMillis: CONNECT_WITHIN_MS,
    });
    // An idle connection the server closed (a restart) is dropped by the pool and made again for the next query; the
    // error event it raises meanwhile has no caller to go to.
    pool.on('error', () => undefined);
    pool.on('connect', (client) => {
      client.query(`SET idle_in_transaction_session_timeout = ${IDLE_IN_TRANSACTION_MS}`).catch(() => undefined);
    });
    try {
      await createTable(pool, schema, table);
    } catch (error) {
      await pool.end();
      throw unreachable(url, error);
    }
    return new PostgresTeamStore(pool, schema, table);
  }

  // Records of a team that may be running on another host, or not at all yet: creates nothing.
  static async read<R extends TeamRecord, C extends string>(
    url: string,
    schema: string,
    table: TeamTable<R, C>,
  ): Promise<StoredRecord<R>[]> {
    const qualified = `${schema}.${table.name}`;
    return withClient(url, async (client) =>
      (await tableExists(client, qualified)) ? recordsOn(client, qualified, table) : [],
    );
  }

  recordOf(returnId: string): Promise<R | undefined> {
    return this.recordOn(this.pool, returnId);
  }

  recordOnce(returnId: string, recordedAt: string, decide: (view: TeamView<C>) => R | Promise<R>): Promise<R> {
    return this.transaction(async (client) => {
      const existing = await this.recordOn(client, returnId);
      if (existing) return existing;
      const record = await decide(this.viewOn(client));
      checkReturnOf(record, returnId, 'Decided');
      await this.insert(client, record, recordedAt);
      return record;
    });
  }

  settleOnce(
    returnId: string,
    recordedAt: string,
    settle: (recorded: R | undefined, view: TeamView<C>) => R | Promise<R>,
  ): Promise<R> {
    return this.transaction(async (client) => {
      const existing = await this.recordOn(client, returnId);
      const record = await settle(existing, this.viewOn(client));
      checkReturnOf(record, returnId, 'Settled');
      if (existing && sameRecord(existing, record)) return existing;
      if (existing) {
        const columns = columnsOf(this.table);
        const values = columnValues(this.table, record);
        await client.query(
          `UPDATE ${this.qualified} SET ${columns.map((column, index) => `${column} = $${index + 1}, `).join('')}` +
            `recorded_at = $${columns.length + 1}, record = $${columns.length + 2} WHERE return_id = $${columns.length + 3}`,
          [...values, recordedAt, JSON.stringify(record), returnId],
        );
      } else {
        await this.insert(client, record, recordedAt);
      }
      return record;
    });
  }

  firstReturnIdWhere(where: Where<C>): Promise<string | null> {
    return this.firstReturnIdOn(this.pool, where);
  }

  countWhere(where: Where<C>): Promise<number> {
    return this.countOn(this.pool, where);
  }

  records(): Promise<StoredRecord<R>[]> {
    return recordsOn(this.pool, this.qualified, this.table);
  }

  async close(): Promise<void> {
    if (!this.pool.ended) await this.pool.end();
  }

  // Replicas of the team's worker race here: on several hosts, or two calls of one worker at once. The transaction
  // first takes the team table's EXCLUSIVE lock, which one transaction holds at a time (plain reads go on beside it),
  // and only then reads. So two calls for one return cannot both find no record and both decide (recordOnce), nor
  // both settle from the same record (settleOnce); and a decision that reads other returns (an order refunded by
  // another return, the units of a model taken) reads what no one can change before its record is written, which a
  // row lock (SELECT … FOR UPDATE) or INSERT … ON CONFLICT DO NOTHING would not give: the rows it counts are other
  // returns', or not there yet. It is what SQLite's BEGIN IMMEDIATE gives the file store, one writer per team, with
  // no retry to write (SERIALIZABLE would abort one of two racing calls with 40001 and run its decision again). The
  // writers taking turns also keeps seq in commit order, so a reader that follows the table by seq misses no row.
  // READ COMMITTED takes a snapshot per statement: every read after the lock sees what the last holder committed.
  private async transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN ISOLATION LEVEL READ COMMITTED');
      await client.query(`LOCK TABLE ${this.qualified} IN EXCLUSIVE MODE`);
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      // A connection that cannot even roll back is closed, not handed to the next call.
      await client.query('ROLLBACK').catch((rollbackFailed: Error) => (broken = rollbackFailed));
      throw error;
    } finally {
      client.release(broken);
    }
  }

  // The transaction's own connection: what the decision reads is read under the lock.
  private viewOn(client: Queryable): TeamView<C> {
    return {
      firstReturnIdWhere: (where) => this.firstReturnIdOn(client, where),
      countWhere: (where) => this.countOn(client, where),
    };
  }

  private async recordOn(client: Queryable, returnId: string): Promise<R | undefined> {
    const found = await client.query<{ record: string }>(
      `SELECT record::text AS record FROM ${this.qualified} WHERE return_id = $1`,
      [returnId],
    );
    return found.rows.length > 0 ? parseStoredRecord(this.table, found.rows[0].record) : undefined;
  }

  private async insert(client: Queryable, record: R, recordedAt: string): Promise<void> {
    const columns = columnsOf(this.table);
    const values = [
      record.returnId,
      this.table.recordId(record),
      ...columnValues(this.table, record),
      recordedAt,
      JSON.stringify(record),
    ];
    await client.query(
      `INSERT INTO ${this.qualified} (return_id, record_id, ${columns.join(', ')}, recorded_at, record)
       VALUES (${values.map((_, index) => `$${index + 1}`).join(', ')})`,
      values,
    );
  }

  private async firstReturnIdOn(client: Queryable, where: Where<C>): Promise<string | null> {
    const [filter, values] = this.filter(where);
    const found = await client.query<{ return_id: string }>(
      `SELECT return_id FROM ${this.qualified} ${filter} ORDER BY seq LIMIT 1`,
      values,
    );
    return found.rows.length > 0 ? found.rows[0].return_id : null;
  }

  private async countOn(client: Queryable, where: Where<C>): Promise<number> {
    const [filter, values] = this.filter(where);
    // COUNT(*) is a bigint, which pg hands over as a string.
    const found = await client.query<{ count: string }>(
      `SELECT COUNT(*) AS count FROM ${this.qualified} ${filter}`,
      values,
    );
    return Number(found.rows[0].count);
  }

  private filter(where: Where<C>): [string, string[]] {
    const conditions = conditionsOf(this.table, where);
    const filter =
      conditions.length > 0
        ? `WHERE ${conditions.map(([column], index) => `${column} = $${index + 1}`).join(' AND ')}`
        : '';
    return [filter, conditions.map(([, value]) => value)];
  }
}

// The record is json, not jsonb: json keeps the text exactly as written, so a record reads back as the team wrote it
// and settling compares it unchanged (jsonb would reorder its keys). recorded_at is the team's ISO string, as in
// SQLite; seq is the order of first records.
async function createTable<R extends TeamRecord, C extends string>(
  pool: Pool,
  schema: string,
  table: TeamTable<R, C>,
): Promise<void> {
  const qualified = `${schema}.${table.name}`;
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    // Workers of several teams start at once, and two CREATE … IF NOT EXISTS of one name at once can still collide
    // in the catalog: one creator per schema at a time.
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [schema]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query(`
      CREATE TABLE IF NOT EXISTS ${qualified} (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        return_id text NOT NULL UNIQUE,
        record_id text NOT NULL UNIQUE,
        ${columnsOf(table)
          .map((column) => `${column} text NOT NULL,`)
          .join('\n        ')}
        recorded_at text NOT NULL,
        record json NOT NULL
      )`);
    for (const index of table.indexes) {
      await client.query(
        `CREATE INDEX IF NOT EXISTS ${table.name}_by_${index.join('_')} ON ${qualified} (${index.join(', ')})`,
      );
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

async function recordsOn<R extends TeamRecord, C extends string>(
  client: Queryable,
  qualified: string,
  table: TeamTable<R, C>,
): Promise<StoredRecord<R>[]> {
  const found = await client.query<{ record: string; recorded_at: string }>(
    `SELECT record::text AS record, recorded_at FROM ${qualified} ORDER BY seq`,
  );
  return found.rows.map((row) => ({ record: parseStoredRecord(table, row.record), recordedAt: row.recorded_at }));
}

// Asked first rather than caught: a query of a missing table would fill the server's log with errors.
async function tableExists(client: Queryable, qualified: string): Promise<boolean> {
  const found = await client.query<{ found: string | null }>('SELECT to_regclass($1)::text AS found', [qualified]);
  return found.rows[0].found !== null;
}

// A server that does not answer, refuses the user or has no such database is a setting to fix or a server to start:
// the message says so. Any other error of the server's is passed on as it is.
function unreachable(url: string, error: unknown): Error {
  const refused = error instanceof DatabaseError && (error.code?.startsWith('28') || error.code === '3D000');
  if (error instanceof DatabaseError && !refused) return error;
  return new ActionableError(
    `Cannot use the team database at ${withoutPassword(url)}: ${(error as Error).message}. Start it (with ` +
      'TEAM_STORE=postgres, `npm run stack:up` starts a local one at the default TEAM_DATABASE_URL), or fix TEAM_DATABASE_URL.',
  );
}

// One connection for one reader's look, closed after it.
async function withClient<T>(url: string, use: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: CONNECT_WITHIN_MS });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw unreachable(url, error);
  }
  try {
    return await use(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

// One team's table followed from outside its workers, over one connection made again after a failure. A table not
// created yet has no rows; once there, it stays (a reset drops it only with every worker of the scope stopped).
class PostgresTableFollower implements TableFollower {
  private readonly pool: Pool;
  private created = false;

  constructor(
    url: string,
    private readonly qualified: string,
  ) {
    this.pool = new Pool({ connectionString: url, max: 1, connectionTimeoutMillis: CONNECT_WITHIN_MS });
    this.pool.on('error', () => undefined);
  }

  async rowsAfter(seq: number): Promise<StoredRow[]> {
    this.created ||= await tableExists(this.pool, this.qualified);
    if (!this.created) return [];
    // seq is a bigint, which pg hands over as a string.
    const found = await this.pool.query<{ seq: string; return_id: string; record: string }>(
      `SELECT seq, return_id, record::text AS record FROM ${this.qualified} WHERE seq > $1 ORDER BY seq`,
      [seq],
    );
    return found.rows.map((row) => ({ seq: Number(row.seq), returnId: row.return_id, json: row.record }));
  }

  async currentJson(returnId: string): Promise<string | undefined> {
    if (!this.created) return undefined;
    const found = await this.pool.query<{ record: string }>(
      `SELECT record::text AS record FROM ${this.qualified} WHERE return_id = $1`,
      [returnId],
    );
    return found.rows[0]?.record;
  }

  async close(): Promise<void> {
    if (!this.pool.ended) await this.pool.end();
  }
}

// Whether a PostgreSQL server answers a query at the URL, as the local stack asks before starting one.
export async function postgresAnswers(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

// The server's own database, which every server has: where the local stack creates the URL's database.
export function maintenanceUrl(url: string): string {
  const parsed = new URL(url);
  parsed.pathname = '/postgres';
  return parsed.toString();
}

export async function createDatabaseIfMissing(url: string): Promise<void> {
  const database = decodeURIComponent(new URL(url).pathname.slice(1));
  await withClient(maintenanceUrl(url), async (client) => {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rows.length === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  });
}
