// The teams' decisions, one module per team. Each is a pure function from the request, and the slice of the team's
// own state it needs, to the team's record. Both models call exactly these functions; only how they are reached
// differs.
// Every list and map of teams derives from TEAM_MODULES: a new team is a module of its own and one entry here.
import { ACCOUNTING_TEAM } from './accounting';
import { CUSTOMER_CARE_TEAM } from './customer-care';
import { INVENTORY_TEAM } from './inventory';
import { MANUFACTURING_TEAM } from './manufacturing';
import { SALES_TEAM } from './sales';
import type { RefundRequest } from '../refund-request';
import type { TeamModule } from './team-module';

export * from './accounting';
export * from './customer-care';
export * from './inventory';
export * from './manufacturing';
export * from './sales';
export type { TeamModule } from './team-module';

// In the order a return needs them: Sales' verdict gates the three after it, and Customer Care needs them all.
export const TEAM_MODULES = [
  SALES_TEAM,
  INVENTORY_TEAM,
  MANUFACTURING_TEAM,
  ACCOUNTING_TEAM,
  CUSTOMER_CARE_TEAM,
] as const;

type TeamNames<Modules extends readonly TeamModule[]> = { readonly [I in keyof Modules]: Modules[I]['team'] };
export const TEAMS = Object.freeze(TEAM_MODULES.map((module) => module.team)) as TeamNames<typeof TEAM_MODULES>;
export type Team = (typeof TEAMS)[number];

type ModuleOf<T extends Team> = Extract<(typeof TEAM_MODULES)[number], { readonly team: T }>;
export type RecordOfTeam<T extends Team> = ReturnType<ModuleOf<T>['decideOnItsOwn']>;
export type EventOfTeam<T extends Team> = ReturnType<ModuleOf<T>['eventOf']>;

// The records that stand for a return nothing earlier interferes with (no earlier refund of its order, no unit of
// its model taken yet), by outcome field, each team's decided from the records of the teams before it.
export function recordsOnItsOwn(request: RefundRequest): Readonly<Record<string, { readonly returnId: string }>> {
  const records: Record<string, { readonly returnId: string }> = {};
  for (const module of TEAM_MODULES as readonly TeamModule[]) {
    records[module.outcomeField] = module.decideOnItsOwn(request, records as never);
  }
  return records;
}

// The team's standing event for a return on its own, as if nothing had been recorded before it.
export function eventOnItsOwn<T extends Team>(team: T, request: RefundRequest): EventOfTeam<T> {
  const module = moduleOfTeam(team);
  return module.eventOf(recordsOnItsOwn(request)[module.outcomeField] as never) as EventOfTeam<T>;
}

export function moduleOfTeam(team: Team): TeamModule {
  return TEAM_MODULES.find((candidate) => candidate.team === team) as TeamModule;
}

// One value per team, in the order of TEAMS: how every map of teams is built, so none is written out by hand.
export function perTeam<V>(valueOf: (team: Team) => V): Record<Team, V> {
  return Object.fromEntries(TEAMS.map((team) => [team, valueOf(team)])) as Record<Team, V>;
}

type RecordIds = { [M in (typeof TEAM_MODULES)[number] as keyof M['recordIds']]: (returnId: string) => string };
// Record ids derive from the returnId alone, so both models produce the same ids for the same return.
export const recordIds = Object.fromEntries(
  TEAM_MODULES.flatMap((module) => Object.entries(module.recordIds)),
) as RecordIds;
