/**
 * The skipping walk's buffers: the verdicts and book events of every node, kept on
 * typed arrays and sorted once into the engine's same-instant order; growable number
 * lists; the heartbeats a group drew ahead of a segment. Nothing here allocates per
 * heartbeat.
 */
import { Cause, type MetricsRecorder } from '../metrics/recorder.js';
import { grown } from '../grown.js';

/** Codes of the other events the books hear, beside verdicts (statuses 0–2). */
export const PAUSE_START = 10;
export const PAUSE_END = 11;
export const NEWS = 12;
export const CRASH = 13;
export const RECOVER = 14;
/** Or-ed into a verdict's cause: trust was lost while TCP held a message of the pair back (./tcp-walk.ts). */
export const STALL_FLAG = 0x80;

/**
 * A field initialiser that is not a small integer (V8's Smi), for number fields that hold
 * instants or anything that may outgrow 2³⁰: the field's hidden class then holds a double
 * from construction, whatever is stored later. Otherwise a field first filled with small
 * values (the pause-survival search's short probes) is laid out for Smis and changed to a
 * double when the first large one comes (a one-hour run's instants, > 2³⁰ µs): V8 then
 * deprecates the class's map and throws away every optimised function that relied on it
 * ("wrong map", "code dependencies"), and compiles the walk a second time. Every such
 * field is assigned its real value in the constructor or before its first read.
 */
export const DOUBLE_FIELD = 0.5;

/**
 * 0, 1, …, n − 1. A function of its own so that nothing follows the loop: V8 compiles a
 * long loop on the spot (OSR), and code after it that has not run yet (the sort in
 * `VerdictList.order`, once) would throw that compiled code away at once.
 */
function iota(n: number): Int32Array {
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  return idx;
}

/** Verdict changes of all nodes, collected, then fed to the metrics in time order. */
export class VerdictList {
  // Empty until the first push grows them: growing is then met at once, not first late in
  // a run (where the optimizer would meet a call it never saw run, and throw its code away).
  timeUs = new Float64Array(0);
  key = new Float64Array(0); // order at one instant: deliveries (0) before timers (1), then pair
  pair = new Int32Array(0);
  to = new Uint8Array(0);
  cause = new Uint8Array(0);
  length = 0;

  /**
   * `to` is a status for a verdict, or PAUSE_START, PAUSE_END, NEWS, CRASH, RECOVER. Order
   * at one instant, as the engine's event classes: pause edges, crashes and restarts
   * (world), then deliveries (the
   * news of a resumed node before the verdict it brings), then timers; by pair within.
   */
  push(timeUs: number, pair: number, to: number, cause: number): void {
    if (this.length === this.timeUs.length) this.grow();
    const i = this.length++;
    this.timeUs[i] = timeUs;
    const eventClass = to === PAUSE_START || to === PAUSE_END || to === CRASH || to === RECOVER ? 0 : to === NEWS || cause === Cause.heartbeat ? 1 : 2;
    this.key[i] = eventClass * 2 ** 34 + pair * 2 + (to === NEWS ? 0 : 1);
    this.pair[i] = pair;
    this.to[i] = to;
    this.cause[i] = cause;
  }

  private grow(): void {
    const n = Math.max(1024, this.timeUs.length * 2);
    this.timeUs = grown(this.timeUs, n);
    this.key = grown(this.key, n);
    const p = new Int32Array(n);
    p.set(this.pair);
    this.pair = p;
    const t = new Uint8Array(n);
    t.set(this.to);
    this.to = t;
    const c = new Uint8Array(n);
    c.set(this.cause);
    this.cause = c;
  }

  /** Indices in (time, key) order; stable for a given content. */
  order(): Int32Array {
    const idx = iota(this.length);
    const time = this.timeUs;
    const key = this.key;
    idx.sort((a, b) => time[a]! - time[b]! || key[a]! - key[b]!);
    return idx;
  }

