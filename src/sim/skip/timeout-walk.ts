/**
 * The fixed-timeout detector on independent nodes by exact skipping: a prototype of
 * the fast path's skipping mode (issue 12, item 1), on the current layout. For each
 * node, HeartbeatSkipper yields the interesting heartbeats (lost, or later than
 * θ = T − I); only *segments* around them, and around the run's edges, are drawn in full
 * and simulated; between segments the node is provably trusted (./thresholds.ts) and
 * its heartbeats are counted, not drawn. Same law as the engine, different draws: the
 * results agree in distribution (test/sim/skip/timeout-walk.test.ts), not bit for bit.
 *
 * Segments. With W = ⌈(T + θ)/I⌉ + 2 heartbeats, a cluster of interesting heartbeats
 * k₁ … k₂ (each within W of the segment drawn so far) is simulated over heartbeats
 * [k₁ − W, k₂ + W], so the last W heartbeats of a segment and the W before the next
 * interesting one are always ordinary,
 * from t_s = n(k₁ − W) + b + θ − I + T + 1 to t_e = n(k₂ + W) + b. Why that is exact:
 *   - every heartbeat before the segment arrives before t_s − T (it is ordinary, so
 *     a ≤ n + b + θ ≤ n(k₁ − W) − I + b + θ), so it cannot be the last arrival that
 *     matters at any t ≥ t_s: the segment's own arrivals decide;
 *   - t_s precedes the first instant a verdict can change (n(k₁) + b + θ + 1 by the
 *     lemma), so the node is trusted at t_s, with the segment's ordinary heartbeats
 *     providing an arrival in [t_s − T, t_s − 1];
 *   - at t_e the heartbeats after the segment have not arrived (a ≥ n + b > t_e), and
 *     the lemma's window for t_e holds ordinary segment heartbeats only: trusted again.
 * The run's start (the detector starts as if a heartbeat arrived at 0), the warm-up
 * boundary and the end are segments too, so counts of heartbeats sent, lost and
 * delivered after warm-up are exact: outside segments every heartbeat is sent and
 * delivered inside [warm-up, end].
 *
 * Quick groups. Most interesting heartbeats are isolated losses that change nothing, and
 * a full segment (2W + 1 draws) only to find that out is most of the walk's work. So
 * before drawing a segment, the interesting heartbeats within 2W of each other form a
 * group; each run of them at most one ordinary heartbeat apart is drawn together with
 * its ordinary neighbours (c₁ − 1 and c₂ + 1) and nothing else. By the lemma, a verdict
 * can change only at instants t ∈ [n(c₁) + b + T − I + 1, n(c₂) + b + T] (those whose
 * window heartbeat is interesting); a_{c₁−1} ≤ n(c₁) + b + T − 2I precedes them and
 * a_{c₂+1} + T ≥ n(c₂) + I + b + T follows them, so if the drawn arrivals leave no gap
 * above T between a_{c₁−1} and a_{c₂+1}, every such t has an arrival in [t − T, t − 1]
 * and nothing changes. The group then costs its own draws; its late arrivals are
 * carried on like a segment's. Otherwise the group becomes a full segment that reuses
 * the draws already made (heartbeats are independent given the loss chain, so drawing
 * some first and the rest afterwards, conditioned only on being ordinary, is the same
 * law). Groups stay 2W + 1 heartbeats clear of the run's edges, which are full segments.
 *
 * The sample timeline (`transitionLogLimit`) is the walk's own: every verdict change is
 * known and fed to the metrics in time order, so no engine re-run is needed for it.
 *
 * Scope (`timeoutWalkRefusal`): the fixed-timeout detector, exact timers or polling,
 * pushed heartbeats, no faults or crashes, no link overrides, no duplication, a jitter
 * below the interval, θ ≥ 0. Crashes, sender pauses, slow I/O, drift and per-link
 * classes are the integration's next step (they add segments at their edges).
 * Same-instant order: an arrival comes before a timer or a polling round at its
 * instant (issue 10's kernel order: deliver before timer).
 */
import type { SimConfig } from '../config.js';
import { linkLossModel } from '../network/links.js';
import { Cause, MetricsRecorder } from '../metrics/recorder.js';
import { linkStreamKey, nodeStreamKey } from '../random/stream-keys.js';
import { firstUniform, StreamBank, type SeedRoot } from '../random/streams.js';
import type { RunResult } from '../engine/run-result.js';
import { Status } from '../status.js';
import { HeartbeatSkipper, NONE, SkipLawSet } from './heartbeat-skipper.js';
import { skipRefusal, timeoutThresholdUs } from './thresholds.js';

