/**
 * Pull health checks (fixed rate: AWS ALB target groups, Kubernetes probes, Redis
 * Sentinel's PING) on independent nodes by exact skipping (issue 12, item 1): for each
 * node only the probes that can change a verdict are drawn and simulated; the others
 * are counted. Same law as the engine (src/sim/protocols/central/pull-probes.ts with
 * src/sim/detectors/pull-check.ts), different draws: the results agree in distribution
 * (test/sim/skip/pull-walk.test.ts, within 4 standard errors) and, on worked cases with
 * nothing random but the faults, exactly.
 *
 * The model (the engine's, which is the spec). Probe s of a node leaves the observer at
 * p_s = φ + s·P (φ the pair's `probe-phase` draw, P the interval), crosses the reverse
 * link (lost, or delay b₁ + D₁) and reaches the node at q_s. A crashed node drops it; a
 * paused one answers when the pause ends (if it has not crashed meanwhile); a running one
 * answers at once. The reply crosses the forward link (lost, or b₂ + D₂) and reaches the
 * observer at a_s. The detector resolves the probe as a success when a healthy reply
 * arrives within the probe timeout T (a_s − p_s ≤ T), as a failure at the wake-up
 * p_s + T + 1 otherwise; consecutive counts move the verdict (pull-check.ts).
 *
 * Safe probes. Split θ = T − b₁ − b₂ (./thresholds.ts, pullCheckThresholdUs) into
 * θ₁ + θ₂. A probe is *safe* when neither message is lost, round(D₁) ≤ θ₁ and
 * round(D₂) ≤ θ₂; otherwise it is *interesting*. A safe probe whose request finds the node
 * running succeeds (a_s − p_s ≤ b₁ + θ₁ + b₂ + θ₂ = T), and it does so whatever happens
 * to the other probes. Losses are Bernoulli on both links (the engine draws a link's
 * fate per message), so "safe" is one Bernoulli per probe with
 * Pr(safe) = (1 − ℓ₁)(1 − ℓ₂)·Pr(round(D₁) ≤ θ₁)·Pr(round(D₂) ≤ θ₂), independent across
 * probes: the heartbeat skipper (./heartbeat-skipper.ts) draws exactly that, with the
 * request's delay in the jitter's role, the reply's in the delay's role and the two
 * losses combined into one Bernoulli 1 − (1 − ℓ₁)(1 − ℓ₂); its split of θ minimises
 * the interesting rate. Given "interesting and lost", the request was the lost one with
 * probability ℓ₁ / (1 − (1 − ℓ₁)(1 − ℓ₂)); otherwise the request arrived with the
 * unconditional delay the skipper drew for it (D₁ is independent of the reply's loss)
 * and the reply was lost. A safe probe drawn in full is conditioned on being safe.
 *
 * Raw probes. Where the node's state matters a probe is drawn from its unconditional
 * laws: (i) a down time [crash, restart): the probes whose safe request window
 * [p + b₁, p + b₁ + θ₁] meets it; (ii) a sender pause [start, end): the same, and every
 * probe whose reply could arrive at or after the end (p ≥ end − T − 1) up to the first
 * probe sent at or after the end, so the first news after the pause is among drawn
 * replies; (iii) the warm-up boundary and the run's end (p within T + 1 of either), so
 * counts are exact. Between raw stretches the skipper walks the other probes; it is
 * stopped at a stretch (`nextInteresting(limit)`) and resumes after it: gaps are
 * memoryless and probes independent, so cutting a gap and drawing afresh is exact.
 *
 * Segments. W = 2·(⌊(T + 1)/P⌋ + 1) + 1. Around every interesting probe and raw stretch,
 * a segment of probes is drawn in full and simulated with a fresh detector, through the
 * engine's same-instant order (probe sends, then deliveries, then wake-ups); its
 * verdicts are the run's. It starts W probes before its first special probe and ends
 * at least W after its last; specials within W of a segment join it. Why that is exact:
 *   - before a segment every probe is safe and regular (its request finds the node
 *     running), hence a success; it resolves by p + T < p_first special, and from the
 *     run's start (or the last segment's steady point) every resolution was a success:
 *     the detector is ALIVE with no failure counted and nothing pending that can fail,
 *     which is a fresh detector's state (the success count matters only once a failure
 *     has reset it). The segment's own first W probes are safe too, so nothing a fresh
 *     detector does not know can interleave with its specials;
 *   - at its end, with h = p_{end+1} + b₁ + b₂ the first instant a probe after it can
 *     resolve: every special's resolution (≤ p + T + 1) precedes the success of a safe
 *     probe m ≥ ⌊(T + 1)/P⌋ + 1 probes later, which resolves before h (W − m probes
 *     before the end); so at h no failure is counted. If the verdict at h − 1 is ALIVE,
 *     the probes after resolve as successes and change nothing; otherwise the segment
 *     grows by W probes and is simulated again (its verdicts are rolled back first).
 * A reply that arrives long after its probe (a late request answered, a probe answered
 * on resume) changes no verdict once its probe timed out (the detector ignores it), so
 * a segment simulates all of its probes' replies whenever they land.
 *
 * Counts: a skipped probe is sent, answered and its reply delivered, all after the
 * warm-up or all before it (the warm-up edge is raw); drawn probes are counted as the
 * engine counts them: `probesSent` at the send, `heartbeatsSent` (and `heartbeatsLost`)
 * when the node answers, `heartbeatsDelivered` at the reply's arrival, each from the
 * warm-up on and up to the end.
 *
 * Books: crashes and restarts, pause starts and ends (world events), the first news
 * after each pause (the first reply to reach the observer at or after the pause's end
 * while the node is not paused again; a second pause that ends before any such reply
 * shares the first's), and verdicts (a recovery at a reply's arrival, failures at
 * wake-ups), sorted into the engine's same-instant order (./walk-buffers.ts).
 *
 * Scope (`pullWalkRefusal`): the pull check, fixed rate, exact timers; Bernoulli loss
 * and no duplication on both links, UDP, no link overrides; crashes without racks, sender
 * pauses and the nodes' clock faults (a node's clock stamps nothing a pull check reads)
 * as the only faults; θ ≥ 0. Two same-instant orders differ from the engine in cases of
 * measure zero: two replies of one node reaching the observer at the same microsecond are
 * taken in probe order (the engine: in scheduling order; two successes commute, so only
 * a late reply's tie with a success could tell), and a crash at the very microsecond a
 * pause holding a probe ends drops the probe (the engine orders the two world events by
 * their processes' indices).
 *
 * Size: about 650 lines, 80 of them this header; one class (the per-node walk: raw
 * stretches, segments, the detector's simulation and the news after pauses share its
 * per-node fields, as in ./timeout-walk.ts) and a small interval list.
 */
