// How each team is reached in the event-sourced model: the decider its runner runs, the topic it writes its events
// to, and the consumer group in which it reads every request. Topic and group are named after the team, so a new
// team needs its decider here and nothing else in this model.
import type { Team } from '../domain';
import { accountingDecider } from './deciders/accounting.decider';
import type { TeamDecider } from './deciders/decider';
import { inventoryDecider } from './deciders/inventory.decider';
import { manufacturingDecider } from './deciders/manufacturing.decider';
import { salesDecider } from './deciders/sales.decider';

export const TEAM_DECIDERS: { readonly [T in Team]: TeamDecider<T, unknown> } = {
  sales: salesDecider,
  inventory: inventoryDecider,
  manufacturing: manufacturingDecider,
  accounting: accountingDecider,
};

// The team's own stream of what it decided: its state, its audit trail, and what everyone else may read.
export function teamEventsTopic(scope: string, team: Team): string {
  return `${scope}.${team}.events`;
}

// One group per team on the request topic: each team gets every request, whatever the others do.
export function teamGroupId(scope: string, team: Team): string {
  return `${scope}.${team}`;
}