/** Why the walk cannot run `config`, or null when it can. */
export function timeoutWalkRefusal(config: SimConfig): string | null {
  const d = config.detector;
  if (d.kind !== 'timeout') return 'only the fixed-timeout detector';
  if (d.clock === 'wall') return 'wall-clock timeouts need clock faults handled';
  const whole = (v: number, min: number) => Number.isSafeInteger(v) && v >= min;
  if (!whole(d.timeoutUs, 1) || !whole(d.checkIntervalUs, 0)) return 'the timeout and check interval must be whole µs';
  if (!(d.deadAfterUs === Number.POSITIVE_INFINITY || whole(d.deadAfterUs, d.timeoutUs))) return 'dead-after must be whole µs, at least the timeout';
  if (config.trace) return 'a recorded trace';
  if ((config.faults?.length ?? 0) > 0 || config.crashes.length > 0) return 'faults and crashes are not walked yet';
  if ((config.linkOverrides?.length ?? 0) > 0) return 'link overrides are not walked yet';
  if (config.link.transport === 'tcp' || config.reverseLink?.transport === 'tcp') return 'TCP links couple heartbeats (retransmissions, head-of-line blocking)';
  if (config.monitorFailover) return 'a monitor that fails over judges every node at once';
  return skipRefusal(config.heartbeat.jitter, config.heartbeat.intervalUs, config.link.duplicateProbability, timeoutThresholdUs(d.timeoutUs, config.heartbeat.intervalUs));
}

/** Verdict changes of all nodes, collected, then fed to the metrics in time order. */
class VerdictList {
  timeUs = new Float64Array(1024);
  key = new Float64Array(1024); // order at one instant: deliveries (0) before timers (1), then pair
  pair = new Int32Array(1024);
  to = new Uint8Array(1024);
  cause = new Uint8Array(1024);
  length = 0;

  push(timeUs: number, pair: number, to: number, cause: number): void {
    if (this.length === this.timeUs.length) this.grow();
    const i = this.length++;
    this.timeUs[i] = timeUs;
    this.key[i] = (cause === Cause.heartbeat ? 0 : 1) * 2 ** 32 + pair;
    this.pair[i] = pair;
    this.to[i] = to;
    this.cause[i] = cause;
  }

  private grow(): void {
    const n = this.timeUs.length * 2;
    this.timeUs = grownF64(this.timeUs, n);
    this.key = grownF64(this.key, n);
    const p = new Int32Array(n);
    p.set(this.pair);
    this.pair = p;
    const t = new Uint8Array(n);
    t.set(this.to);
    this.to = t;
    const c = new Uint8Array(n);
    c.set(this.cause);
    this.cause = c;
  }

  /** Indices in (time, key) order; stable for a given content. */
  order(): Int32Array {
    const idx = new Int32Array(this.length);
    for (let i = 0; i < idx.length; i++) idx[i] = i;
    const time = this.timeUs;
    const key = this.key;
    idx.sort((a, b) => time[a]! - time[b]! || key[a]! - key[b]!);
    return idx;
  }
}

function grownF64(a: Float64Array, n: number): Float64Array<ArrayBuffer> {
  const b = new Float64Array(n);
  b.set(a);
  return b;
}

/** A growable list of numbers on a Float64Array (no boxing, reused across nodes). */
class NumberList {
  items = new Float64Array(64);
  length = 0;
  push(x: number): void {
    if (this.length === this.items.length) this.items = grownF64(this.items, this.length * 2);
    this.items[this.length++] = x;
  }
}

/**
 * Heartbeats drawn ahead of a segment, in message order: a group's interesting ones and
 * their ordinary neighbours. A segment that follows reuses them instead of drawing anew.
 */
class DrawnAhead {
  index = new Float64Array(64);
  jitterUs = new Float64Array(64);
  delayUs = new Float64Array(64);
  lost = new Uint8Array(64);
  interesting = new Uint8Array(64);
  length = 0;
  /** The next entry a segment has not consumed. */
  read = 0;

  clear(): void {
    this.length = 0;
    this.read = 0;
  }

  push(index: number, jitterUs: number, delayUs: number, lost: boolean, interesting: boolean): void {
    if (this.length === this.index.length) this.grow();
    const i = this.length++;
    this.index[i] = index;
    this.jitterUs[i] = jitterUs;
    this.delayUs[i] = delayUs;
    this.lost[i] = lost ? 1 : 0;
    this.interesting[i] = interesting ? 1 : 0;
  }

