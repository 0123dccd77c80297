/**
 * Exact skipping over one link's heartbeat stream: instead of drawing every
 * heartbeat's fate (loss, send jitter, delay), draw only the positions of the
 * *interesting* ones — lost, or with lateness round(J) + round(D) above a threshold θ
 * that the detector implies (see ./thresholds.ts) — by geometric skipping, and their
 * components conditioned on being interesting. Any other heartbeat is *ordinary*
 * (delivered, lateness ≤ θ); the consumer draws one in full (`drawOrdinary`) only where
 * a verdict needs it (next to an interesting heartbeat, a crash, a pause, a restart).
 * Heartbeats are independent given the loss chain, so drawing an ordinary one on
 * demand, in any order, from its conditional law is exact: the skipping path and the
 * per-heartbeat path sample the same joint law with different draws.
 *
 * Splitting θ. Lateness is a sum, so "late" is decided on a superset that factorises:
 * a heartbeat is interesting iff it is lost, or round(J) > θ_J, or round(D) > θ_D, with
 * θ_J + θ_D = θ (an ordinary heartbeat then has lateness ≤ θ, which is all a threshold
 * lemma needs). θ_J is the jitter's whole range when it is bounded (constant, uniform,
 * empirical: Pr(J late) = 0), else the split that minimises the interesting rate.
 * Per message in loss state s, with ℓ_s its loss probability and pJ, pD the two
 * exceedance probabilities: q_s = ℓ_s + (1 − ℓ_s)·(1 − (1 − pJ)(1 − pD)). For Bernoulli
 * loss with a constant jitter this is the issue's p_loss + (1 − p_loss)·Pr(D > τ).
 *
 * Loss models. Bernoulli: one state, gaps between interesting heartbeats are
 * Geometric(q). Gilbert–Elliott (netem's gemodel, as ../loss.ts: a message's loss is
 * decided by the state it finds, then the chain steps): the chain is walked sojourn by
 * sojourn — a stay in good lasts Geometric(p) ≥ 1 messages, in bad Geometric(r) ≥ 1 —
 * and within a stay, interesting heartbeats are Geometric(q_s) apart. The first
 * message's state is drawn from the stationary law, as the engine does. Given
 * "interesting in state s", the heartbeat is lost with probability ℓ_s / q_s; a lost
 * heartbeat's jitter is drawn unconditionally (it still delays the sender's timer, and
 * nothing else is known about it); a delivered one is late on the jitter, the delay or
 * both with probabilities ∝ pJ(1 − pD), (1 − pJ)pD, pJ·pD, each part drawn from its
 * conditional law (./split-law.ts).
 *
 * Slow I/O (an extra delay X every send waits before it leaves) is a third part:
 * interesting iff lost or round(J) > θ_J or round(X) > θ_X or round(D) > θ_D, with the
 * three shares summing to θ; a delivered interesting heartbeat's parts are drawn
 * sequentially (J late with probability pJ / Pr(any late), then the others
 * unconditional; else J within its share and X late with probability
 * pX / Pr(X or D late), …), and `delayUs` reports X + D, all the walk needs.
 *
 * Uniforms for the geometric gaps carry 64 bits (two draws), so a gap's tail is not cut
 * at 2⁻³² (≈ 22/q messages) as a single 32-bit draw would cut it.
 *
 * Message numbers count the messages the link carries (0, 1, 2, …), whatever the
 * consumer's clock: a crashed or paused sender sends nothing and so draws nothing.
 * Duplication is not modelled here: a duplicate is an extra arrival that may land
 * anywhere later, so a link with duplication must not be skipped (the consumer checks).
 *
 * One skipper per link, two streams of one bank (positions and categories on one, the
 * heartbeats' parts on the other). Nothing is allocated per heartbeat.
 */
import type { DelayDistribution } from '../random/distributions.js';
import { validateLossModel, type LossModel } from '../network/loss.js';
import type { StreamBank } from '../random/streams.js';
import { SplitLaw } from './split-law.js';
import { DOUBLE_FIELD } from './walk-buffers.js';

