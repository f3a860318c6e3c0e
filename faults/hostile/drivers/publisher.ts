// Driver for User Support's publisher, the event-sourced model's API: hands it a request or raw JSON text, and
// returns what it answered.
import type { EventLog } from '../../../event-sourced/event-log';
import { createPublisher } from '../../../event-sourced/publisher';
import { type Answer, answerOf } from '../rows';

export interface PublisherDriver {
  publish(input: unknown): Promise<Answer>;
  publishJson(text: string): Promise<Answer>;
}

export function publisherDriver(eventLog: EventLog, scope: string): PublisherDriver {
  const publisher = createPublisher(eventLog, scope, () => new Date().toISOString());
  return {
    publish: (input) => answerOf(() => publisher.publish(input)),
    publishJson: (text) => answerOf(() => publisher.publishJson(text)),
  };
}