import type { LinkConfig, SimConfig } from '../config.js';
import { PullCheckDetector, type PullCheckSettings } from '../detectors/pull-check.js';
import type { RunHooks, RunResult } from '../engine/run-result.js';
import { NodeCrashProcesses } from '../fast/crash-processes.js';
import { Cause, MetricsRecorder } from '../metrics/recorder.js';
import { pairStreamKey } from '../random/stream-keys.js';
import { firstUniform, StreamBank, type SeedRoot } from '../random/streams.js';
import { Status } from '../status.js';
import { HeartbeatSkipper, NONE, SkipLawSet } from './heartbeat-skipper.js';
import { NodeSchedule, WINDOW_PAUSE } from './node-schedule.js';
import { pauseSchedule, type PauseSchedule } from './pause-schedule.js';
import type { SplitLaw } from './split-law.js';
import { pullCheckThresholdUs } from './thresholds.js';
import { crashesRefusal } from './timeout-walk.js';
import { CRASH, NEWS, NumberList, PAUSE_END, PAUSE_START, RECOVER, VerdictList } from './walk-buffers.js';

type PullCheckConfig = Extract<SimConfig['detector'], { kind: 'pullCheck' }>;

/** The link a probe crosses to its node (the reverse link) and the one its reply crosses back. */
function probeLinks(config: SimConfig): { request: LinkConfig; reply: LinkConfig } {
  return { request: config.reverseLink ?? config.link, reply: config.link };
}