/** No more interesting heartbeat on this link, ever. */
export const NONE = Number.POSITIVE_INFINITY;

export interface SkipLaws {
  readonly loss: LossModel;
  /** The sender's send jitter (non-cumulative, added to each nominal instant). */
  readonly jitter: DelayDistribution;
  /** The random part of the link delay (the fixed base is not part of lateness). */
  readonly delay: DelayDistribution;
  /** θ: a delivered heartbeat with round(J) + round(D) ≤ θ is ordinary. */
  readonly thresholdUs: number;
  /**
   * Slow I/O: an extra delay X every send waits before it leaves (fsync before send). A
   * third part of lateness: θ is then split three ways, and `delayUs` reports X + D.
   */
  readonly extra?: DelayDistribution;
}

/** How θ is shared between the jitter and the delay, and the resulting rates. */
export interface ThresholdSplit {
  readonly jitterThresholdUs: number;
  readonly delayThresholdUs: number;
  readonly pJitterLate: number;
  readonly pDelayLate: number;
  /** Slow I/O's share of θ and its exceedance probability (0 and 0 without slow I/O). */
  readonly extraThresholdUs?: number;
  readonly pExtraLate?: number;
}

/** Largest value a law can take (rounded), or +∞ when it is unbounded. */
function roundedMaximum(law: DelayDistribution): number {
  switch (law.kind) {
    case 'constant':
      return Math.round(law.valueUs);
    case 'uniform':
      return Math.round(law.maxUs);
    case 'empirical':
      return Math.round(law.quantilesUs[law.quantilesUs.length - 1]!);
    case 'normal':
      return law.sdUs === 0 ? Math.round(law.meanUs) : Number.POSITIVE_INFINITY;
    case 'lognormal':
      return law.sigma === 0 ? Math.round(law.medianUs) : Number.POSITIVE_INFINITY;
    case 'exponential':
      return law.meanUs === 0 ? 0 : Number.POSITIVE_INFINITY;
    case 'pareto':
      return Number.POSITIVE_INFINITY;
  }
}

/** Candidate jitter thresholds tried for an unbounded jitter law. */
const SPLIT_CANDIDATES = 64;

/** The split of θ that makes a delivered heartbeat least likely to be interesting. */
export function splitThreshold(jitter: DelayDistribution, delay: DelayDistribution, thresholdUs: number, bank: StreamBank): ThresholdSplit {
  const of = (jitterThresholdUs: number): ThresholdSplit => {
    const delayThresholdUs = thresholdUs - jitterThresholdUs;
    return {
      jitterThresholdUs,
      delayThresholdUs,
      pJitterLate: new SplitLaw(jitter, jitterThresholdUs, bank, 'heartbeat jitter').pAbove,
      pDelayLate: new SplitLaw(delay, delayThresholdUs, bank, 'link delay').pAbove,
    };
  };
  if (thresholdUs < 0) return of(0); // every delivered heartbeat is late
  const jitterMax = roundedMaximum(jitter);
  if (jitterMax <= thresholdUs) return of(jitterMax); // the jitter alone is never late
  let best = of(0);
  const rate = (s: ThresholdSplit) => 1 - (1 - s.pJitterLate) * (1 - s.pDelayLate);
  for (let i = 1; i <= SPLIT_CANDIDATES; i++) {
    const candidate = of(Math.round((thresholdUs * i) / SPLIT_CANDIDATES));
    if (rate(candidate) < rate(best)) best = candidate;
  }
  return best;
}

const GOOD = 0;
const BAD = 1;

/** Numbers `HeartbeatSkipper.saveState` writes. */
export const SKIPPER_STATE_LENGTH = 9;

/**
 * What a link class's skippers share: the split of θ, the two split laws and the
 * per-state rates. Built once per link class (not per node): nothing in it depends on a
 * stream, only on the laws, so every node of the class reads the same tables.
 */