  private grow(): void {
    const n = this.index.length * 2;
    this.index = grownF64(this.index, n);
    this.jitterUs = grownF64(this.jitterUs, n);
    this.delayUs = grownF64(this.delayUs, n);
    const l = new Uint8Array(n);
    l.set(this.lost);
    this.lost = l;
    const t = new Uint8Array(n);
    t.set(this.interesting);
    this.interesting = t;
  }
}

/** Sorts the first n entries of a (small arrays: insertion sort, no allocation). */
function sortPrefix(a: Float64Array, n: number): void {
  if (n > 32) {
    a.subarray(0, n).sort();
    return;
  }
  for (let i = 1; i < n; i++) {
    const x = a[i]!;
    let j = i - 1;
    while (j >= 0 && a[j]! > x) {
      a[j + 1] = a[j]!;
      j--;
    }
    a[j + 1] = x;
  }
}

export function runTimeoutWalk(config: SimConfig): RunResult {
  const refusal = timeoutWalkRefusal(config);
  if (refusal !== null) throw new RangeError(`the skipping walk does not apply: ${refusal}`);
  return new TimeoutWalk(config).run();
}

/** The walk's constants, scratch buffers and tallies; nodes are walked one after another. */
class TimeoutWalk {
  private readonly I: number;
  private readonly T: number;
  private readonly deadAfter: number;
  private readonly C: number;
  private readonly b: number;
  private readonly theta: number;
  private readonly endUs: number;
  private readonly warmupUs: number;
  private readonly W: number;
  private readonly metrics: MetricsRecorder;
  private readonly verdicts = new VerdictList();
  private readonly bank: StreamBank;
  private readonly skipper: HeartbeatSkipper;
  private readonly ahead = new DrawnAhead();
  /** Late arrivals of the node that fall after what drew them (they may end a later suspicion). */
  private pending = new NumberList();
  private carried = new NumberList();
  private readonly arrivals = new NumberList();
  private sent = 0;
  private delivered = 0;
  private lost = 0;
  // The node being walked.
  private pair = 0;
  private phase = 0;
  private K = 0;
  private trusted = true;
  private lastArrival = 0;

  constructor(private readonly config: SimConfig) {
    const d = config.detector as Extract<SimConfig['detector'], { kind: 'timeout' }>;
    this.I = config.heartbeat.intervalUs;
    this.T = d.timeoutUs;
    this.deadAfter = d.deadAfterUs;
    this.C = d.checkIntervalUs;
    this.b = config.link.delay.baseUs;
    this.theta = timeoutThresholdUs(this.T, this.I);
    this.endUs = config.durationUs;
    this.warmupUs = config.warmupUs;
    this.W = Math.ceil((this.T + this.theta) / this.I) + 2;
    const n = config.nodeNames.length;
    this.bank = new StreamBank(n + 4);
    // The sample timeline comes from the walk too: every verdict change is known, in order.
    this.metrics = new MetricsRecorder(n, this.warmupUs, config.transitionLogLimit, config.flapWindowUs ?? 60_000_000);
    // One law set for the link class, shared by every node's walk.
    const laws = new SkipLawSet({ loss: linkLossModel(config.link), jitter: config.heartbeat.jitter, delay: config.link.delay.random, thresholdUs: this.theta }, this.bank);
    this.skipper = new HeartbeatSkipper(laws, this.bank);
  }

  run(): RunResult {
    const config = this.config;
    const names = config.nodeNames;
    const root: SeedRoot = { seed: config.seed, replication: config.replication };
    for (let node = 0; node < names.length; node++) {
      const name = names[node]!;
      const phase = Math.floor(firstUniform(root, nodeStreamKey(name, 'phase')) * this.I);
      // One stream per link for positions, fates and parts alike (one key to derive per node).
      const stream = this.bank.add(root, linkStreamKey(name, config.monitorName, 'skip'));
      this.skipper.reset(stream, stream);
      this.walkNode(node, phase);
    }
    const verdicts = this.verdicts;
    const order = verdicts.order();
    const metrics = this.metrics;
    for (let i = 0; i < order.length; i++) {
      const v = order[i]!;
      metrics.onVerdict(verdicts.pair[v]!, verdicts.timeUs[v]!, verdicts.to[v] as 0 | 1 | 2, verdicts.cause[v] as 0 | 1 | 2);
    }
    metrics.heartbeatsSent = this.sent;
    metrics.heartbeatsDelivered = this.delivered;
    metrics.heartbeatsLost = this.lost;
    const { tallies, log } = metrics.finish(this.endUs);
    return { tallies, log, events: 0, endUs: this.endUs };
  }

