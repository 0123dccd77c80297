/**
 * Every member's view of every other member, kept tractable at 10 000 members: a view
 * without a record is implicit — ALIVE with the subject's baseline incarnation (0 until
 * the subject is compacted); a touched (observer, subject) view is a record in a pool
 * of typed arrays, found through a map per subject (a dense observer-indexed table once
 * the subject has many records, as while a crash or a refutation spreads). The records
 * also hold Lifeguard's suspicion timer (bounds, confirmations, deadline).
 *
 * Compaction keeps memory linear in members: once every live observer holds the same
 * ALIVE incarnation I of a subject with no timer running (a refutation or a rejoin has
 * converged), its records are dropped and I becomes the subject's baseline. A member
 * that restarts afterwards starts from the initial view (ALIVE, 0), so the baseline
 * applies only to observers whose current life began before the compaction: lives are
 * stamped in order (`reborn`), and each baseline keeps the stamp it was made at.
 * Compaction changes no view, so it can run at any instant.
 *
 * `dirty` lists the subjects ever touched (records or a baseline), in first-touch order,
 * so anti-entropy (push/pull) visits only those instead of all N.
 */

export const View = { alive: 0, suspect: 1, dead: 2 } as const;
export type ViewState = (typeof View)[keyof typeof View];

/** Confirmers kept per suspicion: the originator plus up to k = SuspicionMult − 2 ≤ 7 others. */
export const CONFIRMER_SLOTS = 8;

const NONE = -1;

/** Fields of a view record in `Views.rec` (VR doubles each): small integers are exact as doubles. */
export const VR = 8;
export const V_INC = 0;
/** View.alive / suspect / dead. */
export const V_STATE = 1;
/** The suspicion timer's deadline (NaN: none). */
export const V_DEADLINE = 2;
/** Confirmations received and wanted (Lifeguard's n and k). */
export const V_TIMER_N = 3;
export const V_TIMER_K = 4;
export const V_CONFIRMER_COUNT = 5;
export const V_CHANGE_US = 6;
/** Bumped whenever a record is freed, so stale timer events can tell. */
export const V_GENERATION = 7;

function newRecords(capacity: number): Float64Array {
  const rec = new Float64Array(capacity * VR);
  for (let r = 0; r < capacity; r++) rec[r * VR + V_DEADLINE] = Number.NaN;
  return rec;
}

export class Views {
  private readonly n: number;
  private readonly bySubject: (Map<number, number> | null)[];
  /** Observer-indexed record table (NONE: no record) of a subject with many records; its map is then unused. */
  private readonly dense: (Int32Array | null)[];
  private readonly denseAbove: number;
  private readonly recordCount: Int32Array;
  readonly dirty: number[] = [];
  private readonly everTouched: Uint8Array;
  /** Baseline incarnation of each subject, and the life stamp it applies up to. */
  private readonly baseInc: Float64Array;
  private readonly baseStamp: Float64Array;
  /** Each observer's life stamp; `rebornBy[k]` began life k (k ≥ 1). */
  private readonly lifeStamp: Float64Array;
  private rebornBy: Int32Array = new Int32Array(64);
  private lives = 0;
  /**
   * Record fields read when a packet's facts meet a view (swim-core.ts knowsAll,
   * receiveFact): VR doubles per record at rec·VR + V_* (one cache line) instead of
   * eight arrays — a line per field per fact at 10 000 members.
   */
  rec: Float64Array;
  /**
   * Each record's state again, densely (1 byte per record, kept equal to rec's V_STATE
   * by `ensure` and `setStateOf`): target choice (kRandom, the probe pass) reads only
   * the state of random records, which stays in cache this way.
   */
  state: Uint8Array;
  // The other record fields, read when a suspicion is armed or a record made or freed.
  observer: Int32Array;
  subject: Int32Array;
  /** Timer: start and bounds (its deadline, wanted and received confirmations are in `rec`). */
  timerStartUs: Float64Array;
  timerMinUs: Float64Array;
  timerMaxUs: Float64Array;
  confirmers: Int32Array;
  private capacity: number;
  private free: number[] = [];
  private size = 0;

