// The envelope every event travels in, and the one gate every record passes when it is read from any topic:
// JSON, envelope schema, known type and version (upcast to the current one), data schema, key = returnId.
// A record that fails is poison: the reader sends it to the dead-letter topic with the reason, and moves on.
import { z } from 'zod';
import {
  type AssetDisposal,
  type CustomerNotification,
  type EventOfTeam,
  CURRENCIES,
  DIAGNOSES,
  DISASSEMBLY_EVENT_TYPES,
  DISASSEMBLY_STATUSES,
  DISPOSAL_EVENT_TYPES,
  DISPOSAL_STATUSES,
  REFUND_REJECTION_REASONS,
  REFUND_STATUSES,
  SHIPMENT_EVENT_TYPES,
  SHIPMENT_STATUSES,
  type DisassemblyOrder,
  type OrderRefund,
  type RefundRequest,
  type RefundRequestedV1,
  type ReplacementShipment,
  refundEvent,
  refundRequested,
  TEAM_OF_EVENT,
  type Team,
  requestContentId,
  TEAMS,
  validateRefundRequest,
} from '../domain';
import type { DeadLetter, LogRecord, OutgoingRecord } from './event-log';

export const USER_SUPPORT = 'user-support';
// Who writes events: User Support its requests, each team its own events. The envelope names the author in its
// producer field, the wire name; the type is not called Producer, which is kafkajs' client that sends records.
export const EVENT_AUTHORS = [USER_SUPPORT, ...TEAMS] as const;
export type EventAuthor = (typeof EVENT_AUTHORS)[number];

export interface EnvelopeMeta {
  // Deterministic, so the same fact recorded twice is recognisably one fact.
  readonly eventId: string;
  readonly returnId: string;
  readonly occurredAt: string;
  readonly producer: EventAuthor;
  // What caused a team's event: the RefundRequested it answers, or the other team's event it reacts to (Sales'
  // verdict, say). Null for the request itself.
  readonly causationId: string | null;
}

export interface TeamEnvelopeMeta extends EnvelopeMeta {
  // The content of the request a team's event comes from (requestContentId): two requests under one returnId share
  // their eventId, but not this. An event caused by another team's event copies that event's, so every event of a
  // return still names the request it goes back to. Null when that is unknown: an event of a type's first version
  // written before events named it, and an event caused by one.
  readonly causationContentId: string | null;
}

// A domain event with its envelope: { eventId, type, version, returnId, occurredAt, producer, causationId, data },
// and a team's event also with causationContentId after causationId.
export type Enveloped<E> = E extends unknown ? Readonly<EnvelopeMeta> & E : never;
type TeamEnveloped<E> = E extends unknown ? Readonly<TeamEnvelopeMeta> & E : never;

// Each team's events, as its domain module declares them.
export type TeamEventsOf = { readonly [T in Team]: EventOfTeam<T> };

export type RequestEnvelope = Enveloped<RefundRequestedV1>;
export type TeamEventEnvelope<T extends Team = Team> = TeamEnveloped<TeamEventsOf[T]>;
export type AnyEnvelope = RequestEnvelope | TeamEventEnvelope;
export type EventType = AnyEnvelope['type'];

export function eventIdOf(producer: EventAuthor, type: EventType, returnId: string): string {
  return `${producer}:${type}:${returnId}`;
}

export function requestEnvelope(request: RefundRequest, occurredAt: string): RequestEnvelope {
  const event = refundRequested(request);
  return {
    eventId: eventIdOf(USER_SUPPORT, event.type, request.returnId),
    type: event.type,
    version: event.version,
    returnId: request.returnId,
    occurredAt,
    producer: USER_SUPPORT,
    causationId: null,
    data: event.data,
  };
}

// cause: the request the event answers, or the other team's event it reacts to.
export function teamEventEnvelope<T extends Team>(
  team: T,
  event: TeamEventsOf[T],
  cause: RequestEnvelope | TeamEventEnvelope,
  occurredAt: string,
): TeamEventEnvelope<T> {
  const envelope = {
    eventId: eventIdOf(team, event.type, cause.returnId),
    type: event.type,
    version: event.version,
    returnId: cause.returnId,
    occurredAt,
    producer: team,
    causationId: cause.eventId,
    causationContentId: cause.type === 'RefundRequested' ? requestContentId(cause.data) : cause.causationContentId,
    data: event.data,
  };
  // Fields in reading order. TypeScript cannot match a literal to the envelope of a generic team, hence the cast.
  return envelope as unknown as TeamEventEnvelope<T>;
}

