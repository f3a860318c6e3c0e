// An immutable map for team state that changes once per event and holds what is in flight, such as the returns a
// team has not settled yet. An update copies one of its buckets and the short list of buckets, never the whole map:
// a backlog of thousands of open returns (a team the others wait for is down) costs each event a few hundred copies,
// not thousands. Every older version stays exactly what it was. GrowOnlyMap is cheaper still, but cannot forget.
const BUCKETS = 64;

type Bucket<V> = Readonly<Record<string, V>>;

export class BucketMap<V> {
  static empty<V>(): BucketMap<V> {
    return new BucketMap<V>(new Array<Bucket<V> | undefined>(BUCKETS).fill(undefined), 0);
  }

  private constructor(
    private readonly buckets: readonly (Bucket<V> | undefined)[],
    readonly size: number,
  ) {}

  get(key: string): V | undefined {
    const bucket = this.buckets[bucketOf(key)];
    return bucket && Object.hasOwn(bucket, key) ? bucket[key] : undefined;
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  with(key: string, value: V): BucketMap<V> {
    const index = bucketOf(key);
    const bucket = this.buckets[index] ?? {};
    const added = Object.hasOwn(bucket, key) ? 0 : 1;
    return this.replaced(index, { ...bucket, [key]: value }, this.size + added);
  }

  without(key: string): BucketMap<V> {
    const index = bucketOf(key);
    const bucket = this.buckets[index];
    if (!bucket || !Object.hasOwn(bucket, key)) return this;
    const { [key]: _removed, ...rest } = bucket;
    return this.replaced(index, rest, this.size - 1);
  }

  *entries(): IterableIterator<[string, V]> {
    for (const bucket of this.buckets) if (bucket) yield* Object.entries(bucket);
  }

  // Sorted, so two versions with the same entries print and compare the same whatever order they were added in.
  toJSON(): Record<string, V> {
    return Object.fromEntries(
      [...this.entries()].sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0)),
    );
  }

  private replaced(index: number, bucket: Bucket<V>, size: number): BucketMap<V> {
    const buckets = [...this.buckets];
    buckets[index] = bucket;
    return new BucketMap(buckets, size);
  }
}

// FNV-1a over the key's UTF-16 code units: spreads returnIds that differ only in their last digits.
function bucketOf(key: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < key.length; index++) {
    hash ^= key.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % BUCKETS;
}
