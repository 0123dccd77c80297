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
export class ArrivalWindows {
  /** Local instant of the last report (tLast), per pair. */
  readonly lastUs: Float64Array;
  /** Sum of the window's intervals (µs), per pair (phi only). */
  readonly sum: Float64Array;
  /** Intervals in the window, per pair (phi only). */
  readonly count: Uint16Array;
  /** Intervals in the current block, per pair. */
  readonly inBlock: Uint16Array;
  /** The current block, per pair. */
  readonly head: Uint8Array;
  /** pair·B + block → sum of that block's intervals (µs). */
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
    this.lastUs = new Float64Array(pairs);
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
    const windowed = this.phi ? pairs : 0;
    this.sum = new Float64Array(windowed);
    this.count = new Uint16Array(windowed);
    this.inBlock = new Uint16Array(windowed);
    this.head = new Uint8Array(windowed);
    this.blocks = new Int32Array(windowed * this.B);
  }

  /** Bytes held per pair. */
  get bytesPerPair(): number {
    return 8 + (this.phi ? 8 + 2 + 2 + 1 + 4 * this.B : 0);
  }

  /** A new window whose first report is at `localUs` (Cassandra: ArrivalWindow created, INITIAL_VALUE recorded). */
  start(pair: number, localUs: number): void {
    this.lastUs[pair] = localUs;
    if (!this.phi) return;
    const B = this.B;
    this.blocks.fill(0, pair * B, pair * B + B);
    this.blocks[pair * B] = this.initialUs;
    this.sum[pair] = this.initialUs;
    this.count[pair] = 1;
    this.inBlock[pair] = 1;
    this.head[pair] = 0;
  }

  /** `start` for the pairs [from, to), all at `localUs` (the set-up of a whole row or table). */
  startRange(from: number, to: number, localUs: number): void {
    this.lastUs.fill(localUs, from, to);
    if (!this.phi) return;
    const B = this.B;
    this.blocks.fill(0, from * B, to * B);
    for (let p = from; p < to; p++) this.blocks[p * B] = this.initialUs;
    this.sum.fill(this.initialUs, from, to);
    this.count.fill(1, from, to);
    this.inBlock.fill(1, from, to);
    this.head.fill(0, from, to);
  }

  /** FailureDetector.report: a heartbeat version of the pair's endpoint advanced at `localUs`. */
  report(pair: number, localUs: number): void {
    const interval = localUs - this.lastUs[pair]!;
    if (interval <= 0) return;
    this.lastUs[pair] = localUs;
    if (this.phi && interval <= this.maxIntervalUs) this.record(pair, interval);
  }

  /** ArrivalWindow.add's recording of one interval (the block rotation described in the header). */
  record(pair: number, interval: number): void {
    const B = this.B;
    let h = this.head[pair]!;
    let c = this.inBlock[pair]!;
    if (c === this.blockSize) {
      h = h + 1 === B ? 0 : h + 1;
      if (this.count[pair] === this.capacity) {
        this.sum[pair]! -= this.blocks[pair * B + h]!;
        this.count[pair]! -= this.blockSize;
      }
      this.blocks[pair * B + h] = 0;
      this.head[pair] = h;
      c = 0;
    }
    this.blocks[pair * B + h]! += interval;
    this.inBlock[pair] = c + 1;
    this.sum[pair]! += interval;
    this.count[pair]! += 1;
  }

  /** Mean of the window's intervals (µs). */
  mean(pair: number): number {
    return this.sum[pair]! / this.count[pair]!;
  }

  /** The local instant from which the observer convicts the pair's endpoint if no report comes. */
  convictFromUs(pair: number): number {
    if (!this.phi) return this.lastUs[pair]! + this.timeoutUs + 1;
    // The detector's expression, operation for operation: (threshold·ln 10)·mean.
    return this.lastUs[pair]! + Math.floor(this.factor * (this.sum[pair]! / this.count[pair]!)) + 1;
  }

  /** The phi nodetool shows (PHI_FACTOR · silence / mean), for tests and traces. */
  phiAt(pair: number, localUs: number): number {
    return (PHI_FACTOR * (localUs - this.lastUs[pair]!)) / this.mean(pair);
  }
}

/**
 * FailureDetector.report for pair `i` at local `l` (the endpoint held UP), and the new
 * conviction instant: `report` + `convictFromUs` in one small function the merge
 * loops inline (a million calls a simulated second at 1 000 members).
 */
export function arrive(w: ArrivalWindows, i: number, l: number): number {
  const last = w.lastUs;
  const interval = l - last[i]!;
  if (!w.phi) {
    if (interval > 0) last[i] = l;
    return last[i]! + w.timeoutUs + 1;
  }
  if (interval > 0) {
    last[i] = l;
    if (interval <= w.maxIntervalUs) {
      const B = w.B;
      const head = w.head;
      const inBlock = w.inBlock;
      const blocks = w.blocks;
      const count = w.count;
      const sum = w.sum;
      let h = head[i]!;
      let c = inBlock[i]!;
      if (c === w.blockSize) {
        h = h + 1 === B ? 0 : h + 1;
        if (count[i] === w.capacity) {
          sum[i]! -= blocks[i * B + h]!;
          count[i]! -= w.blockSize;
        }
        blocks[i * B + h] = 0;
        head[i] = h;
        c = 0;
      }
      blocks[i * B + h]! += interval;
      inBlock[i] = c + 1;
      sum[i]! += interval;
      count[i]! += 1;
    }
  }
  return last[i]! + Math.floor(w.factor * (w.sum[i]! / w.count[i]!)) + 1;
}