// Key = returnId: Kafka keeps the records of one key on one partition, in order, so one return's events are
// read in the order they were written, by every reader.
export function encodeEnvelope(envelope: AnyEnvelope): OutgoingRecord {
  return { key: envelope.returnId, value: JSON.stringify(envelope) };
}

// Schemas ---------------------------------------------------------------------------------------------------------

const identifier = z.string().min(1).max(64);
const recordId = z.string().min(1).max(128);
const contentId = z.string().regex(/^[0-9a-f]{16}$/, 'must be 16 lowercase hex digits');
const moneySchema = z.strictObject({ amountCents: z.number().int().min(0), currency: z.enum(CURRENCIES) });

export const envelopeSchema = z.strictObject({
  eventId: z.string().min(1).max(256),
  type: z.string().min(1).max(64),
  version: z.number().int().min(1),
  returnId: identifier,
  occurredAt: z.iso.datetime({ offset: true }),
  producer: z.enum(EVENT_AUTHORS),
  causationId: z.string().min(1).max(256).nullable(),
  causationContentId: contentId.nullable().optional(),
  data: z.unknown().refine((data) => data !== undefined, 'is missing'),
});

const orderRefundSchema: z.ZodType<OrderRefund> = z.strictObject({
  refundId: recordId,
  returnId: identifier,
  orderId: identifier,
  status: z.enum(REFUND_STATUSES),
  refundedAmount: moneySchema,
  rejectionReason: z.enum(REFUND_REJECTION_REASONS).nullable(),
  refundedByReturnId: identifier.nullable(),
});

const replacementShipmentSchema: z.ZodType<ReplacementShipment> = z.strictObject({
  shipmentId: recordId,
  returnId: identifier,
  modelId: identifier,
  shipTo: z.strictObject({
    recipient: z.string(),
    street: z.string(),
    city: z.string(),
    postalCode: z.string(),
    country: z.string(),
  }),
  status: z.enum(SHIPMENT_STATUSES),
});

const disassemblyOrderSchema: z.ZodType<DisassemblyOrder> = z.strictObject({
  disassemblyOrderId: recordId,
  returnId: identifier,
  serialNumber: identifier,
  siteId: identifier,
  diagnosis: z.enum(DIAGNOSES),
  status: z.enum(DISASSEMBLY_STATUSES),
});

const assetDisposalSchema: z.ZodType<AssetDisposal> = z.strictObject({
  disposalId: recordId,
  returnId: identifier,
  serialNumber: identifier,
  costCentre: z.string().min(1).max(80),
  amount: moneySchema,
  status: z.enum(DISPOSAL_STATUSES),
});

// A notification says what its verdict says: an amount and a replacement when accepted, a reason when refused.
const customerNotificationSchema: z.ZodType<CustomerNotification> = z
  .strictObject({
    notificationId: recordId,
    returnId: identifier,
    recipient: z.string(),
    verdict: z.enum(['accepted', 'refused']),
    refundedAmount: moneySchema.nullable(),
    replacement: z.enum(['shipped', 'backordered']).nullable(),
    refusalReason: z.enum(REFUND_REJECTION_REASONS).nullable(),
    message: z.string().min(1).max(1000),
  })
  .refine(
    ({ verdict, refundedAmount, replacement, refusalReason }) =>
      verdict === 'accepted'
        ? refundedAmount !== null && replacement !== null && refusalReason === null
        : refundedAmount === null && replacement === null && refusalReason !== null,
    'an accepted return names its refund and replacement, a refused one only its reason',
  );

type DataCheck = { ok: true; data: unknown } | { ok: false; problems: string[] };