export class SkipLawSet {
  readonly split: ThresholdSplit;
  readonly jitterLaw: SplitLaw;
  readonly delayLaw: SplitLaw;
  /** Slow I/O's extra delay, or null. */
  readonly extraLaw: SplitLaw | null;
  /** Given a delivered interesting heartbeat: Pr(any part late), and Pr(X or D late). */
  readonly pLate: number;
  readonly pExtraOrDelayLate: number;
  /** Per state: loss probability, interesting probability, ln(1 − q), ln(1 − leave). */
  readonly lossIn = new Float64Array(2);
  readonly interestingIn = new Float64Array(2);
  readonly logKeep = new Float64Array(2);
  readonly logStay = new Float64Array(2);
  readonly pBoth: number;
  readonly pJitterOnly: number;
  /** Gilbert–Elliott: the stationary probability of the bad state; Bernoulli: −1 (one state, never left). */
  readonly stationaryBad: number;

  constructor(laws: SkipLaws, bank: StreamBank) {
    validateLossModel(laws.loss, 'skipped link loss');
    if (!Number.isSafeInteger(laws.thresholdUs)) throw new RangeError(`the lateness threshold must be a whole number of µs, got ${laws.thresholdUs}`);
    if (laws.extra === undefined) {
      this.split = splitThreshold(laws.jitter, laws.delay, laws.thresholdUs, bank);
      this.extraLaw = null;
    } else {
      // Three parts: the jitter's share as for two, the rest split between X and D (any split is exact; this one keeps the rate low).
      const first = splitThreshold(laws.jitter, laws.delay, laws.thresholdUs, bank);
      const rest = splitThreshold(laws.extra, laws.delay, laws.thresholdUs - first.jitterThresholdUs, bank);
      this.split = {
        jitterThresholdUs: first.jitterThresholdUs,
        delayThresholdUs: rest.delayThresholdUs,
        pJitterLate: first.pJitterLate,
        pDelayLate: rest.pDelayLate,
        extraThresholdUs: rest.jitterThresholdUs,
        pExtraLate: rest.pJitterLate,
      };
      this.extraLaw = new SplitLaw(laws.extra, rest.jitterThresholdUs, bank, 'slow I/O extra delay');
    }
    this.jitterLaw = new SplitLaw(laws.jitter, this.split.jitterThresholdUs, bank, 'heartbeat jitter');
    this.delayLaw = new SplitLaw(laws.delay, this.split.delayThresholdUs, bank, 'link delay');
    const pJ = this.split.pJitterLate;
    const pD = this.split.pDelayLate;
    const pX = this.split.pExtraLate ?? 0;
    const late = 1 - (1 - pJ) * (1 - pX) * (1 - pD);
    this.pLate = late;
    this.pExtraOrDelayLate = 1 - (1 - pX) * (1 - pD);
    this.pBoth = late > 0 ? (pJ * pD) / late : 0;
    this.pJitterOnly = late > 0 ? (pJ * (1 - pD)) / late : 0;
    const loss = laws.loss;
    if (loss.kind === 'bernoulli') {
      this.lossIn[GOOD] = loss.probability;
      this.logStay[GOOD] = 0; // never leaves
      this.stationaryBad = -1;
    } else {
      this.lossIn[GOOD] = loss.lossInGoodProbability;
      this.lossIn[BAD] = loss.lossInBadProbability;
      this.logStay[GOOD] = Math.log1p(-loss.enterBadProbability);
      this.logStay[BAD] = Math.log1p(-loss.leaveBadProbability);
      const p = loss.enterBadProbability;
      const r = loss.leaveBadProbability;
      this.stationaryBad = p + r > 0 ? p / (p + r) : 0;
    }
    for (let s = GOOD; s <= BAD; s++) {
      const l = this.lossIn[s]!;
      const q = l + (1 - l) * late;
      this.interestingIn[s] = q;
      this.logKeep[s] = Math.log1p(-q);
    }
  }
}

export class HeartbeatSkipper {
  /** The last interesting heartbeat (`nextInteresting`): its message number, fate and parts. */
  // Numbers that restoreState reads back from a Float64Array, or that grow past 2³⁰, hold doubles from construction (./walk-buffers.ts, DOUBLE_FIELD).
  index = DOUBLE_FIELD; // -1 from reset on
  lost = false;
  jitterUs = DOUBLE_FIELD; // set with `index`
  /** Random part of the delay; NaN when lost. */
  delayUs = Number.NaN;
  /**
   * The last ordinary heartbeat drawn (`drawOrdinary`). Kept apart so that drawing the
   * ordinary heartbeats before the next interesting one does not overwrite it.
   */
  ordinaryJitterUs = DOUBLE_FIELD; // set by drawOrdinary before any read
  ordinaryDelayUs = DOUBLE_FIELD;

