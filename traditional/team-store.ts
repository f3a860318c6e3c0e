// A team's own records in its own store: in the traditional model each team keeps its state to itself, and User
// Support reaches it only through the team's activities. Records are kept whole as JSON, beside the few columns the
// team queries, which are indexed. Two stores keep them: SQLite, a file per team on the worker's host (the default,
// sqlite-team-store.ts), and PostgreSQL, one database the replicas of a team's worker on several hosts share
// (postgres-team-store.ts). Both keep the same table and answer every call the same way.
import type { Config } from '../config';
import type { Team } from '../domain';

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

// What a decision reads of the team's other records (an order refunded by another return, the units of a model
// taken). Handed to `decide` and `settle` inside the store's transaction, so nothing it read can change before the
// record is written.
export interface TeamView<C extends string> {
  // The return that recorded first among those matching, or null.
  firstReturnIdWhere(where: Where<C>): Promise<string | null>;
  countWhere(where: Where<C>): Promise<number>;
}

export interface TeamStore<R extends TeamRecord, C extends string> extends TeamView<C> {
  recordOf(returnId: string): Promise<R | undefined>;
  // The idempotent heart of every activity: in one transaction, the record this return already has, unchanged, or
  // the one `decide` makes now. A retried or twice-delivered call therefore never decides twice, even when the two
  // calls reach two workers of the team at once.
  recordOnce(returnId: string, recordedAt: string, decide: (view: TeamView<C>) => R | Promise<R>): Promise<R>;
  // A later step of the return, as idempotent as recordOnce: in one transaction, `settle` turns the record the return
  // has now (or none) into the one that follows; when that is the record already kept, nothing is written. The team
  // keeps a return's latest record only, as a team database does: how it got there is in the workflow's history.
  settleOnce(
    returnId: string,
    recordedAt: string,
    settle: (recorded: R | undefined, view: TeamView<C>) => R | Promise<R>,
  ): Promise<R>;
  // Every record, in the order the team first recorded each return.
  records(): Promise<StoredRecord<R>[]>;
  close(): Promise<void>;
}

// What every team's activity factory receives: its own store, and a clock for when it recorded.
export interface TeamDependencies<S> {
  readonly store: S;
  readonly clock: () => Date;
}

// One row of a team's table as a reader that follows it finds it: its place in the order of first records.
export interface StoredRow {
  readonly seq: number;
  readonly returnId: string;
  readonly json: string;
}

// A team's table read from outside its worker, row by row, as the live feed follows it (record-tail.ts). A table not
// created yet has no rows.
export interface TableFollower {
  rowsAfter(seq: number): Promise<StoredRow[]>;
  // The record as it is now: a later step of the return rewrites its row in place.
  currentJson(returnId: string): Promise<string | undefined>;
  close(): Promise<void>;
}

// Where a scope keeps its teams' stores, and what reaches them from outside a worker: the readers (the deployment,
// the faults' checker, the dashboard's feed) and `npm run reset`.
export interface ScopeTeamStores {
  // For messages: the folder of the files, or the schema and its server.
  readonly location: string;
  // For messages: a team's file, or table, within the location.
  nameOf<R extends TeamRecord, C extends string>(team: Team, table: TeamTable<R, C>): string;
  open<R extends TeamRecord, C extends string>(team: Team, table: TeamTable<R, C>): Promise<TeamStore<R, C>>;
  // Records of a team that may be running in another process, or not at all yet: creates nothing.
  read<R extends TeamRecord, C extends string>(team: Team, table: TeamTable<R, C>): Promise<StoredRecord<R>[]>;
  follow<R extends TeamRecord, C extends string>(team: Team, table: TeamTable<R, C>): TableFollower;
  // The teams' files or tables that exist now: what `npm run reset` deletes.
  existing(): Promise<string[]>;
  // Deletes the scope's team stores. No worker of the scope may be running: one that still has its store open
  // would go on writing where nobody reads any more, or fail on every call.
  deleteAll(): Promise<void>;
}

export type TeamStoreConfig = Pick<Config, 'teamStore' | 'teamDatabaseUrl' | 'dataDir' | 'scope'>;

const SQL_NAME = /^[a-z][a-z_]*$/;

// The table's names go into SQL as they are: only plain lowercase names pass.
export function checkTableNames<R extends TeamRecord, C extends string>(table: TeamTable<R, C>): void {
  for (const name of [table.name, ...Object.keys(table.columns)]) {
    if (!SQL_NAME.test(name)) throw new Error(`"${name}" is not a plain SQL name`);
  }
}

export function columnsOf<R extends TeamRecord, C extends string>(table: TeamTable<R, C>): C[] {
  return Object.keys(table.columns) as C[];
}

// The values of the table's columns for a record, in the order of columnsOf.
export function columnValues<R extends TeamRecord, C extends string>(table: TeamTable<R, C>, record: R): string[] {
  return columnsOf(table).map((column) => table.columns[column](record));
}

// The conditions of a query: set columns only, each one the table has.
export function conditionsOf<R extends TeamRecord, C extends string>(
  table: TeamTable<R, C>,
  where: Where<C>,
): [column: string, value: string][] {
  const conditions = Object.entries(where).filter((entry): entry is [string, string] => entry[1] !== undefined);
  for (const [column] of conditions) {
    if (!Object.hasOwn(table.columns, column)) throw new Error(`${table.name} has no column ${column}`);
  }
  return conditions;
}

// A decision for another return is a programmer's error: it would be filed under the wrong return for good.
export function checkReturnOf(record: TeamRecord, returnId: string, step: 'Decided' | 'Settled'): void {
  if (record.returnId !== returnId) {
    throw new Error(`${step} a record for return ${record.returnId} while recording return ${returnId}`);
  }
}

// Whether settling changed the record: when not, nothing is written and the record keeps its recordedAt.
export function sameRecord(kept: TeamRecord | undefined, settled: TeamRecord): boolean {
  return kept !== undefined && JSON.stringify(kept) === JSON.stringify(settled);
}

// A record as the table keeps it (JSON, perhaps written by an earlier version of the team), as this version reads it.
export function parseStoredRecord<R extends TeamRecord, C extends string>(table: TeamTable<R, C>, json: string): R {
  const stored = JSON.parse(json) as R;
  return table.upgrade ? table.upgrade(stored) : stored;
}