  private walkNode(pair: number, phase: number): void {
    const { I, W, b, theta, endUs, warmupUs } = this;
    const skipper = this.skipper;
    this.pair = pair;
    this.phase = phase;
    // Heartbeats k = 0 … K − 1 have nominal sends at or before the end.
    const K = phase > endUs ? 0 : Math.floor((endUs - phase) / I) + 1;
    this.K = K;
    // Edges drawn in full: the end (sends or arrivals may fall past it) and the warm-up boundary.
    const endEdge = Math.max(0, Math.floor((endUs - b - theta - I - phase) / I));
    const warmFrom = Math.max(0, Math.floor((warmupUs - b - theta - I - phase) / I));
    const warmTo = Math.ceil((warmupUs - phase) / I);
    const hasWarmEdge = warmupUs > 0;
    this.trusted = true;
    this.lastArrival = 0; // the detector starts as if a heartbeat arrived at 0
    this.pending.length = 0;
    this.ahead.clear();
    let next = skipper.nextInteresting();
    let k = 0; // next heartbeat not yet accounted for
    while (k < K) {
      let edge = k === 0 ? 0 : Number.POSITIVE_INFINITY;
      if (hasWarmEdge && warmTo >= k) edge = Math.min(edge, Math.max(k, warmFrom));
      edge = Math.min(edge, Math.max(k, endEdge));
      let first = next; // the first interesting heartbeat of the next segment
      if (next !== NONE && next + 2 * W + 1 < edge) {
        // A group clear of the edges: draw it and its neighbours; done if nothing can change.
        const last = this.gatherGroup(edge);
        next = skipper.index;
        if (last !== NONE) {
          this.countSkipped(k, last + 2 - k - this.ahead.length);
          this.settleGroup();
          this.ahead.clear();
          k = last + 2;
          continue;
        }
        first = this.ahead.index[this.firstInterestingAhead()]!;
      }
      let start = k === 0 ? 0 : Number.POSITIVE_INFINITY;
      if (first !== NONE) start = Math.min(start, Math.max(k, first - W));
      if (hasWarmEdge && warmTo >= k) start = Math.min(start, Math.max(k, warmFrom));
      start = Math.min(start, Math.max(k, endEdge));
      // Ordinary heartbeats before the segment: counted, not drawn (all on one side of the warm-up).
      this.countSkipped(k, Math.min(start, K) - k);
      if (start >= K) break;
      const end = this.segment(start, next, endEdge, hasWarmEdge, warmTo);
      next = skipper.index;
      k = end + 1;
    }
  }

  private firstInterestingAhead(): number {
    const ahead = this.ahead;
    let i = 0;
    while (ahead.interesting[i] === 0) i++;
    return i;
  }

  /** `count` ordinary heartbeats from k on, undrawn: all sent and delivered, or all before the warm-up. */
  private countSkipped(k: number, count: number): void {
    if (count > 0 && this.phase + k * this.I >= this.warmupUs) {
      this.sent += count;
      this.delivered += count;
    }
  }

  /**
   * Draws the group that starts at the skipper's current interesting heartbeat (every
   * interesting one within 2W of the previous, plus each one's ordinary neighbours) into
   * `ahead`, leaving the skipper on the first interesting heartbeat after it. Returns the
   * group's last interesting heartbeat when no verdict can change within it (the quick
   * check of the header), or NONE when it needs a full segment (it failed the check, or
   * it reaches within 2W + 1 of `edge`).
   */
  private gatherGroup(edge: number): number {
    const skipper = this.skipper;
    const ahead = this.ahead;
    const W = this.W;
    let last = -2;
    let clear = true;
    for (let k = skipper.index; k !== NONE && (last < 0 || k <= last + 2 * W); k = skipper.nextInteresting()) {
      if (k + 2 * W + 1 >= edge) {
        clear = false;
        break;
      }
      if (last >= 0 && k > last + 1) {
        skipper.drawOrdinary();
        ahead.push(last + 1, skipper.ordinaryJitterUs, skipper.ordinaryDelayUs, false, false);
      }
      if (k - 1 > last + 1) {
        skipper.drawOrdinary();
        ahead.push(k - 1, skipper.ordinaryJitterUs, skipper.ordinaryDelayUs, false, false);
      }
      ahead.push(k, skipper.jitterUs, skipper.delayUs, skipper.lost, true);
      last = k;
    }
    if (last >= 0 && clear) {
      skipper.drawOrdinary();
      ahead.push(last + 1, skipper.ordinaryJitterUs, skipper.ordinaryDelayUs, false, false);
    }
    return clear && this.groupHoldsTrust() ? last : NONE;
  }

