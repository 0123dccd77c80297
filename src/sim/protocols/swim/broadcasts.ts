/**
 * memberlist's broadcasts: the facts members spread (alive / suspect / dead with an
 * incarnation) and each member's TransmitLimitedQueue (queue.go) of them.
 *
 * A fact is immutable once made; packets and queues refer to it by index. A member's
 * queue holds at most one fact per subject (a newer one invalidates the older), each
 * with the number of times it was sent; GetBroadcasts takes the fewest-sent first, then
 * the larger, then the newer, as many as fit the packet, and drops those that reached
 * the retransmit limit. Queues live in flat typed arrays (a few slots per member, all
 * doubled when one member needs more) and are ordered with a scratch array: taking
 * broadcasts allocates nothing and touches one cache line (it runs for every packet a
 * member sends).
 */
import { grown } from '../../grown.js';

export const F_ALIVE = 0;
export const F_SUSPECT = 1;
export const F_DEAD = 2;

/**
 * Encoded sizes in bytes (msgpack of memberlist's structs with ~16-byte names and IPv4
 * addresses, plus the 1-byte type): an estimate for the bytes metric, not a wire capture.
 */
export const SIZE = { ping: 60, ack: 20, pingReq: 90, nack: 15, alive: 75, suspect: 45, dead: 45, pushPullEntry: 60, tcpPing: 4 * 40 + 80 } as const;
/** net.go: UDPBufferSize 1400; compound messages spend 2 bytes per part and 2 in the header. */
export const UDP_BUFFER = 1400;
export const COMPOUND_OVERHEAD = 2;
export const COMPOUND_HEADER = 2;
/** The most parts one compound message carries (a byte count in memberlist's header). */
export const PIGGY_MAX = 32;


export class Facts {
  subject = new Int32Array(256);
  kind = new Uint8Array(256);
  inc = new Float64Array(256);
  from = new Int32Array(256);
  count = 0;

  add(subject: number, kind: number, inc: number, from: number): number {
    if (this.count === this.subject.length) {
      const cap = this.count * 2;
      this.subject = grown(this.subject, cap);
      this.kind = grown(this.kind, cap);
      this.inc = grown(this.inc, cap);
      this.from = grown(this.from, cap);
    }
    const f = this.count++;
    this.subject[f] = subject;
    this.kind[f] = kind;
    this.inc[f] = inc;
    this.from[f] = from;
    return f;
  }

  size(f: number): number {
    const kind = this.kind[f]!;
    return kind === F_ALIVE ? SIZE.alive : kind === F_SUSPECT ? SIZE.suspect : SIZE.dead;
  }
}

/** A member's queue block: per slot fact, transmissions, size; padded to whole 64-byte lines. */
const SLOT = 3;
const LINE_INTS = 16;

function strideFor(capacity: number): number {
  return Math.ceil((SLOT * capacity) / LINE_INTS) * LINE_INTS;
}

export class BroadcastQueues {
  private readonly facts: Facts;
  private readonly limit: number;
  private readonly members: number;
  /** Slots per member (grows for everyone when one queue needs more). */
  private capacity = 5;
  /**
   * Every member's queue in one block of `SLOT·capacity` integers rounded up to whole
   * 64-byte lines (one line at the initial 5 slots): each queued fact with its transmit
   * count and encoded size (facts are immutable), so a member's send reads one cache line.
   */
  private block: Int32Array;
  private stride: number;
  /**
   * Each member's queue length, apart from the blocks: most sends find the queue empty
   * and then read only this small array (40 kB at 10 000 members, which stays in cache)
   * instead of the member's 64-byte block (640 kB in all, a cache miss per send).
   */
  private readonly lengths: Int32Array;
  private order = new Int32Array(64);
  /** Results of the last `take`: broadcasts in the packet (including `start`) and their bytes. */
  takenCount = 0;
  takenBytes = 0;

