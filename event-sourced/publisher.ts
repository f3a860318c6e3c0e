// User Support in the event-sourced model: it validates a return at the edge and publishes exactly one
// RefundRequested to the request topic. It knows nothing of the teams, or of who else reads the topic.
import {
  InvalidRefundRequestError,
  parseRefundRequestJson,
  type RequestValidation,
  validateRefundRequest,
} from '../domain';
import { batchedAppend, DEFAULT_MAX_RECORDS_PER_APPEND } from './batched-append';
import { encodeEnvelope, type RequestEnvelope, requestEnvelope } from './envelope';
import type { EventLog } from './event-log';
import { topicsOf } from './topics';

export interface Publisher {
  // Resolves once the broker holds the request; the publishes of one event-loop turn go out as one produce request.
  // Throws InvalidRefundRequestError, before anything is published, when the request is not valid.
  publish(input: unknown): Promise<RequestEnvelope>;
  // The same, for raw JSON text (from a file, a socket or stdin).
  publishJson(raw: string): Promise<RequestEnvelope>;
}

export interface PublisherOptions {
  // The publishes of one event-loop turn share one append, of at most this many requests.
  readonly maxRequestsPerAppend?: number;
}

export function createPublisher(
  log: EventLog,
  scope: string,
  clock: () => string,
  { maxRequestsPerAppend = DEFAULT_MAX_RECORDS_PER_APPEND }: PublisherOptions = {},
): Publisher {
  const append = batchedAppend(log, topicsOf(scope).requests, maxRequestsPerAppend);

  // Validation and queueing happen before the first await, so requests queue in call order and an invalid one
  // leaves nothing behind.
  async function publishValidated(validation: RequestValidation): Promise<RequestEnvelope> {
    if (!validation.ok) throw new InvalidRefundRequestError(validation.problems);
    const envelope = requestEnvelope(validation.request, clock());
    await append(encodeEnvelope(envelope));
    return envelope;
  }

  return {
    publish: (input) => publishValidated(validateRefundRequest(input)),
    publishJson: (raw) => publishValidated(parseRefundRequestJson(raw)),
  };
}
