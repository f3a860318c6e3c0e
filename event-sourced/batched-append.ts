// Producer-side batching, which kafkajs leaves to its caller: every record handed over in one turn of the event loop
// goes out in one produce request, so a burst of publishes costs one round trip to the broker instead of one each.
import type { EventLog, OutgoingRecord } from './event-log';

export const DEFAULT_MAX_RECORDS_PER_APPEND = 500;
// A request is under 1 kB as a rule but may be several: half of the broker's default limit of 1 MB per record batch
// keeps a burst of large ones from failing as one.
const MAX_BYTES_PER_APPEND = 512 * 1024;

// Resolves once the append that carried the record is acknowledged; rejects with that append's error otherwise.
export type AppendOne = (record: OutgoingRecord) => Promise<void>;

interface Due {
  readonly record: OutgoingRecord;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

interface Batch {
  readonly items: Due[];
  bytes: number;
}

export function batchedAppend(log: EventLog, topic: string, maxRecords = DEFAULT_MAX_RECORDS_PER_APPEND): AppendOne {
  if (!Number.isInteger(maxRecords) || maxRecords < 1) {
    throw new RangeError(`an append carries at least one record, got a maximum of ${maxRecords}`);
  }
  let due: Due[] = [];

  async function appendBatch(batch: readonly Due[]): Promise<void> {
    try {
      await log.append(
        topic,
        batch.map(({ record }) => record),
      );
    } catch (error) {
      for (const { reject } of batch) reject(error as Error);
      return;
    }
    for (const { resolve } of batch) resolve();
  }

  function flush(): void {
    const taken = due;
    due = [];
    for (const batch of batchesOf(taken, maxRecords)) void appendBatch(batch);
  }

  return (record) =>
    new Promise<void>((resolve, reject) => {
      // setImmediate, not queueMicrotask: microtasks run between one timer or I/O callback and the next, so they
      // would batch only what one callback publishes. setImmediate runs once this turn's timers and I/O callbacks
      // have all had their say, and before the loop waits for more I/O, so a lone record waits for nothing.
      if (due.length === 0) setImmediate(flush);
      due.push({ record, resolve, reject });
    });
}

// Runs in call order of at most maxRecords records and MAX_BYTES_PER_APPEND bytes, except that a key already in a
// batch joins that batch: Kafka keeps order within one request, but two requests in flight at once can be retried,
// and so stored, in either order.
function batchesOf(due: readonly Due[], maxRecords: number): Due[][] {
  const batches: Batch[] = [];
  const batchOfKey = new Map<string, Batch>();
  for (const item of due) {
    const { key, value } = item.record;
    const bytes = byteLength(key) + byteLength(value);
    let batch = key === null ? undefined : batchOfKey.get(key);
    if (!batch) {
      const last = batches.at(-1);
      const fits = last !== undefined && last.items.length < maxRecords && last.bytes + bytes <= MAX_BYTES_PER_APPEND;
      batch = fits ? last : { items: [], bytes: 0 };
      if (!fits) batches.push(batch);
      if (key !== null) batchOfKey.set(key, batch);
    }
    batch.items.push(item);
    batch.bytes += bytes;
  }
  return batches.map(({ items }) => items);
}

function byteLength(data: string | Buffer | null): number {
  if (data === null) return 0;
  return typeof data === 'string' ? Buffer.byteLength(data) : data.length;
}
