/**
 * memberlist's broadcasts: the facts members spread (alive / suspect / dead with an
 * incarnation) and each member's TransmitLimitedQueue (queue.go) of them.
 *
 * A fact is immutable once made; packets and queues refer to it by index. A member's
 * queue holds at most one fact per subject (a newer one invalidates the older), each
 * with the number of times it was sent; GetBroadcasts takes the fewest-sent first, then
 * the larger, then the newer, as many as fit the packet, and drops those that reached
 * the retransmit limit. Queues are plain number arrays reused for the member's whole
 * life and ordered with a scratch array: taking broadcasts allocates nothing (it runs
 * for every packet a member sends).
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

const EMPTY: number[] = [];

export class BroadcastQueues {
  private readonly facts: Facts;
  private readonly limit: number;
  private readonly fact: number[][];
  private readonly tx: number[][];
  private order = new Int32Array(64);
  /** Results of the last `take`: broadcasts in the packet (including `start`) and their bytes. */
  takenCount = 0;
  takenBytes = 0;

  constructor(members: number, facts: Facts, retransmitLimit: number) {
    this.facts = facts;
    this.limit = retransmitLimit;
    this.fact = new Array<number[]>(members).fill(EMPTY);
    this.tx = new Array<number[]>(members).fill(EMPTY);
  }

  length(m: number): number {
    return this.fact[m]!.length;
  }

  /** The queued facts of member m (read-only). */
  factsOf(m: number): readonly number[] {
    return this.fact[m]!;
  }

  /** Forgets m's queue (it crashed). */
  clear(m: number): void {
    this.fact[m]!.length = 0;
    this.tx[m]!.length = 0;
  }

  /** Queues a broadcast, replacing any queued one about the same member (queue.go invalidation). */
  push(m: number, f: number): void {
    let facts = this.fact[m]!;
    let tx = this.tx[m]!;
    if (facts === EMPTY) {
      facts = [];
      tx = [];
      this.fact[m] = facts;
      this.tx[m] = tx;
    }
    const subjects = this.facts.subject;
    const subject = subjects[f]!;
    for (let i = 0; i < facts.length; i++) {
      if (subjects[facts[i]!] === subject) {
        facts.splice(i, 1);
        tx.splice(i, 1);
        break;
      }
    }
    facts.push(f);
    tx.push(0);
  }

  /**
   * TransmitLimitedQueue.GetBroadcasts: fewest transmissions first, then larger, then
   * newer; writes what fits into `out` from `start` on (at most PIGGY_MAX in all),
   * counts a transmission for each, drops those at the retransmit limit. Results in
   * takenCount / takenBytes.
   */
  take(m: number, out: Int32Array, base: number, start: number, budget: number): void {
    const facts = this.fact[m]!;
    const len = facts.length;
    this.takenCount = start;
    this.takenBytes = 0;
    if (len === 0) return;
    const tx = this.tx[m]!;
    const sizes = this.facts;
    if (this.order.length < len) this.order = new Int32Array(2 * len);
    const order = this.order;
    // Insertion sort of queue positions by (tx asc, size desc, fact desc): queues are short.
    for (let i = 0; i < len; i++) {
      const t = tx[i]!;
      const f = facts[i]!;
      const size = sizes.size(f);
      let j = i - 1;
      while (j >= 0) {
        const o = order[j]!;
        const to = tx[o]!;
        if (to < t) break;
        if (to === t) {
          const so = sizes.size(facts[o]!);
          if (so > size || (so === size && facts[o]! > f)) break;
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
      const size = sizes.size(facts[i]!) + COMPOUND_OVERHEAD;
      if (bytes + size > budget) continue;
      bytes += size;
      out[base + count++] = facts[i]!;
      tx[i]!++;
      taken++;
    }
    this.takenCount = count;
    this.takenBytes = bytes;
    if (taken === 0) return;
    for (let i = len - 1; i >= 0; i--) {
      if (tx[i]! >= this.limit) {
        facts.splice(i, 1);
        tx.splice(i, 1);
      }
    }
  }
}
