/**
 * The event queue. Events pop in (timeUs, rank, seq) order, where rank is chosen by
 * whoever schedules (the kernel passes class × 2³² + entity: see kernel.ts) and seq is
 * the insertion counter, so events of equal time and rank fire in the order they were
 * scheduled (SimPy's eid). With rank 0 throughout, that is plain insertion order.
 * Nothing is ever scheduled in the past. Timers are never cancelled:
 * whoever schedules one keeps a deadline and re-checks it when the event fires.
 *
 * Why it looks like this: this is one of the three hot files (with the dispatch in
 * simulation.ts and metrics.ts). A binary or 4-ary heap cost ~125 ns per event on the
 * core benchmark (1000 nodes: every pop sifts through ~10 unpredictable comparisons),
 * which alone blew the speed budget. So this is a calendar queue (R. Brown, CACM
 * 31(10), 1988): a ring of `bucketCount` buckets, each `bucketWidthUs` wide, covering
 * the near future; an event goes to the unsorted list of its bucket in O(1). The
 * bucket being drained is sorted once into `run`, and events that land in it while
 * it drains are inserted in order. Events beyond the ring's window wait in a small
 * binary heap (`overflow`) and move into the ring as the window slides. Widths are a
 * tuning hint only: any width gives the same pop order (a property test checks it
 * against a naive sorted list).
 *
 * Storage: an event's fields live in one slot record of 64 bytes (a cache line: time,
 * rank, sequence, two arguments as doubles; kind, target and the list link as 32-bit
 * integers in the same record), preallocated and recycled via a free list; lists are
 * linked through the records. One record rather than a typed array per field: at
 * 100 k nodes the pending events span megabytes and are popped in time order, which
 * is random in memory, so each field array cost its own cache miss per event.
 * Nothing is allocated per event; the records double when three quarters full
 * (amortised).
 *
 * Slots are handed out by a cursor that goes round the records, taking the next one
 * not in use, rather than from a free list: events pop in roughly the order they were
 * scheduled (a heartbeat timer set one interval ahead fires one interval later, in
 * the same order as its neighbours), so successive events sit in successive records
 * and popping streams through memory instead of jumping (a LIFO free list scatters
 * them: a cache and TLB miss per pop at 100 k nodes). The pop order never depends
 * on slots.
 */

export interface SchedulerOptions {
  /** Width of one bucket (µs). Aim for about one event per bucket. */
  readonly bucketWidthUs: number;
  /** Buckets in the ring (rounded up to a power of two). width × count is the window. */
  readonly bucketCount: number;
  /** Initial event capacity (grows as needed). */
  readonly initialCapacity?: number;
}

const NONE = -1;

/** Sub-ranks are below 2³², so (rank, subRank) packs exactly into one double. */
const SUB_RANK_SPAN = 2 ** 32;

/**
 * A slot record: 8 doubles (64 bytes). Doubles at `slot << 3` + TIME, RANK, SEQ, ARG,
 * ARG2; 32-bit integers at `slot << 4` + KIND, TARGET, NEXT, LIVE (doubles 5 and 6).
 */
const STRIDE_SHIFT = 3;
const TIME = 0;
const RANK = 1;
const SEQ = 2;
const ARG = 3;
const ARG2 = 4;
const KIND = 10;
const TARGET = 11;
const NEXT = 12;
const LIVE = 13;

export class Scheduler {
  private readonly widthUs: number;
  private readonly mask: number;
  private readonly bucketCount: number;
  private readonly bucketHead: Int32Array;
  /** Absolute index (floor(time / width)) of the bucket being drained. */
  private currentBucket: number;
  /** Events sitting in ring buckets (not counting `run`). */
  private ringCount: number;

  // The drained bucket, sorted by (time, rank, seq); run[runPos..runLen) are pending.
  private run: Int32Array;
  private runPos: number;
  private runLen: number;

  // Events beyond the window: a binary heap of slots.
  private overflow: Int32Array;
  private overflowLen: number;

  // Slot records: two views of one buffer.
  private slotF: Float64Array;
  private slotI: Int32Array;
  private capacity: number;
  /** Where the circular search for a free slot resumes (see the header). */
  private cursor: number;
  private size: number;
  private nextSeq: number;

  /** Instant of the event being processed (the simulation's "now"). */
  currentTimeUs: number;
  currentKind: number;
  currentTarget: number;
  currentArg: number;
  currentArg2: number;

