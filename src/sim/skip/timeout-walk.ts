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
import { StreamBank, type SeedRoot } from '../random/streams.js';
import type { RunResult } from '../engine/run-result.js';
import { Status } from '../status.js';
import { HeartbeatSkipper, NONE } from './heartbeat-skipper.js';
import { skipRefusal, timeoutThresholdUs } from './thresholds.js';

/** Why the walk cannot run `config`, or null when it can. */
export function timeoutWalkRefusal(config: SimConfig): string | null {
  const d = config.detector;
  if (d.kind !== 'timeout') return 'only the fixed-timeout detector';
  if (d.clock === 'wall') return 'wall-clock timeouts need clock faults handled';
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
    const f = (a: Float64Array) => {
      const b = new Float64Array(n);
      b.set(a);
      return b;
    };
    this.timeUs = f(this.timeUs);
    this.key = f(this.key);
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
    const idx = Int32Array.from({ length: this.length }, (_, i) => i);
    idx.sort((a, b) => this.timeUs[a]! - this.timeUs[b]! || this.key[a]! - this.key[b]!);
    return idx;
  }
}

/** Scratch arrays of one segment (reused across segments and nodes). */
class Segment {
  arrival = new Float64Array(64);
  count = 0;
  reset(): void {
    this.count = 0;
  }
  add(arrivalUs: number): void {
    if (this.count === this.arrival.length) {
      const a = new Float64Array(this.count * 2);
      a.set(this.arrival);
      this.arrival = a;
    }
    this.arrival[this.count++] = arrivalUs;
  }
}

