/**
 * Every member's view of every other member, kept tractable at 10 000 members: a view
 * that was never touched is the initial one (ALIVE, incarnation 0) and takes no
 * memory; a touched (observer, subject) view is a record in a pool of typed arrays,
 * found through one small map per subject. A false suspicion that reaches the whole
 * cluster costs one record per member; a quiet cluster costs nothing. The records
 * also hold Lifeguard's suspicion timer (bounds, confirmations, deadline).
 *
 * `dirty` lists the subjects that have records, so anti-entropy (push/pull) touches
 * only those instead of all N.
 */

export const View = { alive: 0, suspect: 1, dead: 2 } as const;
export type ViewState = (typeof View)[keyof typeof View];

/** Confirmers kept per suspicion: the originator plus up to k = SuspicionMult − 2 ≤ 7 others. */
export const CONFIRMER_SLOTS = 8;

const NONE = -1;

export class Views {
  private readonly bySubject: (Map<number, number> | null)[];
  readonly dirty: number[] = [];
  // Record fields.
  state: Uint8Array;
  inc: Float64Array;
  changeUs: Float64Array;
  observer: Int32Array;
  subject: Int32Array;
  /** Timer: deadline (NaN: none), start, bounds, wanted and received confirmations. */
  timerDeadlineUs: Float64Array;
  timerStartUs: Float64Array;
  timerMinUs: Float64Array;
  timerMaxUs: Float64Array;
  timerK: Uint8Array;
  timerN: Uint8Array;
  confirmers: Int32Array;
  confirmerCount: Uint8Array;
  /** Bumped whenever a record is freed, so stale timer events can tell. */
  generation: Float64Array;
  private free: number[] = [];
  private size = 0;

  constructor(subjects: number, capacity = 1024) {
    this.bySubject = new Array<Map<number, number> | null>(subjects).fill(null);
    this.state = new Uint8Array(capacity);
    this.inc = new Float64Array(capacity);
    this.changeUs = new Float64Array(capacity);
    this.observer = new Int32Array(capacity);
    this.subject = new Int32Array(capacity);
    this.timerDeadlineUs = new Float64Array(capacity).fill(Number.NaN);
    this.timerStartUs = new Float64Array(capacity);
    this.timerMinUs = new Float64Array(capacity);
    this.timerMaxUs = new Float64Array(capacity);
    this.timerK = new Uint8Array(capacity);
    this.timerN = new Uint8Array(capacity);
    this.confirmers = new Int32Array(capacity * CONFIRMER_SLOTS);
    this.confirmerCount = new Uint8Array(capacity);
    this.generation = new Float64Array(capacity);
  }

  /** Records in use (memory reports). */
  get records(): number {
    return this.size - this.free.length;
  }

  /** The observer's record of the subject, or NONE (the untouched initial view). */
  find(observer: number, subject: number): number {
    const map = this.bySubject[subject];
    if (map === null || map === undefined) return NONE;
    const rec = map.get(observer);
    return rec === undefined ? NONE : rec;
  }

  stateOf(observer: number, subject: number): number {
    const rec = this.find(observer, subject);
    return rec === NONE ? View.alive : this.state[rec]!;
  }

  incOf(observer: number, subject: number): number {
    const rec = this.find(observer, subject);
    return rec === NONE ? 0 : this.inc[rec]!;
  }

  /** The record, created from the initial view when missing. */
  ensure(observer: number, subject: number): number {
    let map = this.bySubject[subject];
    if (map === null || map === undefined) {
      map = new Map();
      this.bySubject[subject] = map;
      this.dirty.push(subject);
    }
    const existing = map.get(observer);
    if (existing !== undefined) return existing;
    const rec = this.allocate();
    this.state[rec] = View.alive;
    this.inc[rec] = 0;
    this.changeUs[rec] = 0;
    this.observer[rec] = observer;
    this.subject[rec] = subject;
    this.timerDeadlineUs[rec] = Number.NaN;
    this.confirmerCount[rec] = 0;
    this.timerN[rec] = 0;
    map.set(observer, rec);
    return rec;
  }

  /** Forgets the record (the observer crashed): its view returns to the initial one. */
  remove(rec: number): void {
    const map = this.bySubject[this.subject[rec]!]!;
    map.delete(this.observer[rec]!);
    this.timerDeadlineUs[rec] = Number.NaN;
    this.generation[rec]!++;
    this.free.push(rec);
  }

  /** The records of one subject (observer → record). */
  recordsOf(subject: number): ReadonlyMap<number, number> | null {
    return this.bySubject[subject] ?? null;
  }

  hasConfirmer(rec: number, who: number): boolean {
    const base = rec * CONFIRMER_SLOTS;
    const count = this.confirmerCount[rec]!;
    for (let i = 0; i < count; i++) if (this.confirmers[base + i] === who) return true;
    return false;
  }

  addConfirmer(rec: number, who: number): void {
    const count = this.confirmerCount[rec]!;
    if (count >= CONFIRMER_SLOTS) return;
    this.confirmers[rec * CONFIRMER_SLOTS + count] = who;
    this.confirmerCount[rec] = count + 1;
  }

  private allocate(): number {
    const reused = this.free.pop();
    if (reused !== undefined) return reused;
    if (this.size === this.state.length) this.grow();
    return this.size++;
  }

  private grow(): void {
    const capacity = this.state.length * 2;
    const g8 = (a: Uint8Array) => {
      const b = new Uint8Array(capacity);
      b.set(a);
      return b;
    };
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
    this.state = g8(this.state);
    this.inc = g64(this.inc);
    this.changeUs = g64(this.changeUs);
    this.observer = g32(this.observer);
    this.subject = g32(this.subject);
    this.timerDeadlineUs = g64(this.timerDeadlineUs, Number.NaN);
    this.timerStartUs = g64(this.timerStartUs);
    this.timerMinUs = g64(this.timerMinUs);
    this.timerMaxUs = g64(this.timerMaxUs);
    this.timerK = g8(this.timerK);
    this.timerN = g8(this.timerN);
    this.confirmers = g32(this.confirmers, CONFIRMER_SLOTS);
    this.confirmerCount = g8(this.confirmerCount);
    this.generation = g64(this.generation);
  }
}

export const NO_RECORD = NONE;
