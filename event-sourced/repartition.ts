// Co-partitioning, as Kafka Streams does it: each team's input is re-keyed by the key its decisions share state
// under, into the team's own input topic, so that every record of one key is in one partition, and the one instance
// of the team that holds that partition decides for the key. Sales refunds an order once, so its input is keyed by
// the order; Inventory counts a model's units, so its input is keyed by the model; the other teams decide each
// return on its own, by returnId. A team's state is partitioned the same way: the state of input partition p is its
// own events of the keys in p, and what it read from input partition p.
// The request names all three keys; an event names the ones its data holds. So that Inventory can route Sales'
// verdict to the model's partition, every team event carries its return's keys in a record header, copied from the
// record that caused it.
import type { RefundRequest, Team } from '../domain';
import type { AnyEnvelope, TeamEventEnvelope } from './envelope';
import { type LogRecord, type OutgoingRecord, partitionOfKey } from './event-log';
import { TEAM_KEYS } from './teams';

// What one return is known by, to each team that partitions by one of them.
export interface ReturnKeys {
  readonly returnId: string;
  readonly orderId?: string;
  readonly modelId?: string;
}
export type ReturnKey = keyof ReturnKeys;

const RETURN_KEYS_HEADER = 'return-keys';
// Where an input record was read before it was re-keyed: the team decides on it, and reports it, as that record.
const SOURCE_TOPIC_HEADER = 'source-topic';
const SOURCE_PARTITION_HEADER = 'source-partition';
const SOURCE_OFFSET_HEADER = 'source-offset';

export function keysOfRequest(request: RefundRequest): ReturnKeys {
  return { returnId: request.returnId, orderId: request.order.orderId, modelId: request.model.modelId };
}

// The keys a record's return is known by: the request's own, or the header its event carries, with what the
// event's data names. An event written before events carried the header names only what its data holds.
export function keysOfRecord(envelope: AnyEnvelope, record: Pick<LogRecord, 'headers'>): ReturnKeys {
  if (envelope.type === 'RefundRequested') return keysOfRequest(envelope.data);
  const carried = parseKeys(record.headers[RETURN_KEYS_HEADER]);
  const data = envelope.data as { readonly orderId?: unknown; readonly modelId?: unknown };
  return {
    ...carried,
    returnId: envelope.returnId,
    ...(typeof data.orderId === 'string' ? { orderId: data.orderId } : {}),
    ...(typeof data.modelId === 'string' ? { modelId: data.modelId } : {}),
  };
}

function parseKeys(text: string | undefined): Partial<ReturnKeys> {
  if (text === undefined) return {};
  try {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    const keys: Record<string, string> = {};
    for (const name of ['orderId', 'modelId'] as const) {
      if (typeof parsed[name] === 'string') keys[name] = parsed[name];
    }
    return keys;
  } catch {
    // A header nobody here wrote: the data's keys still route the record.
    return {};
  }
}

// The headers of a team event: its return's keys, as the record it came from knew them.
export function keysHeaders(keys: ReturnKeys): Record<string, string> {
  return { [RETURN_KEYS_HEADER]: JSON.stringify(keys) };
}

// The partition of a team's input (and of its state) that a return belongs to; null when the record does not name
// the team's key (a verdict written before verdicts carried their return's keys, for Inventory).
export function partitionForTeam(team: Team, keys: ReturnKeys, partitions: number): number | null {
  const key = keys[TEAM_KEYS[team]];
  return key === undefined ? null : partitionOfKey(key, partitions);
}

// Whether a second request under a returnId could name another key than the first: then the re-keying routes it by
// the first one's (the admitted key), so that the partition that answered the first tells a request delivered again
// from a conflicting duplicate, as a team keyed by returnId does by itself.
export function routesRequestsByFirstKey(team: Team): boolean {
  return TEAM_KEYS[team] !== 'returnId';
}

// The team's key of a return, as a request or one of the team's own events names it.
export function teamKeyOf(team: Team, envelope: AnyEnvelope): string | undefined {
  return keysOfRecord(envelope, { headers: {} })[TEAM_KEYS[team]];
}

// The partition of the team's state that one of its own events belongs to: its data always names the team's key.
export function partitionOfOwnEvent(team: Team, envelope: TeamEventEnvelope, partitions: number): number {
  const key = teamKeyOf(team, envelope);
  if (key === undefined) throw new Error(`${envelope.type} of ${envelope.returnId} does not name ${TEAM_KEYS[team]}`);
  return partitionOfKey(key, partitions);
}

// A record of the topics a team reads, re-keyed into its input topic: to its key's partition, or to every partition
// when it does not name the key (each partition then takes it as a verdict that came before its request, and only
// the one that gets the request acts on it). Key and value are kept as they were, so the team reads the same record.
// A request is routed by `admittedKey` when given: the team's key of the first request under its returnId.
export function reKeyed(
  team: Team,
  record: LogRecord,
  envelope: AnyEnvelope,
  partitions: number,
  admittedKey?: string,
): readonly OutgoingRecord[] {
  const keys = keysOfRecord(envelope, record);
  const headers = {
    ...record.headers,
    ...keysHeaders(keys),
    [SOURCE_TOPIC_HEADER]: record.topic,
    [SOURCE_PARTITION_HEADER]: String(record.partition),
    [SOURCE_OFFSET_HEADER]: record.offset,
  };
  const partition =
    admittedKey === undefined ? partitionForTeam(team, keys, partitions) : partitionOfKey(admittedKey, partitions);
  const targets = partition === null ? Array.from({ length: partitions }, (_, each) => each) : [partition];
  return targets.map((target) => ({ key: record.key, value: record.value, headers, partition: target }));
}

// The record a team's input record was re-keyed from, as it was on the topic it was read from; null for a record
// that names no source, which the team's re-keying did not write.
export function sourceRecordOf(input: LogRecord): LogRecord | null {
  const topic = input.headers[SOURCE_TOPIC_HEADER];
  const partition = Number(input.headers[SOURCE_PARTITION_HEADER]);
  const offset = input.headers[SOURCE_OFFSET_HEADER];
  if (topic === undefined || !Number.isInteger(partition) || offset === undefined || !/^\d+$/.test(offset)) return null;
  return { ...input, topic, partition, offset };
}
