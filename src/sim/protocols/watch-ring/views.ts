/**
 * What every member believes of every other — (state, stamp of the verdict it came
 * from) per (observer, subject) — in memory that does not grow as N².
 *
 * Each subject has a latest verdict (the newest anyone issued; initially ALIVE with no
 * stamp). A member that holds the latest verdict about a subject stores nothing; only
 * members that hold something else have a record: those an announcement has not
 * reached yet (in flight, lost and resent, across a partition, while paused), and
 * restarted members that know nothing yet. When a new verdict is issued, every live
 * member that held the previous one gets a record of it (it still believes it), and
 * loses the record when the announcement reaches it. So memory is O(n + records), and
 * records are about the announcements still on their way — not n² once verdicts have
 * spread.
 *
 * Records live in an open-addressing hash table keyed by observer·n + subject (linear
 * probing, backward-shift deletion: no tombstones), on typed arrays.
 */
import { ALIVE, DEAD } from './ring.js';

const EMPTY = -1;
const NO_STAMP = -1;

export class Views {
  private readonly n: number;
  /** Per subject: the newest verdict anyone issued. */
  private readonly latestState: Uint8Array;
  private readonly latestStamp: Float64Array;
  private keys = new Float64Array(64).fill(EMPTY);
  private state = new Uint8Array(64);
  private stamp = new Float64Array(64);
  private count = 0;
  /** Most records held at once (memory reports). */
  peakRecords = 0;

  constructor(n: number) {
    this.n = n;
    this.latestState = new Uint8Array(n);
    this.latestStamp = new Float64Array(n).fill(NO_STAMP);
  }

  get records(): number {
    return this.count;
  }

  /** o's view of s: ALIVE or DEAD. */
  stateOf(o: number, s: number): number {
    const slot = this.find(o * this.n + s);
    return slot < 0 ? this.latestState[s]! : this.state[slot]!;
  }

  /** The stamp of the verdict o holds about s (−1: none). */
  stampOf(o: number, s: number): number {
    const slot = this.find(o * this.n + s);
    return slot < 0 ? this.latestStamp[s]! : this.stamp[slot]!;
  }

  /**
   * `o` issues a verdict about `s`: it becomes the latest. Every other live member
   * (`holds(x)`) that held the previous latest keeps believing it, in a record; `o` and
   * `s` itself hold the new one.
   */
  issue(o: number, s: number, state: number, stampUs: number, holds: (x: number) => boolean): void {
    const oldState = this.latestState[s]!;
    const oldStamp = this.latestStamp[s]!;
    if (oldState !== state || oldStamp !== stampUs) {
      for (let x = 0; x < this.n; x++) {
        if (x === o || x === s || !holds(x)) continue;
        const key = x * this.n + s;
        if (this.find(key) < 0) this.put(key, oldState, oldStamp);
      }
      this.latestState[s] = state;
      this.latestStamp[s] = stampUs;
    }
    this.remove(o * this.n + s);
  }

  /** `o` now holds (state, stamp) about `s` (an announcement it accepted). */
  hold(o: number, s: number, state: number, stampUs: number): void {
    const key = o * this.n + s;
    if (state === this.latestState[s] && stampUs === this.latestStamp[s]) this.remove(key);
    else this.put(key, state, stampUs);
  }

  /** `o` restarted and knows nothing: every other member is ALIVE to it, with no stamp. */
  forget(o: number): void {
    const n = this.n;
    for (let s = 0; s < n; s++) {
      if (s === o) continue;
      const key = o * n + s;
      // A latest ALIVE verdict is what "knows nothing" believes too (its stamp aside).
      if (this.latestState[s] === DEAD) this.put(key, ALIVE, NO_STAMP);
      else this.remove(key);
    }
  }

  private slotOf(key: number): number {
    const mask = this.keys.length - 1;
    let h = Math.imul((key % 4_294_967_296) | 0, 0x9e3779b1) ^ Math.imul(Math.floor(key / 4_294_967_296) | 0, 0x85ebca6b);
    h ^= h >>> 15;
    return h & mask;
  }

  private find(key: number): number {
    if (this.count === 0) return -1;
    const keys = this.keys;
    const mask = keys.length - 1;
    let slot = this.slotOf(key);
    for (;;) {
      const k = keys[slot]!;
      if (k === key) return slot;
      if (k === EMPTY) return -1;
      slot = (slot + 1) & mask;
    }
  }

  private put(key: number, state: number, stampUs: number): void {
    let slot = this.find(key);
    if (slot < 0) {
      if (2 * (this.count + 1) > this.keys.length) this.grow();
      const mask = this.keys.length - 1;
      slot = this.slotOf(key);
      while (this.keys[slot] !== EMPTY) slot = (slot + 1) & mask;
      this.keys[slot] = key;
      this.count++;
      if (this.count > this.peakRecords) this.peakRecords = this.count;
    }
    this.state[slot] = state;
    this.stamp[slot] = stampUs;
  }

  /** Backward-shift deletion: later entries of the probe run move up into the hole. */
  private remove(key: number): void {
    let hole = this.find(key);
    if (hole < 0) return;
    const keys = this.keys;
    const mask = keys.length - 1;
    let slot = hole;
    for (;;) {
      slot = (slot + 1) & mask;
      const k = keys[slot]!;
      if (k === EMPTY) break;
      const home = this.slotOf(k);
      // Move k into the hole when its home is not in (hole, slot] (cyclically).
      const between = hole <= slot ? home > hole && home <= slot : home > hole || home <= slot;
      if (between) continue;
      keys[hole] = k;
      this.state[hole] = this.state[slot]!;
      this.stamp[hole] = this.stamp[slot]!;
      hole = slot;
    }
    keys[hole] = EMPTY;
    this.count--;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldState = this.state;
    const oldStamp = this.stamp;
    const size = oldKeys.length * 2;
    this.keys = new Float64Array(size).fill(EMPTY);
    this.state = new Uint8Array(size);
    this.stamp = new Float64Array(size);
    const mask = size - 1;
    for (let i = 0; i < oldKeys.length; i++) {
      const key = oldKeys[i]!;
      if (key === EMPTY) continue;
      let slot = this.slotOf(key);
      while (this.keys[slot] !== EMPTY) slot = (slot + 1) & mask;
      this.keys[slot] = key;
      this.state[slot] = oldState[i]!;
      this.stamp[slot] = oldStamp[i]!;
    }
  }
}
