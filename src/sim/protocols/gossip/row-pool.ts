/**
 * Rows for gossip messages in flight: a SYN's digests, an ACK's states and requests,
 * an ACK2's states — one Int32Array each, reused through a free
 * list so the run allocates only while the number in flight grows. A row may be
 * delivered twice (a duplicated message): `retain` adds a reference, and the row
 * returns to the free list when the last delivery releases it (handlers never write
 * into the row they read).
 */
export class RowPool {
  readonly rows: Int32Array[] = [];
  private refs = new Int32Array(16);
  private free: number[] = [];

  /** A row of `length` (its contents are stale: the caller overwrites every element). */
  acquire(length: number): number {
    const slot = this.free.pop();
    if (slot !== undefined) {
      this.refs[slot] = 1;
      return slot;
    }
    const id = this.rows.length;
    this.rows.push(new Int32Array(length));
    if (id >= this.refs.length) {
      const grown = new Int32Array(this.refs.length * 2);
      grown.set(this.refs);
      this.refs = grown;
    }
    this.refs[id] = 1;
    return id;
  }

  retain(slot: number): void {
    this.refs[slot]! += 1;
  }

  release(slot: number): void {
    if (--this.refs[slot]! === 0) this.free.push(slot);
  }

  /** Rows ever created (the most in flight at once). */
  get size(): number {
    return this.rows.length;
  }
}