  constructor(options: SchedulerOptions) {
    const width = Math.max(1, Math.floor(options.bucketWidthUs));
    let count = 16;
    while (count < options.bucketCount && count < 1 << 22) count *= 2;
    this.widthUs = width;
    this.bucketCount = count;
    this.mask = count - 1;
    this.bucketHead = new Int32Array(count).fill(NONE);
    this.currentBucket = 0;
    this.ringCount = 0;
    this.run = new Int32Array(64);
    this.runPos = 0;
    this.runLen = 0;
    const capacity = Math.max(16, options.initialCapacity ?? 1024);
    this.overflow = new Int32Array(64);
    this.overflowLen = 0;
    this.slotF = new Float64Array(capacity << STRIDE_SHIFT);
    this.slotI = new Int32Array(this.slotF.buffer);
    this.capacity = capacity;
    this.cursor = 0;
    this.size = 0;
    this.nextSeq = 0;
    this.currentTimeUs = 0;
    this.currentKind = 0;
    this.currentTarget = 0;
    this.currentArg = 0;
    this.currentArg2 = 0;
  }

  get length(): number {
    return this.size;
  }

  /** Events scheduled so far (the next event's sequence number). */
  get scheduledCount(): number {
    return this.nextSeq;
  }

  /**
   * `rank`, then `subRank` (below 2³²), order events of one instant before the insertion
   * counter does (lower first). Two small integers rather than one packed number: a
   * packed rank past 2³⁰ would be a heap number at every call.
   */
  schedule(timeUs: number, kind: number, target: number, arg: number, arg2: number, rank = 0, subRank = 0): void {
    if (!(timeUs >= this.currentTimeUs) || timeUs === Number.POSITIVE_INFINITY) {
      throw new RangeError(`cannot schedule at ${timeUs} µs (now ${this.currentTimeUs} µs)`);
    }
    // Keep at most three quarters of the slots live, so the search below stays short
    // (amortised ≤ 4 steps) while the records span less memory: at 100 k nodes every
    // record is touched as the cursor goes round, so each spare one costs CPU here.
    if (4 * this.size >= 3 * this.capacity) this.growSlots();
    const ints = this.slotI;
    let slot = this.cursor;
    while (ints[(slot << (STRIDE_SHIFT + 1)) + LIVE] !== 0) if (++slot === this.capacity) slot = 0;
    this.cursor = slot + 1 === this.capacity ? 0 : slot + 1;
    const f = this.slotF;
    const d = slot << STRIDE_SHIFT;
    f[d + TIME] = timeUs;
    f[d + RANK] = rank * SUB_RANK_SPAN + subRank;
    f[d + SEQ] = this.nextSeq++;
    f[d + ARG] = arg;
    f[d + ARG2] = arg2;
    const w = d << 1;
    ints[w + LIVE] = 1;
    ints[w + KIND] = kind;
    ints[w + TARGET] = target;
    this.size++;
    const bucket = Math.floor(timeUs / this.widthUs);
    if (bucket <= this.currentBucket) {
      this.insertIntoRun(slot, timeUs);
    } else if (bucket < this.currentBucket + this.bucketCount) {
      const b = bucket & this.mask;
      ints[w + NEXT] = this.bucketHead[b]!;
      this.bucketHead[b] = slot;
      this.ringCount++;
    } else {
      this.overflowPush(slot);
    }
  }

  /** Time of the next event, or +Infinity when the queue is empty. */
  peekTimeUs(): number {
    if (this.runPos === this.runLen && !this.advance()) return Number.POSITIVE_INFINITY;
    return this.slotF[(this.run[this.runPos]! << STRIDE_SHIFT) + TIME]!;
  }

  /**
   * Insertion number of the next event: only after `peekTimeUs` returned a
   * finite time. For callers that merge this queue with their own (SWIM's side queues)
   * and must break same-instant ties exactly as this queue would.
   */
  peekSeq(): number {
    return this.slotF[(this.run[this.runPos]! << STRIDE_SHIFT) + SEQ]!;
  }

  /** Removes the earliest event into the `current…` fields. Returns false when empty. */
  pop(): boolean {
    return this.popUntil(Number.POSITIVE_INFINITY);
  }

  /** Like `pop`, but only if the earliest event is at or before `endUs`. */
  popUntil(endUs: number): boolean {
    if (this.runPos === this.runLen && !this.advance()) return false;
    const slot = this.run[this.runPos]!;
    const f = this.slotF;
    const d = slot << STRIDE_SHIFT;
    const timeUs = f[d + TIME]!;
    if (timeUs > endUs) return false;
    this.runPos++;
    this.currentTimeUs = timeUs;
    this.currentArg = f[d + ARG]!;
    this.currentArg2 = f[d + ARG2]!;
    const ints = this.slotI;
    this.currentKind = ints[(d << 1) + KIND]!;
    this.currentTarget = ints[(d << 1) + TARGET]!;
    ints[(d << 1) + LIVE] = 0;
    this.size--;
    return true;
  }

