// How every reader sees the team topics: each record through the one gate (envelope.ts), as an event of the team
// whose topic it is on, and each event once. The same eventId stored twice (an append retried after a lost
// acknowledgement stores a batch again) is one fact: the first copy counts, every later one is skipped.
import type { Team } from '../domain';
import { type Decoded, decodeTeamEvent, type Poison, type TeamEventEnvelope } from './envelope';
import type { EventLog, LogRecord, PartitionsToRead, Subscription } from './event-log';
import { teamEventsTopic } from './teams';

export type PoisonHandler = (record: LogRecord, poison: Poison) => Promise<void>;

export interface TeamEventHandlers<T extends Team> {
  // Once per eventId, in each partition's order, with the record of its first copy.
  readonly onEvent: (envelope: TeamEventEnvelope<T>, record: LogRecord) => void | Promise<void>;
  readonly onPoison: PoisonHandler;
}

// True the first time an eventId comes, false for each later copy. One per fold: every fold starts at offset 0.
export function firstOfEachEventId(): (envelope: { readonly eventId: string }) => boolean {
  const seen = new Set<string>();
  return ({ eventId }) => {
    if (seen.has(eventId)) return false;
    seen.add(eventId);
    return true;
  };
}

// Decodes a record of one of the teams' topics as that team's event; null for a record of any other topic.
export function teamTopicDecoder<T extends Team>(
  scope: string,
  teams: readonly T[],
): (record: LogRecord) => Decoded<TeamEventEnvelope<T>> | null {
  const teamOfTopic = new Map<string, T>(teams.map((team) => [teamEventsTopic(scope, team), team]));
  return (record) => {
    const team = teamOfTopic.get(record.topic);
    return team === undefined ? null : decodeTeamEvent(record, team);
  };
}

// The teams' events, each once, from the start of their topics (or the offsets in `only`) to their end now.
// Resolves with how many were handed to onEvent.
export async function readTeamEventsOnce<T extends Team>(
  log: EventLog,
  scope: string,
  teams: readonly T[],
  handlers: TeamEventHandlers<T>,
  only?: PartitionsToRead,
): Promise<number> {
  const handle = handlerOnce(scope, teams, handlers);
  let events = 0;
  await log.readToEnd(
    teamTopics(scope, teams),
    async (record) => {
      if (await handle(record)) events++;
    },
    only,
  );
  return events;
}

// The teams' events, each once, from the start of their topics, then each new one as it is written.
export function tailTeamEventsOnce<T extends Team>(
  log: EventLog,
  scope: string,
  teams: readonly T[],
  handlers: TeamEventHandlers<T> & { readonly onFailure: (error: Error) => void },
): Promise<Subscription> {
  const handle = handlerOnce(scope, teams, handlers);
  return log.tail(
    teamTopics(scope, teams),
    async (record) => {
      await handle(record);
    },
    handlers.onFailure,
  );
}

function teamTopics(scope: string, teams: readonly Team[]): string[] {
  return teams.map((team) => teamEventsTopic(scope, team));
}

// Resolves true when the record was an event seen for the first time, and handed on.
function handlerOnce<T extends Team>(
  scope: string,
  teams: readonly T[],
  { onEvent, onPoison }: TeamEventHandlers<T>,
): (record: LogRecord) => Promise<boolean> {
  const decode = teamTopicDecoder(scope, teams);
  const isFirst = firstOfEachEventId();
  return async (record) => {
    const decoded = decode(record);
    if (decoded === null) throw new Error(`${record.topic} is not the topic of ${teams.join(', ')} in scope ${scope}`);
    if (!decoded.ok) {
      await onPoison(record, decoded);
      return false;
    }
    if (!isFirst(decoded.envelope)) return false;
    await onEvent(decoded.envelope, record);
    return true;
  };
}