/** Why the pull walk cannot run `config`, or null when it can. */
export function pullWalkRefusal(config: SimConfig): string | null {
  const d = config.detector;
  if (d.kind !== 'pullCheck') return 'only the pull check';
  if (d.schedule !== 'fixedRate') return 'probes scheduled after the previous one completed: every reply moves the next probe';
  if (d.checkIntervalUs !== 0) return 'polling rounds (check_interval) are not walked';
  const whole = (v: number, min: number) => Number.isSafeInteger(v) && v >= min;
  if (!whole(d.probeTimeoutUs, 1) || !whole(config.heartbeat.intervalUs, 1)) return 'the probe timeout and interval must be whole µs';
  if (config.trace) return 'a recorded trace';
  if (config.monitorFailover) return 'a monitor that fails over judges every node at once';
  if ((config.linkOverrides ?? []).length > 0) return 'link overrides are not walked for pull checks';
  const { request, reply } = probeLinks(config);
  for (const link of [request, reply]) {
    if (link.transport === 'tcp') return 'TCP links couple probes (retransmissions, head-of-line blocking)';
    if (link.duplicateProbability > 0) return 'duplicated messages are extra arrivals at any later instant';
    if (link.loss !== undefined && link.loss.kind !== 'bernoulli') return "Gilbert–Elliott loss on a probe's links is not walked";
    if (!whole(link.delay.baseUs, 0)) return 'link base delays must be whole µs';
  }
  if (pullCheckThresholdUs(d.probeTimeoutUs, request.delay.baseUs, reply.delay.baseUs) < 0) return "the links' fixed delays exceed the probe timeout: every probe fails";
  const crashes = crashesRefusal(config);
  if (crashes !== null) return crashes;
  for (const f of config.faults ?? []) {
    if (f.kind === 'senderPause') continue;
    if ((f.kind === 'clockDrift' || f.kind === 'clockStep') && !f.observer) continue; // a node's clock stamps nothing a pull check reads
    return `the ${f.kind} fault is not walked for pull checks`;
  }
  return null;
}

/** What a walk did (for tests and benchmarks: skipping must skip). */
export interface PullWalkStats {
  /** Probes drawn one by one (interesting, raw, or next to them); the rest were counted. */
  drawnProbes: number;
}

/** `hooks.onProgress` hears the fraction of nodes walked; `stats`, if given, what the walk drew. */
export function runPullWalk(config: SimConfig, hooks?: RunHooks, stats?: PullWalkStats): RunResult {
  const refusal = pullWalkRefusal(config);
  if (refusal !== null) throw new RangeError(`the pull walk does not apply: ${refusal}`);
  const walk = new PullWalk(config);
  const result = walk.run(hooks?.onProgress);
  if (stats !== undefined) stats.drawnProbes = walk.drawnProbes;
  return result;
}

/** Event classes of a segment's simulation, in the engine's same-instant order. */
const SEND = 0;
const DELIVER = 1;
const WAKE = 2;
/** Room for the local probe index in an event's sort key. */
const CLASS_SPAN = 2 ** 32;

