// The topics of a scope. Every name starts with the scope, so demos and test runs never share state.
import type { Config } from '../config';
import { type Team, TEAMS, perTeam } from '../domain';
import type { PartitionMismatch, TopicSpec } from './event-log';
import { TEAM_DECIDERS, teamEventsTopic, teamInputTopic } from './teams';

export interface Topics {
  // User Support's one topic: every RefundRequested, whoever ends up caring about it.
  readonly requests: string;
  // Each team's own stream of what it decided (teams.ts).
  readonly teamEvents: Readonly<Record<Team, string>>;
  // Each team's input, re-keyed by the team's own key (repartition.ts).
  readonly teamInputs: Readonly<Record<Team, string>>;
  readonly deadLetter: string;
}

export function topicsOf(scope: string): Topics {
  return {
    requests: `${scope}.refund-requests`,
    teamEvents: perTeam((team) => teamEventsTopic(scope, team)),
    teamInputs: perTeam((team) => teamInputTopic(scope, team)),
    deadLetter: `${scope}.dead-letter`,
  };
}

export function teamEventTopics(topics: Topics): string[] {
  return TEAMS.map((team) => topics.teamEvents[team]);
}

// The topics the team reads, through its re-keying into its input topic: the requests, if it answers them, and the
// topics of the teams it reads.
export function topicsReadBy(topics: Topics, team: Team): string[] {
  const { readsRequests, reads } = TEAM_DECIDERS[team];
  return [...(readsRequests ? [topics.requests] : []), ...reads.map((read) => topics.teamEvents[read])];
}

export function topicSpecs(config: Pick<Config, 'scope' | 'kafkaPartitions'>): TopicSpec[] {
  const topics = topicsOf(config.scope);
  const partitions = config.kafkaPartitions;
  return [
    { topic: topics.requests, partitions, keepForever: true },
    ...teamEventTopics(topics).map((topic) => ({ topic, partitions, keepForever: true })),
    // Kept as long as the team topics: a team rebuilds a partition it gains by reading its input again.
    ...TEAMS.map((team) => ({ topic: topics.teamInputs[team], partitions, keepForever: true })),
    // Dead letters are an operator's inbox, not a record of the business: the broker's default retention.
    { topic: topics.deadLetter, partitions, keepForever: false },
  ];
}

// A scope's topics keep the partition count they were created with, whatever KAFKA_PARTITIONS says now.
export function partitionMismatchNotice(mismatches: readonly PartitionMismatch[]): string | null {
  if (mismatches.length === 0) return null;
  const listed = mismatches.map(({ topic, partitions }) => `${topic} (${partitions})`).join(', ');
  return (
    `KAFKA_PARTITIONS=${mismatches[0].asked} is ignored for topics this scope already has: ${listed}. ` +
    'Use a new RETURNS_SCOPE, or `npm run reset` to clear this one, to get the new count.'
  );
}
