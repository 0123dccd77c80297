/**
 * Cassandra's per-endpoint arrival windows (gms/FailureDetector.java, ArrivalWindow)
 * for every (observer, endpoint) pair of a gossip cluster, in flat typed arrays, and
 * the instant from which an observer convicts an endpoint.
 *
 * The rule is detectors/phi-cassandra.ts's: phi = (now − tLast)/mean, convicted when
 * PHI_FACTOR·phi > phi_convict_threshold, i.e. from tLast + ⌊threshold·ln 10·mean⌋ + 1 µs;
 * the first report records INITIAL_VALUE; intervals over MAX_INTERVAL are not recorded.
 * A fixed timeout (van Renesse's T_fail) convicts from tLast + T + 1 µs.
 *
 * Why not that detector's class: it keeps `sample_size` (1 000) doubles per pair — 8 GB
 * for 1 000 members' million pairs. Here the window is kept as B = min(10, sample_size)
 * blocks of ⌈sample_size/B⌉ intervals, one Int32 sum per block: when the current block
 * is full the next interval opens a new block and, once B blocks are held, the oldest
 * block leaves whole. The mean is therefore over the last 901–1 000 recorded intervals
 * at Cassandra's 1 000 (exactly the last `sample_size` when it is ≤ 10, and exactly all
 * of them until the window first fills) — 4·B + 21 bytes a pair instead of 8 000. The
 * test checks that with sample_size ≤ 10 the conviction instants equal the detector's,
 * and that the telescoped sums below equal block sums kept by addition.
 */
import { PHI_FACTOR } from '../../detectors/phi-cassandra.js';
import { plainArena, type Arena } from './arena.js';

/** How an observer decides an endpoint is down, from the arrivals of its heartbeat versions. */
export type ConvictionRule =
  | {
      readonly kind: 'phi';
      /** phi_convict_threshold (Cassandra: 8). */
      readonly threshold: number;
      readonly initialIntervalUs: number;
      readonly maxIntervalUs: number;
      readonly sampleSize: number;
    }
  | { readonly kind: 'timeout'; readonly timeoutUs: number };

/** Blocks of the window (see the header). */
export const WINDOW_BLOCKS = 10;

export { PHI_FACTOR };

/**
 * The windows of every pair, telescoped: the sum of the window's intervals is
 * tLast − base. Between two reports that record an interval x, tLast moves by x
 * and so does the sum; so a recorded interval costs no addition to any sum — only
 * tLast and the count are stored. What breaks the telescope is kept in the base:
 *   - the first report records INITIAL_VALUE: base = tLast − INITIAL_VALUE;
 *   - an interval over MAX_INTERVAL is not recorded but tLast moves: base += interval;
 *   - a block leaving the window: base += that block's sum.
 * A block's sum is needed only when it leaves, so it is written once, when the block
 * closes (the window's sum then minus the other closed blocks in the window), into
 * `blocks` — touched once per `blockSize` reports. All values are whole µs below 2⁵³
 * in doubles, so the sums, and hence the means and conviction instants, are exactly
 * those of block sums kept by addition (the straightforward model; the tests compare
 * the two over random reports with dropped intervals and restarts).
 *
 * Fields are public so the gossip module's merge loops can update them inline (a
 * million reports a simulated second at 1 000 members); `report` is the same update
 * as a method, for the rare paths and the tests.
 */
export class ArrivalWindows {
  /**
   * What every report reads and writes, one array per field so the merge kernel
   * (merge-kernel.ts) reads four pairs of a field at once: tLast (local µs) per pair;
   * under phi also the base and the count — the window's sum of intervals is
   * tLast − base, over `count` intervals.
   */
  readonly last: Float64Array;
  readonly base: Float64Array;
  readonly count: Int32Array;
  /** The open block, per pair (read and written only when a block closes). */
  readonly head: Uint8Array;
  /** pair·B + block → sum of that closed block's intervals (µs); the open block's entry is stale. */
  readonly blocks: Int32Array;
  /** count → 1 when a report recorded at that count closes the open block (count a positive multiple of blockSize). */
  readonly closesAt: Uint8Array;
  readonly B: number;
  readonly blockSize: number;
  /** B·blockSize: a full window. */
  readonly capacity: number;
  readonly phi: boolean;
  /** threshold·ln 10 (phi): the silence, in means, that convicts. */
  readonly factor: number;
  readonly timeoutUs: number;
  readonly initialUs: number;
  readonly maxIntervalUs: number;

  /** `arena` places the per-pair fields where the merge kernel can address them (members.ts). */
  constructor(pairs: number, rule: ConvictionRule, arena: Arena = plainArena) {
    this.phi = rule.kind === 'phi';
    this.last = arena.float64(pairs);
    this.base = arena.float64(this.phi ? pairs : 0);
    this.count = arena.int32(this.phi ? pairs : 0);
    if (rule.kind === 'phi') {
      if (!(Number.isInteger(rule.sampleSize) && rule.sampleSize >= 1)) throw new RangeError('sample size must be a whole number ≥ 1');
      this.B = Math.min(WINDOW_BLOCKS, rule.sampleSize);
      this.blockSize = Math.ceil(rule.sampleSize / this.B);
      if (this.blockSize * Math.max(rule.maxIntervalUs, rule.initialIntervalUs) >= 2 ** 31) {
        throw new RangeError(`sample size × max interval too large for the window's block sums (${this.blockSize} × ${rule.maxIntervalUs} µs)`);
      }
      if (this.B * this.blockSize > 65_535) throw new RangeError('sample size too large (at most 65 535)');
      this.factor = rule.threshold * Math.LN10;
      this.initialUs = rule.initialIntervalUs;
      this.maxIntervalUs = rule.maxIntervalUs;
      this.timeoutUs = 0;
    } else {
      this.B = 0;
      this.blockSize = 0;
      this.factor = 0;
      this.initialUs = 0;
      this.maxIntervalUs = 0;
      this.timeoutUs = rule.timeoutUs;
    }
    this.capacity = this.B * this.blockSize;
    this.closesAt = new Uint8Array(this.capacity + 1);
    if (this.phi) for (let c = this.blockSize; c <= this.capacity; c += this.blockSize) this.closesAt[c] = 1;
    const windowed = this.phi ? pairs : 0;
    this.head = new Uint8Array(windowed);
    this.blocks = new Int32Array(windowed * this.B);
  }