  /** Moves to the next non-empty bucket and sorts it into `run`. False when empty. */
  private advance(): boolean {
    if (this.size === 0) return false;
    this.runPos = 0;
    this.runLen = 0;
    const f = this.slotF;
    const ints = this.slotI;
    for (;;) {
      if (this.ringCount === 0) {
        // Nothing in the window: jump straight to the earliest far-future event.
        this.currentBucket = Math.floor(f[(this.overflow[0]! << STRIDE_SHIFT) + TIME]! / this.widthUs);
      } else {
        this.currentBucket++;
      }
      this.migrateOverflow();
      const b = this.currentBucket & this.mask;
      let slot = this.bucketHead[b]!;
      this.bucketHead[b] = NONE;
      while (slot !== NONE) {
        const next = ints[(slot << (STRIDE_SHIFT + 1)) + NEXT]!;
        this.ringCount--;
        this.insertIntoRun(slot, f[(slot << STRIDE_SHIFT) + TIME]!);
        slot = next;
      }
      if (this.runLen > 0) return true;
    }
  }

  /** Inserts into the pending part of `run`, keeping (time, rank, seq) order. */
  private insertIntoRun(slot: number, timeUs: number): void {
    if (this.runLen === this.run.length) this.growRun();
    const run = this.run;
    const f = this.slotF;
    const d = slot << STRIDE_SHIFT;
    const seq = f[d + SEQ]!;
    const rank = f[d + RANK]!;
    let i = this.runLen++;
    // Shift later events right; usually the new event belongs at the end.
    while (i > this.runPos) {
      const prev = run[i - 1]!;
      const p = prev << STRIDE_SHIFT;
      const pt = f[p + TIME]!;
      if (pt < timeUs) break;
      if (pt === timeUs) {
        const pr = f[p + RANK]!;
        if (pr < rank || (pr === rank && f[p + SEQ]! < seq)) break;
      }
      run[i] = prev;
      i--;
    }
    run[i] = slot;
  }

  /** Moves overflow events that now fall inside the window into their buckets. */
  private migrateOverflow(): void {
    const limit = this.currentBucket + this.bucketCount;
    const f = this.slotF;
    while (this.overflowLen > 0) {
      const slot = this.overflow[0]!;
      const timeUs = f[(slot << STRIDE_SHIFT) + TIME]!;
      const bucket = Math.floor(timeUs / this.widthUs);
      if (bucket >= limit) return;
      this.overflowPop();
      if (bucket <= this.currentBucket) {
        // Only reachable for the bucket being loaded: it joins the run being built.
        this.insertIntoRun(slot, timeUs);
      } else {
        const b = bucket & this.mask;
        this.slotI[(slot << (STRIDE_SHIFT + 1)) + NEXT] = this.bucketHead[b]!;
        this.bucketHead[b] = slot;
        this.ringCount++;
      }
    }
  }

  private before(a: number, b: number): boolean {
    const f = this.slotF;
    const da = a << STRIDE_SHIFT;
    const db = b << STRIDE_SHIFT;
    const ta = f[da + TIME]!;
    const tb = f[db + TIME]!;
    if (ta !== tb) return ta < tb;
    const ra = f[da + RANK]!;
    const rb = f[db + RANK]!;
    return ra < rb || (ra === rb && f[da + SEQ]! < f[db + SEQ]!);
  }

  private overflowPush(slot: number): void {
    if (this.overflowLen === this.overflow.length) {
      const bigger = new Int32Array(this.overflow.length * 2);
      bigger.set(this.overflow);
      this.overflow = bigger;
    }
    const heap = this.overflow;
    let hole = this.overflowLen++;
    while (hole > 0) {
      const parent = (hole - 1) >> 1;
      if (!this.before(slot, heap[parent]!)) break;
      heap[hole] = heap[parent]!;
      hole = parent;
    }
    heap[hole] = slot;
  }

  private overflowPop(): void {
    const heap = this.overflow;
    const last = --this.overflowLen;
    if (last === 0) return;
    const moving = heap[last]!;
    let hole = 0;
    for (;;) {
      let child = 2 * hole + 1;
      if (child >= last) break;
      if (child + 1 < last && this.before(heap[child + 1]!, heap[child]!)) child++;
      if (!this.before(heap[child]!, moving)) break;
      heap[hole] = heap[child]!;
      hole = child;
    }
    heap[hole] = moving;
  }

  private growRun(): void {
    const bigger = new Int32Array(this.run.length * 2);
    bigger.set(this.run);
    this.run = bigger;
  }

  private growSlots(): void {
    const old = this.capacity;
    const capacity = old * 2;
    const records = new Float64Array(capacity << STRIDE_SHIFT);
    records.set(this.slotF);
    this.slotF = records;
    this.slotI = new Int32Array(records.buffer);
    this.capacity = capacity;
    this.cursor = old; // the new slots are all free

  }
}
