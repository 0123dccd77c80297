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

/** A copy of `a` with room for `capacity` elements: tables double when full. */
export function grown<T extends Int32Array | Uint8Array | Float64Array>(a: T, capacity: number): T {
  const b = new (a.constructor as new (length: number) => T)(capacity);
  b.set(a);
  return b;
}

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

export class BroadcastQueues {
  private readonly facts: Facts;
  private readonly limit: number;
  private readonly members: number;
  /** Slots per member (grows for everyone when one queue needs more): fact ids and transmit counts, flat. */
  private capacity = 4;
  private fact: Int32Array;
  private tx: Int32Array;
  /** Each queued fact's encoded size (facts are immutable): ordering reads no fact table. */
  private sz: Int32Array;
  private readonly len: Int32Array;
  private order = new Int32Array(64);
  /** Results of the last `take`: broadcasts in the packet (including `start`) and their bytes. */
  takenCount = 0;
  takenBytes = 0;

  constructor(members: number, facts: Facts, retransmitLimit: number) {
    this.facts = facts;
    this.limit = retransmitLimit;
    this.members = members;
    this.fact = new Int32Array(members * this.capacity);
    this.tx = new Int32Array(members * this.capacity);
    this.sz = new Int32Array(members * this.capacity);
    this.len = new Int32Array(members);
  }

  length(m: number): number {
    return this.len[m]!;
  }

  /** Forgets m's queue (it crashed). */
  clear(m: number): void {
    this.len[m] = 0;
  }

  /** Queues a broadcast, replacing any queued one about the same member (queue.go invalidation). */
  push(m: number, f: number): void {
    const subjects = this.facts.subject;
    const subject = subjects[f]!;
    let len = this.len[m]!;
    let base = m * this.capacity;
    for (let i = 0; i < len; i++) {
      if (subjects[this.fact[base + i]!] === subject) {
        this.removeAt(base, i, len);
        len--;
        break;
      }
    }
    if (len === this.capacity) {
      this.grow();
      base = m * this.capacity;
    }
    this.fact[base + len] = f;
    this.tx[base + len] = 0;
    this.sz[base + len] = this.facts.size(f);
    this.len[m] = len + 1;
  }

  private removeAt(base: number, i: number, len: number): void {
    this.fact.copyWithin(base + i, base + i + 1, base + len);
    this.tx.copyWithin(base + i, base + i + 1, base + len);
    this.sz.copyWithin(base + i, base + i + 1, base + len);
  }

  private grow(): void {
    const old = this.capacity;
    const cap = old * 2;
    const fact = new Int32Array(this.members * cap);
    const tx = new Int32Array(this.members * cap);
    const sz = new Int32Array(this.members * cap);
    for (let m = 0; m < this.members; m++) {
      fact.set(this.fact.subarray(m * old, m * old + this.len[m]!), m * cap);
      tx.set(this.tx.subarray(m * old, m * old + this.len[m]!), m * cap);
      sz.set(this.sz.subarray(m * old, m * old + this.len[m]!), m * cap);
    }
    this.capacity = cap;
    this.fact = fact;
    this.tx = tx;
    this.sz = sz;
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
    const len = this.len[m]!;
    if (len === 0) return;
    const base = m * this.capacity;
    const facts = this.fact;
    const tx = this.tx;
    const sizes = this.sz;
    if (this.order.length < len) this.order = new Int32Array(2 * len);
    const order = this.order;
    // Insertion sort of queue positions by (tx asc, size desc, fact desc): queues are short.
    for (let i = 0; i < len; i++) {
      const t = tx[base + i]!;
      const f = facts[base + i]!;
      const size = sizes[base + i]!;
      let j = i - 1;
      while (j >= 0) {
        const o = order[j]!;
        const to = tx[base + o]!;
        if (to < t) break;
        if (to === t) {
          const fo = facts[base + o]!;
          const so = sizes[base + o]!;
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
      const i = order[k]!;
      const f = facts[base + i]!;
      const size = sizes[base + i]! + COMPOUND_OVERHEAD;
      if (bytes + size > budget) continue;
      bytes += size;
      out[outBase + count++] = f;
      tx[base + i]!++;
      taken++;
    }
    this.takenCount = count;
    this.takenBytes = bytes;
    if (taken === 0) return;
    let kept = 0;
    for (let i = 0; i < len; i++) {
      if (tx[base + i]! >= this.limit) continue;
      facts[base + kept] = facts[base + i]!;
      tx[base + kept] = tx[base + i]!;
      sizes[base + kept] = sizes[base + i]!;
      kept++;
    }
    this.len[m] = kept;
  }
}
