// Immutable collections that only grow, for team state that is evolved once per event. Versions share one store
// and each sees only the entries added before it: adding to the newest version costs O(1) instead of a copy,
// and every older version stays exactly what it was. Adding to an older version copies what it sees.
export class GrowOnlyMap<V> {
  static empty<V>(): GrowOnlyMap<V> {
    return new GrowOnlyMap<V>(new Map(), 0);
  }

  private constructor(
    private readonly store: Map<string, { readonly value: V; readonly position: number }>,
    readonly size: number,
  ) {}

  get(key: string): V | undefined {
    const entry = this.store.get(key);
    return entry !== undefined && entry.position < this.size ? entry.value : undefined;
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  // The first value given for a key stays: a later one is ignored.
  with(key: string, value: V): GrowOnlyMap<V> {
    if (this.has(key)) return this;
    const store =
      this.store.size === this.size
        ? this.store
        : new Map([...this.store].filter(([, { position }]) => position < this.size));
    store.set(key, { value, position: this.size });
    return new GrowOnlyMap(store, this.size + 1);
  }

  *entries(): IterableIterator<[string, V]> {
    for (const [key, { value, position }] of this.store) if (position < this.size) yield [key, value];
  }

  // Sorted, so two versions with the same entries print and compare the same whatever order they were added in.
  toJSON(): Record<string, V> {
    return Object.fromEntries(
      [...this.entries()].sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0)),
    );
  }
}

export class GrowOnlySet {
  static empty(): GrowOnlySet {
    return new GrowOnlySet(GrowOnlyMap.empty<true>());
  }

  private constructor(private readonly members: GrowOnlyMap<true>) {}

  get size(): number {
    return this.members.size;
  }

  has(member: string): boolean {
    return this.members.has(member);
  }

  with(member: string): GrowOnlySet {
    const members = this.members.with(member, true);
    return members === this.members ? this : new GrowOnlySet(members);
  }

  toJSON(): string[] {
    return [...this.members.entries()].map(([member]) => member).sort();
  }
}
