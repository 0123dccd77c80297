/**
 * A growable list of 32-bit integers (node, link and pair ids registered at set-up).
 * A plain `number[]` grown by `push` cost ~0.5 µs an element at 100 k nodes (its
 * backing store is copied and rescanned by the collector as it grows); this is one
 * Int32Array that doubles.
 */
export class IntList {
  private items: Int32Array;
  private count = 0;

  constructor(capacity = 64) {
    this.items = new Int32Array(Math.max(4, capacity));
  }

  get length(): number {
    return this.count;
  }

  get(i: number): number {
    return this.items[i]!;
  }

  push(value: number): void {
    if (this.count === this.items.length) this.reserve(2 * this.count);
    this.items[this.count++] = value;
  }

  /** Room for `capacity` elements in all. */
  reserve(capacity: number): void {
    if (capacity <= this.items.length) return;
    const items = new Int32Array(capacity);
    items.set(this.items.subarray(0, this.count));
    this.items = items;
  }

  /** The elements, in order (a view: valid until the next push). */
  view(): Int32Array {
    return this.items.subarray(0, this.count);
  }
}
