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
 * of them until the window first fills) — 74 bytes a pair instead of 8 000 (below). The
 * test checks that with sample_size ≤ 10 the conviction instants equal the detector's,
 * and that the window sums below equal block sums kept by addition.
 *
 * The record every report touches is small (the merge is memory-bound: 10⁶ reports a
 * simulated second at 1 000 members, each a random pair's record): tLast as an Int32
 * relative to an epoch per row (an observer's row of endpoints), the window's sum as an
 * Int32, the count as a Uint16 — 10 bytes instead of 20 (the block sums, the open block
 * and the closed blocks' total, touched once per block, are one 64-byte line). All are whole µs, so every mean
 * and conviction instant is the same double as with absolute tLast in doubles. A row's
 * epoch moves to `l` when a report at `l` is more than REBASE_US past it; tLast older than
 * FLOOR_US before the new epoch is then clamped there. Clamping changes nothing the model
 * reads when (`compactWindows`) the conviction horizon and MAX_INTERVAL are below 2²⁹ µs
 * and a full window's sum fits an Int32: a pair that silent was convictable long before
 * either way (its conviction instant is in the past whether clamped or not, and a member
 * scans its row whenever its bound is reached), and its next report is an interval over
 * MAX_INTERVAL either way, which leaves the sum and count alone (only tLast moves, to
 * `l`). Other settings keep doubles (epoch 0, never moved) and the JavaScript merge.
 */
import { PHI_FACTOR } from '../../detectors/phi-cassandra.js';
import { arenaLineBytes, plainArena, type Arena } from './arena.js';
import { UP } from './membership-accounting.js';
import type { ScanFn } from './scan-kernel.js';

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

/**
 * Int32s per pair in `blocks` under phi: 16 (a 64-byte line) ≥ WINDOW_BLOCKS + 2. The merge
 * kernel closes blocks in this layout (merge-kernel.ts: the pair's line at pair·64, the
 * closed blocks' total at byte 56, the open block at 60).
 */
export const BLOCK_STRIDE = 16;

/** Bytes the block lines of `pairs` pairs take in the kernel's memory (arena.ts). */
export function blockArenaBytes(pairs: number): number {
  return arenaLineBytes(BLOCK_STRIDE * pairs);
}

/** A row's epoch moves when a report is more than this past it (2²⁹ µs ≈ 9 min). */
export const REBASE_US = 2 ** 29;
/** tLast relative to its row's epoch is kept ≥ this (−2³⁰ µs): older is clamped (see the header). */
export const FLOOR_US = -(2 ** 30);

export { PHI_FACTOR };

/**
 * Whether the phi rule's windows can use the compact record (Int32 tLast relative to a
 * moving epoch, Int32 sums): a full window's sum below 2³¹ µs, and MAX_INTERVAL and the
 * conviction horizon (threshold·ln 10 · the largest mean) below 2²⁹ µs — then clamping a
 * tLast older than 2³⁰ µs changes nothing (the header). Cassandra's defaults: 1 000 ×
 * 2 s = 2·10⁹ µs < 2³¹, horizon 3.7·10⁷ µs.
 */
export function compactWindows(rule: ConvictionRule): boolean {
  if (rule.kind !== 'phi') return false;
  const B = Math.min(WINDOW_BLOCKS, rule.sampleSize);
  const largest = Math.max(rule.maxIntervalUs, rule.initialIntervalUs);
  return B * Math.ceil(rule.sampleSize / B) * largest < 2 ** 31 && rule.maxIntervalUs < REBASE_US && rule.threshold * Math.LN10 * largest + 2 < REBASE_US;
}

/**
 * The windows of every pair. The sum of the window's intervals is kept whole: a
 * recorded interval adds to it; an interval over MAX_INTERVAL moves tLast only; a
 * block leaving the window subtracts that block's sum. A block's sum is needed only
 * when it leaves, so it is written once, when the block closes (the window's sum then
 * minus the other closed blocks in the window), into `blocks` — touched once per
 * `blockSize` reports. All values are whole µs below 2⁵³ in doubles, so the sums, and
 * hence the means and conviction instants, are exactly those of block sums kept by
 * addition (the straightforward model; the tests compare the two over random reports
 * with dropped intervals and restarts).
 *
 * Fields are public so the gossip module's merge loops can update them inline (a
 * million reports a simulated second at 1 000 members); `report` is the same update
 * as a method, for the rare paths and the tests. Pairs are grouped in rows of
 * `rowLength` (an observer's endpoints), each with its epoch.
 */
export class ArrivalWindows {
  /**
   * What every report reads and writes, one array per field so the merge kernel
   * (merge-kernel.ts) reads four pairs of a field at once, under phi: tLast − the row's
   * epoch (local µs), the window's sum of intervals and their count. Int32 when
   * `compact`, else doubles.
   */
  readonly rel: Int32Array | Float64Array;
  readonly sum: Int32Array | Float64Array;
  readonly count: Uint16Array;
  /** row → its epoch (local µs; phi). */
  readonly epoch: Float64Array;
  /** tLast per pair (local µs; the fixed timeout). */
  readonly last: Float64Array;
  /**
   * What a block close reads and writes, one line per pair (a close is a cache miss on a
   * random pair: one line, not three): pair·stride + block → sum of that closed block's
   * intervals (µs; the open block's entry is stale), + stride − 2 → the sum of the closed
   * blocks in the window (compact records: a full window's sum fits an Int32), + stride − 1
   * → the open block.
   */
  readonly blocks: Int32Array;
  /** Int32s per pair in `blocks`: BLOCK_STRIDE (64 bytes, a cache line) under phi. */
  readonly stride: number;
  /** `blocks` is in the kernel's memory, 64-byte aligned (the kernel closes blocks itself). */
  readonly blocksInArena: boolean;
  /** count → 1 when a report recorded at that count closes the open block (count a positive multiple of blockSize). */
  readonly closesAt: Uint8Array;
  readonly B: number;
  readonly blockSize: number;
  /** B·blockSize: a full window. */
  readonly capacity: number;
  readonly phi: boolean;
  /** Int32 records and moving epochs (`compactWindows`). */
  readonly compact: boolean;
  /** threshold·ln 10 (phi): the silence, in means, that convicts. */
  readonly factor: number;
  readonly timeoutUs: number;
  readonly initialUs: number;
  readonly maxIntervalUs: number;
  /** Epochs moved, and tLast values clamped when they did (for tests). */
  rebased = 0;
  clamped = 0;
  /** No window started yet: `blocks` is as allocated, all zeros. */
  private fresh = true;
  /** The row scan in WebAssembly (scan-kernel.ts), its output list and result word, when the fields are in its memory (`useScanKernel`). */
  private scan: { readonly fn: ScanFn; readonly buffer: ArrayBufferLike; readonly list: Int32Array; readonly res: Int32Array } | null = null;

  /**
   * `arena` places the per-pair fields where the merge kernel can address them (members.ts);
   * pairs in rows of `rowLength`; `compact` false keeps doubles even where the compact
   * record is provably equivalent (the reference the tests compare against); `blockArena`
   * (compact records only) holds the block lines where the kernel can close blocks.
   */
  constructor(
    pairs: number,
    rule: ConvictionRule,
    arena: Arena = plainArena,
    readonly rowLength = 1,
    compact = true,
    blockArena: Arena | null = null,
  ) {
    this.phi = rule.kind === 'phi';
    this.compact = compact && compactWindows(rule);
    const windowed = this.phi ? pairs : 0;
    this.last = (this.phi ? plainArena : arena).float64(this.phi ? 0 : pairs);
    this.rel = this.compact ? arena.int32(windowed) : plainArena.float64(windowed);
    this.sum = this.compact ? arena.int32(windowed) : plainArena.float64(windowed);
    this.count = (this.compact ? arena : plainArena).uint16(windowed);
    this.epoch = new Float64Array(this.phi ? Math.ceil(pairs / rowLength) : 0);
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
    this.convicted = new Int32Array(rowLength);
    this.stride = this.phi ? BLOCK_STRIDE : 0;
    this.blocksInArena = this.compact && blockArena !== null;
    this.blocks = this.blocksInArena ? blockArena!.int32Lines(windowed * this.stride) : new Int32Array(windowed * this.stride);
  }

  /** Bytes held per pair. */
  get bytesPerPair(): number {
    return this.phi ? (this.compact ? 4 + 4 : 8 + 8) + 2 + 4 * this.stride : 8;
  }

  /**
   * Row `row`'s epoch fits local instant `l`: moved to `l` if `l` is more than REBASE_US
   * past it (compact records; see the header). Called before a report at `l` in the row.
   * Local clocks are monotonic, so `l` never falls far before the epoch.
   */
  fit(row: number, l: number): void {
    if (!this.compact || l - this.epoch[row]! <= REBASE_US) return;
    const shift = l - this.epoch[row]!;
    this.epoch[row] = l;
    const rel = this.rel;
    const end = Math.min(rel.length, (row + 1) * this.rowLength);
    this.rebased++;
    for (let i = row * this.rowLength; i < end; i++) {
      const r = rel[i]! - shift;
      if (r < FLOOR_US) this.clamped++;
      rel[i] = r < FLOOR_US ? FLOOR_US : r;
    }
  }

  /** A new window whose first report is at `localUs` (Cassandra: ArrivalWindow created, INITIAL_VALUE recorded). */
  start(pair: number, localUs: number): void {
    this.startRange(pair, pair + 1, localUs);
  }

  /** `start` for the pairs [from, to), all at `localUs` (the set-up of a whole row or table). */
  startRange(from: number, to: number, localUs: number): void {
    if (!this.phi) {
      this.last.fill(localUs, from, to);
      return;
    }
    const R = this.rowLength;
    for (let row = Math.floor(from / R); row * R < to; row++) {
      this.fit(row, localUs);
      this.rel.fill(localUs - this.epoch[row]!, Math.max(from, row * R), Math.min(to, (row + 1) * R));
    }
    this.sum.fill(this.initialUs, from, to);
    this.count.fill(1, from, to);
    // No block is closed yet (the block sums are read only for closed blocks: no reset); the open block is the first.
    // The first start (the whole table at set-up) finds them zero already: not writing 64 bytes a pair saves touching 64 MB at 1 000 members.
    const blocks = this.blocks;
    const S = this.stride;
    if (!this.fresh) {
      for (let i = from; i < to; i++) {
        blocks[i * S + S - 2] = 0;
        blocks[i * S + S - 1] = 0;
      }
    }
    this.fresh = false;
  }

  /**
   * `scanRow` runs `fn` (scan-kernel.ts) over the compact fields, which are in its memory
   * like `list` and `res` (scratch: the merge kernel's, idle during a scan). members.ts.
   */
  useScanKernel(fn: ScanFn, list: Int32Array, res: Int32Array): void {
    if (!this.compact || !(this.rel instanceof Int32Array) || this.rel.buffer !== list.buffer || this.count.buffer !== list.buffer || res.buffer !== list.buffer) {
      throw new Error('the scan kernel needs the compact fields in its memory');
    }
    if (list.length < this.rowLength) throw new RangeError('the scan list is shorter than a row');
    this.scan = { fn, buffer: list.buffer, list, res };
  }

  /** The epoch of the pair's row (phi). */
  epochOf(pair: number): number {
    return this.epoch[Math.floor(pair / this.rowLength)]!;
  }

  /** tLast of the pair (local µs). */
  lastOf(pair: number): number {
    return this.phi ? this.epochOf(pair) + this.rel[pair]! : this.last[pair]!;
  }

  /** Intervals in the pair's window (phi). */
  countOf(pair: number): number {
    return this.count[pair]!;
  }

  /** FailureDetector.report: a heartbeat version of the pair's endpoint advanced at `localUs`. */
  report(pair: number, localUs: number): void {
    if (!this.phi) {
      arriveTimeout(this, pair, localUs);
      return;
    }
    const row = Math.floor(pair / this.rowLength);
    this.fit(row, localUs);
    arrivePhi(this, pair, localUs - this.epoch[row]!, localUs);
  }

  /** Mean of the window's intervals (µs). */
  mean(pair: number): number {
    return this.sum[pair]! / this.count[pair]!;
  }

  /** The local instant from which the observer convicts the pair's endpoint if no report comes. */
  convictFromUs(pair: number): number {
    if (!this.phi) return this.last[pair]! + this.timeoutUs + 1;
    // The detector's expression, operation for operation: (threshold·ln 10)·mean.
    return this.lastOf(pair) + Math.floor(this.factor * (this.sum[pair]! / this.count[pair]!)) + 1;
  }

  /**
   * Gossiper.doStatusCheck's pass over row `row` (an observer's endpoints; `self` skipped):
   * each endpoint held UP (`view` at the pair) whose conviction instant is ≤ `l` is
   * written to `this.convicted`, in increasing order (`convictedCount` of them); returns the
   * earliest conviction instant of the others (Infinity if none). The instants are
   * `convictFromUs`'s doubles, operation for operation; one pass without a call or a row
   * lookup per pair (10⁶ pairs scanned every ~14 simulated seconds at 1 000 members).
   * With the merge kernel (`useScanKernel`), two endpoints at a time in WebAssembly
   * (scan-kernel.ts: the same doubles; ≈ half the scan's time in the 1 000-member workload).
   */
  scanRow(row: number, self: number, view: Uint8Array, l: number): number {
    const R = this.rowLength;
    const convicted = this.convicted;
    const base = row * R;
    let next = Infinity;
    let k = 0;
    if (this.phi) {
      const epoch = this.epoch[row]!;
      const rel = this.rel;
      const sum = this.sum;
      const count = this.count;
      const factor = this.factor;
      let e = 0;
      const scan = this.scan;
      if (scan !== null && view.buffer === scan.buffer) {
        // Two endpoints at a time in WebAssembly (the same doubles); the odd last one below.
        const n2 = R & ~1;
        next = scan.fn(view.byteOffset + base, rel.byteOffset + 4 * base, sum.byteOffset + 4 * base, count.byteOffset + 2 * base, n2, self, scan.list.byteOffset, scan.res.byteOffset, epoch, factor, l);
        k = scan.res[0]!;
        for (let j = 0; j < k; j++) convicted[j] = scan.list[j]!;
        e = n2;
      }
      for (; e < R; e++) {
        const i = base + e;
        if (view[i] !== UP || e === self) continue;
        const from = epoch + rel[i]! + Math.floor(factor * (sum[i]! / count[i]!)) + 1;
        if (l >= from) convicted[k++] = e;
        else if (from < next) next = from;
      }
    } else {
      const last = this.last;
      const timeoutUs = this.timeoutUs;
      for (let e = 0; e < R; e++) {
        const i = base + e;
        if (view[i] !== UP || e === self) continue;
        const from = last[i]! + timeoutUs + 1;
        if (l >= from) convicted[k++] = e;
        else if (from < next) next = from;
      }
    }
    this.convictedCount = k;
    return next;
  }

  /** The endpoints the last `scanRow` found convictable (the first `convictedCount`). */
  readonly convicted: Int32Array;
  convictedCount = 0;

  /** The phi nodetool shows (PHI_FACTOR · silence / mean), for tests and traces. */
  phiAt(pair: number, localUs: number): number {
    return (PHI_FACTOR * (localUs - this.lastOf(pair))) / this.mean(pair);
  }
}

/**
 * The open block of `pair` is full and one more interval is about to be recorded:
 * closes the block — its sum is the window's sum minus the other closed blocks' — opens
 * the next, evicting the oldest block (its sum leaves the window's) if the window is
 * full. Returns the count before the new interval. Once per `blockSize` reports.
 */
export function closeBlock(w: ArrivalWindows, pair: number): number {
  const B = w.B;
  const row = pair * w.stride;
  const closedAt = row + w.stride - 2;
  const blocks = w.blocks;
  let c = w.count[pair]!;
  const h = blocks[closedAt + 1]!;
  let others = 0;
  if (w.compact) others = blocks[closedAt]!;
  else {
    // The other closed blocks in the window: the `closed` before h, going back around the ring (their total may not fit an Int32 here).
    for (let k = 1, b = h, closed = c / w.blockSize - 1; k <= closed; k++) {
      b = b === 0 ? B - 1 : b - 1;
      others += blocks[row + b]!;
    }
  }
  const closing = w.sum[pair]! - others;
  blocks[row + h] = closing;
  let closed = others + closing;
  const next = h + 1 === B ? 0 : h + 1;
  if (c === w.capacity) {
    const leaving = blocks[row + next]!;
    w.sum[pair]! -= leaving;
    closed -= leaving;
    c -= w.blockSize;
  }
  if (w.compact) blocks[closedAt] = closed;
  blocks[closedAt + 1] = next;
  return c;
}

/**
 * FailureDetector.report for pair `i` at local `l` (the endpoint held UP; under phi
 * `L` = l − the row's epoch, fitted: `ArrivalWindows.fit`), and the new conviction
 * instant: `report` + `convictFromUs` (exchange.ts's merges have the same update inline).
 */
export function arrive(w: ArrivalWindows, i: number, L: number, l: number): number {
  return w.phi ? arrivePhi(w, i, L, l) : arriveTimeout(w, i, l);
}

/** `arrive` under the phi rule: tLast, and (an interval up to MAX_INTERVAL) the sum and count. */
export function arrivePhi(w: ArrivalWindows, i: number, L: number, l: number): number {
  const t = w.rel[i]!;
  const interval = L - t;
  if (interval <= 0) return l - L + t + Math.floor(w.factor * (w.sum[i]! / w.count[i]!)) + 1;
  w.rel[i] = L;
  let c = w.count[i]!;
  if (interval <= w.maxIntervalUs) {
    if (w.closesAt[c]) c = closeBlock(w, i);
    w.sum[i]! += interval;
    w.count[i] = ++c;
  }
  return l + Math.floor(w.factor * (w.sum[i]! / c)) + 1;
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
