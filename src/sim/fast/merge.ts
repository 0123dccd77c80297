/**
 * The part of a run's tallies that crosses nodes, put back in the engine's order.
 *
 * The per-node passes of the timeout kernel keep a record of every metric whose place
 * in the engine's global event order matters: samples pushed to the mistake-duration
 * and latency arrays (their order is the order the engine pushed them), and changes of
 * the number of live nodes under suspicion (its running maximum and the mass-suspicion
 * count depend on the order of simultaneous changes). A record carries:
 *
 * - its instant;
 * - its phase at that instant: a node's own event, the polling round of that instant
 *   (one engine event evaluating every pair in pair order), a node's event after that
 *   round, or the close of the books (pairs in order, after every event);
 * - for a node's own event (runs of more than one node only), its scheduling ancestry:
 *   the instants of its parent, grandparent, … back to the constructor, whose events
 *   get root markers (negative, in the constructor's order). It is stored run-length
 *   encoded — (first instant, step, count) — so the long arithmetic chains of a node
 *   sending on a fixed schedule cost one run; it is cut (incomplete) after MAX_RUNS runs
 *   or where the kernel no longer remembers an ancestor.
 *
 * The engine pops events at one instant by scheduling sequence, i.e. in the order their
 * parents were processed: earlier parent instant first, then (at equal instants) the
 * same question one generation up, a constructor event before any other. So two events
 * of different nodes at one instant compare as their ancestries compare,
 * lexicographically. Events of one node keep their own (exact) order.
 *
 * A tie the remembered ancestry cannot decide is harmless when swapping the two events
 * changes no result (two pushes of the same value, two decrements, two increments that
 * both update the maximum, …). Otherwise the merge declines (null) and the caller runs
 * the general engine.
 */

/** Runs of ancestry kept per record. */
export const MAX_RUNS = 8;

/** What a record does. */
export const ItemKind = {
  /** A live node became suspected (value 1 when after warm-up: updates the maximum and the mass count). */
  upMax: 0,
  /** A node still suspected from before its crash recovered (counts, updates nothing). */
  up: 1,
  /** A live suspected node is trusted again, or crashed. */
  down: 2,
  /** Pushes value to mistakeDurationsUs. */
  mistake: 3,
  /** Pushes value to detectionLatenciesUs. */
  detection: 4,
  /** Pushes value to deadLatenciesUs. */
  dead: 5,
} as const;

/** Where a record sits among the engine events of its instant. */
export const Phase = { event: 0, check: 1, afterCheck: 2, finish: 3 } as const;

/** Records of one run, appended node by node, each node's in its own processing order. */
export class ItemStore {
  length: number;
  timeUs: Float64Array;
  phase: Uint8Array;
  node: Int32Array;
  /** The node's processing index of the event that made the record (−1: a polling round or the close). */
  event: Float64Array;
  kind: Uint8Array;
  value: Float64Array;
  /** Ancestry of the record's event: runs sigOffset[i] … + sigRuns[i] in the pool; complete when it reaches a root. */
  sigOffset: Int32Array;
  sigRuns: Uint8Array;
  sigComplete: Uint8Array;
  /** Runs, three numbers each: first instant, step to the next, count. */
  pool: Float64Array;
  poolLength: number;
  readonly keepsAncestry: boolean;

  constructor(keepsAncestry: boolean) {
    this.keepsAncestry = keepsAncestry;
    this.length = 0;
    const cap = 256;
    this.timeUs = new Float64Array(cap);
    this.phase = new Uint8Array(cap);
    this.node = new Int32Array(cap);
    this.event = new Float64Array(cap);
    this.kind = new Uint8Array(cap);
    this.value = new Float64Array(cap);
    this.sigOffset = new Int32Array(cap);
    this.sigRuns = new Uint8Array(cap);
    this.sigComplete = new Uint8Array(cap);
    this.pool = new Float64Array(keepsAncestry ? 3 * cap : 0);
    this.poolLength = 0;
  }

  add(timeUs: number, phase: number, node: number, event: number, kind: number, value: number): number {
    if (this.length === this.timeUs.length) this.grow();
    const i = this.length++;
    this.timeUs[i] = timeUs;
    this.phase[i] = phase;
    this.node[i] = node;
    this.event[i] = event;
    this.kind[i] = kind;
    this.value[i] = value;
    this.sigOffset[i] = 0;
    this.sigRuns[i] = 0;
    this.sigComplete[i] = 0;
    return i;
  }