  constructor(subjects: number, capacity = 1024) {
    this.n = subjects;
    this.bySubject = new Array<Map<number, number> | null>(subjects).fill(null);
    this.dense = new Array<Int32Array | null>(subjects).fill(null);
    // A Map entry costs about 5× a table slot: switch once the table is the smaller.
    this.denseAbove = Math.max(64, subjects >>> 3);
    this.recordCount = new Int32Array(subjects);
    this.everTouched = new Uint8Array(subjects);
    this.baseInc = new Float64Array(subjects);
    this.baseStamp = new Float64Array(subjects).fill(-1);
    this.lifeStamp = new Float64Array(subjects);
    this.capacity = capacity;
    this.rec = newRecords(capacity);
    this.state = new Uint8Array(capacity);
    this.observer = new Int32Array(capacity);
    this.subject = new Int32Array(capacity);
    this.timerStartUs = new Float64Array(capacity);
    this.timerMinUs = new Float64Array(capacity);
    this.timerMaxUs = new Float64Array(capacity);
    this.confirmers = new Int32Array(capacity * CONFIRMER_SLOTS);
  }

  /** Records in use (memory reports). */
  get records(): number {
    return this.size - this.free.length;
  }

  /** The observer's record of the subject, or NONE (the implicit view: ALIVE, `implicitInc`). */
  find(observer: number, subject: number): number {
    if (this.recordCount[subject] === 0) return NONE; // most subjects: one flat read
    const table = this.dense[subject];
    if (table !== null) return table![observer]!;
    const map = this.bySubject[subject];
    if (map === null) return NONE;
    const rec = map!.get(observer);
    return rec === undefined ? NONE : rec;
  }

  /** The incarnation of an observer's implicit (record-less) view of the subject. */
  implicitInc(observer: number, subject: number): number {
    return this.lifeStamp[observer]! <= this.baseStamp[subject]! ? this.baseInc[subject]! : 0;
  }

  stateOf(observer: number, subject: number): number {
    const rec = this.find(observer, subject);
    return rec === NONE ? View.alive : this.state[rec]!;
  }

  incOf(observer: number, subject: number): number {
    const rec = this.find(observer, subject);
    return rec === NONE ? this.implicitInc(observer, subject) : this.rec[rec * VR + V_INC]!;
  }

  /** A member crashed (after its records were removed): until it restarts its views are the initial ones. */
  died(observer: number): void {
    this.lifeStamp[observer] = Number.POSITIVE_INFINITY;
  }

  /** A member restarted: its views are the initial ones (its records were removed when it crashed). */
  reborn(observer: number): void {
    const stamp = ++this.lives;
    if (stamp === this.rebornBy.length) {
      const b = new Int32Array(2 * stamp);
      b.set(this.rebornBy);
      this.rebornBy = b;
    }
    this.rebornBy[stamp] = observer;
    this.lifeStamp[observer] = stamp;
  }

  /** The record, created from the implicit view when missing. */
  ensure(observer: number, subject: number): number {
    const found = this.find(observer, subject);
    if (found !== NONE) return found;
    if (this.everTouched[subject] === 0) {
      this.everTouched[subject] = 1;
      this.dirty.push(subject);
    }
    const inc = this.implicitInc(observer, subject);
    const rec = this.allocate();
    this.link(subject, observer, rec);
    this.setStateOf(rec, View.alive);
    this.rec[rec * VR + V_INC] = inc;
    this.rec[rec * VR + V_CHANGE_US] = 0;
    this.observer[rec] = observer;
    this.subject[rec] = subject;
    this.rec[rec * VR + V_DEADLINE] = Number.NaN;
    this.rec[rec * VR + V_CONFIRMER_COUNT] = 0;
    this.rec[rec * VR + V_TIMER_N] = 0;
    return rec;
  }

  private link(subject: number, observer: number, rec: number): void {
    const count = ++this.recordCount[subject]!;
    const table = this.dense[subject];
    if (table !== null) {
      table![observer] = rec;
      return;
    }
    let map = this.bySubject[subject];
    if (map === null) {
      map = new Map();
      this.bySubject[subject] = map;
    }
    map!.set(observer, rec);
    if (count > this.denseAbove) {
      const t = new Int32Array(this.n).fill(NONE);
      for (const [o, r] of map!) t[o] = r;
      this.dense[subject] = t;
      this.bySubject[subject] = null;
    }
  }

  /** Forgets the record (the observer crashed, or compaction): its view becomes the implicit one. */
  remove(rec: number): void {
    const subject = this.subject[rec]!;
    const observer = this.observer[rec]!;
    const table = this.dense[subject];
    if (table !== null) table![observer] = NONE;
    else this.bySubject[subject]!.delete(observer);
    if (--this.recordCount[subject]! === 0) {
      this.dense[subject] = null;
      this.bySubject[subject] = null;
    }
    this.rec[rec * VR + V_DEADLINE] = Number.NaN;
    this.rec[rec * VR + V_GENERATION]!++;
    this.free.push(rec);
  }