  /** Bytes held per pair. */
  get bytesPerPair(): number {
    return 8 + (this.phi ? 8 + 4 + 1 + 4 * this.B : 0);
  }

  /** A new window whose first report is at `localUs` (Cassandra: ArrivalWindow created, INITIAL_VALUE recorded). */
  start(pair: number, localUs: number): void {
    this.startRange(pair, pair + 1, localUs);
  }


  /** `start` for the pairs [from, to), all at `localUs` (the set-up of a whole row or table). */
  startRange(from: number, to: number, localUs: number): void {
    this.last.fill(localUs, from, to);
    if (!this.phi) return;
    // No block is closed yet: `blocks` is read only for closed blocks, so it needs no reset.
    this.base.fill(localUs - this.initialUs, from, to);
    this.count.fill(1, from, to);
    this.head.fill(0, from, to);
  }

  /** tLast of the pair (local µs). */
  lastOf(pair: number): number {
    return this.last[pair]!;
  }

  /** Intervals in the pair's window (phi). */
  countOf(pair: number): number {
    return this.count[pair]!;
  }

  /** FailureDetector.report: a heartbeat version of the pair's endpoint advanced at `localUs`. */
  report(pair: number, localUs: number): void {
    if (this.phi) arrivePhi(this, pair, localUs);
    else arriveTimeout(this, pair, localUs);
  }

  /** Mean of the window's intervals (µs). */
  mean(pair: number): number {
    return (this.last[pair]! - this.base[pair]!) / this.count[pair]!;
  }

  /** The local instant from which the observer convicts the pair's endpoint if no report comes. */
  convictFromUs(pair: number): number {
    const last = this.last[pair]!;
    if (!this.phi) return last + this.timeoutUs + 1;
    // The detector's expression, operation for operation: (threshold·ln 10)·mean.
    return last + Math.floor(this.factor * ((last - this.base[pair]!) / this.count[pair]!)) + 1;
  }

  /** The phi nodetool shows (PHI_FACTOR · silence / mean), for tests and traces. */
  phiAt(pair: number, localUs: number): number {
    return (PHI_FACTOR * (localUs - this.lastOf(pair))) / this.mean(pair);
  }
}

/**
 * The open block of `pair` is full and one more interval is about to be recorded
 * (tLast was `lastUs` before it): closes the block — its sum is the window's sum minus
 * the other closed blocks' — opens the next, evicting the oldest block if the window
 * is full. Returns the count before the new interval. Once per `blockSize` reports.
 */
export function closeBlock(w: ArrivalWindows, pair: number, lastUs: number): number {
  const B = w.B;
  const row = pair * B;
  const blocks = w.blocks;
  let c = w.count[pair]!;
  const h = w.head[pair]!;
  // The other closed blocks in the window: the `closed` before h, going back around the ring (no modulo: this runs once per 100 reports of every pair).
  let others = 0;
  for (let k = 1, b = h, closed = c / w.blockSize - 1; k <= closed; k++) {
    b = b === 0 ? B - 1 : b - 1;
    others += blocks[row + b]!;
  }
  blocks[row + h] = lastUs - w.base[pair]! - others;
  const next = h + 1 === B ? 0 : h + 1;
  if (c === w.capacity) {
    w.base[pair]! += blocks[row + next]!;
    c -= w.blockSize;
  }
  w.head[pair] = next;
  return c;
}

/**
 * FailureDetector.report for pair `i` at local `l` (the endpoint held UP), and the new
 * conviction instant: `report` + `convictFromUs` (exchange.ts's applyStates has the
 * same update inline).
 */
export function arrive(w: ArrivalWindows, i: number, l: number): number {
  return w.phi ? arrivePhi(w, i, l) : arriveTimeout(w, i, l);
}

/** `arrive` under the phi rule: tLast, and the count or (an interval over MAX_INTERVAL) the base. */
export function arrivePhi(w: ArrivalWindows, i: number, l: number): number {
  const last = w.last[i]!;
  const interval = l - last;
  if (interval <= 0) return last + Math.floor(w.factor * ((last - w.base[i]!) / w.count[i]!)) + 1;
  w.last[i] = l;
  let c = w.count[i]!;
  if (interval > w.maxIntervalUs) w.base[i]! += interval;
  else {
    if (w.closesAt[c]) c = closeBlock(w, i, last);
    w.count[i] = ++c;
  }
  return l + Math.floor(w.factor * ((l - w.base[i]!) / c)) + 1;
}

/** `arrive` under a fixed timeout. */
export function arriveTimeout(w: ArrivalWindows, i: number, l: number): number {
  const last = w.last[i]!;
  if (l > last) {
    w.last[i] = l;
    return l + w.timeoutUs + 1;
  }
  return last + w.timeoutUs + 1;
}
