/**
 * The timeout walk's lean path for *plain* nodes: one link class, Bernoulli loss, no
 * slow I/O, no crashes, no sender pauses, no CPU starvation, a full walk (not the
 * pause-survival search's probes) — workload B, seed-demo, most sweeps' cells. It walks
 * a node exactly as ./timeout-walk.ts's general path does, draw for draw (same streams,
 * same draws in the same order, same verdicts in the same order: test/sim/skip/
 * plain-walk.test.ts holds the two paths `toStrictEqual` over random plain
 * configurations), with everything the plain case never uses taken out.
 *
 * Why a second copy of the segment and group logic. A walk's first run in a fresh
 * process is mostly V8 warming up: the first ~150 nodes run interpreted or in baseline
 * code while TurboFan compiles the hot functions on background threads (C12's note:
 * 34 compiles, walkNode, groupHoldsTrust, segment and judge the largest). The general
 * path's functions carry lives, windows, raw stretches, bursts, resumed probes and the
 * Gilbert–Elliott chain: bytecode the interpreter steps over on every call and graphs
 * TurboFan builds in full, though a plain node takes none of those branches. Here the
 * skipper's Bernoulli case is inlined (one state, no stays, no limit: gaps are
 * Geometric(q) and every interesting heartbeat is drawn on the spot), the schedule is
 * one lattice (nominal(j) = phase + j·I), and tallies, the arrival lists and the
 * current interesting heartbeat live in a few fields of one small class, so the code
 * V8 must compile for workload B is a fraction of the general path's.
 *
 * The lemmas (segments, quick groups, the edges) are ./timeout-walk.ts's; read its
 * header for why each step is exact. Only the structure differs.
 */
import { Cause } from '../metrics/recorder.js';
import type { StreamBank } from '../random/streams.js';
import { Status } from '../status.js';
import { NONE, type SkipLawSet } from './heartbeat-skipper.js';
import type { SplitLaw } from './split-law.js';
import { DOUBLE_FIELD, DrawnAhead, NumberList, sortPrefix, VerdictList } from './walk-buffers.js';
import { judgeAt, primeJudge } from './walk-shared.js';

/** The constants a plain walk needs (µs; W in heartbeats). */
export interface PlainWalkConstants {
  readonly intervalUs: number;
  readonly timeoutUs: number;
  readonly deadAfterUs: number;
  readonly checkIntervalUs: number;
  readonly baseDelayUs: number;
  readonly thresholdUs: number;
  readonly endUs: number;
  readonly warmupUs: number;
  readonly W: number;
}

/** Walks plain nodes one after another into shared verdicts; tallies accumulate. */
export class PlainWalk {
  // Tallies and instants: doubles from construction (./walk-buffers.ts, DOUBLE_FIELD; zeroed in the constructor).
  sent = DOUBLE_FIELD;
  delivered = DOUBLE_FIELD;
  lost = DOUBLE_FIELD;
  private readonly I: number;
  private readonly T: number;
  private readonly deadAfter: number;
  private readonly C: number;
  private readonly b: number;
  private readonly theta: number;
  private readonly endUs: number;
  private readonly warmupUs: number;
  private readonly W: number;
  // The Bernoulli skipper, inlined: the law set's one-state rates and split laws.
  private readonly bank: StreamBank;
  private readonly jitterLaw: SplitLaw;
  private readonly delayLaw: SplitLaw;
  private readonly loss: number;
  private readonly q: number;
  private readonly logKeep: number;
  private readonly pBoth: number;
  private readonly pJitterOnly: number;
  private readonly ahead = new DrawnAhead();
  private pending = new NumberList();
  private carried = new NumberList();
  private readonly arrivals = new NumberList();
  private readonly verdicts: VerdictList;
  // The node being walked: its pair, stream, phase, heartbeat count, verdict state.
  private pair = 0;
  private stream = 0;
  private phase = 0;
  private K = 0;
  private trusted = true;
  private lastArrival = DOUBLE_FIELD; // set per node (walkNode)
  /** The next message not yet walked past (message numbers are heartbeat numbers here). */
  private position = 0;
  /** The current interesting heartbeat (NONE: none left) and its fate. */
  private next = NONE;
  private nextLost = false;
  private nextJitterUs = 0;
  private nextDelayUs = Number.NaN;
  /** The last ordinary heartbeat drawn. */
  private ordinaryJitterUs = 0;
  private ordinaryDelayUs = 0;

