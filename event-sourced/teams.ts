// How each team is reached in the event-sourced model: the decider its runner runs, the topics it reads, the topic
// it writes its events to, and the consumer group in which it reads them. Topic and group are named after the team,
// so a new team needs its decider here, and its line in TEAM_INPUTS, and nothing else in this model.
import type { Team } from '../domain';
import type { ReturnKey } from './repartition';
import { createAccountingDecider } from './deciders/accounting.decider';
import { createCustomerCareDecider } from './deciders/customer-care.decider';
import type { TeamDecider } from './deciders/decider';
import { createInventoryDecider } from './deciders/inventory.decider';
import { createManufacturingDecider } from './deciders/manufacturing.decider';
import { createSalesDecider } from './deciders/sales.decider';

// What each team reads besides the requests: the visible coupling of the choreography. Sales reads no other team;
// the verdict on its topic gates Inventory, Manufacturing and Accounting; Customer Care reads all four (and no
// requests), since it may tell the customer only what every other team's record says. Kept on one line: tools read
// the list as written.
// prettier-ignore
export const TEAM_INPUTS = { sales: [], inventory: ['sales'], manufacturing: ['sales'], accounting: ['sales'], 'customer-care': ['sales', 'inventory', 'manufacturing', 'accounting'] } as const;

export const TEAM_DECIDERS: { readonly [T in Team]: TeamDecider<T, unknown> } = {
  sales: createSalesDecider(TEAM_INPUTS.sales),
  inventory: createInventoryDecider(TEAM_INPUTS.inventory),
  manufacturing: createManufacturingDecider(TEAM_INPUTS.manufacturing),
  accounting: createAccountingDecider(TEAM_INPUTS.accounting),
  'customer-care': createCustomerCareDecider(TEAM_INPUTS['customer-care']),
};

// The team's own stream of what it decided: its state, its audit trail, and what everyone else may read.
export function teamEventsTopic(scope: string, team: Team): string {
  return `${scope}.${team}.events`;
}

// One group per team, over every topic it reads: each team gets every request and every event it reads, whatever
// the others do.
export function teamGroupId(scope: string, team: Team): string {
  return `${scope}.${team}`;
}

// The key each team's decisions share state under (repartition.ts): its input and its state are partitioned by it,
// so the one instance that holds a key's partition makes every decision for that key. Sales refunds an order once;
// Inventory counts the units of a model; the other teams decide each return on its own.
export const TEAM_KEYS: { readonly [T in Team]: ReturnKey } = {
  sales: 'orderId',
  inventory: 'modelId',
  manufacturing: 'returnId',
  accounting: 'returnId',
  'customer-care': 'returnId',
};

// The team's input, re-keyed by TEAM_KEYS from every topic it reads: what its group decides on, partition by
// partition, and what it reads again to rebuild a partition it gains.
export function teamInputTopic(scope: string, team: Team): string {
  return `${scope}.${team}.input`;
}

// The group that re-keys what the team reads into its input topic: every instance of the team is a member.
export function reKeyingGroupId(scope: string, team: Team): string {
  return `${scope}.${team}.rekey`;
}