// Each type's data schema. A team's record also has to be one its type may carry (an issued refund is a
// RefundIssued, a held unit a UnitHeld), as the domain's lists of the event types of each status say.
const DATA_OF_TYPE: Readonly<Record<EventType, (data: unknown, type: EventType) => DataCheck>> = {
  RefundRequested: (data) => {
    const validation = validateRefundRequest(data);
    return validation.ok ? { ok: true, data: validation.request } : { ok: false, problems: [...validation.problems] };
  },
  RefundIssued: recordOf(orderRefundSchema, (refund) => [refundEvent(refund).type]),
  RefundRejected: recordOf(orderRefundSchema, (refund) => [refundEvent(refund).type]),
  UnitHeld: recordOf(replacementShipmentSchema, ({ status }) => SHIPMENT_EVENT_TYPES[status]),
  ReplacementShipped: recordOf(replacementShipmentSchema, ({ status }) => SHIPMENT_EVENT_TYPES[status]),
  ReplacementBackordered: recordOf(replacementShipmentSchema, ({ status }) => SHIPMENT_EVENT_TYPES[status]),
  ReplacementReleased: recordOf(replacementShipmentSchema, ({ status }) => SHIPMENT_EVENT_TYPES[status]),
  ReplacementCancelled: recordOf(replacementShipmentSchema, ({ status }) => SHIPMENT_EVENT_TYPES[status]),
  DisassemblyOrdered: recordOf(disassemblyOrderSchema, ({ status }) => DISASSEMBLY_EVENT_TYPES[status]),
  DisassemblyCancelled: recordOf(disassemblyOrderSchema, ({ status }) => DISASSEMBLY_EVENT_TYPES[status]),
  DefectiveUnitReturned: recordOf(disassemblyOrderSchema, ({ status }) => DISASSEMBLY_EVENT_TYPES[status]),
  AssetDisposalCharged: recordOf(assetDisposalSchema, ({ status }) => DISPOSAL_EVENT_TYPES[status]),
  AssetDisposalReversed: recordOf(assetDisposalSchema, ({ status }) => DISPOSAL_EVENT_TYPES[status]),
  AssetDisposalNotCharged: recordOf(assetDisposalSchema, ({ status }) => DISPOSAL_EVENT_TYPES[status]),
  CustomerNotified: recordOf(customerNotificationSchema, () => ['CustomerNotified']),
};

function recordOf<R>(schema: z.ZodType<R>, typesOfRecord: (record: R) => readonly string[]) {
  return (data: unknown, type: EventType): DataCheck => {
    const parsed = schema.safeParse(data);
    if (!parsed.success) return { ok: false, problems: describeIssues(parsed.error) };
    const types = typesOfRecord(parsed.data);
    if (!types.includes(type)) {
      return { ok: false, problems: [`(data): records a ${types.join(' or a ')}, not a ${type}`] };
    }
    return { ok: true, data: parsed.data };
  };
}

// Versions ----------------------------------------------------------------------------------------------------------

// Every version of every type a reader understands, the one written now last; each is read as the one written now.
// Team events v2 kept v1's data and added causationContentId to the envelope, so a v1 team event is read with it
// null. DisassemblyOrdered and AssetDisposalCharged v3 added a status to the data, once Sales' verdict could undo
// them: upcast gives an event of an older version the status every one of them had. Types that came with the
// verdict start at version 1.
const READABLE_VERSIONS: Readonly<Record<EventType, readonly number[]>> = {
  RefundRequested: [1],
  RefundIssued: [1, 2],
  RefundRejected: [1, 2],
  UnitHeld: [1],
  ReplacementShipped: [1, 2],
  ReplacementBackordered: [1, 2],
  ReplacementReleased: [1],
  ReplacementCancelled: [1],
  DisassemblyOrdered: [1, 2, 3],
  DisassemblyCancelled: [1],
  DefectiveUnitReturned: [1],
  AssetDisposalCharged: [1, 2, 3],
  AssetDisposalReversed: [1],
  AssetDisposalNotCharged: [1],
  CustomerNotified: [1],
};

// How the data of an older version becomes the current version's, for the types whose data changed. A status an
// older version never wrote is left as it is, for the data schema to judge.
const withStatus =
  (status: string) =>
  (data: unknown): unknown =>
    data !== null && typeof data === 'object' && !Array.isArray(data) && !('status' in data)
      ? { ...data, status }
      : data;
const DATA_UPCASTS: Partial<Readonly<Record<EventType, Readonly<Record<number, (data: unknown) => unknown>>>>> = {
  // Before the verdict could cancel an order, every order stood.
  DisassemblyOrdered: { 1: withStatus('ordered'), 2: withStatus('ordered') },
  // Before the verdict gated Accounting, every disposal was a charge.
  AssetDisposalCharged: { 1: withStatus('charged'), 2: withStatus('charged') },
};

