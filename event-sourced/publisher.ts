// User Support in the event-sourced model: it validates a return at the edge and publishes exactly one
// RefundRequested to the request topic. It knows nothing of the teams, or of who else reads the topic.
import {
  InvalidRefundRequestError,
  parseRefundRequestJson,
  type RequestValidation,
  validateRefundRequest,
} from '../domain';
import { encodeEnvelope, type RequestEnvelope, requestEnvelope } from './envelope';
import type { EventLog } from './event-log';
import { topicsOf } from './topics';

export interface Publisher {
  // Throws InvalidRefundRequestError, before anything is published, when the request is not valid.
  publish(input: unknown): Promise<RequestEnvelope>;
  // The same, for raw JSON text (from a file, a socket or stdin).
  publishJson(raw: string): Promise<RequestEnvelope>;
}

export function createPublisher(log: EventLog, scope: string, clock: () => string): Publisher {
  const topic = topicsOf(scope).requests;

  async function publishValidated(validation: RequestValidation): Promise<RequestEnvelope> {
    if (!validation.ok) throw new InvalidRefundRequestError(validation.problems);
    const envelope = requestEnvelope(validation.request, clock());
    await log.append(topic, [encodeEnvelope(envelope)]);
    return envelope;
  }

  return {
    publish: (input) => publishValidated(validateRefundRequest(input)),
    publishJson: (raw) => publishValidated(parseRefundRequestJson(raw)),
  };
}