/** The walk's constants, scratch buffers and tallies; nodes are walked one after another. */
class PullWalk {
  private readonly P: number;
  private readonly T: number;
  private readonly b1: number;
  private readonly b2: number;
  /** The request's share of θ: a safe request reaches the node within [p + b₁, p + b₁ + θ₁]. */
  private readonly theta1: number;
  private readonly W: number;
  private readonly endUs: number;
  private readonly warmupUs: number;
  private readonly lossRequest: number;
  private readonly lossReply: number;
  /** Pr(the request was lost | the probe lost a message). */
  private readonly requestLostShare: number;
  private readonly requestLaw: SplitLaw;
  private readonly replyLaw: SplitLaw;
  private readonly settings: PullCheckSettings;
  private readonly metrics: MetricsRecorder;
  private readonly verdicts = new VerdictList();
  private readonly bank: StreamBank;
  private readonly skipper: HeartbeatSkipper;
  private readonly pauses: PauseSchedule | null;
  private readonly crashes: NodeCrashProcesses | null;
  private readonly schedule: NodeSchedule;
  /** The node's pauses and down times apart, each sorted and disjoint (looked up by bisection). */
  private readonly pausesOf = new Intervals();
  private readonly downs = new Intervals();
  drawnProbes = 0;
  // Tallies.
  private probesSent = 0;
  private sent = 0;
  private delivered = 0;
  private lost = 0;
  // The node being walked.
  private pair = 0;
  private phase = 0;
  private K = 0;
  private stream = 0;
  /** Raw stretches of the node, by probe number, sorted and disjoint; the next one not yet drawn. */
  private regionFrom = new Float64Array(16);
  private regionTo = new Float64Array(16);
  private regionCount = 0;
  private region = 0;
  /** Probe number minus the skipper's message number (raw probes are drawn apart from it). */
  private offset = 0;
  private limit = NONE;
  /** The skipper's current interesting probe (by probe number), or NONE before the next raw stretch. */
  private next = NONE;
  /** The replies of this segment's probes (NaN: none reaches the observer by the end), by local index. */
  private readonly segArrival = new NumberList();
  /** Every reply of the node drawn so far (the first news after a pause is among them). */
  private readonly arrivals = new NumberList();
  /** The next window whose news is not yet settled, and the node's last news instant. */
  private newsWindow = 0;
  private lastNewsUs = -1;
  // A segment's events (reused).
  private evTime = new Float64Array(64);
  private evKey = new Float64Array(64);
  private evOrder = new Int32Array(64);

  constructor(private readonly config: SimConfig) {
    const d = config.detector as PullCheckConfig;
    this.P = config.heartbeat.intervalUs;
    this.T = d.probeTimeoutUs;
    const { request, reply } = probeLinks(config);
    this.b1 = request.delay.baseUs;
    this.b2 = reply.delay.baseUs;
    this.endUs = config.durationUs;
    this.warmupUs = config.warmupUs;
    this.W = 2 * (Math.floor((this.T + 1) / this.P) + 1) + 1;
    this.settings = { intervalUs: this.P, probeTimeoutUs: d.probeTimeoutUs, unhealthyThreshold: d.unhealthyThreshold, healthyThreshold: d.healthyThreshold, deadThreshold: d.deadThreshold, schedule: d.schedule };
    const n = config.nodeNames.length;
    this.bank = new StreamBank(n + 4);
    this.metrics = new MetricsRecorder(n, this.warmupUs, config.transitionLogLimit, config.flapWindowUs ?? 60_000_000);
    this.lossRequest = request.lossProbability;
    this.lossReply = reply.lossProbability;
    if (request.loss !== undefined && request.loss.kind === 'bernoulli') this.lossRequest = request.loss.probability;
    if (reply.loss !== undefined && reply.loss.kind === 'bernoulli') this.lossReply = reply.loss.probability;
    const lostEither = 1 - (1 - this.lossRequest) * (1 - this.lossReply);
    this.requestLostShare = lostEither > 0 ? this.lossRequest / lostEither : 0;
    const thresholdUs = pullCheckThresholdUs(this.T, this.b1, this.b2);
    const laws = new SkipLawSet({ loss: { kind: 'bernoulli', probability: lostEither }, jitter: request.delay.random, delay: reply.delay.random, thresholdUs }, this.bank);
    this.skipper = new HeartbeatSkipper(laws, this.bank);
    this.theta1 = laws.split.jitterThresholdUs;
    this.requestLaw = laws.jitterLaw;
    this.replyLaw = laws.delayLaw;
    const root: SeedRoot = { seed: config.seed, replication: config.replication };
    this.pauses = (config.faults ?? []).some((f) => f.kind === 'senderPause') ? pauseSchedule(config, root, this.bank) : null;
    this.crashes = config.crashes.length > 0 ? new NodeCrashProcesses(config.crashes, config.nodeNames, root, this.bank) : null;
    this.schedule = new NodeSchedule(this.P, this.endUs);
  }