  constructor(laws: SkipLawSet, bank: StreamBank, verdicts: VerdictList, c: PlainWalkConstants, primeJudge = true) {
    if (laws.stationaryBad >= 0 || laws.extraLaw !== null) throw new RangeError('internal: the plain walk takes Bernoulli loss and no slow I/O');
    this.I = c.intervalUs;
    this.T = c.timeoutUs;
    this.deadAfter = c.deadAfterUs;
    this.C = c.checkIntervalUs;
    this.b = c.baseDelayUs;
    this.theta = c.thresholdUs;
    this.endUs = c.endUs;
    this.warmupUs = c.warmupUs;
    this.W = c.W;
    this.bank = bank;
    this.jitterLaw = laws.jitterLaw;
    this.delayLaw = laws.delayLaw;
    this.loss = laws.lossIn[0]!;
    this.q = laws.interestingIn[0]!;
    this.logKeep = laws.logKeep[0]!;
    this.pBoth = laws.pBoth;
    this.pJitterOnly = laws.pJitterOnly;
    this.verdicts = verdicts;
    this.sent = this.delivered = this.lost = 0;
    if (primeJudge) new PlainWalk(laws, bank, new VerdictList(), c, false).judgeThroughASuspicion();
  }

  /** `judge` primed on this scratch walk (walk-shared.ts primeJudge says why). */
  private judgeThroughASuspicion(): void {
    const { endUs } = this;
    primeJudge(this.T, this.C, this.deadAfter, endUs, (arrivals, from, carried) => {
      this.trusted = true;
      this.judge(arrivals, from, from, endUs, carried);
    });
  }

  /** Walks node `pair` (first nominal send at `phase`) on its `skip` stream. */
  walkNode(pair: number, phase: number, stream: number): void {
    const { I, W, b, theta, endUs, warmupUs } = this;
    this.pair = pair;
    this.stream = stream;
    this.phase = phase;
    // Heartbeats k = 0 … K − 1 have nominal sends at or before the end.
    const K = endUs + 1 <= phase ? 0 : Math.ceil((endUs + 1 - phase) / I);
    this.K = K;
    const endEdge = Math.max(0, this.floorIndex(endUs - b - theta - I));
    const warmFrom = Math.max(0, this.floorIndex(warmupUs - b - theta - I));
    const warmTo = Math.min(Math.max(0, Math.ceil((warmupUs - phase) / I)), K);
    const hasWarmEdge = warmupUs > 0;
    this.trusted = true;
    this.lastArrival = 0; // the detector starts as if a heartbeat arrived at 0
    this.pending.length = 0;
    this.ahead.clear();
    if (K === 0) {
      // Sends nothing within the run: judged once, with no arrivals.
      this.arrivals.length = 0;
      this.carried.length = 0;
      this.judge(this.arrivals, 0, 0, endUs, this.carried);
      return;
    }
    this.position = 0;
    this.pull();
    let k = 0; // next heartbeat not yet accounted for
    while (k < K) {
      let edge = k === 0 ? 0 : NONE;
      if (hasWarmEdge && warmTo >= k) edge = Math.min(edge, Math.max(k, warmFrom));
      edge = Math.min(edge, Math.max(k, endEdge));
      let first = this.next; // the first interesting heartbeat of the next segment
      if (first !== NONE && first + 2 * W + 1 < edge) {
        // A group clear of the edges: draw it and its neighbours; done if nothing can change.
        const last = this.gatherGroup(edge);
        if (last !== NONE) {
          this.countSkipped(k, last + 2 - k - this.ahead.length);
          this.settleGroup();
          this.ahead.clear();
          k = last + 2;
          continue;
        }
        const ahead = this.ahead;
        let i = 0;
        while (ahead.interesting[i] === 0) i++;
        first = ahead.index[i]!;
      }
      let start = k === 0 ? 0 : NONE;
      if (first !== NONE) start = Math.min(start, Math.max(k, first - W));
      if (hasWarmEdge && warmTo >= k) start = Math.min(start, Math.max(k, warmFrom));
      start = Math.min(start, Math.max(k, endEdge));
      // Ordinary heartbeats before the segment: counted, not drawn (all on one side of the warm-up).
      this.countSkipped(k, Math.min(start, K) - k);
      if (start >= K) break;
      k = this.segment(start, endEdge, hasWarmEdge, warmTo) + 1;
    }
  }