  /** Appends one run to the pool (the caller then points a record at it). */
  pushRun(first: number, step: number, count: number): void {
    if (this.poolLength + 3 > this.pool.length) {
      const bigger = new Float64Array(Math.max(768, this.pool.length * 2));
      bigger.set(this.pool);
      this.pool = bigger;
    }
    const at = this.poolLength;
    this.pool[at] = first;
    this.pool[at + 1] = step;
    this.pool[at + 2] = count;
    this.poolLength = at + 3;
  }

  private grow(): void {
    const cap = this.timeUs.length * 2;
    const f64 = (a: Float64Array) => {
      const b = new Float64Array(cap);
      b.set(a);
      return b;
    };
    const u8 = (a: Uint8Array) => {
      const b = new Uint8Array(cap);
      b.set(a);
      return b;
    };
    const i32 = (a: Int32Array) => {
      const b = new Int32Array(cap);
      b.set(a);
      return b;
    };
    this.timeUs = f64(this.timeUs);
    this.event = f64(this.event);
    this.value = f64(this.value);
    this.phase = u8(this.phase);
    this.kind = u8(this.kind);
    this.sigRuns = u8(this.sigRuns);
    this.sigComplete = u8(this.sigComplete);
    this.node = i32(this.node);
    this.sigOffset = i32(this.sigOffset);
  }
}

export interface MergedTallies {
  readonly mistakeDurationsUs: Float64Array;
  readonly detectionLatenciesUs: Float64Array;
  readonly deadLatenciesUs: Float64Array;
  readonly maxSimultaneous: number;
  readonly massEvents: number;
}

/** Largest group of simultaneous events whose undecided ties are analysed pair by pair. */
const MAX_ANALYSED_GROUP = 64;

/**
 * Compares the ancestries of records a and b (of different nodes). `total` makes it a
 * total order (a cut ancestry sorts after any continuation); otherwise 0 means "cannot
 * tell from what is remembered".
 */
export function compareAncestry(items: ItemStore, a: number, b: number, total: boolean): number {
  const pool = items.pool;
  const offA = items.sigOffset[a]!;
  const offB = items.sigOffset[b]!;
  const runsA = items.sigRuns[a]!;
  const runsB = items.sigRuns[b]!;
  let ra = 0;
  let oa = 0;
  let rb = 0;
  let ob = 0;
  for (;;) {
    if (ra >= runsA || rb >= runsB) {
      if (!total) return 0;
      if (ra >= runsA && rb >= runsB) return 0;
      return ra >= runsA ? 1 : -1;
    }
    const pa = offA + 3 * ra;
    const pb = offB + 3 * rb;
    const stepA = pool[pa + 1]!;
    const stepB = pool[pb + 1]!;
    const va = pool[pa]! + oa * stepA;
    const vb = pool[pb]! + ob * stepB;
    if (va < vb) return -1;
    if (va > vb) return 1;
    if (va < 0 && !total) return 0; // the same constructor event: cannot be two nodes'
    // Equal so far: both runs advance together as long as both stay arithmetic alike.
    const leftA = pool[pa + 2]! - oa;
    const leftB = pool[pb + 2]! - ob;
    const k = stepA === stepB ? Math.min(leftA, leftB) : 1;
    oa += k;
    ob += k;
    if (oa >= pool[pa + 2]!) {
      ra++;
      oa = 0;
    }
    if (ob >= pool[pb + 2]!) {
      rb++;
      ob = 0;
    }
  }
}

/**
 * Puts the records in the engine's order and replays them; null when a tie that
 * matters cannot be decided.
 */
export function mergeItems(items: ItemStore, pairCount: number): MergedTallies | null {
  const count = items.length;
  const time = items.timeUs;
  const phase = items.phase;
  // By (instant, phase); stable, so each node's records keep their order and nodes come in pair order.
  const order: number[] = new Array<number>(count);
  for (let i = 0; i < count; i++) order[i] = i;
  order.sort((a, b) => time[a]! - time[b]! || phase[a]! - phase[b]! || a - b);

  for (let lo = 0; lo < count; ) {
    let hi = lo + 1;
    const t = time[order[lo]!]!;
    const ph = phase[order[lo]!]!;
    let nodes = false;
    while (hi < count && time[order[hi]!] === t && phase[order[hi]!] === ph) {
      if (items.node[order[hi]!] !== items.node[order[lo]!]) nodes = true;
      hi++;
    }
    if (nodes && (ph === Phase.event || ph === Phase.afterCheck)) {
      if (!orderGroup(items, order, lo, hi)) return null;
    }
    lo = hi;
  }

  const mistakes: number[] = [];
  const detections: number[] = [];
  const deaths: number[] = [];
  const threshold = Math.max(2, Math.ceil(0.1 * pairCount));
  let level = 0;
  let max = 0;
  let mass = 0;
  for (let k = 0; k < count; k++) {
    const i = order[k]!;
    const value = items.value[i]!;
    switch (items.kind[i]) {
      case ItemKind.upMax:
        level++;
        if (value === 1) {
          if (level > max) max = level;
          if (level === threshold) mass++;
        }
        break;
      case ItemKind.up:
        level++;
        break;
      case ItemKind.down:
        level--;
        break;
      case ItemKind.mistake:
        mistakes.push(value);
        break;
      case ItemKind.detection:
        detections.push(value);
        break;
      case ItemKind.dead:
        deaths.push(value);
        break;
    }
  }
  return {
    mistakeDurationsUs: Float64Array.from(mistakes),
    detectionLatenciesUs: Float64Array.from(detections),
    deadLatenciesUs: Float64Array.from(deaths),
    maxSimultaneous: max,
    massEvents: mass,
  };
}

