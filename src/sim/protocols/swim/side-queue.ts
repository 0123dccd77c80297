/**
 * A queue for events that are scheduled almost in the order they fire: SWIM's packets
 * (each lands a fraction of a millisecond after it is sent), probe ticks (one interval
 * after the last round began), probe timeouts and gossip ticks. A sorted ring buffer:
 * a new event is inserted by walking back from the tail, which for these kinds is a
 * step or two; one that would land deeper than `maxWalk` is refused (the caller puts it
 * in the engine's calendar queue instead). Pushing and popping touch the tail and the
 * head of a few small typed arrays: no slot search, no bucket sorting, no cache miss
 * on a 64-byte slot record per event (swim-simulation.ts step() merges these queues
 * with the engine's, exactly).
 *
 * Order: (time, serial). Each event also keeps `seqAt`, the engine queue's insertion
 * counter when it was pushed: it would have had that insertion number, so it comes
 * before an engine event of the same instant whose number is `seqAt` or more, and
 * after one whose number is smaller. `serial` counts side pushes over all side queues,
 * so two side events of one instant keep the order in which they were scheduled.
 */
import type { Scheduler } from '../../engine/scheduler.js';

export class SideQueue {
  private time: Float64Array;
  private serial: Float64Array;
  private seqAt: Float64Array;
  private kind: Uint8Array;
  private target: Int32Array;
  private arg: Float64Array;
  private arg2: Float64Array;
  private mask: number;
  private head = 0;
  /** Events pending. */
  length = 0;
  private readonly maxWalk: number;

  constructor(capacity: number, maxWalk: number) {
    let cap = 16;
    while (cap < capacity) cap *= 2;
    this.mask = cap - 1;
    this.maxWalk = maxWalk;
    this.time = new Float64Array(cap);
    this.serial = new Float64Array(cap);
    this.seqAt = new Float64Array(cap);
    this.kind = new Uint8Array(cap);
    this.target = new Int32Array(cap);
    this.arg = new Float64Array(cap);
    this.arg2 = new Float64Array(cap);
  }

  /** Inserts an event; false (nothing inserted) when it belongs more than maxWalk places before the tail. */
  push(timeUs: number, seqAt: number, serial: number, kind: number, target: number, arg: number, arg2: number): boolean {
    const len = this.length;
    if (len > this.mask) this.grow();
    const mask = this.mask;
    const head = this.head;
    const times = this.time;
    // Serials only grow, so an equal time goes after what is there: compare times only.
    if (len >= this.maxWalk && times[(head + len - this.maxWalk) & mask]! > timeUs) return false;
    let i = len;
    while (i > 0) {
      const p = (head + i - 1) & mask;
      if (times[p]! <= timeUs) break;
      const d = (head + i) & mask;
      times[d] = times[p]!;
      this.serial[d] = this.serial[p]!;
      this.seqAt[d] = this.seqAt[p]!;
      this.kind[d] = this.kind[p]!;
      this.target[d] = this.target[p]!;
      this.arg[d] = this.arg[p]!;
      this.arg2[d] = this.arg2[p]!;
      i--;
    }
    const d = (head + i) & mask;
    times[d] = timeUs;
    this.serial[d] = serial;
    this.seqAt[d] = seqAt;
    this.kind[d] = kind;
    this.target[d] = target;
    this.arg[d] = arg;
    this.arg2[d] = arg2;
    this.length = len + 1;
    return true;
  }

  /** The head's fields (only while length > 0). */
  headTime(): number {
    return this.time[this.head]!;
  }
  headSerial(): number {
    return this.serial[this.head]!;
  }
  headSeqAt(): number {
    return this.seqAt[this.head]!;
  }
  headKind(): number {
    return this.kind[this.head]!;
  }
  headTarget(): number {
    return this.target[this.head]!;
  }
  headArg(): number {
    return this.arg[this.head]!;
  }
  headArg2(): number {
    return this.arg2[this.head]!;
  }