  constructor(members: number, facts: Facts, retransmitLimit: number) {
    this.facts = facts;
    this.limit = retransmitLimit;
    this.members = members;
    this.stride = strideFor(this.capacity);
    this.block = new Int32Array(members * this.stride);
    this.lengths = new Int32Array(members);
  }

  length(m: number): number {
    return this.lengths[m]!;
  }

  /** Forgets m's queue (it crashed). */
  clear(m: number): void {
    this.lengths[m] = 0;
  }

  /** Queues a broadcast, replacing any queued one about the same member (queue.go invalidation). */
  push(m: number, f: number): void {
    const subjects = this.facts.subject;
    const subject = subjects[f]!;
    let b = this.block;
    let at = m * this.stride;
    let len = this.lengths[m]!;
    for (let i = 0; i < len; i++) {
      if (subjects[b[at + SLOT * i]!] === subject) {
        b.copyWithin(at + SLOT * i, at + SLOT * (i + 1), at + SLOT * len);
        len--;
        break;
      }
    }
    if (len === this.capacity) {
      this.grow();
      b = this.block;
      at = m * this.stride;
    }
    const slot = at + SLOT * len;
    b[slot] = f;
    b[slot + 1] = 0;
    b[slot + 2] = this.facts.size(f);
    this.lengths[m] = len + 1;
  }

  private grow(): void {
    const oldStride = this.stride;
    this.capacity *= 2;
    this.stride = strideFor(this.capacity);
    const block = new Int32Array(this.members * this.stride);
    for (let m = 0; m < this.members; m++) {
      const from = m * oldStride;
      block.set(this.block.subarray(from, from + SLOT * this.lengths[m]!), m * this.stride);
    }
    this.block = block;
  }

  /**
   * TransmitLimitedQueue.GetBroadcasts: fewest transmissions first, then larger, then
   * newer; writes what fits into `out` from `start` on (at most PIGGY_MAX in all),
   * counts a transmission for each, drops those at the retransmit limit. Results in
   * takenCount / takenBytes.
   */
  take(m: number, out: Int32Array, outBase: number, start: number, budget: number): void {
    this.takenCount = start;
    this.takenBytes = 0;
    const len = this.lengths[m]!;
    if (len === 0) return;
    const b = this.block;
    const base = m * this.stride;
    if (this.order.length < len) this.order = new Int32Array(2 * len);
    const order = this.order;
    // Insertion sort of queue positions by (tx asc, size desc, fact desc): queues are short.
    for (let i = 0; i < len; i++) {
      const f = b[base + SLOT * i]!;
      const t = b[base + SLOT * i + 1]!;
      const size = b[base + SLOT * i + 2]!;
      let j = i - 1;
      while (j >= 0) {
        const o = order[j]!;
        const to = b[base + SLOT * o + 1]!;
        if (to < t) break;
        if (to === t) {
          const fo = b[base + SLOT * o]!;
          const so = b[base + SLOT * o + 2]!;
          if (so > size || (so === size && fo > f)) break;
        }
        order[j + 1] = o;
        j--;
      }
      order[j + 1] = i;
    }
    let count = start;
    let bytes = 0;
    let taken = 0;
    for (let k = 0; k < len; k++) {
      if (count >= PIGGY_MAX) break;
      const slot = base + SLOT * order[k]!;
      const size = b[slot + 2]! + COMPOUND_OVERHEAD;
      if (bytes + size > budget) continue;
      bytes += size;
      out[outBase + count++] = b[slot]!;
      b[slot + 1]!++;
      taken++;
    }
    this.takenCount = count;
    this.takenBytes = bytes;
    if (taken === 0) return;
    let kept = 0;
    for (let i = 0; i < len; i++) {
      const slot = base + SLOT * i;
      if (b[slot + 1]! >= this.limit) continue;
      if (kept !== i) {
        const to = base + SLOT * kept;
        b[to] = b[slot]!;
        b[to + 1] = b[slot + 1]!;
        b[to + 2] = b[slot + 2]!;
      }
      kept++;
    }
    this.lengths[m] = kept;
  }
}
