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
 * Storage: an event's fields live in slot arrays (typed, preallocated, recycled via a
 * free list); lists are linked through `slotNext`. Nothing is allocated per event;
 * arrays double when full (amortised).
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

export class Scheduler {
  private readonly widthUs: number;
  private readonly mask: number;
  private readonly bucketCount: number;
  private readonly bucketHead: Int32Array;
  /** Absolute index (floor(time / width)) of the bucket being drained. */
  private currentBucket: number;
  /** Events sitting in ring buckets (not counting `run`). */
  private ringCount: number;

  // The drained bucket, sorted by (time, seq); run[runPos..runLen) are pending.
  private run: Int32Array;
  private runPos: number;
  private runLen: number;

  // Events beyond the window: a binary heap of slots.
  private overflow: Int32Array;
  private overflowLen: number;

  // Slots.
  private slotTimeUs: Float64Array;
  private slotRank: Float64Array;
  private slotSeq: Float64Array;
  private slotKind: Uint8Array;
  private slotTarget: Int32Array;
  private slotArg: Float64Array;
  private slotArg2: Float64Array;
  private slotNext: Int32Array;
  private freeSlots: Int32Array;
  private freeCount: number;
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
    this.slotTimeUs = new Float64Array(capacity);
    this.slotRank = new Float64Array(capacity);
    this.slotSeq = new Float64Array(capacity);
    this.slotKind = new Uint8Array(capacity);
    this.slotTarget = new Int32Array(capacity);
    this.slotArg = new Float64Array(capacity);
    this.slotArg2 = new Float64Array(capacity);
    this.slotNext = new Int32Array(capacity);
    this.freeSlots = new Int32Array(capacity);
    for (let i = 0; i < capacity; i++) this.freeSlots[i] = capacity - 1 - i;
    this.freeCount = capacity;
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
    if (this.freeCount === 0) this.growSlots();
    const slot = this.freeSlots[--this.freeCount]!;
    this.slotTimeUs[slot] = timeUs;
    this.slotRank[slot] = rank * SUB_RANK_SPAN + subRank;
    this.slotSeq[slot] = this.nextSeq++;
    this.slotKind[slot] = kind;
    this.slotTarget[slot] = target;
    this.slotArg[slot] = arg;
    this.slotArg2[slot] = arg2;
    this.size++;
    const bucket = Math.floor(timeUs / this.widthUs);
    if (bucket <= this.currentBucket) {
      this.insertIntoRun(slot, timeUs);
    } else if (bucket < this.currentBucket + this.bucketCount) {
      const b = bucket & this.mask;
      this.slotNext[slot] = this.bucketHead[b]!;
      this.bucketHead[b] = slot;
      this.ringCount++;
    } else {
      this.overflowPush(slot);
    }
  }

  /** Time of the next event, or +Infinity when the queue is empty. */
  peekTimeUs(): number {
    if (this.runPos === this.runLen && !this.advance()) return Number.POSITIVE_INFINITY;
    return this.slotTimeUs[this.run[this.runPos]!]!;
  }

  /** Removes the earliest event into the `current…` fields. Returns false when empty. */
  pop(): boolean {
    return this.popUntil(Number.POSITIVE_INFINITY);
  }

  /** Like `pop`, but only if the earliest event is at or before `endUs`. */
  popUntil(endUs: number): boolean {
    if (this.runPos === this.runLen && !this.advance()) return false;
    const slot = this.run[this.runPos]!;
    if (this.slotTimeUs[slot]! > endUs) return false;
    this.runPos++;
    this.currentTimeUs = this.slotTimeUs[slot]!;
    this.currentKind = this.slotKind[slot]!;
    this.currentTarget = this.slotTarget[slot]!;
    this.currentArg = this.slotArg[slot]!;
    this.currentArg2 = this.slotArg2[slot]!;
    this.freeSlots[this.freeCount++] = slot;
    this.size--;
    return true;
  }

  /** Moves to the next non-empty bucket and sorts it into `run`. False when empty. */
  private advance(): boolean {
    if (this.size === 0) return false;
    this.runPos = 0;
    this.runLen = 0;
    for (;;) {
      if (this.ringCount === 0) {
        // Nothing in the window: jump straight to the earliest far-future event.
        this.currentBucket = Math.floor(this.slotTimeUs[this.overflow[0]!]! / this.widthUs);
      } else {
        this.currentBucket++;
      }
      this.migrateOverflow();
      const b = this.currentBucket & this.mask;
      let slot = this.bucketHead[b]!;
      this.bucketHead[b] = NONE;
      while (slot !== NONE) {
        const next = this.slotNext[slot]!;
        this.ringCount--;
        this.insertIntoRun(slot, this.slotTimeUs[slot]!);
        slot = next;
      }
      if (this.runLen > 0) return true;
    }
  }

  /** Inserts into the pending part of `run`, keeping (time, rank, seq) order. */
  private insertIntoRun(slot: number, timeUs: number): void {
    if (this.runLen === this.run.length) this.growRun();
    const run = this.run;
    const times = this.slotTimeUs;
    const seqs = this.slotSeq;
    const ranks = this.slotRank;
    const seq = seqs[slot]!;
    const rank = ranks[slot]!;
    let i = this.runLen++;
    // Shift later events right; usually the new event belongs at the end.
    while (i > this.runPos) {
      const prev = run[i - 1]!;
      const pt = times[prev]!;
      if (pt < timeUs) break;
      if (pt === timeUs) {
        const pr = ranks[prev]!;
        if (pr < rank || (pr === rank && seqs[prev]! < seq)) break;
      }
      run[i] = prev;
      i--;
    }
    run[i] = slot;
  }

  /** Moves overflow events that now fall inside the window into their buckets. */
  private migrateOverflow(): void {
    const limit = this.currentBucket + this.bucketCount;
    while (this.overflowLen > 0) {
      const slot = this.overflow[0]!;
      const bucket = Math.floor(this.slotTimeUs[slot]! / this.widthUs);
      if (bucket >= limit) return;
      this.overflowPop();
      if (bucket <= this.currentBucket) {
        // Only reachable for the bucket being loaded: it joins the run being built.
        this.insertIntoRun(slot, this.slotTimeUs[slot]!);
      } else {
        const b = bucket & this.mask;
        this.slotNext[slot] = this.bucketHead[b]!;
        this.bucketHead[b] = slot;
        this.ringCount++;
      }
    }
  }

  private before(a: number, b: number): boolean {
    const ta = this.slotTimeUs[a]!;
    const tb = this.slotTimeUs[b]!;
    if (ta !== tb) return ta < tb;
    const ra = this.slotRank[a]!;
    const rb = this.slotRank[b]!;
    return ra < rb || (ra === rb && this.slotSeq[a]! < this.slotSeq[b]!);
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
    const old = this.slotTimeUs.length;
    const capacity = old * 2;
    const g64 = (a: Float64Array) => {
      const b = new Float64Array(capacity);
      b.set(a);
      return b;
    };
    const g32 = (a: Int32Array) => {
      const b = new Int32Array(capacity);
      b.set(a);
      return b;
    };
    this.slotTimeUs = g64(this.slotTimeUs);
    this.slotRank = g64(this.slotRank);
    this.slotSeq = g64(this.slotSeq);
    this.slotArg = g64(this.slotArg);
    this.slotArg2 = g64(this.slotArg2);
    this.slotTarget = g32(this.slotTarget);
    this.slotNext = g32(this.slotNext);
    const kind = new Uint8Array(capacity);
    kind.set(this.slotKind);
    this.slotKind = kind;
    // Every old slot is in use (that is why we grew); the new ones are free.
    const free = new Int32Array(capacity);
    for (let i = 0; i < capacity - old; i++) free[i] = capacity - 1 - i;
    this.freeSlots = free;
    this.freeCount = capacity - old;
  }
}
