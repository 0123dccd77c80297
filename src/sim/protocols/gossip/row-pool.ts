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
 *
 * Snapshots are copied on write: a SYN's digests and an ACK's snapshot are a member's
 * version row as it is when the message leaves, and that row usually does not change
 * before the message is merged (≈ 1 ms later; a member's row changes at its merges and
 * rounds, ≈ 3 times a second). So `snapshot` only records the member as the row's owner
 * (`live` row read in its place: `rowOf`, `offsetOf`); the members' code calls
 * `materialize(member)` before anything writes the member's row, which copies the row
 * into the snapshots still pending — the contents a message reads are the same bytes
 * either way, and most snapshots are never copied.
 */
import type { Arena } from './arena.js';

export class RowPool {
  readonly rows: Int32Array[] = [];
  private refs = new Int32Array(16);
  /** slot → the member whose live row it stands for (a pending snapshot), or −1 (its own contents). */
  private owner = new Int32Array(16).fill(-1);
  /**
   * member → its pending snapshots: `pendingCount[member]` slots at `pendingSlots[member·K …]`
   * (K doubles when a member has more). Flat typed arrays (20 KB at 1 000 members, K = 4)
   * rather than one JavaScript array per member: those lay scattered over the heap, and a
   * SYN's or ACK's snapshot cost two cache misses to find its member's list.
   */
  private readonly pendingCount: Int32Array;
  private pendingSlots: Int32Array;
  private pendingWidth = 4;
  private free: number[] = [];
  /** Pending snapshots copied because their member wrote its row (for tests). */
  copiedOnWrite = 0;
  /** Own snapshots read as the live row, never copied (`takeOwn`; for tests). */
  readLive = 0;
  /** Byte offset of arena row k is offsets[k]. */
  private readonly offsets: number[] = [];

  /**
   * `live`: the members' version rows (snapshots stand for them); `liveOffset`: the byte
   * offset of live[0] in the arena (rows contiguous), or −1 when not in the arena.
   */
  constructor(
    readonly length: number,
    private readonly live: readonly Int32Array[],
    private readonly liveOffset: number,
    private readonly arena: Arena | null = null,
    private readonly inArena = 0,
  ) {
    this.pendingCount = new Int32Array(live.length);
    this.pendingSlots = new Int32Array(live.length * this.pendingWidth);
  }

  /** A row (its contents are stale: the caller overwrites every element, or makes it a snapshot). */
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
      const owners = new Int32Array(this.owner.length * 2).fill(-1);
      owners.set(this.owner);
      this.owner = owners;
    }
    this.refs[id] = 1;
    return id;
  }

  retain(slot: number): void {
    this.refs[slot]! += 1;
  }

  release(slot: number): void {
    if (--this.refs[slot]! !== 0) return;
    const o = this.owner[slot]!;
    if (o >= 0) this.unlink(slot, o);
    this.free.push(slot);
  }

  /** Row `slot` is member `member`'s live row as it is now (copied only if the member writes its row while the slot is held). */
  snapshot(slot: number, member: number): void {
    this.owner[slot] = member;
    const count = this.pendingCount[member]!;
    if (count === this.pendingWidth) this.widen();
    this.pendingSlots[member * this.pendingWidth + count] = slot;
    this.pendingCount[member] = count + 1;
  }

  /** Doubles every member's room for pending snapshots (a member sent more messages between two writes of its row than there was room for). */
  private widen(): void {
    const k = this.pendingWidth;
    const slots = new Int32Array(this.pendingSlots.length * 2);
    for (let m = 0; m < this.pendingCount.length; m++) slots.set(this.pendingSlots.subarray(m * k, m * k + this.pendingCount[m]!), 2 * k * m);
    this.pendingSlots = slots;
    this.pendingWidth = 2 * k;
  }

  /** Member `member` is about to write its row: every pending snapshot of it gets its own copy now. */
  materialize(member: number): void {
    const count = this.pendingCount[member]!;
    if (count === 0) return;
    const row = this.live[member]!;
    const at = member * this.pendingWidth;
    for (let k = 0; k < count; k++) {
      const slot = this.pendingSlots[at + k]!;
      this.rows[slot]!.set(row);
      this.owner[slot] = -1;
    }
    this.copiedOnWrite += count;
    this.pendingCount[member] = 0;
  }

  /**
   * Member `member` is about to merge, reading snapshot `slot` of its own row as the
   * digests and releasing it afterwards: if the slot is a pending snapshot of it held
   * by this delivery alone, it is dropped from the pending list (not copied) and true
   * is returned — the member's live row, unchanged since, is the digests. The caller
   * then materializes the member's other snapshots before writing.
   */
  takeOwn(slot: number, member: number): boolean {
    if (this.owner[slot] !== member || this.refs[slot] !== 1) return false;
    this.unlink(slot, member);
    this.readLive++;
    return true;
  }

  /** The row a message reads: its own contents, or its owner's live row (a pending snapshot). */
  rowOf(slot: number): Int32Array {
    const o = this.owner[slot]!;
    return o < 0 ? this.rows[slot]! : this.live[o]!;
  }

  /** Byte offset in the arena of what `rowOf` returns, or −1 (an ordinary array). */
  offsetOf(slot: number): number {
    const o = this.owner[slot]!;
    if (o >= 0 && this.liveOffset >= 0) return this.liveOffset + 4 * this.length * o;
    return slot < this.offsets.length ? this.offsets[slot]! : -1;
  }

  /** Rows ever created (the most in flight at once). */
  get size(): number {
    return this.rows.length;
  }

  /** Snapshots pending (not copied) right now (for tests). */
  get pendingSnapshots(): number {
    let count = 0;
    for (const c of this.pendingCount) count += c;
    return count;
  }

  private unlink(slot: number, member: number): void {
    const base = member * this.pendingWidth;
    const last = base + this.pendingCount[member]! - 1;
    let at = base;
    while (at <= last && this.pendingSlots[at] !== slot) at++;
    if (at > last) throw new Error(`row pool: slot ${slot} is not a pending snapshot of member ${member}`);
    this.pendingSlots[at] = this.pendingSlots[last]!;
    this.pendingCount[member] = last - base;
    this.owner[slot] = -1;
  }
}
