// Topic and group names of the Kafka ceiling: the model's layout (one request topic, a topic per team) under a
// prefix of their own, so the ceiling never shares a topic with the model in the same scope.
import { perTeam, type Team } from '../../domain';

export interface KafkaCeilingTopics {
  readonly requests: string;
  readonly teamEvents: Readonly<Record<Team, string>>;
  groupOf(team: Team): string;
}

export function kafkaCeilingTopics(scope: string): KafkaCeilingTopics {
  return {
    requests: `${scope}.ceiling.requests`,
    teamEvents: perTeam((team) => `${scope}.ceiling.${team}.events`),
    groupOf: (team) => `${scope}.ceiling.${team}`,
  };
}