/** Orders the events of nodes' records at one instant and phase, order[lo..hi). False if undecidable. */
function orderGroup(items: ItemStore, order: number[], lo: number, hi: number): boolean {
  // Events: runs of records of one node and one processing index.
  const starts: number[] = [];
  for (let k = lo; k < hi; k++) {
    const prev = k > lo ? order[k - 1]! : -1;
    const cur = order[k]!;
    if (prev < 0 || items.node[prev] !== items.node[cur] || items.event[prev] !== items.event[cur]) starts.push(k);
  }
  const eventCount = starts.length;
  const first = (e: number) => order[starts[e]!]!;
  const end = (e: number) => (e + 1 < eventCount ? starts[e + 1]! : hi);
  const sameNode = (a: number, b: number) => items.node[first(a)] === items.node[first(b)];
  const decided = (a: number, b: number) => compareAncestry(items, first(a), first(b), false);
  const before = (a: number, b: number): boolean => (sameNode(a, b) ? items.event[first(a)]! < items.event[first(b)]! : decided(a, b) < 0);

  // Candidate: a total order by ancestry, then node, then processing index.
  const candidate = Array.from({ length: eventCount }, (_, e) => e);
  candidate.sort(
    (a, b) =>
      (sameNode(a, b) ? 0 : compareAncestry(items, first(a), first(b), true)) ||
      items.node[first(a)]! - items.node[first(b)]! ||
      items.event[first(a)]! - items.event[first(b)]!,
  );
  // Certified when each neighbour is known to precede the next: then it is the engine's order.
  let certified = true;
  for (let k = 0; k + 1 < eventCount && certified; k++) certified = before(candidate[k]!, candidate[k + 1]!);

  let final = candidate;
  if (!certified) {
    if (eventCount > MAX_ANALYSED_GROUP) return false;
    // Every undecided pair of different nodes must commute.
    for (let a = 0; a < eventCount; a++) {
      for (let b = a + 1; b < eventCount; b++) {
        if (sameNode(a, b) || decided(a, b) !== 0) continue;
        if (!commute(items, order, starts[a]!, end(a), starts[b]!, end(b))) return false;
      }
    }
    // Then any order consistent with every known precedence gives the same results.
    final = [];
    const placed = new Uint8Array(eventCount);
    while (final.length < eventCount) {
      let chosen = -1;
      for (const e of candidate) {
        if (placed[e]) continue;
        let free = true;
        for (let f = 0; f < eventCount && free; f++) if (!placed[f] && f !== e && before(f, e)) free = false;
        if (free) {
          chosen = e;
          break;
        }
      }
      if (chosen < 0) return false; // contradictory precedences: cannot happen, but never guess
      placed[chosen] = 1;
      final.push(chosen);
    }
  }
  const merged: number[] = [];
  for (const e of final) for (let k = starts[e]!; k < end(e); k++) merged.push(order[k]!);
  for (let k = 0; k < merged.length; k++) order[lo + k] = merged[k]!;
  return true;
}

/** Would swapping these two events (record ranges of `order`) leave every result unchanged? */
function commute(items: ItemStore, order: number[], aLo: number, aHi: number, bLo: number, bHi: number): boolean {
  for (let p = aLo; p < aHi; p++) {
    const i = order[p]!;
    const ki = items.kind[i]!;
    for (let q = bLo; q < bHi; q++) {
      const j = order[q]!;
      const kj = items.kind[j]!;
      const levelI = ki <= ItemKind.down;
      const levelJ = kj <= ItemKind.down;
      if (levelI && levelJ) {
        // An increment that updates the maximum must see the same level.
        if ((ki === ItemKind.upMax) !== (kj === ItemKind.upMax)) return false;
      } else if (ki === kj && items.value[i] !== items.value[j]) {
        return false;
      }
    }
  }
  return true;
}
