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
 * of them until the window first fills) — 4·B + 20 bytes a pair instead of 8 000. The
 * test checks that with sample_size ≤ 10 the conviction instants equal the detector's.
 */
import { PHI_FACTOR } from '../../detectors/phi-cassandra.js';

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
 * The windows of every pair. Fields are public so the gossip module's merge loops
 * can update them inline (a million reports a simulated second at 1 000 members);
 * `report` is the same update as a method, for the rare paths and the tests.
 */
/** Offsets in a pair's record (phi: 8 doubles = one 64-byte cache line; timeout: lastUs alone). */
export const LAST = 0;
export const SUM = 1;
export const COUNT = 2;
/** Sum of the current (open) block's intervals; flushed to `blocks` when the block closes. */
export const CUR = 3;
export const IN_BLOCK = 4;
export const HEAD = 5;

export class ArrivalWindows {
  /**
   * pair·stride + field → value: tLast (local µs), the window's sum (µs) and count, the
   * open block's sum, intervals in it and its index — all one pair's hot state in one
   * cache line, so an arrival touches one line here (plus `blocks` once per block).
   * Every value is a whole number below 2⁵³: the doubles hold them exactly.
   */
  readonly rec: Float64Array;
  /** Doubles per pair: 8 (phi), 1 (timeout). */
  readonly stride: number;
  /** pair·B + block → sum of that closed block's intervals (µs); the open block's is in `rec`. */
  readonly blocks: Int32Array;
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

  constructor(pairs: number, rule: ConvictionRule) {
    this.phi = rule.kind === 'phi';
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
    this.stride = this.phi ? 8 : 1;
    this.rec = new Float64Array(pairs * this.stride);
    this.blocks = new Int32Array((this.phi ? pairs : 0) * this.B);
  }

  /** tLast of the pair (local µs). */
  lastOf(pair: number): number {
    return this.rec[pair * this.stride]!;
  }

  /** Intervals in the pair's window (phi). */
  countOf(pair: number): number {
    return this.rec[pair * 8 + COUNT]!;
  }

  /** Bytes held per pair. */
  get bytesPerPair(): number {
    return 8 * this.stride + (this.phi ? 4 * this.B : 0);
  }

  /** A new window whose first report is at `localUs` (Cassandra: ArrivalWindow created, INITIAL_VALUE recorded). */
  start(pair: number, localUs: number): void {
    const r = this.rec;
    const k = pair * this.stride;
    r[k + LAST] = localUs;
    if (!this.phi) return;
    const B = this.B;
    this.blocks.fill(0, pair * B, pair * B + B);
    r[k + SUM] = this.initialUs;
    r[k + COUNT] = 1;
    r[k + CUR] = this.initialUs;
    r[k + IN_BLOCK] = 1;
    r[k + HEAD] = 0;
  }

  /** `start` for the pairs [from, to), all at `localUs` (the set-up of a whole row or table). */
  startRange(from: number, to: number, localUs: number): void {
    for (let p = from; p < to; p++) this.start(p, localUs);
  }

  /** FailureDetector.report: a heartbeat version of the pair's endpoint advanced at `localUs`. */
  report(pair: number, localUs: number): void {
    const k = pair * this.stride;
    const interval = localUs - this.rec[k + LAST]!;
    if (interval <= 0) return;
    this.rec[k + LAST] = localUs;
    if (this.phi && interval <= this.maxIntervalUs) this.record(pair, interval);
  }

  /** ArrivalWindow.add's recording of one interval (the block rotation described in the header). */
  record(pair: number, interval: number): void {
    recordAt(this, pair * 8, pair, interval);
  }

  /** Mean of the window's intervals (µs). */
  mean(pair: number): number {
    const k = pair * 8;
    return this.rec[k + SUM]! / this.rec[k + COUNT]!;
  }

  /** The local instant from which the observer convicts the pair's endpoint if no report comes. */
  convictFromUs(pair: number): number {
    const r = this.rec;
    if (!this.phi) return r[pair]! + this.timeoutUs + 1;
    // The detector's expression, operation for operation: (threshold·ln 10)·mean.
    const k = pair * 8;
    return r[k + LAST]! + Math.floor(this.factor * (r[k + SUM]! / r[k + COUNT]!)) + 1;
  }

  /** The phi nodetool shows (PHI_FACTOR · silence / mean), for tests and traces. */
  phiAt(pair: number, localUs: number): number {
    return (PHI_FACTOR * (localUs - this.lastOf(pair))) / this.mean(pair);
  }
}

/**
 * FailureDetector.report for pair `i` at local `l` (the endpoint held UP), and the new
 * conviction instant: `report` + `convictFromUs` in one small function the merge
 * loops inline (a million calls a simulated second at 1 000 members).
 */
export function arrive(w: ArrivalWindows, i: number, l: number): number {
  const r = w.rec;
  if (!w.phi) {
    if (l > r[i]!) r[i] = l;
    return r[i]! + w.timeoutUs + 1;
  }
  const k = i * 8;
  const interval = l - r[k]!;
  if (interval > 0) {
    r[k] = l;
    if (interval <= w.maxIntervalUs) recordAt(w, k, i, interval);
  }
  return r[k]! + Math.floor(w.factor * (r[k + SUM]! / r[k + COUNT]!)) + 1;
}

/** Records `interval` in the window whose record starts at `k` (pair `i`): ArrivalWindow.add, by blocks. */
function recordAt(w: ArrivalWindows, k: number, i: number, interval: number): void {
  const r = w.rec;
  if (r[k + IN_BLOCK] === w.blockSize) {
    // Close the open block, open the next one; a full window drops its oldest block whole.
    const B = w.B;
    const blocks = w.blocks;
    const h0 = r[k + HEAD]!;
    blocks[i * B + h0] = r[k + CUR]!;
    const h = h0 + 1 === B ? 0 : h0 + 1;
    if (r[k + COUNT] === w.capacity) {
      r[k + SUM] = r[k + SUM]! - blocks[i * B + h]!;
      r[k + COUNT] = r[k + COUNT]! - w.blockSize;
    }
    blocks[i * B + h] = 0;
    r[k + HEAD] = h;
    r[k + CUR] = 0;
    r[k + IN_BLOCK] = 0;
  }
  r[k + CUR] = r[k + CUR]! + interval;
  r[k + IN_BLOCK] = r[k + IN_BLOCK]! + 1;
  r[k + SUM] = r[k + SUM]! + interval;
  r[k + COUNT] = r[k + COUNT]! + 1;
}