  /** The last heartbeat with a nominal instant at or before t (below 0 before the first). */
  private floorIndex(t: number): number {
    return Math.min(Math.floor((t - this.phase) / this.I), this.K - 1);
  }

  /**
   * The skipper's `nextInteresting` for Bernoulli loss: the ordinary messages before the
   * next interesting one are Geometric(q) (a 64-bit uniform, so the tail is not cut),
   * then that one's fate and parts.
   */
  private pull(): void {
    const logKeep = this.logKeep;
    if (logKeep === 0) {
      this.next = NONE;
      return;
    }
    let gap = 0;
    if (logKeep !== Number.NEGATIVE_INFINITY) {
      const bank = this.bank;
      const stream = this.stream;
      const fine = 1 - (bank.next(stream) + bank.next(stream) * 2.3283064365386963e-10);
      gap = Math.floor(Math.log(fine) / logKeep);
      if (gap === NONE) {
        this.next = NONE; // a gap past every double (q below ~1e-308): none ever, as the skipper says
        return;
      }
    }
    const at = this.position + gap;
    this.position = at + 1;
    this.drawInteresting();
    this.next = at;
  }

  /** An interesting heartbeat's fate: lost with probability ℓ/q, else late on the jitter, the delay or both. */
  private drawInteresting(): void {
    const bank = this.bank;
    const stream = this.stream;
    const jitterLaw = this.jitterLaw;
    if (bank.next(stream) * this.q < this.loss) {
      this.nextLost = true;
      // A lost heartbeat's jitter, unconditional: late with probability pJ.
      const pJ = jitterLaw.pAbove;
      this.nextJitterUs = pJ > 0 && bank.next(stream) < pJ ? jitterLaw.sampleAboveUs(stream) : jitterLaw.sampleAtMostUs(stream);
      this.nextDelayUs = Number.NaN;
      return;
    }
    this.nextLost = false;
    const v = bank.next(stream);
    if (v < this.pBoth) {
      this.nextJitterUs = jitterLaw.sampleAboveUs(stream);
      this.nextDelayUs = this.delayLaw.sampleAboveUs(stream);
    } else if (v < this.pBoth + this.pJitterOnly) {
      this.nextJitterUs = jitterLaw.sampleAboveUs(stream);
      this.nextDelayUs = this.delayLaw.sampleAtMostUs(stream);
    } else {
      this.nextJitterUs = jitterLaw.sampleAtMostUs(stream);
      this.nextDelayUs = this.delayLaw.sampleAboveUs(stream);
    }
  }

  /** An ordinary heartbeat: jitter and delay each within their share of θ. */
  private drawOrdinary(): void {
    this.ordinaryJitterUs = this.jitterLaw.sampleAtMostUs(this.stream);
    this.ordinaryDelayUs = this.delayLaw.sampleAtMostUs(this.stream);
  }

  /** `count` ordinary heartbeats from k on, undrawn: all sent and delivered, or all before the warm-up. */
  private countSkipped(k: number, count: number): void {
    if (count > 0 && this.phase + k * this.I >= this.warmupUs) {
      this.sent += count;
      this.delivered += count;
    }
  }

  /** ./timeout-walk.ts's gatherGroup: the group and its ordinary neighbours into `ahead`; its last interesting heartbeat when nothing can change, else NONE. */
  private gatherGroup(edge: number): number {
    const ahead = this.ahead;
    const W = this.W;
    let last = -2;
    let clear = true;
    for (let k = this.next; k !== NONE && (last < 0 || k <= last + 2 * W); this.pull(), k = this.next) {
      if (k + 2 * W + 1 >= edge) {
        clear = false;
        break;
      }
      if (last >= 0 && k > last + 1) {
        this.drawOrdinary();
        ahead.push(last + 1, this.ordinaryJitterUs, this.ordinaryDelayUs, false, false);
      }
      if (k - 1 > last + 1) {
        this.drawOrdinary();
        ahead.push(k - 1, this.ordinaryJitterUs, this.ordinaryDelayUs, false, false);
      }
      ahead.push(k, this.nextJitterUs, this.nextDelayUs, this.nextLost, true);
      last = k;
    }
    if (last >= 0 && clear) {
      this.drawOrdinary();
      ahead.push(last + 1, this.ordinaryJitterUs, this.ordinaryDelayUs, false, false);
    }
    return clear && this.groupHoldsTrust() ? last : NONE;
  }

