// Snapshots bound a team's restart: each instance writes the state of each input partition it holds, with the
// offsets that state covers, to a local file now and then. On start, or when it gains a partition, it loads the
// file and folds only what came after: its own events past the offsets the snapshot names, and its input past the
// last record the snapshot took. A snapshot is only ever a shortcut: one that is missing, of another schema, for
// other topics, corrupt or stale is ignored with a line saying why, and the partition is rebuilt from offset 0.
// Local files rather than a compacted topic: a team's state grows with its returns (the ids it answered), past the
// broker's default record size, and an instance on another host that gains the partition simply rebuilds it.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Team } from '../domain';
import { BucketMap } from './bucket-map';
import type { LogRecord } from './event-log';
import { GrowOnlyMap, GrowOnlySet } from './grow-only';

// Raised whenever the shape of a snapshot or of a team's state changes: a snapshot of another schema is ignored.
export const SNAPSHOT_SCHEMA = 1;

export interface PartitionSnapshot {
  readonly schema: number;
  readonly team: Team;
  readonly scope: string;
  readonly partition: number;
  // The partitions of the team's input, and the key it was re-keyed by, when the snapshot was taken.
  readonly partitions: number;
  readonly key: string;
  // The last input record the state took: its offset, and a digest of it, to tell the same topic from a new one.
  readonly lastInput: { readonly offset: string; readonly digest: string };
  // Own topic partition -> the offset up to which its events are folded in.
  readonly ownFoldedTo: Readonly<Record<string, string>>;
  // How many of its own events the state holds, for the figure a team reports on start.
  readonly events: number;
  readonly state: unknown;
}

export type LoadedSnapshot =
  | { readonly kind: 'loaded'; readonly snapshot: PartitionSnapshot }
  | { readonly kind: 'missing' }
  | { readonly kind: 'ignored'; readonly reason: string };

export interface SnapshotStore {
  load(team: Team, partition: number): LoadedSnapshot;
  save(snapshot: PartitionSnapshot): void;
}

// Where an instance writes a snapshot, and how often: after this many input records of a partition, or after this
// long with at least one, whichever comes first.
export interface SnapshotPolicy {
  readonly store: SnapshotStore;
  readonly everyRecords: number;
  readonly everyMs: number;
}

export const DEFAULT_SNAPSHOT_EVERY_RECORDS = 5_000;
export const DEFAULT_SNAPSHOT_EVERY_MS = 30_000;

