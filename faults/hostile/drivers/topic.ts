// Driver for raw records on a topic, the request topic or a team topic: writes a record straight onto it, past
// every API, as any producer with access could; what comes back is what the topic's readers dead-letter.
import type { DeadLetter, EventLog, OutgoingRecord } from '../../../event-sourced/event-log';
import { waitFor } from '../../../model/wait-for';

// A record as it now sits on the topic, to find its dead letters by.
export interface Delivery {
  readonly topic: string;
  readonly key: string | null;
  // The bytes as text (what the checker sets apart from the teams' decisions) and as base64 (what a letter holds).
  readonly text: string | null;
  readonly base64: string | null;
}

export async function writeRecord(eventLog: EventLog, topic: string, record: OutgoingRecord): Promise<Delivery> {
  const value = record.value === null ? null : Buffer.isBuffer(record.value) ? record.value : Buffer.from(record.value);
  await eventLog.append(topic, [record]);
  return {
    topic,
    key: record.key,
    text: value ? value.toString('utf8') : null,
    base64: value ? value.toString('base64') : null,
  };
}

// A record the broker must refuse: the error, if any, and how long the producer took to give it.
export async function writeRefused(
  eventLog: EventLog,
  topic: string,
  record: OutgoingRecord,
): Promise<{ readonly error: Error | null; readonly ms: number }> {
  const started = performance.now();
  try {
    await eventLog.append(topic, [record]);
    return { error: null, ms: performance.now() - started };
  } catch (error) {
    return { error: error as Error, ms: performance.now() - started };
  }
}

// A letter names the topic its record was found on and holds the record's key and bytes: that is what ties it
// to the record written, whoever reported it.
export function lettersOf(letters: readonly DeadLetter[], delivery: Delivery): DeadLetter[] {
  return letters.filter(
    (letter) =>
      letter.sourceTopic === delivery.topic &&
      letter.key === delivery.key &&
      letter.originalValueBase64 === delivery.base64,
  );
}

// Dead letters are written by other processes: waits until they are all there, or the deadline passes, and gives
// what is there by then.
export async function waitForLetters(
  read: () => Promise<DeadLetter[]>,
  complete: (letters: readonly DeadLetter[]) => boolean,
  timeoutMs = 60_000,
): Promise<DeadLetter[]> {
  return waitFor(
    'every dead letter',
    async () => {
      const letters = await read();
      return complete(letters) && letters;
    },
    { timeoutMs, intervalMs: 500 },
  ).catch(() => read());
}
