// What one member of a consumer group holds for each partition the group gives it: built when the member gains the
// partition, before any of its records is taken, and dropped when a rebalance takes it away, so a member never
// decides on a partition another member holds, nor on a state it built before another member held it.
import type { Assignment } from './event-log';

export class HeldPartitions<S> {
  private readonly held = new Map<number, S>();
  // The build of each partition gained and not held yet: the latest rebalance's, so a build overtaken by a
  // rebalance that took its partition away, and perhaps gave it back, never installs a stale state.
  private readonly building = new Map<number, Promise<void>>();
  private firstAssignment: (built: Promise<void>) => void = () => undefined;
  // Settles once the partitions of the member's first rebalance are built.
  readonly firstBuilt = new Promise<void>((resolve) => (this.firstAssignment = resolve));

  constructor(
    private readonly topic: string,
    private readonly build: (partitions: ReadonlySet<number>) => Promise<ReadonlyMap<number, S>>,
    private readonly onFailure: (error: Error) => void,
  ) {}

  // A rebalance (SubscribeOptions.onAssignment).
  readonly assign = (assignment: Assignment): void => {
    const assigned = new Set<number>(assignment[this.topic] ?? []);
    for (const partition of [...this.held.keys(), ...this.building.keys()]) {
      if (!assigned.has(partition)) {
        this.held.delete(partition);
        this.building.delete(partition);
      }
    }
    const gained = new Set(
      [...assigned].filter((partition) => !this.held.has(partition) && !this.building.has(partition)),
    );
    this.firstAssignment(gained.size > 0 ? this.start(gained) : Promise.resolve());
  };

  // Resolves once the partition is built (SubscribeOptions.beforeRecords); builds it if no rebalance has yet.
  readonly ready = async (topic: string, partition: number): Promise<void> => {
    if (topic !== this.topic) return;
    if (!this.held.has(partition) && !this.building.has(partition)) void this.start(new Set([partition]));
    await this.building.get(partition);
  };

  get(partition: number): S | undefined {
    return this.held.get(partition);
  }

  // The partition's new state, unless a rebalance took the partition away since `previous` was read.
  replace(partition: number, previous: S, next: S): boolean {
    if (this.held.get(partition) !== previous) return false;
    this.held.set(partition, next);
    return true;
  }

  entries(): [number, S][] {
    return [...this.held].sort(([a], [b]) => a - b);
  }

  private start(partitions: ReadonlySet<number>): Promise<void> {
    const done: Promise<void> = this.build(partitions).then((built) => {
      for (const [partition, state] of built) {
        if (this.building.get(partition) !== done) continue;
        this.building.delete(partition);
        this.held.set(partition, state);
      }
    });
    for (const partition of partitions) this.building.set(partition, done);
    done.catch((error: unknown) => this.onFailure(error as Error));
    return done;
  }
}