  /** Feeds every entry to the books in the engine's order (`order()`): what a walk does at its end. */
  replayInto(metrics: MetricsRecorder): void {
    const order = this.order();
    for (let i = 0; i < order.length; i++) {
      const v = order[i]!;
      const pair = this.pair[v]!;
      const timeUs = this.timeUs[v]!;
      const to = this.to[v]!;
      if (to === PAUSE_START) metrics.onPauseStart(pair, timeUs);
      else if (to === PAUSE_END) metrics.onPauseEnd(pair, timeUs);
      else if (to === NEWS) metrics.onNewsAfterPause(pair, timeUs);
      else if (to === CRASH) metrics.onCrash(pair, timeUs);
      else if (to === RECOVER) metrics.onRecover(pair, timeUs);
      else {
        const cause = this.cause[v]!;
        // Only the TCP walk sets the flag; the engine sets the recorder's field before each loss of trust.
        if (cause >= STALL_FLAG || metrics.suspicionDuringTransportStall) metrics.suspicionDuringTransportStall = cause >= STALL_FLAG;
        metrics.onVerdict(pair, timeUs, to as 0 | 1 | 2, (cause & 0x7f) as 0 | 1 | 2);
      }
    }
  }
}


/** A growable list of numbers on a Float64Array (no boxing, reused across nodes). */
export class NumberList {
  items = new Float64Array(0); // grown on the first push (see VerdictList)
  length = 0;
  push(x: number): void {
    if (this.length === this.items.length) this.items = grown(this.items, Math.max(64, this.length * 2));
    this.items[this.length++] = x;
  }
}

/**
 * Heartbeats drawn ahead of a segment, in message order: a group's interesting ones and
 * their ordinary neighbours. A segment that follows reuses them instead of drawing anew.
 */
export class DrawnAhead {
  // Grown on the first push (see VerdictList).
  index = new Float64Array(0);
  jitterUs = new Float64Array(0);
  delayUs = new Float64Array(0);
  lost = new Uint8Array(0);
  interesting = new Uint8Array(0);
  length = 0;
  /** The next entry a segment has not consumed. */
  read = 0;

  clear(): void {
    this.length = 0;
    this.read = 0;
  }

  push(index: number, jitterUs: number, delayUs: number, lost: boolean, interesting: boolean): void {
    if (this.length === this.index.length) this.grow();
    const i = this.length++;
    this.index[i] = index;
    this.jitterUs[i] = jitterUs;
    this.delayUs[i] = delayUs;
    this.lost[i] = lost ? 1 : 0;
    this.interesting[i] = interesting ? 1 : 0;
  }

  private grow(): void {
    const n = Math.max(64, this.index.length * 2);
    this.index = grown(this.index, n);
    this.jitterUs = grown(this.jitterUs, n);
    this.delayUs = grown(this.delayUs, n);
    const l = new Uint8Array(n);
    l.set(this.lost);
    this.lost = l;
    const t = new Uint8Array(n);
    t.set(this.interesting);
    this.interesting = t;
  }
}

/**
 * Sorts the first n entries of a, in place, without allocating. Arrivals come nearly in
 * order (a late heartbeat is overtaken by a few of its successors), where insertion sort
 * is linear in n plus the inversions; past a budget of shifts (an order far from sorted)
 * the builtin sort finishes the prefix. One loop whatever n: a separate path for long
 * prefixes would be code the optimizer first meets late, and throws away (a deopt, then
 * a second compile of every caller it was inlined into) in the walk's first run.
 */
export function sortPrefix(a: Float64Array, n: number): void {
  let budget = 8 * n + 64;
  for (let i = 1; i < n; i++) {
    const x = a[i]!;
    let j = i - 1;
    while (j >= 0 && a[j]! > x) {
      a[j + 1] = a[j]!;
      j--;
    }
    a[j + 1] = x;
    budget -= i - 1 - j;
    if (budget < 0) {
      a.subarray(0, n).sort();
      return;
    }
  }
}