  /** The quick check: within every run of consecutive drawn heartbeats, no gap between arrivals exceeds T. */
  private groupHoldsTrust(): boolean {
    const ahead = this.ahead;
    const { T, I, b, phase } = this;
    const arrivals = this.arrivals;
    let i = 0;
    while (i < ahead.length) {
      let j = i;
      while (j + 1 < ahead.length && ahead.index[j + 1] === ahead.index[j]! + 1) j++;
      // Run i … j: ordinary at both ends. Instants that need an arrival: [from, to].
      // (Sums associate as the general path's, nominal first: the same doubles whatever the units.)
      const from = phase + ahead.index[i]! * I + b + T + 1;
      const to = phase + (ahead.index[j]! - 1) * I + b + T;
      arrivals.length = 0;
      for (let e = i; e <= j; e++) {
        if (ahead.lost[e] === 1) continue;
        arrivals.push(phase + ahead.index[e]! * I + ahead.jitterUs[e]! + b + ahead.delayUs[e]!);
      }
      sortPrefix(arrivals.items, arrivals.length);
      let need = from; // the first instant not yet known to have an arrival in [t − T, t − 1]
      for (let e = 0; e < arrivals.length && need <= to; e++) {
        const a = arrivals.items[e]!;
        if (a + 1 > need) return false;
        need = Math.max(need, a + T + 1);
      }
      if (need <= to) return false;
      i = j + 1;
    }
    return true;
  }

  /** Books a group that changed nothing: its sends, losses and deliveries; late arrivals carried on. */
  private settleGroup(): void {
    const ahead = this.ahead;
    const { b, endUs, warmupUs, theta, I, phase } = this;
    // Counted here, added once (see `segment`).
    let sent = 0;
    let lost = 0;
    let delivered = 0;
    for (let e = 0; e < ahead.length; e++) {
      const nominal = phase + ahead.index[e]! * I;
      const sendUs = nominal + ahead.jitterUs[e]!;
      const counted = sendUs >= warmupUs;
      if (counted) sent++;
      if (ahead.lost[e] === 1) {
        if (counted) lost++;
        continue;
      }
      const arrivalUs = sendUs + b + ahead.delayUs[e]!;
      if (arrivalUs > endUs) continue; // still in flight at the end
      if (arrivalUs >= warmupUs) delivered++;
      // A late arrival may land after later heartbeats and end a later suspicion.
      if (ahead.interesting[e] === 1 && arrivalUs > nominal + b + theta) this.pending.push(arrivalUs);
    }
    this.sent += sent;
    this.lost += lost;
    this.delivered += delivered;
  }