  /** The quick check: within every run of consecutive drawn heartbeats, no gap between arrivals exceeds T. */
  private groupHoldsTrust(): boolean {
    const ahead = this.ahead;
    const { I, T, b, phase } = this;
    const arrivals = this.arrivals;
    let i = 0;
    while (i < ahead.length) {
      let j = i;
      while (j + 1 < ahead.length && ahead.index[j + 1] === ahead.index[j]! + 1) j++;
      // Run i … j: ordinary at both ends. Instants that need an arrival: [from, to].
      const from = phase + (ahead.index[i]! + 1) * I + b + T - I + 1;
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
    const { I, b, phase, endUs, warmupUs, theta } = this;
    for (let e = 0; e < ahead.length; e++) {
      const sendUs = phase + ahead.index[e]! * I + ahead.jitterUs[e]!;
      const counted = sendUs >= warmupUs;
      if (counted) this.sent++;
      if (ahead.lost[e] === 1) {
        if (counted) this.lost++;
        continue;
      }
      const arrivalUs = sendUs + b + ahead.delayUs[e]!;
      if (arrivalUs > endUs) continue;
      if (arrivalUs >= warmupUs) this.delivered++;
      // A late arrival may land after later heartbeats and end a later suspicion.
      if (ahead.interesting[e] === 1 && arrivalUs > phase + ahead.index[e]! * I + b + theta) this.pending.push(arrivalUs);
    }
  }

  /**
   * Draws and simulates the segment that starts at heartbeat `start` (reusing what
   * `ahead` holds), growing it to W past every interesting heartbeat and to the edges.
   * Returns its last heartbeat.
   */
  private segment(start: number, next: number, endEdge: number, hasWarmEdge: boolean, warmTo: number): number {
    const { I, W, b, theta, T, endUs, warmupUs, phase, K } = this;
    const skipper = this.skipper;
    const ahead = this.ahead;
    const arrivals = this.arrivals;
    let end = Math.min(K - 1, start + W);
    if (hasWarmEdge && start <= warmTo) end = Math.max(end, Math.min(K - 1, warmTo + 1));
    if (ahead.length > 0) end = Math.max(end, Math.min(K - 1, ahead.index[ahead.length - 1]!));
    arrivals.length = 0;
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
      } else if (j === next) {
        isLost = skipper.lost;
        jitter = skipper.jitterUs;
        delay = skipper.delayUs;
        next = skipper.nextInteresting();
        end = Math.max(end, Math.min(K - 1, j + W));
      } else {
        skipper.drawOrdinary();
        jitter = skipper.ordinaryJitterUs;
        delay = skipper.ordinaryDelayUs;
      }
      // The next interesting heartbeat within reach joins this segment (segments stay W apart).
      if (next !== NONE && next <= end + W) end = Math.max(end, Math.min(K - 1, next));
      if (end + W >= endEdge) end = K - 1;
      const sendUs = phase + j * I + jitter;
      if (sendUs > endUs) continue; // not sent within the run
      const counted = sendUs >= warmupUs;
      if (counted) this.sent++;
      if (isLost) {
        if (counted) this.lost++;
        continue;
      }
      const arrivalUs = sendUs + b + delay;
      if (arrivalUs > endUs) continue; // still in flight at the end
      if (arrivalUs >= warmupUs) this.delivered++;
      arrivals.push(arrivalUs);
    }
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

  /**
   * The verdicts of one segment from its sorted arrivals: each gap between successive
   * new maxima, judged against T and dead-after. Arrivals past tTo go to `carried`.
   */
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
      const next = i < count && items[i]! <= tTo ? items[i]! : Number.POSITIVE_INFINITY;
      const horizon = Math.min(next, tTo + 1); // an arrival at a judging instant comes first
      const suspectAt = judgeAt(last + T + 1, C);
      if (this.trusted && suspectAt < horizon && suspectAt <= endUs) {
        const deadAt = deadAfter === Number.POSITIVE_INFINITY ? Number.POSITIVE_INFINITY : judgeAt(last + deadAfter + 1, C);
        if (deadAt === suspectAt) verdicts.push(suspectAt, pair, Status.dead, cause);
        else {
          verdicts.push(suspectAt, pair, Status.suspected, cause);
          if (deadAt < horizon && deadAt <= endUs) verdicts.push(deadAt, pair, Status.dead, cause);
        }
        this.trusted = false;
      }
      if (next === Number.POSITIVE_INFINITY) break;
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

/** First polling round at or after x (rounds at C, 2C, …), or x itself for exact timers. */
function judgeAt(x: number, C: number): number {
  return C === 0 ? x : Math.max(C, Math.ceil(x / C) * C);
}