  readonly split: ThresholdSplit;
  private readonly bank: StreamBank;
  private fateStream = -1;
  private partStream = -1;
  private readonly set: SkipLawSet;
  private readonly jitterLaw: SplitLaw;
  private readonly delayLaw: SplitLaw;
  private readonly extraLaw: SplitLaw | null;
  private readonly lossIn: Float64Array;
  private readonly interestingIn: Float64Array;
  private readonly logKeep: Float64Array;
  private readonly logStay: Float64Array;
  private readonly pBoth: number;
  private readonly pJitterOnly: number;
  private state = GOOD;
  /** Messages of the current stay not yet walked past (+∞ for a stay that never ends). */
  private leftInStay = DOUBLE_FIELD; // set by reset
  /** The next message not yet walked past. */
  private position = DOUBLE_FIELD; // 0 from reset on

  /**
   * A skipper over `laws` (or a shared law set) on the given streams. With a law set
   * and no streams, call `reset` before use: one skipper can walk many links in turn.
   */
  constructor(laws: SkipLaws | SkipLawSet, bank: StreamBank, fateStream?: number, partStream?: number) {
    const set = laws instanceof SkipLawSet ? laws : new SkipLawSet(laws, bank);
    this.set = set;
    this.bank = bank;
    this.split = set.split;
    this.jitterLaw = set.jitterLaw;
    this.delayLaw = set.delayLaw;
    this.extraLaw = set.extraLaw;
    this.lossIn = set.lossIn;
    this.interestingIn = set.interestingIn;
    this.logKeep = set.logKeep;
    this.logStay = set.logStay;
    this.pBoth = set.pBoth;
    this.pJitterOnly = set.pJitterOnly;
    if (fateStream !== undefined && partStream !== undefined) this.reset(fateStream, partStream);
  }

  /** Starts a new link's walk at message 0 on these streams (the first message's loss state drawn as the engine does). */
  reset(fateStream: number, partStream: number): void {
    this.fateStream = fateStream;
    this.partStream = partStream;
    this.index = -1;
    this.position = 0;
    const bad = this.set.stationaryBad;
    if (bad < 0) {
      this.state = GOOD;
      this.leftInStay = Number.POSITIVE_INFINITY;
    } else {
      this.state = this.bank.next(fateStream) < bad ? BAD : GOOD;
      this.leftInStay = this.stayLength(this.state);
    }
  }

  /**
   * Copies where the walk stands (SKIPPER_STATE_LENGTH numbers into `to` from `at`: the
   * last interesting and ordinary heartbeats, the loss state, the stay and the position),
   * not its laws or streams: with `restoreState` and the streams' own saved states
   * (StreamBank.saveStream), a walk resumes exactly where it was (sim/skip/walk-shared.ts).
   */
  saveState(to: Float64Array, at: number): void {
    to[at] = this.index;
    to[at + 1] = this.lost ? 1 : 0;
    to[at + 2] = this.jitterUs;
    to[at + 3] = this.delayUs;
    to[at + 4] = this.ordinaryJitterUs;
    to[at + 5] = this.ordinaryDelayUs;
    to[at + 6] = this.state;
    to[at + 7] = this.leftInStay;
    to[at + 8] = this.position;
  }

  /** Puts back what `saveState` copied (after `reset` onto the streams to resume on). */
  restoreState(from: Float64Array, at: number): void {
    this.index = from[at]!;
    this.lost = from[at + 1] === 1;
    this.jitterUs = from[at + 2]!;
    this.delayUs = from[at + 3]!;
    this.ordinaryJitterUs = from[at + 4]!;
    this.ordinaryDelayUs = from[at + 5]!;
    this.state = from[at + 6] === BAD ? BAD : GOOD; // a small integer, as the field holds
    this.leftInStay = from[at + 7]!;
    this.position = from[at + 8]!;
  }