  /** ./timeout-walk.ts's segment without windows: draws and judges heartbeats from `start`, W past every interesting one and to the edges; returns its last heartbeat. */
  private segment(start: number, endEdge: number, hasWarmEdge: boolean, warmTo: number): number {
    const { I, W, b, theta, T, endUs, K, phase, warmupUs } = this;
    const ahead = this.ahead;
    const arrivals = this.arrivals;
    let end = Math.min(K - 1, start + W);
    if (hasWarmEdge && start <= warmTo) end = Math.max(end, Math.min(K - 1, warmTo + 1));
    if (ahead.length > 0) end = Math.max(end, Math.min(K - 1, ahead.index[ahead.length - 1]!));
    arrivals.length = 0;
    // Counts of this segment, added to the walk's tallies once at its end: small integers
    // in a local, where each `this.sent++` on the double field would box a number per
    // heartbeat until V8 has compiled this (the first nodes of a cold run).
    let sent = 0;
    let lost = 0;
    let delivered = 0;
    for (let j = start; j <= end; j++) {
      let jitter: number;
      let delay: number;
      let isLost = false;
      if (ahead.read < ahead.length && ahead.index[ahead.read] === j) {
        const e = ahead.read++;
        isLost = ahead.lost[e] === 1;
        jitter = ahead.jitterUs[e]!;
        delay = ahead.delayUs[e]!;
        if (ahead.interesting[e] === 1) end = Math.max(end, Math.min(K - 1, j + W));
      } else if (j === this.next) {
        isLost = this.nextLost;
        jitter = this.nextJitterUs;
        delay = this.nextDelayUs;
        this.pull();
        end = Math.max(end, Math.min(K - 1, j + W));
      } else {
        this.drawOrdinary();
        jitter = this.ordinaryJitterUs;
        delay = this.ordinaryDelayUs;
      }
      // The next interesting heartbeat within reach joins this segment (segments stay W apart).
      const next = this.next;
      if (next !== NONE && next <= end + W) end = Math.max(end, Math.min(K - 1, next));
      if (end + W >= endEdge) end = K - 1;
      const sendUs = phase + j * I + jitter;
      if (sendUs > endUs) continue; // not sent within the run
      // Book the message: sent, lost or delivered (an arrival of this segment).
      const counted = sendUs >= warmupUs;
      if (counted) sent++;
      if (isLost) {
        if (counted) lost++;
        continue;
      }
      const arrivalUs = sendUs + b + delay;
      if (arrivalUs > endUs) continue; // still in flight at the end
      if (arrivalUs >= warmupUs) delivered++;
      arrivals.push(arrivalUs);
    }
    this.sent += sent;
    this.lost += lost;
    this.delivered += delivered;
    ahead.clear();
    const tFrom = start === 0 ? 0 : phase + start * I + b + theta - I + T + 1;
    const tTo = end === K - 1 ? endUs : phase + end * I + b;
    // Carried late arrivals join; this segment's arrivals past tTo are carried on.
    const carried = this.carried;
    carried.length = 0;
    const pending = this.pending;
    for (let i = 0; i < pending.length; i++) {
      const a = pending.items[i]!;
      if (a <= tTo) arrivals.push(a);
      else carried.push(a);
    }
    sortPrefix(arrivals.items, arrivals.length);
    this.judge(arrivals, start === 0 ? 0 : this.lastArrival, tFrom, tTo, carried);
    this.carried = pending;
    this.pending = carried;
    return end;
  }

  /** ./timeout-walk.ts's judge: each gap between successive new maxima, against T and dead-after. */
  private judge(arrivals: NumberList, lastBefore: number, tFrom: number, tTo: number, carried: NumberList): void {
    const { T, C, deadAfter, endUs, pair } = this;
    const verdicts = this.verdicts;
    const items = arrivals.items;
    const count = arrivals.length;
    let last = lastBefore;
    let i = 0;
    while (i < count && items[i]! < tFrom) {
      if (items[i]! > last) last = items[i]!;
      i++;
    }
    const cause = C === 0 ? Cause.timer : Cause.check;
    for (;;) {
      while (i < count && items[i]! <= last) i++;
      const next = i < count && items[i]! <= tTo ? items[i]! : NONE;
      const horizon = Math.min(next, tTo + 1); // an arrival at a judging instant comes first
      const suspectAt = judgeAt(last + T + 1, C);
      // Worked out on every gap (see timeout-walk.ts's judge: no small-integer-only compile).
      const deadAt = deadAfter === NONE ? NONE : judgeAt(last + deadAfter + 1, C);
      const deadAtOnce = deadAt === suspectAt;
      const deadWithin = deadAt < horizon && deadAt <= endUs;
      if (this.trusted && suspectAt < horizon && suspectAt <= endUs) {
        if (deadAtOnce) verdicts.push(suspectAt, pair, Status.dead, cause);
        else {
          verdicts.push(suspectAt, pair, Status.suspected, cause);
          if (deadWithin) verdicts.push(deadAt, pair, Status.dead, cause);
        }
        this.trusted = false;
      }
      if (next === NONE) break;
      if (!this.trusted) {
        verdicts.push(next, pair, Status.alive, Cause.heartbeat);
        this.trusted = true;
      }
      last = next;
    }
    for (let j = i; j < count; j++) if (items[j]! > tTo) carried.push(items[j]!);
    this.lastArrival = last;
  }
}
