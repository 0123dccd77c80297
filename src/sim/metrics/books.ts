/**
 * The book-keeper of a run: which (observer, target) pairs are watched, and the
 * Chen–Toueg–Aguilera accounting of each (recorder.ts) fed by two kinds of news —
 * the truth about a target (down, up: from the crash service) and an observer's
 * verdict about it (from the protocol that runs the observer's detector).
 *
 * Pairs are registered while protocols install (`observe`), then the books open;
 * from there a pair is a dense index into typed arrays. Memory grows with the pairs
 * observed, not with nodes².
 *
 * Protocols report transitions (`verdict`); the books drop reports that change
 * nothing, so a module may report its verdict every time it evaluates it.
 */
import { IntIndex, NOT_FOUND } from '../int-index.js';
import { IntList } from '../int-list.js';
import { Status, type StatusCode } from '../status.js';
import { MetricsRecorder, type CauseCode } from './recorder.js';

export interface BooksOptions {
  readonly warmupUs: number;
  readonly transitionLogLimit: number;
  readonly flapWindowUs: number;
}

export class PairBooks {
  private readonly nodeCount: number;
  private readonly observerOf = new IntList();
  private readonly targetOf = new IntList();
  /** Pair ids by key observer × n + target, for pairs 0 .. indexed − 1 (see `catchUp`). */
  private readonly pairOf = new IntIndex();
  private indexed = 0;
  private recorderOrNull: MetricsRecorder | null = null;
  private status: Uint8Array = new Uint8Array(0);
  /** Pairs whose target is node i: pairsByTarget[targetStart[i] .. targetStart[i + 1]). */
  private targetStart: Int32Array = new Int32Array(0);
  private pairsByTarget: Int32Array = new Int32Array(0);

  constructor(nodeCount: number) {
    this.nodeCount = nodeCount;
  }

  /**
   * Registers the pairs in which `observer` (the last node) watches every other node,
   * pair first + i watching node i, in one pass: nothing is hashed until a pair is
   * looked up (`observe` catches the index up). Returns `first`, the pairs registered
   * before; with pairs already registered it falls back to `observe`.
   */
  observeAll(observer: number): number {
    if (observer !== this.nodeCount - 1) throw new RangeError('observeAll: the observer is the last node');
    const first = this.observerOf.length;
    if (this.recorderOrNull !== null || first > 0) {
      for (let i = 0; i < observer; i++) if (this.observe(observer, i) !== first + i) throw new Error('observeAll: the pairs exist in another order');
      return first;
    }
    this.observerOf.reserve(first + observer);
    this.targetOf.reserve(first + observer);
    for (let i = 0; i < observer; i++) {
      this.observerOf.push(observer);
      this.targetOf.push(i);
    }
    return first;
  }

  /** Brings the key index up to date with pairs registered in bulk (`observeAll`). */
  private catchUp(): void {
    const count = this.observerOf.length;
    this.pairOf.reserve(count);
    for (let pair = this.indexed; pair < count; pair++) this.pairOf.intern(this.observerOf.get(pair) * this.nodeCount + this.targetOf.get(pair), pair);
    this.indexed = count;
  }

  /** The pair in which `observer` watches `target`, registered on first use (before `open`). */
  observe(observer: number, target: number): number {
    if (observer === target) throw new RangeError(`node ${observer} cannot observe itself`);
    if (!(target >= 0 && target < this.nodeCount && observer >= 0 && observer < this.nodeCount)) {
      throw new RangeError(`pair (${observer}, ${target}) names a node outside 0..${this.nodeCount - 1}`);
    }
    const key = observer * this.nodeCount + target;
    if (this.indexed !== this.observerOf.length) this.catchUp();
    if (this.recorderOrNull !== null) {
      const known = this.pairOf.get(key);
      if (known !== NOT_FOUND) return known;
      throw new Error('pairs must be observed before the run starts');
    }
    const pair = this.observerOf.length;
    const known = this.pairOf.intern(key, pair);
    if (known !== pair) return known;
    this.observerOf.push(observer);
    this.targetOf.push(target);
    this.indexed = pair + 1;
    return pair;
  }

  get pairCount(): number {
    return this.observerOf.length;
  }

  observerOfPair(pair: number): number {
    return this.observerOf.get(pair);
  }

  targetOfPair(pair: number): number {
    return this.targetOf.get(pair);
  }

  /** Set when some link uses TCP: whether a message between observer and target is held back now. */
  stallProbe: ((observer: number, target: number, nowUs: number) => boolean) | null = null;

  /** Closes registration and sizes the accounting. */
  open(options: BooksOptions): void {
    if (this.recorderOrNull !== null) return;
    const pairCount = this.pairCount;
    this.recorderOrNull = new MetricsRecorder(pairCount, options.warmupUs, options.transitionLogLimit, options.flapWindowUs);
    this.status = new Uint8Array(pairCount);
    const start = new Int32Array(this.nodeCount + 1);
    for (const t of this.targetOf.view()) start[t + 1]!++;
    for (let i = 0; i < this.nodeCount; i++) start[i + 1]! += start[i]!;
    const fill = start.slice(0, this.nodeCount);
    const byTarget = new Int32Array(pairCount);
    for (let pair = 0; pair < pairCount; pair++) byTarget[fill[this.targetOf.get(pair)]!++] = pair;
    this.targetStart = start;
    this.pairsByTarget = byTarget;
  }

  get recorder(): MetricsRecorder {
    if (this.recorderOrNull === null) throw new Error('the books are not open yet');
    return this.recorderOrNull;
  }

  statusOf(pair: number): StatusCode {
    return this.status[pair] as StatusCode;
  }

  /** An observer's verdict about a target at `nowUs`; no-op if it changes nothing. */
  verdict(pair: number, to: StatusCode, nowUs: number, cause: CauseCode): void {
    if (this.status[pair] === to) return;
    // TCP links (issue #13): does the transport hold back a message of this pair as trust is lost?
    if (this.stallProbe !== null && this.status[pair] === Status.alive) {
      this.recorder.suspicionDuringTransportStall = this.stallProbe(this.observerOf.get(pair), this.targetOf.get(pair), nowUs);
    }
    this.status[pair] = to;
    this.recorder.onVerdict(pair, nowUs, to, cause);
  }

  /** True when the observer currently trusts the target. */
  trusts(pair: number): boolean {
    return this.status[pair] === Status.alive;
  }

  /** The truth: `node` crashed (every pair watching it learns it, in pair order). */
  targetDown(node: number, nowUs: number): void {
    const r = this.recorder;
    for (let k = this.targetStart[node]!; k < this.targetStart[node + 1]!; k++) r.onCrash(this.pairsByTarget[k]!, nowUs);
  }

  /** The truth: `node` is up again. */
  targetUp(node: number, nowUs: number): void {
    const r = this.recorder;
    for (let k = this.targetStart[node]!; k < this.targetStart[node + 1]!; k++) r.onRecover(this.pairsByTarget[k]!, nowUs);
  }
}