// One file per team and partition in the folder, written whole to a temporary file and renamed over the last, so a
// crash mid-write leaves the previous snapshot. The file is a SHA-256 of the body, a newline, then the body.
export function snapshotFolder(folder: string): SnapshotStore {
  const fileOf = (team: Team, partition: number) => path.join(folder, `${team}.${partition}.snapshot`);
  return {
    load(team, partition) {
      let text: string;
      try {
        text = readFileSync(fileOf(team, partition), 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
        return { kind: 'ignored', reason: `it cannot be read: ${(error as Error).message}` };
      }
      const newline = text.indexOf('\n');
      const body = text.slice(newline + 1);
      if (newline < 0 || text.slice(0, newline) !== digestOf(body)) {
        return { kind: 'ignored', reason: 'its checksum does not match its content (a corrupt or truncated file)' };
      }
      try {
        return { kind: 'loaded', snapshot: JSON.parse(body) as PartitionSnapshot };
      } catch (error) {
        return { kind: 'ignored', reason: `it is not JSON: ${(error as Error).message}` };
      }
    },
    save(snapshot) {
      mkdirSync(folder, { recursive: true });
      const body = JSON.stringify(snapshot);
      const file = fileOf(snapshot.team, snapshot.partition);
      const written = `${file}.${process.pid}.tmp`;
      writeFileSync(written, `${digestOf(body)}\n${body}`);
      renameSync(written, file);
    },
  };
}

export function snapshotFolderOf(config: { readonly dataDir: string; readonly scope: string }): string {
  return path.join(config.dataDir, config.scope, 'event-sourced', 'snapshots');
}

// Deletes the scope's snapshots, and their folders once they are empty (npm run reset, a test's scope).
export function deleteScopeSnapshots(config: { readonly dataDir: string; readonly scope: string }): void {
  const folder = snapshotFolderOf(config);
  rmSync(folder, { recursive: true, force: true });
  for (const dir of [path.dirname(folder), path.dirname(path.dirname(folder))]) {
    try {
      rmdirSync(dir);
    } catch (error) {
      // Not there, or holding other files of the scope: left as it is.
      if (!['ENOENT', 'ENOTEMPTY', 'EEXIST'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
    }
  }
}

// The snapshot policy of a team runner: every DEFAULT_SNAPSHOT_EVERY_RECORDS records or DEFAULT_SNAPSHOT_EVERY_MS,
// in the scope's folder of DATA_DIR.
export function defaultSnapshotPolicy(config: { readonly dataDir: string; readonly scope: string }): SnapshotPolicy {
  return {
    store: snapshotFolder(snapshotFolderOf(config)),
    everyRecords: DEFAULT_SNAPSHOT_EVERY_RECORDS,
    everyMs: DEFAULT_SNAPSHOT_EVERY_MS,
  };
}

function digestOf(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

// What tells one input record from another at the same offset of a topic created again: its bytes and its source.
export function inputDigest(record: Pick<LogRecord, 'value' | 'headers'>): string {
  return digestOf(`${JSON.stringify(record.headers)}\n${record.value?.toString('base64') ?? ''}`);
}

// Why a loaded snapshot cannot stand for the partition now, or null when it can.
export function staleness(
  snapshot: PartitionSnapshot,
  expected: Pick<PartitionSnapshot, 'team' | 'scope' | 'partition' | 'partitions' | 'key'>,
  ownEnds: ReadonlyMap<number, bigint>,
  inputEnd: bigint,
): string | null {
  if (snapshot.schema !== SNAPSHOT_SCHEMA) return `it is of schema ${snapshot.schema}, not ${SNAPSHOT_SCHEMA}`;
  for (const field of ['team', 'scope', 'partition', 'partitions', 'key'] as const) {
    if (snapshot[field] !== expected[field]) {
      return `it was taken for ${field} ${String(snapshot[field])}, not ${String(expected[field])}`;
    }
  }
  if (BigInt(snapshot.lastInput.offset) >= inputEnd) {
    return `it covers the input to offset ${snapshot.lastInput.offset}, past its end ${inputEnd} (a topic created again)`;
  }
  for (const [partition, offset] of Object.entries(snapshot.ownFoldedTo)) {
    const end = ownEnds.get(Number(partition));
    if (end === undefined || BigInt(offset) > end) {
      return `it covers the team's topic partition ${partition} to offset ${offset}, past its end (a topic created again)`;
    }
  }
  return null;
}

// A team's state as JSON, with the immutable collections it is made of tagged so they come back as themselves.
export function encodeState(value: unknown): unknown {
  if (value instanceof GrowOnlyMap) {
    return { $growOnlyMap: [...(value as GrowOnlyMap<unknown>).entries()].map(([k, v]) => [k, encodeState(v)]) };
  }
  if (value instanceof GrowOnlySet) return { $growOnlySet: value.toJSON() };
  if (value instanceof BucketMap) {
    return { $bucketMap: [...(value as BucketMap<unknown>).entries()].map(([k, v]) => [k, encodeState(v)]) };
  }
  if (Array.isArray(value)) return value.map(encodeState);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encodeState(v)]));
  }
  return value;
}

export function decodeState(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decodeState);
  if (value === null || typeof value !== 'object') return value;
  const tagged = value as {
    $growOnlyMap?: [string, unknown][];
    $growOnlySet?: string[];
    $bucketMap?: [string, unknown][];
  };
  if (tagged.$growOnlyMap) {
    return tagged.$growOnlyMap.reduce((map, [k, v]) => map.with(k, decodeState(v)), GrowOnlyMap.empty<unknown>());
  }
  if (tagged.$growOnlySet) return tagged.$growOnlySet.reduce((set, member) => set.with(member), GrowOnlySet.empty());
  if (tagged.$bucketMap) {
    return tagged.$bucketMap.reduce((map, [k, v]) => map.with(k, decodeState(v)), BucketMap.empty<unknown>());
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decodeState(v)]));
}
