// How each team is reached in the traditional model: the task queue its worker serves, the table of its own
// store, and the factory of the activities its worker registers there (one per team, in teams/). Task queues
// are named after the team, so a new team needs its table and its activities here and nothing else in this model.
import { type RecordOfTeam, type Team, TEAMS, perTeam } from '../domain';
import { postgresScopeStores } from './postgres-team-store';
import { sqliteScopeStores } from './sqlite-team-store';
import {
  type ScopeTeamStores,
  type StoredRecord,
  type TableFollower,
  type TeamDependencies,
  type TeamRecord,
  type TeamStore,
  type TeamStoreConfig,
  type TeamTable,
  parseStoredRecord,
} from './team-store';
import {
  ACCOUNTING_TABLE,
  type AccountingActivities,
  type AccountingStore,
  createAccountingActivities,
} from './teams/accounting.activities';
import {
  createCustomerCareActivities,
  CUSTOMER_CARE_TABLE,
  type CustomerCareActivities,
  type CustomerCareStore,
} from './teams/customer-care.activities';
import {
  createInventoryActivities,
  INVENTORY_TABLE,
  type InventoryActivities,
  type InventoryStore,
} from './teams/inventory.activities';
import {
  createManufacturingActivities,
  MANUFACTURING_TABLE,
  type ManufacturingActivities,
  type ManufacturingStore,
} from './teams/manufacturing.activities';
import { createSalesActivities, SALES_TABLE, type SalesActivities, type SalesStore } from './teams/sales.activities';

export type {
  AccountingActivities,
  CustomerCareActivities,
  InventoryActivities,
  ManufacturingActivities,
  SalesActivities,
};

export const USER_SUPPORT = 'user-support';

// Every process that serves a task queue: the teams' activities and User Support's workflows.
export type WorkerTeam = Team | typeof USER_SUPPORT;
export const WORKER_TEAMS: readonly WorkerTeam[] = [...TEAMS, USER_SUPPORT];

export function isWorkerTeam(value: string): value is WorkerTeam {
  return (WORKER_TEAMS as readonly string[]).includes(value);
}

// One task queue per team: each team runs its own Worker, as each would run its own service.
export function taskQueueOf(scope: string, team: WorkerTeam): string {
  return `${scope}.${team}`;
}

// Handed to the workflow in its input: workflow code runs in a sandbox and cannot read configuration.
export type TeamTaskQueues = Readonly<Record<Team, string>>;

export function teamTaskQueues(scope: string): TeamTaskQueues {
  return perTeam((team) => taskQueueOf(scope, team));
}

export interface TeamStores {
  readonly sales: SalesStore;
  readonly inventory: InventoryStore;
  readonly manufacturing: ManufacturingStore;
  readonly accounting: AccountingStore;
  readonly 'customer-care': CustomerCareStore;
}

export interface TeamActivities {
  readonly sales: SalesActivities;
  readonly inventory: InventoryActivities;
  readonly manufacturing: ManufacturingActivities;
  readonly accounting: AccountingActivities;
  readonly 'customer-care': CustomerCareActivities;
}

// What reaches one team's table in whichever store the scope keeps it.
interface TeamEndpoint<T extends Team> {
  readonly openStore: (stores: ScopeTeamStores, team: T) => Promise<TeamStores[T]>;
  readonly readRecords: (stores: ScopeTeamStores, team: T) => Promise<StoredRecord<RecordOfTeam<T>>[]>;
  readonly follow: (stores: ScopeTeamStores, team: T) => TableFollower;
  readonly nameIn: (stores: ScopeTeamStores, team: T) => string;
  readonly parseRecord: (json: string) => RecordOfTeam<T>;
  readonly createActivities: (dependencies: TeamDependencies<TeamStores[T]>) => TeamActivities[T];
}

function endpointOf<R extends TeamRecord, C extends string, A>(
  table: TeamTable<R, C>,
  createActivities: (dependencies: TeamDependencies<TeamStore<R, C>>) => A,
) {
  return {
    openStore: (stores: ScopeTeamStores, team: Team) => stores.open(team, table),
    readRecords: (stores: ScopeTeamStores, team: Team) => stores.read(team, table),
    follow: (stores: ScopeTeamStores, team: Team) => stores.follow(team, table),
    nameIn: (stores: ScopeTeamStores, team: Team) => stores.nameOf(team, table),
    parseRecord: (json: string) => parseStoredRecord(table, json),
    createActivities,
  };
}

const TEAM_ENDPOINTS: { readonly [T in Team]: TeamEndpoint<T> } = {
  sales: endpointOf(SALES_TABLE, createSalesActivities),
  inventory: endpointOf(INVENTORY_TABLE, createInventoryActivities),
  manufacturing: endpointOf(MANUFACTURING_TABLE, createManufacturingActivities),
  accounting: endpointOf(ACCOUNTING_TABLE, createAccountingActivities),
  'customer-care': endpointOf(CUSTOMER_CARE_TABLE, createCustomerCareActivities),
};

export function createTeamActivities<T extends Team>(
  team: T,
  dependencies: TeamDependencies<TeamStores[T]>,
): TeamActivities[T] {
  return TEAM_ENDPOINTS[team].createActivities(dependencies);
}

// The store TEAM_STORE names for the scope: SQLite files in DATA_DIR, or a schema of TEAM_DATABASE_URL.
export function scopeTeamStores(config: TeamStoreConfig): ScopeTeamStores {
  return config.teamStore === 'postgres' ? postgresScopeStores(config) : sqliteScopeStores(config);
}

export function openTeamStore<T extends Team>(config: TeamStoreConfig, team: T): Promise<TeamStores[T]> {
  return TEAM_ENDPOINTS[team].openStore(scopeTeamStores(config), team);
}

// A team's records as they are stored now, whichever process (if any) runs the team.
export function readTeamRecords<T extends Team>(
  config: TeamStoreConfig,
  team: T,
): Promise<StoredRecord<RecordOfTeam<T>>[]> {
  return TEAM_ENDPOINTS[team].readRecords(scopeTeamStores(config), team);
}

// The team's table, for a reader that follows it row by row.
export function followTeamTable<T extends Team>(config: TeamStoreConfig, team: T): TableFollower {
  return TEAM_ENDPOINTS[team].follow(scopeTeamStores(config), team);
}

// Where the scope keeps the teams' records, and each team's file or table there, for a message.
export function teamStoreNames(config: TeamStoreConfig, teams: readonly Team[]): { location: string; names: string[] } {
  const stores = scopeTeamStores(config);
  const nameOf = <T extends Team>(team: T) => TEAM_ENDPOINTS[team].nameIn(stores, team);
  return { location: stores.location, names: teams.map(nameOf) };
}

// One record of the team's table, as that reader finds it stored.
export function parseTeamRecord<T extends Team>(team: T, json: string): RecordOfTeam<T> {
  return TEAM_ENDPOINTS[team].parseRecord(json);
}
