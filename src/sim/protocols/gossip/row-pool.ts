/**
 * Rows for gossip messages in flight: a SYN's digests, an ACK's snapshot, an ACK2's
 * states — one Int32Array of `length` each, reused through a free list so the run
 * allocates only while the number in flight grows. A row may be delivered twice (a
 * duplicated message): `retain` adds a reference, and the row returns to the free list
 * when the last delivery releases it (handlers never write into the row they read).
 *
 * The first `inArena` rows are carved from the merge kernel's memory (arena.ts), so the
 * kernel reads them in place (`offsetOf`); rows beyond (many messages queued at paused
 * members) are ordinary arrays, copied in when merged. Free rows are reused last-in
 * first-out, so the few rows in flight at a time are the same arena rows over and over.
 */
import type { Arena } from './arena.js';

export class RowPool {
  readonly rows: Int32Array[] = [];
  private refs = new Int32Array(16);
  private free: number[] = [];
  /** Byte offset of arena row k is offsets[k]. */
  private readonly offsets: number[] = [];

  constructor(
    readonly length: number,
    private readonly arena: Arena | null = null,
    private readonly inArena = 0,
  ) {}

  /** A row (its contents are stale: the caller overwrites every element). */
  acquire(): number {
    const slot = this.free.pop();
    if (slot !== undefined) {
      this.refs[slot] = 1;
      return slot;
    }
    const id = this.rows.length;
    if (id < this.inArena && this.arena !== null) {
      const row = this.arena.int32(this.length);
      this.rows.push(row);
      this.offsets.push(row.byteOffset);
    } else this.rows.push(new Int32Array(this.length));
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

  /** Byte offset of the row in the arena, or −1 (an ordinary array). */
  offsetOf(slot: number): number {
    return slot < this.offsets.length ? this.offsets[slot]! : -1;
  }

  /** Rows ever created (the most in flight at once). */
  get size(): number {
    return this.rows.length;
  }
}