  run(onProgress?: (fraction: number) => void): RunResult {
    const config = this.config;
    const names = config.nodeNames;
    const root: SeedRoot = { seed: config.seed, replication: config.replication };
    const every = Math.max(1, Math.floor(names.length / 100));
    for (let node = 0; node < names.length; node++) {
      if (onProgress !== undefined && node > 0 && node % every === 0) onProgress(node / names.length);
      const name = names[node]!;
      // The engine's probe phase (central/monitor.ts: the first draw of the pair's `probe-phase` stream).
      this.phase = Math.floor(firstUniform(root, pairStreamKey(name, 'probe-phase')) * this.P);
      this.stream = this.bank.add(root, pairStreamKey(name, 'probe-skip'));
      this.skipper.reset(this.stream, this.stream);
      this.walkNode(node);
    }
    const metrics = this.metrics;
    this.verdicts.replayInto(metrics);
    metrics.probesSent = this.probesSent;
    metrics.heartbeatsSent = this.sent;
    metrics.heartbeatsDelivered = this.delivered;
    metrics.heartbeatsLost = this.lost;
    const { tallies, log } = metrics.finish(this.endUs);
    return { tallies, log, events: 0, endUs: this.endUs };
  }

  private walkNode(pair: number): void {
    const { P, endUs, phase } = this;
    this.pair = pair;
    const schedule = this.schedule;
    schedule.build(pair, phase, this.pauses, this.crashes);
    // Probes 0 … K − 1 are sent at or before the end.
    const K = phase > endUs ? 0 : Math.floor((endUs - phase) / P) + 1;
    this.K = K;
    this.pausesOf.length = 0;
    this.downs.length = 0;
    for (let w = 0; w < schedule.windowCount; w++) {
      this.bookWindow(w);
      (schedule.windowKind[w] === WINDOW_PAUSE ? this.pausesOf : this.downs).push(schedule.windowStart[w]!, schedule.windowEnd[w]!);
    }
    this.arrivals.length = 0;
    this.newsWindow = 0;
    this.lastNewsUs = -1;
    this.buildRegions();
    this.offset = 0;
    this.region = 0;
    this.setLimit();
    this.pullNext();
    let k = 0; // the next probe not yet accounted for
    while (k < K) {
      const special = this.nextSpecial();
      if (special >= K) break; // NONE included: no probe left that needs drawing
      const start = Math.max(k, special - this.W);
      this.countSkipped(k, start - k);
      k = this.segment(start) + 1;
    }
    this.countSkipped(k, K - k);
    this.settleNews(Number.POSITIVE_INFINITY, true);
  }

  /** The books hear a window's edges: a pause's start and end, or a crash and its restart. */
  private bookWindow(w: number): void {
    const schedule = this.schedule;
    const pause = schedule.windowKind[w] === WINDOW_PAUSE;
    this.verdicts.push(schedule.windowStart[w]!, this.pair, pause ? PAUSE_START : CRASH, 0);
    if (schedule.windowEnd[w]! <= this.endUs) this.verdicts.push(schedule.windowEnd[w]!, this.pair, pause ? PAUSE_END : RECOVER, 0);
  }

  /** The node's raw stretches (see the header), as sorted, merged ranges of probe numbers. */
  private buildRegions(): void {
    const { P, T, b1, theta1, K, endUs, warmupUs, phase } = this;
    const schedule = this.schedule;
    this.regionCount = 0;
    if (K === 0) return;
    const add = (loUs: number, hiUs: number) => {
      const from = Math.max(0, Math.ceil((loUs - phase) / P));
      const to = hiUs === Number.POSITIVE_INFINITY ? K - 1 : Math.min(K - 1, Math.floor((hiUs - phase) / P));
      if (from <= to) this.pushRegion(from, to);
    };
    if (warmupUs > 0) add(warmupUs - T - 1, warmupUs);
    add(endUs - T - 1, endUs);
    for (let w = 0; w < schedule.windowCount; w++) {
      const start = schedule.windowStart[w]!;
      const end = schedule.windowEnd[w]!;
      if (schedule.windowKind[w] === WINDOW_PAUSE) add(Math.min(start - b1 - theta1, end - T - 1), end + P);
      else add(start - b1 - theta1, end - 1 - b1);
    }
    // Sort by start (few regions: insertion sort), then merge overlapping or adjacent ones.
    const from = this.regionFrom;
    const to = this.regionTo;
    for (let i = 1; i < this.regionCount; i++) {
      const f = from[i]!;
      const t = to[i]!;
      let j = i - 1;
      while (j >= 0 && from[j]! > f) {
        from[j + 1] = from[j]!;
        to[j + 1] = to[j]!;
        j--;
      }
      from[j + 1] = f;
      to[j + 1] = t;
    }
    if (this.regionCount === 0) return;
    let m = 0;
    for (let i = 1; i < this.regionCount; i++) {
      if (from[i]! <= to[m]! + 1) to[m] = Math.max(to[m]!, to[i]!);
      else {
        m++;
        from[m] = from[i]!;
        to[m] = to[i]!;
      }
    }
    this.regionCount = m + 1;
  }

