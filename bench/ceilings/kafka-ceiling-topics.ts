// Topic and group names of the Kafka ceiling: the model's layout (one request topic, a topic per team) under a
// prefix of their own, so the ceiling never shares a topic with the model in the same scope.
import type { Team } from '../../domain';

export interface KafkaCeilingTopics {
  readonly requests: string;
  readonly teamEvents: Readonly<Record<Team, string>>;
  groupOf(team: Team): string;
}

export function kafkaCeilingTopics(scope: string): KafkaCeilingTopics {
  return {
    requests: `${scope}.ceiling.requests`,
    teamEvents: {
      sales: `${scope}.ceiling.sales.events`,
      inventory: `${scope}.ceiling.inventory.events`,
      manufacturing: `${scope}.ceiling.manufacturing.events`,
      accounting: `${scope}.ceiling.accounting.events`,
    },
    groupOf: (team) => `${scope}.ceiling.${team}`,
  };
}