// The version from which each type's events name the content of their request (causationContentId): the first
// types' team events since version 2, every type that came later since its first. A request names none.
const NAMES_CONTENT_FROM: Readonly<Record<EventType, number | null>> = {
  RefundRequested: null,
  RefundIssued: 2,
  RefundRejected: 2,
  UnitHeld: 1,
  ReplacementShipped: 2,
  ReplacementBackordered: 2,
  ReplacementReleased: 1,
  ReplacementCancelled: 1,
  DisassemblyOrdered: 2,
  DisassemblyCancelled: 1,
  DefectiveUnitReturned: 1,
  AssetDisposalCharged: 2,
  AssetDisposalReversed: 1,
  AssetDisposalNotCharged: 1,
  CustomerNotified: 1,
};

function namesContent(type: EventType, version: number): boolean {
  const from = NAMES_CONTENT_FROM[type];
  return from !== null && version >= from;
}

export type Upcast =
  | { readonly ok: true; readonly type: EventType; readonly version: number; readonly data: unknown }
  | { readonly ok: false; readonly reason: 'unknown-type' | 'unknown-version' };

export function upcast(type: string, version: number, data: unknown): Upcast {
  if (!Object.hasOwn(READABLE_VERSIONS, type)) return { ok: false, reason: 'unknown-type' };
  const known = type as EventType;
  const versions = READABLE_VERSIONS[known];
  if (!versions.includes(version)) return { ok: false, reason: 'unknown-version' };
  const current = versions[versions.length - 1];
  const upcastData = version === current ? undefined : DATA_UPCASTS[known]?.[version];
  return { ok: true, type: known, version: current, data: upcastData ? upcastData(data) : data };
}

// Decoding -----------------------------------------------------------------------------------------------------------

export type PoisonReason =
  | 'missing-key'
  | 'invalid-json'
  | 'invalid-envelope'
  | 'unknown-type'
  | 'unknown-version'
  | 'wrong-topic'
  | 'invalid-data'
  | 'key-mismatch';

export interface Poison {
  readonly ok: false;
  readonly reason: PoisonReason;
  readonly detail: string;
}

export type Decoded<E> = { readonly ok: true; readonly envelope: E } | Poison;

export function decodeRequest(record: Pick<LogRecord, 'key' | 'value'>): Decoded<RequestEnvelope> {
  return decode(record, 'the request topic', (type) => type === 'RefundRequested') as Decoded<RequestEnvelope>;
}

export function decodeTeamEvent<T extends Team>(
  record: Pick<LogRecord, 'key' | 'value'>,
  team: T,
): Decoded<TeamEventEnvelope<T>> {
  const onTeamTopic = (type: EventType) => type !== 'RefundRequested' && TEAM_OF_EVENT[type] === team;
  return decode(record, `${team}'s topic`, onTeamTopic) as Decoded<TeamEventEnvelope<T>>;
}