  /** Uniform in (0, 1] with 64 bits: safe for the logarithm of a geometric tail. */
  private fine(): number {
    const bank = this.bank;
    return 1 - (bank.next(this.fateStream) + bank.next(this.fateStream) * 2.3283064365386963e-10);
  }

  /** Number of messages in a stay that starts in `state`: 1 + Geometric(leave). */
  private stayLength(state: number): number {
    const logStay = this.logStay[state]!;
    if (logStay === 0) return Number.POSITIVE_INFINITY;
    if (logStay === Number.NEGATIVE_INFINITY) return 1;
    return 1 + Math.floor(Math.log(this.fine()) / logStay);
  }

  /** Ordinary messages before the next interesting one in `state` (may be +∞). */
  private gap(state: number): number {
    const logKeep = this.logKeep[state]!;
    if (logKeep === 0) return Number.POSITIVE_INFINITY;
    if (logKeep === Number.NEGATIVE_INFINITY) return 0;
    return Math.floor(Math.log(this.fine()) / logKeep);
  }

  /**
   * Walks to the next interesting message and draws it: sets `index` (its message
   * number, or NONE), `lost`, `jitterUs` and `delayUs`. Every message between the
   * previous call's and this one is ordinary. With a `limit`, the walk stops at that
   * message number if no interesting one comes before it: messages up to limit − 1 are
   * then ordinary, the next one not yet walked is `limit` (a consumer draws what follows
   * raw, `drawRaw`), and NONE is returned. Exact: gaps and stays are memoryless, so a
   * gap cut at the limit and drawn afresh later has the same law.
   */
  nextInteresting(limit = NONE): number {
    for (;;) {
      const gap = this.gap(this.state);
      if (gap < this.leftInStay) {
        const at = this.position + gap;
        if (at >= limit) return this.stopAt(limit);
        this.position = at + 1;
        this.leftInStay -= gap + 1;
        this.drawInteresting(this.state);
        if (this.leftInStay === 0) this.enterNextStay();
        this.index = at;
        return at;
      }
      if (this.leftInStay === Number.POSITIVE_INFINITY) {
        if (limit !== NONE) return this.stopAt(limit);
        this.index = NONE;
        return NONE;
      }
      if (this.position + this.leftInStay > limit) return this.stopAt(limit);
      this.position += this.leftInStay;
      this.enterNextStay();
    }
  }

  /** The next message not yet walked past (raw draws start here). */
  get nextPosition(): number {
    return this.position;
  }

  private stopAt(limit: number): number {
    if (limit > this.position) {
      this.leftInStay -= limit - this.position; // stays positive: the stay reaches past the limit
      this.position = limit;
    }
    this.index = NONE;
    return NONE;
  }

  /**
   * Draws message `nextPosition` in full from the unconditional laws (the loss by the
   * state the message finds, then the chain steps), into `lost` and `delayUs`, and
   * returns whether it was lost. For stretches where every message matters (around a
   * sender pause), after a `nextInteresting(limit)` that stopped at it.
   */
  drawRaw(): boolean {
    const lost = this.bank.next(this.fateStream) < this.lossIn[this.state]!;
    this.position++;
    if (this.leftInStay !== Number.POSITIVE_INFINITY && --this.leftInStay === 0) this.enterNextStay();
    this.lost = lost;
    this.delayUs = lost ? Number.NaN : this.extraLaw === null ? this.delayLaw.sampleUs(this.partStream) : this.delayLaw.sampleUs(this.partStream) + this.extraLaw.sampleUs(this.partStream);
    return lost;
  }

  /** One send jitter from its unconditional law (a heartbeat that may not become a message). */
  drawRawJitter(): number {
    return this.jitterLaw.sampleUs(this.partStream);
  }

  private enterNextStay(): void {
    this.state = this.state === GOOD ? BAD : GOOD;
    this.leftInStay = this.stayLength(this.state);
  }