  /** Records of one subject (views of live observers: records of crashed ones are removed). */
  countOf(subject: number): number {
    return this.recordCount[subject]!;
  }

  /**
   * Drops the subject's records if every live observer other than the subject holds
   * the same ALIVE incarnation with no timer; `liveObservers` counts them, `isUp`
   * says whether a member is up. Returns whether it compacted.
   */
  compact(subject: number, liveObservers: number, isUp: Uint8Array): boolean {
    const count = this.recordCount[subject]!;
    if (count === 0) return false;
    const recs = this.scratchRecords(subject);
    const first = recs[0]!;
    const inc = this.rec[first * VR + V_INC]!;
    const stamp = this.baseStamp[subject]!;
    let after = 0; // records of observers whose life began after the baseline
    for (let i = 0; i < count; i++) {
      const r = recs[i]!;
      if (this.rec[r * VR + V_STATE] !== View.alive || this.rec[r * VR + V_INC] !== inc || !Number.isNaN(this.rec[r * VR + V_DEADLINE]!)) return false;
      if (this.lifeStamp[this.observer[r]!]! > stamp) after++;
    }
    // Live observers without a record hold their implicit view: it must be `inc` too.
    if (count < liveObservers) {
      if (inc !== this.baseInc[subject]) return false;
      // Those living since after the baseline hold 0 (≠ inc unless inc is 0): all must have records.
      if (inc !== 0) {
        let liveAfter = 0;
        for (let k = Math.max(1, Math.floor(stamp) + 1); k <= this.lives; k++) {
          const o = this.rebornBy[k]!;
          if (o !== subject && isUp[o] === 1 && this.lifeStamp[o] === k) liveAfter++;
        }
        if (liveAfter !== after) return false;
      }
    }
    for (let i = 0; i < count; i++) this.remove(recs[i]!);
    this.baseInc[subject] = inc;
    this.baseStamp[subject] = this.lives;
    return true;
  }

  private scratch = new Int32Array(64);

  private scratchRecords(subject: number): Int32Array {
    const count = this.recordCount[subject]!;
    if (this.scratch.length < count) this.scratch = new Int32Array(2 * count);
    const out = this.scratch;
    let k = 0;
    const table = this.dense[subject];
    if (table !== null) {
      for (let o = 0; o < this.n; o++) if (table![o]! !== NONE) out[k++] = table![o]!;
    } else {
      for (const r of this.bySubject[subject]!.values()) out[k++] = r;
    }
    return out;
  }

  /** Sets a record's state (in `rec` and the dense copy). */
  setStateOf(rec: number, state: number): void {
    this.rec[rec * VR + V_STATE] = state;
    this.state[rec] = state;
  }

  hasConfirmer(rec: number, who: number): boolean {
    const base = rec * CONFIRMER_SLOTS;
    const count = this.rec[rec * VR + V_CONFIRMER_COUNT]!;
    for (let i = 0; i < count; i++) if (this.confirmers[base + i] === who) return true;
    return false;
  }

  addConfirmer(rec: number, who: number): void {
    const count = this.rec[rec * VR + V_CONFIRMER_COUNT]!;
    if (count >= CONFIRMER_SLOTS) return;
    this.confirmers[rec * CONFIRMER_SLOTS + count] = who;
    this.rec[rec * VR + V_CONFIRMER_COUNT] = count + 1;
  }

  private allocate(): number {
    const reused = this.free.pop();
    if (reused !== undefined) return reused;
    if (this.size === this.capacity) this.grow();
    return this.size++;
  }

  private grow(): void {
    const capacity = this.capacity * 2;
    this.capacity = capacity;
    const g32 = (a: Int32Array, width = 1) => {
      const b = new Int32Array(capacity * width);
      b.set(a);
      return b;
    };
    const g64 = (a: Float64Array, fill = 0) => {
      const b = new Float64Array(capacity).fill(fill);
      b.set(a);
      return b;
    };
    const rec = newRecords(capacity);
    rec.set(this.rec);
    this.rec = rec;
    const state = new Uint8Array(capacity);
    state.set(this.state);
    this.state = state;
    this.observer = g32(this.observer);
    this.subject = g32(this.subject);
    this.timerStartUs = g64(this.timerStartUs);
    this.timerMinUs = g64(this.timerMinUs);
    this.timerMaxUs = g64(this.timerMaxUs);
    this.confirmers = g32(this.confirmers, CONFIRMER_SLOTS);
  }
}

export const NO_RECORD = NONE;