  private pushRegion(from: number, to: number): void {
    if (this.regionCount === this.regionFrom.length) {
      const grow = (a: Float64Array) => {
        const b = new Float64Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.regionFrom = grow(this.regionFrom);
      this.regionTo = grow(this.regionTo);
    }
    this.regionFrom[this.regionCount] = from;
    this.regionTo[this.regionCount] = to;
    this.regionCount++;
  }

  /** The skipper stops at the next raw stretch's first probe. */
  private setLimit(): void {
    this.limit = this.region < this.regionCount ? this.regionFrom[this.region]! - this.offset : NONE;
  }

  private pullNext(): void {
    const m = this.skipper.nextInteresting(this.limit);
    this.next = m === NONE ? NONE : m + this.offset;
  }

  /** The next probe that needs drawing: an interesting one or a raw stretch's first. */
  private nextSpecial(): number {
    const region = this.region < this.regionCount ? this.regionFrom[this.region]! : NONE;
    return Math.min(this.next, region);
  }

  /**
   * `count` safe probes from k on, undrawn: each sent, answered and its reply delivered
   * all after the warm-up (sent at or after it) or all before it (the probes in between
   * are raw).
   */
  private countSkipped(k: number, count: number): void {
    const firstCounted = Math.max(k, Math.ceil((this.warmupUs - this.phase) / this.P));
    const counted = k + count - firstCounted;
    if (counted > 0) {
      this.probesSent += counted;
      this.sent += counted;
      this.delivered += counted;
    }
  }

  /**
   * Draws and simulates the segment that starts at probe `start`, growing it to W past
   * every interesting probe and raw stretch and until the detector is steady. Returns
   * its last probe.
   */
  private segment(start: number): number {
    const { K, W } = this;
    const mark = this.verdicts.length;
    const seg = this.segArrival;
    seg.length = 0;
    let end = Math.min(K - 1, this.nextSpecial() + W);
    let j = start;
    for (;;) {
      while (j <= end) {
        if (this.region < this.regionCount && j === this.regionFrom[this.region]) {
          const to = this.regionTo[this.region]!;
          if (this.skipper.nextPosition !== j - this.offset || this.next !== NONE) throw new Error('internal: the skipper did not stop at the raw stretch');
          for (; j <= to; j++) seg.push(this.rawProbe(j));
          this.offset = to + 1 - this.skipper.nextPosition;
          this.region++;
          this.setLimit();
          this.pullNext();
          end = Math.max(end, Math.min(K - 1, to + W));
        } else if (j === this.next) {
          seg.push(this.interestingProbe(j));
          this.pullNext();
          end = Math.max(end, Math.min(K - 1, j + W));
          j++;
        } else {
          this.skipper.drawOrdinary();
          seg.push(this.settle(j, false, this.skipper.ordinaryJitterUs, false, this.skipper.ordinaryDelayUs));
          j++;
        }
        // The next special within reach joins (segments stay more than W apart).
        const special = this.nextSpecial();
        if (special !== NONE && special <= end + W) end = Math.max(end, Math.min(K - 1, special));
      }
      this.verdicts.length = mark;
      const h = end === K - 1 ? Number.POSITIVE_INFINITY : this.phase + (end + 1) * this.P + this.b1 + this.b2;
      if (this.simulate(start, end, h) && this.settleNews(h, false)) break;
      end = Math.min(K - 1, end + W);
    }
    this.settleNews(end === K - 1 ? Number.POSITIVE_INFINITY : this.phase + (end + 1) * this.P + this.b1 + this.b2, true);
    return end;
  }

  /** A probe from the unconditional laws (a raw stretch): both messages' fates and delays. */
  private rawProbe(j: number): number {
    const bank = this.bank;
    const stream = this.stream;
    const requestLost = bank.next(stream) < this.lossRequest;
    const d1 = this.requestLaw.sampleUs(stream);
    const replyLost = bank.next(stream) < this.lossReply;
    const d2 = this.replyLaw.sampleUs(stream);
    return this.settle(j, requestLost, d1, replyLost, d2);
  }

  /** The skipper's interesting probe: which message was lost, if one was. */
  private interestingProbe(j: number): number {
    const s = this.skipper;
    if (!s.lost) return this.settle(j, false, s.jitterUs, false, s.delayUs);
    const requestLost = this.bank.next(this.stream) < this.requestLostShare;
    return this.settle(j, requestLost, s.jitterUs, !requestLost, Number.NaN);
  }

  /**
   * Probe j's course from its draws, counted as the engine counts it: the reply's
   * arrival at the observer, or NaN when none arrives by the end.
   */
  private settle(j: number, requestLost: boolean, d1: number, replyLost: boolean, d2: number): number {
    const { warmupUs, endUs } = this;
    const p = this.phase + j * this.P;
    this.drawnProbes++;
    if (p >= warmupUs) this.probesSent++;
    if (requestLost) return Number.NaN;
    const q = p + this.b1 + d1;
    const downs = this.downs;
    if (q > endUs || downs.holding(q) >= 0) return Number.NaN;
    // A paused node answers when it resumes, unless it crashed meanwhile (the engine's epoch check).
    const pause = this.pausesOf.holding(q);
    const answerUs = pause < 0 ? q : this.pausesOf.endUs[pause]!;
    if (answerUs > endUs) return Number.NaN;
    if (answerUs > q && downs.startsWithin(q, answerUs)) return Number.NaN;
    const counted = answerUs >= warmupUs;
    if (counted) this.sent++;
    if (replyLost) {
      if (counted) this.lost++;
      return Number.NaN;
    }
    const a = answerUs + this.b2 + d2;
    if (a > endUs) return Number.NaN;
    if (a >= warmupUs) this.delivered++;
    this.arrivals.push(a);
    return a;
  }

  /**
   * Runs probes start … end through a fresh detector in the engine's same-instant order
   * (sends, deliveries, wake-ups), pushing the verdict changes the books would hear.
   * Returns whether the detector is steady at h (see the header): ALIVE at h − 1.
   */
  private simulate(start: number, end: number, h: number): boolean {
    const { P, T, endUs, pair, phase } = this;
    const n = end - start + 1;
    if (this.evTime.length < 3 * n) {
      this.evTime = new Float64Array(6 * n);
      this.evKey = new Float64Array(6 * n);
      this.evOrder = new Int32Array(6 * n);
    }
    const time = this.evTime;
    const key = this.evKey;
    const arrival = this.segArrival.items;
    let count = 0;
    for (let i = 0; i < n; i++) {
      const p = phase + (start + i) * P;
      time[count] = p;
      key[count++] = SEND * CLASS_SPAN + i;
      const a = arrival[i]!;
      if (a === a) {
        time[count] = a;
        key[count++] = DELIVER * CLASS_SPAN + i;
      }
      if (p + T + 1 <= endUs) {
        time[count] = p + T + 1;
        key[count++] = WAKE * CLASS_SPAN + i;
      }
    }
    const order = this.evOrder.subarray(0, count);
    for (let e = 0; e < count; e++) order[e] = e;
    order.sort((x, y) => time[x]! - time[y]! || key[x]! - key[y]!);
    const detector = new PullCheckDetector(1, this.settings, () => 0);
    const verdicts = this.verdicts;
    let book: number = Status.alive;
    let steady: boolean | null = h === Number.POSITIVE_INFINITY ? true : null;
    for (let e = 0; e < count; e++) {
      const x = order[e]!;
      const t = time[x]!;
      if (steady === null && t >= h) steady = book === Status.alive && detector.statusAt(0, h - 1) === Status.alive;
      const i = key[x]! % CLASS_SPAN;
      const kind = Math.floor(key[x]! / CLASS_SPAN);
      if (kind === SEND) detector.onProbeSent(0, i, t);
      else if (kind === DELIVER) {
        detector.onHeartbeat(0, t, phase + (start + i) * P, i, true);
        const v = detector.statusAt(0, t);
        // News can only restore trust at once (central/monitor.ts).
        if (v < book) {
          verdicts.push(t, pair, v, Cause.heartbeat);
          book = v;
        }
      } else {
        const v = detector.statusAt(0, t);
        if (v !== book) {
          verdicts.push(t, pair, v, Cause.timer);
          book = v;
        }
      }
    }
    if (steady === null) steady = book === Status.alive && detector.statusAt(0, h - 1) === Status.alive;
    return steady;
  }

  /**
   * The first news after each pause that ended before h: the first reply drawn so far
   * that reaches the observer at or after the pause's end while the node is not paused
   * again. Returns false if one is not known to be final (the first such reply is at or
   * after h, or none arrived yet and h is finite): the segment must grow. With `commit`,
   * books the news and moves past those pauses.
   */
  private settleNews(h: number, commit: boolean): boolean {
    const schedule = this.schedule;
    const items = this.arrivals.items;
    const count = this.arrivals.length;
    items.subarray(0, count).sort();
    let last = this.lastNewsUs;
    // Pause windows are disjoint and sorted, so their ends are too: stop at the first that ends at or after h.
    let w = this.newsWindow;
    for (; w < schedule.windowCount; w++) {
      if (schedule.windowKind[w] !== WINDOW_PAUSE) continue;
      const resumeUs = schedule.windowEnd[w]!;
      if (resumeUs >= h || resumeUs > this.endUs) break;
      // The first arrival at or after the resume (bisection), then past those paused again.
      let lo = 0;
      let hi = count;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (items[mid]! < resumeUs) lo = mid + 1;
        else hi = mid;
      }
      while (lo < count && this.pausesOf.holding(items[lo]!) >= 0) lo++;
      const first = lo < count ? items[lo]! : Number.POSITIVE_INFINITY;
      if (first >= h) {
        if (h !== Number.POSITIVE_INFINITY) return false;
        continue; // nothing reaches the observer after it before the end
      }
      // A pause that ends while the news of an earlier one is awaited shares that news (the monitor's flag is already set).
      if (commit && first !== last) {
        this.verdicts.push(first, this.pair, NEWS, Cause.heartbeat);
        last = first;
      }
    }
    if (commit) {
      this.lastNewsUs = last;
      this.newsWindow = w;
      // No later pause ends before this one's end: earlier replies can be news no more.
      while (w < schedule.windowCount && schedule.windowKind[w] !== WINDOW_PAUSE) w++;
      const keepFrom = w < schedule.windowCount ? schedule.windowEnd[w]! : Number.POSITIVE_INFINITY;
      let kept = 0;
      for (let i = 0; i < count; i++) if (items[i]! >= keepFrom) items[kept++] = items[i]!;
      this.arrivals.length = kept;
    }
    return true;
  }
}

/** Disjoint intervals [start, end), pushed in order of start (so their ends are in order too). */
class Intervals {
  startUs = new Float64Array(16);
  endUs = new Float64Array(16);
  length = 0;

  push(start: number, end: number): void {
    if (this.length === this.startUs.length) {
      const grow = (a: Float64Array) => {
        const b = new Float64Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.startUs = grow(this.startUs);
      this.endUs = grow(this.endUs);
    }
    this.startUs[this.length] = start;
    this.endUs[this.length++] = end;
  }

  /** The last interval starting at or before t (−1: none). */
  private lastFrom(t: number): number {
    let lo = 0;
    let hi = this.length; // answer in [lo − 1, hi − 1]
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.startUs[mid]! <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }

  /** The interval holding t, or −1. */
  holding(t: number): number {
    const i = this.lastFrom(t);
    return i >= 0 && t < this.endUs[i]! ? i : -1;
  }

  /** Whether an interval starts in (from, to]. */
  startsWithin(from: number, to: number): boolean {
    const i = this.lastFrom(to);
    return i >= 0 && this.startUs[i]! > from;
  }
}
