/** What `IntIndex.get` returns for a key never set. */
export const NOT_FOUND = -1;

/**
 * Dense ids by integer key (0 ≤ key < 2⁵³, e.g. `from × n + to` for a directed pair of
 * nodes): open addressing with linear probing, keys and ids side by side in one
 * Float64Array (one cache line per probe). A Map of boxed numbers cost ~2 µs an entry
 * and its garbage at set-up with 100 k nodes (the network's links, the books' pairs).
 */
export class IntIndex {
  /** Entry e: key at 2e (−1 = empty), id at 2e + 1. */
  private entries = new Float64Array(128).fill(-1);
  private count = 0;

  /** Entry where `key` is, or the empty entry where it would go. */
  private entryOf(key: number, entries: Float64Array): number {
    const mask = (entries.length >> 1) - 1;
    // Mix both 32-bit halves of the key (it exceeds 2³² past 65 536 nodes); `| 0` is exact mod 2³².
    let h = Math.imul(key | 0, 0x9e3779b1) ^ Math.imul((key / 4_294_967_296) | 0, 0x85ebca6b);
    h ^= h >>> 15;
    let e = h & mask;
    for (;;) {
      const k = entries[2 * e]!;
      if (k === key || k === -1) return e;
      e = (e + 1) & mask;
    }
  }

  get(key: number): number {
    const e = this.entryOf(key, this.entries);
    return this.entries[2 * e] === key ? this.entries[2 * e + 1]! : NOT_FOUND;
  }

  /**
   * Sizes the table for `count` keys in all (at most half full), so that registering
   * them rehashes nothing: at 100 k nodes the central topology's 300 000 keys otherwise
   * pass through 12 doublings, each a random-access copy of the whole table.
   */
  reserve(count: number): void {
    let entries = this.entries.length >> 1;
    while (2 * count > entries) entries *= 2;
    if (entries > this.entries.length >> 1) this.rehash(entries);
  }

  /** The id of `key`, or `id` after recording it as the key's id when the key is new. */
  intern(key: number, id: number): number {
    if (2 * (this.count + 1) > this.entries.length >> 1) this.grow();
    const entries = this.entries;
    const e = this.entryOf(key, entries);
    if (entries[2 * e] === key) return entries[2 * e + 1]!;
    entries[2 * e] = key;
    entries[2 * e + 1] = id;
    this.count++;
    return id;
  }

  private grow(): void {
    this.rehash(this.entries.length);
  }

  /** Moves every key into a table of `slots` entries (a power of two). */
  private rehash(slots: number): void {
    const old = this.entries;
    const entries = new Float64Array(2 * slots).fill(-1);
    for (let e = 0; e < old.length >> 1; e++) {
      const key = old[2 * e]!;
      if (key === -1) continue;
      const to = this.entryOf(key, entries);
      entries[2 * to] = key;
      entries[2 * to + 1] = old[2 * e + 1]!;
    }
    this.entries = entries;
  }
}