export function runTimeoutWalk(config: SimConfig): RunResult {
  const refusal = timeoutWalkRefusal(config);
  if (refusal !== null) throw new RangeError(`the skipping walk does not apply: ${refusal}`);
  const d = config.detector as Extract<SimConfig['detector'], { kind: 'timeout' }>;
  const I = config.heartbeat.intervalUs;
  const T = d.timeoutUs;
  const deadAfter = d.deadAfterUs;
  const C = d.checkIntervalUs;
  const b = config.link.delay.baseUs;
  const theta = timeoutThresholdUs(T, I);
  const endUs = config.durationUs;
  const warmupUs = config.warmupUs;
  const W = Math.ceil((T + theta) / I) + 2;
  const names = config.nodeNames;
  const n = names.length;
  const root: SeedRoot = { seed: config.seed, replication: config.replication };
  const bank = new StreamBank(3 * n);
  // The sample timeline comes from the walk too: every verdict change is known, in order.
  const metrics = new MetricsRecorder(n, warmupUs, config.transitionLogLimit, config.flapWindowUs ?? 60_000_000);
  const verdicts = new VerdictList();
  const seg = new Segment();
  const laws = { loss: linkLossModel(config.link), jitter: config.heartbeat.jitter, delay: config.link.delay.random, thresholdUs: theta };
  let sent = 0;
  let delivered = 0;
  let lost = 0;

  /** First polling round at or after x (rounds at C, 2C, …), or x itself for exact timers. */
  const judgeAt = (x: number): number => (C === 0 ? x : Math.max(C, Math.ceil(x / C) * C));

  /** Late arrivals of a node that fall after the segment that drew them (they may end a later suspicion). */
  let pending: number[] = [];

  for (let node = 0; node < n; node++) {
    const phaseStream = bank.add(root, nodeStreamKey(names[node]!, 'phase'));
    const phase = Math.floor(bank.next(phaseStream) * I);
    const skipper = new HeartbeatSkipper(
      laws,
      bank,
      bank.add(root, linkStreamKey(names[node]!, config.monitorName, 'skip')),
      bank.add(root, linkStreamKey(names[node]!, config.monitorName, 'skip-parts')),
    );
    const nominal = (k: number) => phase + k * I;
    // Heartbeats k = 0 … K − 1 have nominal sends at or before the end.
    const K = phase > endUs ? 0 : Math.floor((endUs - phase) / I) + 1;
    // Edges drawn in full: the end (sends or arrivals may fall past it) and the warm-up boundary.
    const endEdge = Math.max(0, Math.floor((endUs - b - theta - I - phase) / I));
    const warmFrom = Math.max(0, Math.floor((warmupUs - b - theta - I - phase) / I));
    const warmTo = Math.ceil((warmupUs - phase) / I);
    const hasWarmEdge = warmupUs > 0;
    let nextInteresting = skipper.nextInteresting();
    let lastArrival = 0; // the detector starts as if a heartbeat arrived at 0
    let trusted = true;
    pending = [];
    const pair = node;
    let k = 0; // next heartbeat not yet accounted for
    while (k < K) {
      let start = k === 0 ? 0 : Number.POSITIVE_INFINITY;
      if (nextInteresting !== NONE) start = Math.min(start, Math.max(k, nextInteresting - W));
      if (hasWarmEdge && warmTo >= k) start = Math.min(start, Math.max(k, warmFrom));
      start = Math.min(start, Math.max(k, endEdge));
      // Ordinary heartbeats before the segment: counted, not drawn (all on one side of the warm-up).
      const skipped = Math.min(start, K) - k;
      if (skipped > 0 && nominal(k) >= warmupUs) {
        sent += skipped;
        delivered += skipped;
      }
      if (start >= K) break;

      // Draw the segment, growing it to W past every interesting heartbeat and to the edges.
      let end = Math.min(K - 1, start + W);
      if (hasWarmEdge && start <= warmTo) end = Math.max(end, Math.min(K - 1, warmTo + 1));
      seg.reset();
      for (let j = start; j <= end; j++) {
        let jitter: number;
        let delay: number;
        let isLost = false;
        if (j === nextInteresting) {
          isLost = skipper.lost;
          jitter = skipper.jitterUs;
          delay = skipper.delayUs;
          nextInteresting = skipper.nextInteresting();
          end = Math.max(end, Math.min(K - 1, j + W));
        } else {
          skipper.drawOrdinary();
          jitter = skipper.ordinaryJitterUs;
          delay = skipper.ordinaryDelayUs;
        }
        // The next interesting heartbeat within reach joins this segment (segments stay W apart).
        if (nextInteresting !== NONE && nextInteresting <= end + W) end = Math.max(end, Math.min(K - 1, nextInteresting));
        if (end + W >= endEdge) end = K - 1;
        const sendUs = nominal(j) + jitter;
        if (sendUs > endUs) continue; // not sent within the run
        const counted = sendUs >= warmupUs;
        if (counted) sent++;
        if (isLost) {
          if (counted) lost++;
          continue;
        }
        const arrivalUs = sendUs + b + delay;
        if (arrivalUs > endUs) continue; // still in flight at the end
        if (arrivalUs >= warmupUs) delivered++;
        seg.add(arrivalUs);
      }
      const tFrom = start === 0 ? 0 : nominal(start) + b + theta - I + T + 1;
      const tTo = end === K - 1 ? endUs : nominal(end) + b;
      // Carried late arrivals join; this segment's arrivals past tTo are carried on.
      const carried: number[] = [];
      for (const a of pending) {
        if (a <= tTo) seg.add(a);
        else carried.push(a);
      }
      const arrivals = seg.arrival.subarray(0, seg.count).sort();
      let last = start === 0 ? 0 : lastArrival;
      let i = 0;
      while (i < arrivals.length && arrivals[i]! < tFrom) {
        if (arrivals[i]! > last) last = arrivals[i]!;
        i++;
      }
      // Each gap between successive new maxima of the arrivals, judged against T and dead-after.
      for (;;) {
        while (i < arrivals.length && arrivals[i]! <= last) i++;
        const next = i < arrivals.length && arrivals[i]! <= tTo ? arrivals[i]! : Number.POSITIVE_INFINITY;
        const horizon = Math.min(next, tTo + 1); // an arrival at a judging instant comes first
        const suspectAt = judgeAt(last + T + 1);
        if (trusted && suspectAt < horizon && suspectAt <= endUs) {
          const cause = C === 0 ? Cause.timer : Cause.check;
          const deadAt = deadAfter === Number.POSITIVE_INFINITY ? Number.POSITIVE_INFINITY : judgeAt(last + deadAfter + 1);
          if (deadAt === suspectAt) verdicts.push(suspectAt, pair, Status.dead, cause);
          else {
            verdicts.push(suspectAt, pair, Status.suspected, cause);
            if (deadAt < horizon && deadAt <= endUs) verdicts.push(deadAt, pair, Status.dead, cause);
          }
          trusted = false;
        }
        if (next === Number.POSITIVE_INFINITY) break;
        if (!trusted) {
          verdicts.push(next, pair, Status.alive, Cause.heartbeat);
          trusted = true;
        }
        last = next;
      }
      for (let j = i; j < arrivals.length; j++) if (arrivals[j]! > tTo) carried.push(arrivals[j]!);
      pending = carried;
      lastArrival = last;
      k = end + 1;
    }
  }
  const order = verdicts.order();
  for (let i = 0; i < order.length; i++) {
    const v = order[i]!;
    metrics.onVerdict(verdicts.pair[v]!, verdicts.timeUs[v]!, verdicts.to[v] as 0 | 1 | 2, verdicts.cause[v] as 0 | 1 | 2);
  }
  metrics.heartbeatsSent = sent;
  metrics.heartbeatsDelivered = delivered;
  metrics.heartbeatsLost = lost;
  const { tallies, log } = metrics.finish(endUs);
  return { tallies, log, events: 0, endUs };
}
