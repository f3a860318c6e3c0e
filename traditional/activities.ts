// The four teams' activities, one factory per team over that team's own store (see teams/). Workflows import
// only the types from here; each team's worker registers its own team's activities on its own task queue.
import type { Config } from '../config';
import type { AssetDisposal, DisassemblyOrder, OrderRefund, ReplacementShipment, Team } from '../domain';
import { type StoredRecord, type TeamDependencies, TeamStore, type TeamStoreOptions, type TeamTable, teamDatabaseFile } from './team-store';
import { ACCOUNTING_TABLE, type AccountingActivities, type AccountingStore, createAccountingActivities } from './teams/accounting.activities';
import { createInventoryActivities, INVENTORY_TABLE, type InventoryActivities, type InventoryStore } from './teams/inventory.activities';
import {
  createManufacturingActivities,
  MANUFACTURING_TABLE,
  type ManufacturingActivities,
  type ManufacturingStore,
} from './teams/manufacturing.activities';
import { createSalesActivities, SALES_TABLE, type SalesActivities, type SalesStore } from './teams/sales.activities';

export type { AccountingActivities, InventoryActivities, ManufacturingActivities, SalesActivities };

export interface TeamActivities {
  readonly sales: SalesActivities;
  readonly inventory: InventoryActivities;
  readonly manufacturing: ManufacturingActivities;
  readonly accounting: AccountingActivities;
}

export interface TeamStores {
  readonly sales: SalesStore;
  readonly inventory: InventoryStore;
  readonly manufacturing: ManufacturingStore;
  readonly accounting: AccountingStore;
}

export interface TeamRecordOf {
  readonly sales: OrderRefund;
  readonly inventory: ReplacementShipment;
  readonly manufacturing: DisassemblyOrder;
  readonly accounting: AssetDisposal;
}

const OPEN_STORE: { readonly [T in Team]: (file: string, options: TeamStoreOptions) => TeamStores[T] } = {
  sales: (file, options) => TeamStore.open(file, SALES_TABLE, options),
  inventory: (file, options) => TeamStore.open(file, INVENTORY_TABLE, options),
  manufacturing: (file, options) => TeamStore.open(file, MANUFACTURING_TABLE, options),
  accounting: (file, options) => TeamStore.open(file, ACCOUNTING_TABLE, options),
};

const TEAM_TABLES: { readonly [T in Team]: TeamTable<TeamRecordOf[T], string> } = {
  sales: SALES_TABLE,
  inventory: INVENTORY_TABLE,
  manufacturing: MANUFACTURING_TABLE,
  accounting: ACCOUNTING_TABLE,
};

const FACTORIES: { readonly [T in Team]: (dependencies: TeamDependencies<TeamStores[T]>) => TeamActivities[T] } = {
  sales: createSalesActivities,
  inventory: createInventoryActivities,
  manufacturing: createManufacturingActivities,
  accounting: createAccountingActivities,
};

export function createTeamActivities<T extends Team>(team: T, dependencies: TeamDependencies<TeamStores[T]>): TeamActivities[T] {
  return FACTORIES[team](dependencies);
}

export function openTeamStore<T extends Team>(
  config: Pick<Config, 'dataDir' | 'scope'>,
  team: T,
  options: TeamStoreOptions = {},
): TeamStores[T] {
  return OPEN_STORE[team](teamDatabaseFile(config, team), options);
}

// A team's records as they are on disk now, whichever process (if any) runs the team.
export function readTeamRecords<T extends Team>(config: Pick<Config, 'dataDir' | 'scope'>, team: T): StoredRecord<TeamRecordOf[T]>[] {
  return TeamStore.read(teamDatabaseFile(config, team), TEAM_TABLES[team]);
}

// Test only: the second and later records a store opened with unsafeDisableIdempotency wrote (see TeamStoreOptions).
export function readUnsafeDuplicateRecords<T extends Team>(
  config: Pick<Config, 'dataDir' | 'scope'>,
  team: T,
): StoredRecord<TeamRecordOf[T]>[] {
  return TeamStore.readUnsafeDuplicates(teamDatabaseFile(config, team), TEAM_TABLES[team].name);
}