function decode(
  record: Pick<LogRecord, 'key' | 'value'>,
  topicName: string,
  belongsHere: (type: EventType) => boolean,
): Decoded<AnyEnvelope> {
  if (record.key === null) return poison('missing-key', 'the record has no key; every record is keyed by its returnId');
  if (record.value === null) return poison('invalid-json', 'the record has no value');
  let json: unknown;
  try {
    json = JSON.parse(record.value.toString('utf8'));
  } catch (error) {
    return poison('invalid-json', (error as Error).message);
  }
  const parsed = envelopeSchema.safeParse(json);
  if (!parsed.success) return poison('invalid-envelope', describeIssues(parsed.error).join('; '));
  const envelope = parsed.data;
  const current = upcast(envelope.type, envelope.version, envelope.data);
  if (!current.ok) {
    const what =
      current.reason === 'unknown-type' ? `type ${envelope.type}` : `${envelope.type} version ${envelope.version}`;
    return poison(current.reason, `no reader here understands ${what}`);
  }
  if (!belongsHere(current.type)) return poison('wrong-topic', `a ${current.type} does not belong on ${topicName}`);
  const expectedProducer = current.type === 'RefundRequested' ? USER_SUPPORT : TEAM_OF_EVENT[current.type];
  if (envelope.producer !== expectedProducer) {
    return poison(
      'invalid-envelope',
      `producer: a ${current.type} comes from ${expectedProducer}, not ${envelope.producer}`,
    );
  }
  if ((envelope.causationId === null) !== (current.type === 'RefundRequested')) {
    return poison(
      'invalid-envelope',
      'causationId: a team event names the request or the event that caused it, and only a team event does',
    );
  }
  if ((envelope.causationContentId !== undefined) !== namesContent(current.type, envelope.version)) {
    const from = NAMES_CONTENT_FROM[current.type];
    return poison(
      'invalid-envelope',
      from === null
        ? `causationContentId: a ${current.type} names no request content`
        : `causationContentId: a ${current.type} of version ${from} or later names the content of its request, ` +
            'and only it does',
    );
  }
  if (
    envelope.causationContentId === null &&
    envelope.causationId === eventIdOf(USER_SUPPORT, 'RefundRequested', envelope.returnId)
  ) {
    return poison(
      'invalid-envelope',
      "causationContentId: an event caused by its request names that request's content; only an event caused by " +
        'an event that named none may leave it unknown',
    );
  }
  const data = DATA_OF_TYPE[current.type](current.data, current.type);
  if (!data.ok) return poison('invalid-data', data.problems.join('; '));
  const dataReturnId = (data.data as { returnId: string }).returnId;
  if (dataReturnId !== envelope.returnId) {
    return poison(
      'invalid-data',
      `returnId: the data is about ${dataReturnId}, the envelope about ${envelope.returnId}`,
    );
  }
  if (record.key !== envelope.returnId) {
    return poison('key-mismatch', `the key ${record.key} is not the returnId ${envelope.returnId}`);
  }
  const decoded =
    current.type === 'RefundRequested'
      ? { ...envelope, type: current.type, version: current.version, data: data.data }
      : {
          ...envelope,
          type: current.type,
          version: current.version,
          causationContentId: envelope.causationContentId ?? null,
          data: data.data,
        };
  return { ok: true, envelope: decoded as AnyEnvelope };
}

function poison(reason: PoisonReason, detail: string): Poison {
  return { ok: false, reason, detail };
}

function describeIssues(error: z.ZodError): string[] {
  return error.issues.map(
    (issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(envelope)'}: ${issue.message}`,
  );
}

// Dead letters -------------------------------------------------------------------------------------------------------

// A conflicting duplicate is no poison, since it reads well: it is a second request under a returnId the team has
// already decided, with other content. The first request stands; the team decides nothing on the second.
export type DeadLetterReason = PoisonReason | 'conflicting-duplicate';

export interface Refusal {
  readonly reason: DeadLetterReason;
  readonly detail: string;
}

// firstContentId and laterContentId: requestContentId of the request the team decided on, and of this one.
export function conflictingDuplicate(
  returnId: string,
  team: Team,
  firstContentId: string,
  laterContentId: string,
): Refusal {
  return {
    reason: 'conflicting-duplicate',
    detail:
      `returnId ${returnId} was requested again with other content (first version ${firstContentId}, ` +
      `this version ${laterContentId}): ${team} keeps its decision on the first version and applied nothing ` +
      'of this one; a changed return needs a returnId of its own',
  };
}

export function deadLetterOf(record: LogRecord, refused: Refusal, reportedBy: string): DeadLetter {
  return {
    reason: refused.reason,
    detail: refused.detail,
    reportedBy,
    sourceTopic: record.topic,
    partition: record.partition,
    offset: record.offset,
    key: record.key,
    originalValueBase64: record.value === null ? null : record.value.toString('base64'),
  };
}

const deadLetterSchema: z.ZodType<DeadLetter> = z.strictObject({
  reason: z.string(),
  detail: z.string(),
  reportedBy: z.string(),
  sourceTopic: z.string(),
  partition: z.number().int().min(0),
  offset: z.string(),
  key: z.string().nullable(),
  originalValueBase64: z.string().nullable(),
});

// The dead-letter topic is read with a schema too; a letter that is itself unreadable is shown as such.
export function decodeDeadLetter(record: LogRecord): DeadLetter {
  try {
    const parsed = deadLetterSchema.safeParse(JSON.parse(record.value?.toString('utf8') ?? 'null'));
    if (parsed.success) return parsed.data;
  } catch {
    // Not JSON: reported below like any other unreadable letter.
  }
  return deadLetterOf(record, poison('invalid-envelope', 'an unreadable dead letter'), 'dead-letter reader');
}

// The team each decoded event is from, for readers that take every team's topic at once.
export function teamOf(envelope: TeamEventEnvelope): Team {
  return TEAM_OF_EVENT[envelope.type];
}