  private drawInteresting(state: number): void {
    const bank = this.bank;
    const q = this.interestingIn[state]!;
    const u = bank.next(this.fateStream) * q;
    if (u < this.lossIn[state]!) {
      this.lost = true;
      this.jitterUs = this.drawJitterUnconditional();
      this.delayUs = Number.NaN;
      return;
    }
    this.lost = false;
    if (this.extraLaw !== null) {
      this.drawLateWithExtra(this.extraLaw);
      return;
    }
    const v = bank.next(this.fateStream);
    if (v < this.pBoth) {
      this.jitterUs = this.jitterLaw.sampleAboveUs(this.partStream);
      this.delayUs = this.delayLaw.sampleAboveUs(this.partStream);
    } else if (v < this.pBoth + this.pJitterOnly) {
      this.jitterUs = this.jitterLaw.sampleAboveUs(this.partStream);
      this.delayUs = this.delayLaw.sampleAtMostUs(this.partStream);
    } else {
      this.jitterUs = this.jitterLaw.sampleAtMostUs(this.partStream);
      this.delayUs = this.delayLaw.sampleAboveUs(this.partStream);
    }
  }

  /**
   * A delivered interesting heartbeat's parts with slow I/O, given that at least one of
   * J, X, D is late: J late with probability pJ / Pr(any), the others then unconditional;
   * else J at most its share and, given X or D late, X late with probability
   * pX / Pr(X or D), D then unconditional, else X at most and D late. `delayUs` is X + D.
   */
  private drawLateWithExtra(extra: SplitLaw): void {
    const bank = this.bank;
    const set = this.set;
    const parts = this.partStream;
    if (bank.next(this.fateStream) * set.pLate < this.jitterLaw.pAbove) {
      this.jitterUs = this.jitterLaw.sampleAboveUs(parts);
      this.delayUs = extra.sampleUs(parts) + this.delayLaw.sampleUs(parts);
      return;
    }
    this.jitterUs = this.jitterLaw.sampleAtMostUs(parts);
    if (bank.next(this.fateStream) * set.pExtraOrDelayLate < extra.pAbove) this.delayUs = extra.sampleAboveUs(parts) + this.delayLaw.sampleUs(parts);
    else this.delayUs = extra.sampleAtMostUs(parts) + this.delayLaw.sampleAboveUs(parts);
  }

  /** The jitter of a lost heartbeat: late with probability pJ, by composition of the two halves. */
  private drawJitterUnconditional(): number {
    const pJ = this.jitterLaw.pAbove;
    if (pJ > 0 && this.bank.next(this.fateStream) < pJ) return this.jitterLaw.sampleAboveUs(this.partStream);
    return this.jitterLaw.sampleAtMostUs(this.partStream);
  }

  /**
   * Draws an ordinary heartbeat (delivered, jitter and delay each within their share
   * of θ) into `ordinaryJitterUs` and `ordinaryDelayUs`. Which message it is, is the
   * consumer's business: any message between interesting ones.
   */
  drawOrdinary(): void {
    this.ordinaryJitterUs = this.jitterLaw.sampleAtMostUs(this.partStream);
    this.ordinaryDelayUs = this.extraLaw === null ? this.delayLaw.sampleAtMostUs(this.partStream) : this.delayLaw.sampleAtMostUs(this.partStream) + this.extraLaw.sampleAtMostUs(this.partStream);
  }
}

/** Long-run fraction of interesting messages under `laws` (the stationary mixture for Gilbert–Elliott). */
export function stationaryInterestingRate(laws: SkipLaws, split: ThresholdSplit): number {
  const late = 1 - (1 - split.pJitterLate) * (1 - split.pDelayLate) * (1 - (split.pExtraLate ?? 0));
  const rate = (l: number) => l + (1 - l) * late;
  const loss = laws.loss;
  if (loss.kind === 'bernoulli') return rate(loss.probability);
  const p = loss.enterBadProbability;
  const r = loss.leaveBadProbability;
  const bad = p + r > 0 ? p / (p + r) : 0;
  return (1 - bad) * rate(loss.lossInGoodProbability) + bad * rate(loss.lossInBadProbability);
}
