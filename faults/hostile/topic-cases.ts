// Raw records written straight onto the request topic and onto each team topic, past every API: each must be
// dead-lettered, with one reason, by every reader of that topic. Each record is keyed like a valid return sent
// after it, so it shares that return's partition and comes before it.
import { type Team, TEAMS } from '../../domain';
import { requestEnvelope } from '../../event-sourced/envelope';
import type { OutgoingRecord } from '../../event-sourced/event-log';
import { CONTENT_CASES, hostileBase } from './request-cases';
import { AT, LEGIT_EVENT } from './team-events';

export interface RawCase {
  readonly id: string;
  readonly what: string;
  // key: the valid return's; hostileId: an id of the case's own, for a record whose key must not match it.
  readonly record: (key: string, hostileId: string) => OutgoingRecord;
}

// Whatever the broker takes, a producer must refuse this at once: over Kafka's default 1 MB message size.
const OVERSIZED_BYTES = 1_100_000;
export const OVERSIZED = {
  id: 'oversized',
  what: `a ${OVERSIZED_BYTES}-byte record, over the broker's 1 MB limit`,
  bytes: OVERSIZED_BYTES,
  boundMs: 30_000,
} as const;

const json = (value: unknown) => JSON.stringify(value);

export function requestTopicCases(): RawCase[] {
  const envelopeFor = (returnId: string) => requestEnvelope({ ...hostileBase('RT', 'envelope'), returnId }, AT);
  return [
    {
      id: 'invalid-json',
      what: 'invalid JSON',
      record: (key, id) => ({ key, value: `{"eventId": "user-support:RefundRequested:${id}", "type": ` }),
    },
    {
      id: 'binary-garbage',
      what: 'bytes that are not UTF-8 text',
      record: (key, id) => ({ key, value: Buffer.concat([Buffer.from([0xff, 0xfe, 0x00, 0xc3]), Buffer.from(id)]) }),
    },
    { id: 'empty-value', what: 'a record with no value (a tombstone)', record: (key) => ({ key, value: null }) },
    { id: 'no-key', what: 'a message with no key', record: (_, id) => ({ key: null, value: json(envelopeFor(id)) }) },
    {
      id: 'key-mismatch',
      what: 'a key that is not the returnId',
      record: (key, id) => ({ key, value: json(envelopeFor(id)) }),
    },
    {
      id: 'unknown-type',
      what: 'an unknown event type',
      record: (key) => ({ key, value: json({ ...envelopeFor(key), type: 'RefundDemanded' }) }),
    },
    {
      id: 'unknown-version',
      what: 'an unknown version of a known type',
      record: (key) => ({ key, value: json({ ...envelopeFor(key), version: 99 }) }),
    },
    {
      id: 'wrong-producer',
      what: 'a request claiming to come from Sales',
      record: (key) => ({ key, value: json({ ...envelopeFor(key), producer: 'sales' }) }),
    },
    {
      id: 'wrong-topic',
      what: "a team's event on the request topic",
      record: (key) => ({
        key,
        value: json(LEGIT_EVENT.sales({ ...hostileBase('RT', 'wrong-topic'), returnId: key })),
      }),
    },
    {
      id: 'envelope-extra-field',
      what: 'an envelope with an unknown field',
      record: (key) => ({ key, value: json({ ...envelopeFor(key), priority: 'urgent' }) }),
    },
    ...CONTENT_CASES.map((hostileCase) => ({
      id: hostileCase.id,
      what: `a valid envelope carrying ${hostileCase.what}`,
      record: (key: string) => ({
        key,
        value: json({
          ...envelopeFor(key),
          data: hostileCase.value({ ...hostileBase('RT', hostileCase.id), returnId: key }),
        }),
      }),
    })),
  ];
}

export function teamTopicCases(team: Team): RawCase[] {
  const legitFor = (returnId: string) => LEGIT_EVENT[team]({ ...hostileBase('TT', team), returnId });
  const other = TEAMS[(TEAMS.indexOf(team) + 1) % TEAMS.length];
  return [
    { id: 'invalid-json', what: 'invalid JSON', record: (key) => ({ key, value: `{"eventId": "${team}:` }) },
    {
      id: 'binary-garbage',
      what: 'bytes that are not UTF-8 text',
      record: (key) => ({ key, value: Buffer.from([0xff, 0xfe, 0x00, 0xc3, 0x28]) }),
    },
    { id: 'empty-value', what: 'a record with no value (a tombstone)', record: (key) => ({ key, value: null }) },
    { id: 'no-key', what: 'a message with no key', record: (_, id) => ({ key: null, value: json(legitFor(id)) }) },
    {
      id: 'key-mismatch',
      what: 'a key that is not the returnId',
      record: (key, id) => ({ key, value: json(legitFor(id)) }),
    },
    {
      id: 'unknown-type',
      what: 'an unknown event type',
      record: (key) => ({ key, value: json({ ...legitFor(key), type: 'RefundTeleported' }) }),
    },
    {
      id: 'unknown-version',
      what: 'an unknown version of a known type',
      record: (key) => ({ key, value: json({ ...legitFor(key), version: 99 }) }),
    },
    {
      id: 'wrong-producer',
      what: 'an event claiming another team made it',
      record: (key) => ({ key, value: json({ ...legitFor(key), producer: other }) }),
    },
    {
      id: 'no-cause',
      what: 'a team event naming no request as its cause',
      record: (key) => ({ key, value: json({ ...legitFor(key), causationId: null }) }),
    },
    {
      id: 'wrong-topic',
      what: "another team's event on this team's topic",
      record: (key) => ({ key, value: json(LEGIT_EVENT[other]({ ...hostileBase('TT', other), returnId: key })) }),
    },
    {
      id: 'invalid-data',
      what: 'a valid envelope carrying invalid data (an unknown field)',
      record: (key) => ({ key, value: json({ ...legitFor(key), data: { ...legitFor(key).data, forged: true } }) }),
    },
    {
      id: 'not-a-timestamp',
      what: 'an occurredAt that is not an ISO-8601 timestamp',
      record: (key) => ({ key, value: json({ ...legitFor(key), occurredAt: '31/12/9999 23:59' }) }),
    },
  ];
}