  /** Drops the head (read its fields first). */
  shift(): void {
    this.head = (this.head + 1) & this.mask;
    this.length--;
  }

  private grow(): void {
    const old = this.mask + 1;
    const cap = old * 2;
    const unwrap = <T extends Float64Array | Int32Array | Uint8Array>(a: T): T => {
      const b = new (a.constructor as new (length: number) => T)(cap);
      for (let i = 0; i < this.length; i++) b[i] = a[(this.head + i) & this.mask]!;
      return b;
    };
    this.time = unwrap(this.time);
    this.serial = unwrap(this.serial);
    this.seqAt = unwrap(this.seqAt);
    this.kind = unwrap(this.kind);
    this.target = unwrap(this.target);
    this.arg = unwrap(this.arg);
    this.arg2 = unwrap(this.arg2);
    this.head = 0;
    this.mask = cap - 1;
  }
}

/**
 * Side queues by event kind, in front of an engine Scheduler: `schedule` puts an event
 * in its kind's side queue when it fits there (else in the engine's queue), and `next`
 * says which comes first — a side queue's head or the engine's next event — in the
 * order one Scheduler holding every event would give: (time, insertion order), a side
 * event ranking as if it had the engine insertion number current when it was pushed.
 */
export class SideQueues {
  readonly q: Scheduler;
  readonly queues: SideQueue[] = [];
  private readonly sideOf = new Int8Array(256).fill(-1);
  private serial = 0;
  /**
   * The engine queue's next event (time, insertion number), read again only after the
   * engine queue changed (`engineChanged`): most events are in side queues, and peeking
   * the engine's queue walks its empty buckets.
   */
  private engineUs = 0;
  private engineSeq = 0;
  private engineStale = true;
  /** Events handed out from side queues (a test hook: shows they are used). */
  popped = 0;

  /** `groups[k]`: the event kinds (0..255) kept in side queue k. */
  constructor(q: Scheduler, groups: readonly (readonly number[])[], capacities: readonly number[], maxWalk: number) {
    this.q = q;
    groups.forEach((kinds, k) => {
      this.queues.push(new SideQueue(capacities[k] ?? 256, maxWalk));
      for (const kind of kinds) this.sideOf[kind] = k;
    });
  }

  /** Schedules an event (never before the engine's current instant: the caller checks). */
  schedule(timeUs: number, kind: number, target: number, arg: number, arg2: number): void {
    const k = this.sideOf[kind]!;
    if (k >= 0 && this.queues[k]!.push(timeUs, this.q.scheduledCount, this.serial, kind, target, arg, arg2)) {
      this.serial++;
      return;
    }
    this.q.schedule(timeUs, kind, target, arg, arg2);
    this.engineStale = true;
  }

  /** Call after popping from the engine's queue (or scheduling into it directly). */
  engineChanged(): void {
    this.engineStale = true;
  }

  /**
   * The side queue whose head is the next event overall, or null when the engine's
   * next event comes first (or nothing is pending). Only reads.
   */
  next(): SideQueue | null {
    const queues = this.queues;
    let best: SideQueue | null = null;
    let bestUs = Number.POSITIVE_INFINITY;
    let bestSerial = 0;
    for (let k = 0; k < queues.length; k++) {
      const side = queues[k]!;
      if (side.length === 0) continue;
      const t = side.headTime();
      if (t < bestUs || (t === bestUs && side.headSerial() < bestSerial)) {
        best = side;
        bestUs = t;
        bestSerial = side.headSerial();
      }
    }
    if (best === null) return null;
    if (this.engineStale) {
      this.engineStale = false;
      this.engineUs = this.q.peekTimeUs();
      this.engineSeq = this.engineUs === Number.POSITIVE_INFINITY ? 0 : this.q.peekSeq();
    }
    const engineUs = this.engineUs;
    if (bestUs < engineUs || (bestUs === engineUs && best.headSeqAt() <= this.engineSeq)) return best;
    return null;
  }
}
