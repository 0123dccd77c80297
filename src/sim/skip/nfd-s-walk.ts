/**
 * Chen, Toueg & Aguilera's NFD-S on independent nodes by exact skipping (issue 12,
 * item 1): only the heartbeats that can change a verdict are drawn, the others are
 * counted. Same law as the engine (src/sim/detectors/nfd-s.ts behind the central
 * monitor, src/sim/protocols/central/push-heartbeats.ts), different draws: results
 * agree in distribution (test/sim/skip/nfd-s-walk.test.ts), worked cases exactly.
 *
 * The detector. Heartbeat k is nominally sent at n_k, leaves at σ_k = n_k + round(J_k)
 * (J < I, so sends are in order and σ grows with the sequence number, across restarts
 * too: sequence numbers run on and a restart comes after every earlier send) and, unless
 * lost, arrives at a_k = σ_k + b + round(D_k). It carries σ_k; the observer's freshness
 * bound is F = max σ_k + I + δ over the heartbeats received (the engine keeps the highest
 * sequence number's, the same thing since σ grows with it; see Clocks below), F = I + δ before any. The
 * verdict at t is a pure function of F: ALIVE while t < F, SUSPECTED from F, DEAD from
 * F + confirm-after. Write v_k = σ_k + I + δ: trust at t ⟺ some heartbeat has a_k ≤ t
 * (an arrival at t comes before a timer at t) and v_k > t.
 *
 * Which heartbeats matter (./thresholds.ts, θ = δ − b − 1). An *ordinary* heartbeat
 * (delivered, round(J) + round(D) ≤ θ) has a_k ≤ n_k + b + θ = n_k + δ − 1 and
 * v_k ≥ n_k + I + δ, so it guarantees trust on G_k = [n_k + δ, n_k + δ + I − 1]. Within a
 * life the nominal instants are I apart, so the G_k of consecutive heartbeats tile time,
 * and before the first heartbeat the start's F = I + δ covers [0, n_0 + δ − 1] (n_0 < I).
 * So a verdict can change only at instants not covered: in G_k of a *special* heartbeat —
 * an interesting one (lost, or later than θ), one at a life's edge (the last before a
 * crash, which the crash may cancel; a restart's, sent at once) or one at the warm-up or
 * the run's end (counted by where its send and arrival fall).
 *
 * Clusters. Special heartbeats k₁ … k₂, each within reach of the previous one's draws,
 * make a cluster; k₁ − 1 and k₂ + 1 are ordinary, regular heartbeats (life edges are
 * special). Its span is S = [n(k₁) + δ, n(k₂ + 1) + δ − 1] (to the run's end when k₂ is
 * the last heartbeat; from 0 when k₁ = 0): outside every span the node is provably
 * trusted and the books hold ALIVE. Within S the verdicts are simulated exactly, as the
 * monitor does (arrivals, then the wake-up or polling round at that instant), from the
 * heartbeats drawn: every j from k₁ − 1 to the last one that can arrive within S
 * (n_j + b ≤ end of S). Nothing else can matter: a heartbeat before k₁ − 1 has
 * v < n(k₁ − 1) + I + δ = start of S, and one after the drawn range arrives after S.
 * F entering S is the largest v among the drawn arrivals before it (≥ v(k₁ − 1), which
 * covers the instant before S). The next special within one heartbeat of the drawn range
 * joins the cluster, so clusters never draw the same heartbeat twice; heartbeats between
 * clusters are ordinary, sent and delivered, and counted with arithmetic (the warm-up and
 * end edges being special, each lies wholly on one side of the warm-up and within the run).
 *
 * Drawing. One HeartbeatSkipper per node (positions by geometric skipping; interesting
 * heartbeats' parts conditioned on being interesting, ordinary ones on being ordinary:
 * heartbeats are independent given the loss chain, so drawing on demand is exact). The
 * life edges are drawn raw (the skipper stops at their message, `nextInteresting(limit)`,
 * and resumes after: gaps and stays are memoryless): the last heartbeat of a life draws
 * its jitter and is cancelled if it would leave at or after the crash (a crash, a world
 * event, comes before a send at its instant); else it is a message. A restart's heartbeat
 * leaves at the restart with no jitter. A cancelled heartbeat is no message: message
 * numbers part from heartbeat numbers (`offset`).
 *
 * Crashes are the engine's own draws (src/sim/fast/crash-processes.ts via
 * ./node-schedule.ts: the same instants on every path). Messages in flight at a crash still
 * arrive (and, being older, bring no news once a restarted node's heartbeats arrive). The
 * books hear the crash and the restart (world events, before deliveries and timers).
 *
 * Clocks. A heartbeat carries σ on the node's wall clock, C(σ) = σ + ε(σ), read against the
 * observer's true-time clock: v_k = C(σ_k) + I + δ, and F is the v of the highest sequence
 * number received (the detector's rule; with a drifting clock v still grows with it). With
 * ε ≥ ε_min at every send of the node, an ordinary heartbeat k guarantees trust on
 * [n_k + δ_eff, n_k + δ_eff + I − 1] with δ_eff = δ + ε_min and θ = δ_eff − b − 1: it has
 * arrived (a_k ≤ n_k + b + θ) so the highest number received is some ℓ ≥ k, sent no earlier
 * (σ_ℓ ≥ σ_k ≥ n_k), so v_ℓ ≥ n_k + ε_min + I + δ. Every statement above holds with δ_eff
 * for δ in the spans; v is always the node's own stamp. The nodes' clock drift (ppm, the
 * engine's ⌊t·ppm·10⁻⁶⌋) gives ε_min = ⌊end·ppm·10⁻⁶⌋ for a slow clock, 0 for a fast one: a
 * slow clock over a long run lowers θ (or makes it negative: refused), a fast one changes
 * only the stamps. Steps (NTP, VM resume) are refused: they move ε both ways at random
 * instants, which ε_min would have to follow.
 *
 * Sender pauses (stop-the-world GC; ./pause-schedule.ts draws each node's windows from the
 * engine's own fault streams). From the first heartbeat whose send may fall in a pause to
 * the first surely sent after it, heartbeats are drawn raw: the jitter, then — unless the
 * send falls in [start, end) (missed, and sent at the end if the timers burst; an end comes
 * before a send at its instant) — the message. Raw heartbeats are special, as is every
 * heartbeat before them whose arrival may reach the pause (n + b + θ ≥ start): so no
 * skipped arrival lands in or after a pause, and the first news after it (the first
 * arrival at or after its end that finds the node not paused; a pause ending while news
 * is awaited shares it, as the monitor waits once) is among the cluster's drawn arrivals,
 * found by the end of its span (k₂ + 1's arrival is one). The books hear each pause's start
 * and end and that news. Burst messages carry σ = the pause's end and take their place in
 * the message order. Pauses and crashes together are refused (a crash inside a pause, a
 * restart inside one: not walked yet).
 *
 * Link classes: a node's heartbeats travel on the `toObserver` link of the last override
 * naming it (as in the engine), so b, θ and the skipper's laws are the node's class's.
 *
 * Scope (`nfdSWalkRefusal`): NFD-S with exact timers or polling rounds, a jitter below the
 * interval, θ ≥ 0 for every node, UDP links with Bernoulli or Gilbert–Elliott loss and no
 * duplication (overrides included), crashes without racks or sender pauses (one resume
 * mode), the nodes' clock drift; no other faults (slow I/O and starvation delay sends,
 * clock steps: above;
 * the observer's drift would run the freshness points on its clock), no failover, no
 * trace. Same-instant order: two arrivals of one node at one microsecond are taken in
 * send order, as the engine schedules them.
 *
 * Size: about 760 lines, 140 of them this header; one class (the per-node walk: clusters,
 * raw heartbeats, bursts, the judge and the news share its per-node fields, as in
 * ./timeout-walk.ts and ./pull-walk.ts).
 */
import type { LinkConfig, SimConfig } from '../config.js';
import type { RunHooks, RunResult } from '../engine/run-result.js';
import { NodeCrashProcesses } from '../fast/crash-processes.js';
import { heartbeatPhaseUs } from '../fast/node-streams.js';
import { Cause, MetricsRecorder } from '../metrics/recorder.js';
import { linkLossModel } from '../network/links.js';
import { NodeKeyFamily } from '../random/stream-keys.js';
import { StreamBank, type SeedRoot } from '../random/streams.js';
import { Status } from '../status.js';
import { HeartbeatSkipper, NONE, SkipLawSet } from './heartbeat-skipper.js';
import { NodeSchedule, WINDOW_PAUSE } from './node-schedule.js';
import { pauseFaultsRefusal, pauseSchedule, type PauseSchedule } from './pause-schedule.js';
import { nfdSThresholdUs, skipRefusal } from './thresholds.js';
import { crashesRefusal } from './timeout-walk.js';
import { CRASH, NEWS, NumberList, PAUSE_END, PAUSE_START, RECOVER, VerdictList } from './walk-buffers.js';
import { selectNodes } from '../faults/faults.js';
import { grown } from '../grown.js';

type NfdSConfig = Extract<SimConfig['detector'], { kind: 'nfdS' }>;

/** Why the NFD-S walk cannot run `config`, or null when it can. */
export function nfdSWalkRefusal(config: SimConfig): string | null {
  const d = config.detector;
  if (d.kind !== 'nfdS') return 'only the NFD-S detector';
  const whole = (v: number, min: number) => Number.isSafeInteger(v) && v >= min;
  if (!whole(d.shiftUs, 1) || !whole(d.checkIntervalUs, 0)) return 'the shift and check interval must be whole µs';
  if (!(d.confirmAfterUs === Number.POSITIVE_INFINITY || whole(d.confirmAfterUs, 0))) return 'confirm-after must be whole µs';
  if (!whole(config.heartbeat.intervalUs, 1)) return 'the interval must be whole µs';
  if (config.trace) return 'a recorded trace';
  if (config.monitorFailover) return 'a monitor that fails over judges every node at once';
  const crashes = crashesRefusal(config);
  if (crashes !== null) return crashes;
  let paused = false;
  for (const f of config.faults ?? []) {
    if (f.kind === 'clockDrift' && f.observer) return "the observer's clock drift (its freshness points run on its own clock)";
    if (f.kind === 'senderPause') {
      paused = true;
      continue;
    }
    if (f.kind !== 'clockDrift') return `faults other than crashes, sender pauses and the nodes' clock drift (${f.kind}: slow I/O and starvation delay sends, steps move σ both ways)`;
  }
  if (paused) {
    const pauses = pauseFaultsRefusal(config.faults ?? [], config.nodeNames);
    if (pauses !== null) return pauses;
    if (config.crashes.length > 0) return 'sender pauses together with crashes (a crash inside a pause is not walked yet)';
  }
  const tcp = (l: LinkConfig | undefined) => l?.transport === 'tcp';
  if (tcp(config.link) || tcp(config.reverseLink) || (config.linkOverrides ?? []).some((o) => tcp(o.toObserver) || tcp(o.fromObserver))) {
    return 'TCP links couple heartbeats (retransmissions, head-of-line blocking)';
  }
  const { links, classOf } = heartbeatLinks(config);
  const drift = nodeDriftPpm(config);
  const lowest = new Float64Array(links.length).fill(Number.POSITIVE_INFINITY);
  for (let node = 0; node < classOf.length; node++) {
    const c = classOf[node]!;
    lowest[c] = Math.min(lowest[c]!, lowestOffsetUs(drift[node]!, config.durationUs));
  }
  for (let c = 0; c < links.length; c++) {
    const link = links[c]!;
    if (!whole(link.delay.baseUs, 0)) return 'the link delay base must be whole µs';
    if (lowest[c] === Number.POSITIVE_INFINITY) continue; // no node on this link
    const refusal = skipRefusal(config.heartbeat.jitter, config.heartbeat.intervalUs, link.duplicateProbability, nfdSThresholdUs(d.shiftUs + lowest[c]!, link.delay.baseUs));
    if (refusal !== null) return refusal;
  }
  return null;
}

/** Each node's link to the observer (the default, or the `toObserver` of the last override naming it, as in the engine), as classes. */
function heartbeatLinks(config: SimConfig): { links: LinkConfig[]; classOf: Int32Array } {
  const names = config.nodeNames;
  const links: LinkConfig[] = [config.link];
  const classOf = new Int32Array(names.length);
  for (const override of config.linkOverrides ?? []) {
    if (override.toObserver === undefined) continue;
    let c = links.indexOf(override.toObserver);
    if (c < 0) c = links.push(override.toObserver) - 1;
    for (const node of selectNodes(override.nodes, names)) classOf[node] = c;
  }
  return { links, classOf };
}

/** Each node's clock drift (ppm; the last rule naming it wins, as the engine's fault service sets it). */
function nodeDriftPpm(config: SimConfig): Float64Array {
  const ppm = new Float64Array(config.nodeNames.length);
  for (const f of config.faults ?? []) if (f.kind === 'clockDrift') for (const node of selectNodes(f.nodes, config.nodeNames)) ppm[node] = f.ppm;
  return ppm;
}

/**
 * The lowest offset ε = reading − true time a drifting clock shows at a send within the
 * run: the clock reads t + ⌊t·ppm·10⁻⁶⌋ (src/sim/faults/clock.ts), so ε falls with t when
 * the clock is slow (ppm < 0) and is never below 0 when it is fast.
 */
function lowestOffsetUs(ppm: number, endUs: number): number {
  return ppm < 0 ? Math.floor(endUs * ppm * 1e-6) : 0;
}

/** `hooks.onProgress` hears the fraction of nodes walked. */
export function runNfdSWalk(config: SimConfig, hooks?: RunHooks): RunResult {
  const refusal = nfdSWalkRefusal(config);
  if (refusal !== null) throw new RangeError(`the NFD-S walk does not apply: ${refusal}`);
  return new NfdSWalk(config).run(hooks?.onProgress);
}

/** How many heartbeats `NfdSWalk` drew against how many it accounted for (tests: skipping must skip). */
export interface NfdSWalkStats {
  drawn: number;
  accounted: number;
}

/** As `runNfdSWalk`, also filling `stats`. */
export function runNfdSWalkWithStats(config: SimConfig, stats: NfdSWalkStats): RunResult {
  const refusal = nfdSWalkRefusal(config);
  if (refusal !== null) throw new RangeError(`the NFD-S walk does not apply: ${refusal}`);
  const walk = new NfdSWalk(config);
  const result = walk.run();
  stats.drawn = walk.drawn;
  stats.accounted = walk.accounted;
  return result;
}

/** Roles of a heartbeat drawn raw at a life's edge. */
const LAST_OF_LIFE = 1;
const RESTART = 2;
/** Near a sender pause: the send may fall in it (missed, or sent on resume when the timers burst). */
const NEAR_PAUSE = 4;

class NfdSWalk {
  private readonly I: number;
  private readonly delta: number;
  private readonly confirmAfter: number;
  private readonly C: number;
  /** The node's link base b, its clock's drift, δ + its lowest clock offset (δ_eff), θ = δ_eff − b − 1. */
  private b = 0;
  private ppm = 0;
  private deltaEff = 0;
  private theta = 0;
  private readonly endUs: number;
  private readonly warmupUs: number;
  private readonly bank: StreamBank;
  private skipper!: HeartbeatSkipper;
  /** One skipper per (link class, θ), reset per node. */
  private readonly skippers = new Map<string, HeartbeatSkipper>();
  private readonly links: LinkConfig[];
  private readonly classOf: Int32Array;
  private readonly driftPpm: Float64Array;
  private readonly metrics: MetricsRecorder;
  private readonly verdicts = new VerdictList();
  private readonly crashes: NodeCrashProcesses | null;
  private readonly pauses: PauseSchedule | null;
  private missed = 0;
  /** The next window whose missed heartbeats may burst, and the next whose news is awaited. */
  private burstAt = 0;
  private newsAt = 0;
  /** Special ranges of heartbeats (edges, pauses), merged and sorted; the first not yet passed. */
  private rangeFrom = new Float64Array(16);
  private rangeTo = new Float64Array(16);
  private rangeCount = 0;
  private rangeAt = 0;
  private readonly schedule: NodeSchedule;
  // Tallies.
  private sent = 0;
  private lost = 0;
  private delivered = 0;
  /** Heartbeats drawn, and accounted for (drawn or counted). */
  drawn = 0;
  accounted = 0;
  // The node being walked.
  private pair = 0;
  private K = 0;
  /** Message number minus heartbeat number (cancelled heartbeats are no messages). */
  private offset = 0;
  /** The skipper's next interesting heartbeat (heartbeat number), or NONE before the next raw one. */
  private next = NONE;
  /** The node's raw heartbeats (life edges), sorted, with their roles; the next one not drawn. */
  private rawBeat = new Float64Array(16);
  private rawRole = new Uint8Array(16);
  private rawCount = 0;
  private rawAt = 0;
  /** The first heartbeat with a nominal send at or after the warm-up. */
  private warmIndex = 0;
  // The cluster's arrivals: instant and freshness bound v, in draw (= send) order.
  private readonly arrivalUs = new NumberList();
  private readonly arrivalV = new NumberList();
  private order = new Int32Array(64);

  constructor(private readonly config: SimConfig) {
    const d = config.detector as NfdSConfig;
    this.I = config.heartbeat.intervalUs;
    this.delta = d.shiftUs;
    this.confirmAfter = d.confirmAfterUs;
    this.C = d.checkIntervalUs;
    const { links, classOf } = heartbeatLinks(config);
    this.links = links;
    this.classOf = classOf;
    this.driftPpm = nodeDriftPpm(config);
    this.endUs = config.durationUs;
    this.warmupUs = config.warmupUs;
    const n = config.nodeNames.length;
    this.bank = new StreamBank(n + 4);
    this.metrics = new MetricsRecorder(n, this.warmupUs, config.transitionLogLimit, config.flapWindowUs ?? 60_000_000);
    const root: SeedRoot = { seed: config.seed, replication: config.replication };
    this.crashes = config.crashes.length > 0 ? new NodeCrashProcesses(config.crashes, config.nodeNames, root, this.bank) : null;
    this.pauses = (config.faults ?? []).some((f) => f.kind === 'senderPause') ? pauseSchedule(config, root, this.bank) : null;
    this.schedule = new NodeSchedule(this.I, this.endUs);
  }

  run(onProgress?: (fraction: number) => void): RunResult {
    const config = this.config;
    const names = config.nodeNames;
    const root: SeedRoot = { seed: config.seed, replication: config.replication };
    const every = Math.max(1, Math.floor(names.length / 100));
    // One stream per link for positions, fates and parts: `link/<node>><monitor>/skip`, as the timeout walk's.
    const skipKeys = NodeKeyFamily.linkTo(config.monitorName, 'skip');
    for (let node = 0; node < names.length; node++) {
      if (onProgress !== undefined && node > 0 && node % every === 0) onProgress(node / names.length);
      const name = names[node]!;
      skipKeys.of(name);
      const stream = this.bank.addDigest(root, skipKeys.hi, skipKeys.lo);
      this.useNode(node);
      this.skipper.reset(stream, stream);
      this.walkNode(node, heartbeatPhaseUs(root, name, this.I));
    }
    const metrics = this.metrics;
    this.verdicts.replayInto(metrics);
    metrics.heartbeatsSent = this.sent;
    metrics.heartbeatsDelivered = this.delivered;
    metrics.heartbeatsLost = this.lost;
    metrics.heartbeatsMissedWhilePaused = this.missed;
    const { tallies, log } = metrics.finish(this.endUs);
    return { tallies, log, events: 0, endUs: this.endUs };
  }

  /** The node's link, clock and threshold, and the skipper for them. */
  private useNode(node: number): void {
    const c = this.classOf[node]!;
    const link = this.links[c]!;
    this.b = link.delay.baseUs;
    this.ppm = this.driftPpm[node]!;
    this.deltaEff = this.delta + lowestOffsetUs(this.ppm, this.endUs);
    this.theta = nfdSThresholdUs(this.deltaEff, this.b);
    const key = `${c}/${this.theta}`;
    let skipper = this.skippers.get(key);
    if (skipper === undefined) {
      const laws = { loss: linkLossModel(link), jitter: this.config.heartbeat.jitter, delay: link.delay.random, thresholdUs: this.theta };
      skipper = new HeartbeatSkipper(new SkipLawSet(laws, this.bank), this.bank);
      this.skippers.set(key, skipper);
    }
    this.skipper = skipper;
  }

  private walkNode(pair: number, phase: number): void {
    const { I, b, theta, endUs, warmupUs, delta, deltaEff } = this;
    this.pair = pair;
    const schedule = this.schedule;
    schedule.build(pair, phase, this.pauses, this.crashes);
    const K = schedule.K;
    this.K = K;
    this.accounted += K;
    // The books hear crashes and restarts, pauses' starts and ends (world events).
    for (let w = 0; w < schedule.windowCount; w++) {
      const pause = schedule.windowKind[w] === WINDOW_PAUSE;
      this.verdicts.push(schedule.windowStart[w]!, pair, pause ? PAUSE_START : CRASH, 0);
      if (schedule.windowEnd[w]! <= endUs) this.verdicts.push(schedule.windowEnd[w]!, pair, pause ? PAUSE_END : RECOVER, 0);
    }
    this.collectRaw();
    // Edges: a heartbeat is special when its send or arrival may fall on either side of the warm-up or the end.
    this.warmIndex = schedule.ceilIndex(warmupUs);
    this.rangeCount = 0;
    const warmFrom = Math.max(0, schedule.ceilIndex(warmupUs - b - theta));
    const warmTo = warmupUs > 0 ? Math.min(K, this.warmIndex) - 1 : -1;
    if (warmFrom <= warmTo) this.pushRange(warmFrom, warmTo);
    if (schedule.ceilIndex(endUs - b - theta + 1) < K) this.pushRange(schedule.ceilIndex(endUs - b - theta + 1), K - 1);
    this.pauseRanges();
    this.mergeRanges();
    this.rangeAt = 0;
    this.offset = 0;
    this.rawAt = 0;
    this.burstAt = 0;
    this.newsAt = 0;
    this.pull();
    if (K === 0) {
      // Nothing sent within the run: the start's freshness bound runs out.
      this.arrivalUs.length = 0;
      this.arrivalV.length = 0;
      this.judge(I + delta, 0, endUs);
      return;
    }
    let j = 0; // the next heartbeat not yet accounted for
    for (;;) {
      const first = this.nextSpecial(j);
      if (first >= K) {
        this.countSkipped(j, K);
        return;
      }
      const lo = first - 1;
      this.countSkipped(j, Math.max(lo, 0));
      this.arrivalUs.length = 0;
      this.arrivalV.length = 0;
      let lastSpecial = first;
      let spanEnd = endUs;
      let hi = K - 1;
      let jj = Math.max(lo, 0);
      for (;;) {
        const special = this.nextSpecial(jj) === jj;
        this.drawHeartbeat(jj);
        if (special) {
          lastSpecial = jj;
          if (jj + 1 < K) {
            spanEnd = schedule.nominal(jj + 1) + deltaEff - 1;
            hi = Math.min(K - 1, Math.max(jj + 1, schedule.floorIndex(spanEnd - b)));
          } else {
            spanEnd = endUs;
            hi = K - 1;
          }
        }
        jj++;
        if (jj > hi && (jj >= K || this.nextSpecial(jj) > jj)) break;
      }
      j = jj;
      if (jj >= K) this.flushBursts(); // pauses that end with no heartbeat after them
      const spanStart = first === 0 ? 0 : schedule.nominal(first) + deltaEff;
      this.judge(first === 0 ? I + delta : Number.NEGATIVE_INFINITY, spanStart, Math.min(spanEnd, endUs));
      if (this.pauses !== null) this.newsAfterPauses(Math.min(spanEnd, endUs));
      if (lastSpecial + 1 >= K) {
        this.countSkipped(j, K);
        return;
      }
    }
  }

  /** The node's raw heartbeats: each life's restart heartbeat, and the last one of each life a crash ends. */
  private collectRaw(): void {
    const s = this.schedule;
    this.rawCount = 0;
    for (let life = 0; life < s.lifeCount; life++) {
      const first = s.lifeFirst[life]!;
      const end = life + 1 < s.lifeCount ? s.lifeFirst[life + 1]! : this.K;
      if (end <= first) continue; // an empty life
      if (life > 0) this.pushRaw(first, RESTART);
      if (s.lifeCrash[life]! !== Number.POSITIVE_INFINITY) this.pushRaw(end - 1, LAST_OF_LIFE);
    }
  }

  /**
   * Near each pause: its raw heartbeats (from the first whose send may fall in it to the
   * first surely sent after it), and before them, as special, every heartbeat whose
   * arrival may reach the pause (so the first news after it is among the drawn arrivals,
   * and no skipped arrival lands while the node is paused).
   */
  private pauseRanges(): void {
    const s = this.schedule;
    for (let w = 0; w < s.windowCount; w++) {
      if (s.windowKind[w] !== WINDOW_PAUSE) continue;
      const from = Math.max(0, s.floorIndex(s.windowStart[w]!) - 1);
      if (from >= this.K) continue;
      const e = s.windowEnd[w]!;
      const to = e > this.endUs ? this.K - 1 : Math.min(this.K - 1, s.ceilIndex(e));
      for (let j = from; j <= to; j++) this.pushRaw(j, NEAR_PAUSE);
      this.pushRange(Math.min(from, s.ceilIndex(s.windowStart[w]! - this.b - this.theta)), to);
    }
  }

  private pushRange(from: number, to: number): void {
    const n = this.rangeCount;
    if (n === this.rangeFrom.length) {
      this.rangeFrom = grown(this.rangeFrom, 2 * n);
      this.rangeTo = grown(this.rangeTo, 2 * n);
    }
    this.rangeFrom[n] = from;
    this.rangeTo[n] = to;
    this.rangeCount = n + 1;
  }

  /** Sorts the special ranges by start and merges those that overlap or touch. */
  private mergeRanges(): void {
    const n = this.rangeCount;
    for (let i = 1; i < n; i++) {
      const f = this.rangeFrom[i]!;
      const t = this.rangeTo[i]!;
      let k = i - 1;
      while (k >= 0 && this.rangeFrom[k]! > f) {
        this.rangeFrom[k + 1] = this.rangeFrom[k]!;
        this.rangeTo[k + 1] = this.rangeTo[k]!;
        k--;
      }
      this.rangeFrom[k + 1] = f;
      this.rangeTo[k + 1] = t;
    }
    let m = 0;
    for (let i = 0; i < n; i++) {
      if (m > 0 && this.rangeFrom[i]! <= this.rangeTo[m - 1]! + 1) {
        this.rangeTo[m - 1] = Math.max(this.rangeTo[m - 1]!, this.rangeTo[i]!);
      } else {
        this.rangeFrom[m] = this.rangeFrom[i]!;
        this.rangeTo[m] = this.rangeTo[i]!;
        m++;
      }
    }
    this.rangeCount = m;
  }

  private pushRaw(beat: number, role: number): void {
    const n = this.rawCount;
    if (n > 0 && this.rawBeat[n - 1]! >= beat) {
      if (this.rawBeat[n - 1] === beat) this.rawRole[n - 1]! |= role;
      return;
    }
    if (n === this.rawBeat.length) {
      this.rawBeat = grown(this.rawBeat, 2 * n);
      this.rawRole = grown(this.rawRole, 2 * n);
    }
    this.rawBeat[n] = beat;
    this.rawRole[n] = role;
    this.rawCount = n + 1;
  }

  /** The skipper's next interesting heartbeat before the next raw one (which it stops at). */
  private pull(): void {
    const limit = this.rawAt < this.rawCount ? this.rawBeat[this.rawAt]! + this.offset : NONE;
    const m = this.skipper.nextInteresting(limit);
    this.next = m === NONE ? NONE : m - this.offset;
  }

  /** The first special heartbeat at or after j (K or more: none). */
  private nextSpecial(j: number): number {
    let s = this.next;
    if (this.rawAt < this.rawCount && this.rawBeat[this.rawAt]! < s) s = this.rawBeat[this.rawAt]!;
    while (this.rangeAt < this.rangeCount && this.rangeTo[this.rangeAt]! < j) this.rangeAt++;
    if (this.rangeAt < this.rangeCount) s = Math.min(s, Math.max(j, this.rangeFrom[this.rangeAt]!));
    return s;
  }

  /** Ordinary heartbeats [from, to): sent and delivered, counted from the warm-up on. */
  private countSkipped(from: number, to: number): void {
    if (to <= from) return;
    const counted = to - Math.max(from, Math.min(to, this.warmIndex));
    this.sent += counted;
    this.delivered += counted;
  }

  /** Draws heartbeat j (raw, interesting or ordinary) and books it; its arrival joins the cluster's. */
  private drawHeartbeat(j: number): void {
    const skipper = this.skipper;
    const schedule = this.schedule;
    this.drawn++;
    let sendUs: number;
    let lost: boolean;
    let delayUs: number;
    if (this.rawAt < this.rawCount && this.rawBeat[this.rawAt] === j) {
      if (skipper.nextPosition !== j + this.offset || this.next !== NONE) throw new Error('internal: the skipper did not stop at a life edge');
      const role = this.rawRole[this.rawAt++]!;
      const life = schedule.lifeCount === 1 ? 0 : schedule.lifeOf(j);
      sendUs = (role & RESTART) !== 0 ? schedule.lifeBase[life]! : schedule.nominal(j) + skipper.drawRawJitter();
      // A pause's end comes before a send at its instant: what it held back goes first.
      if (this.pauses !== null) while (this.burstAt < schedule.windowCount && schedule.windowEnd[this.burstAt]! <= sendUs) this.burstOut(this.burstAt++);
      if (sendUs >= schedule.lifeCrash[life]!) {
        // Cancelled by the crash: no message.
        this.offset--;
        this.pull();
        return;
      }
      if ((role & NEAR_PAUSE) !== 0 && sendUs <= this.endUs) {
        const w = this.pauseAt(sendUs);
        if (w >= 0) {
          // Missed: the timer fired while the node was paused.
          if (sendUs >= this.warmupUs) this.missed++;
          schedule.windowMissed[w]!++;
          this.offset--;
          this.pull();
          return;
        }
      }
      lost = skipper.drawRaw();
      delayUs = skipper.delayUs;
      this.pull();
    } else if (j === this.next) {
      lost = skipper.lost;
      sendUs = schedule.nominal(j) + skipper.jitterUs;
      delayUs = skipper.delayUs;
      this.pull();
    } else {
      skipper.drawOrdinary();
      lost = false;
      sendUs = schedule.nominal(j) + skipper.ordinaryJitterUs;
      delayUs = skipper.ordinaryDelayUs;
    }
    this.book(sendUs, lost, delayUs);
  }

  /** The pause window holding instant t ([start, end)), or −1. */
  private pauseAt(t: number): number {
    const s = this.schedule;
    for (let w = 0; w < s.windowCount && s.windowStart[w]! <= t; w++) if (s.windowKind[w] === WINDOW_PAUSE && t < s.windowEnd[w]!) return w;
    return -1;
  }

  /** The heartbeats pause w held back, all sent at its end (fixed-rate timers), if the timers burst: raw messages. */
  private burstOut(w: number): void {
    const s = this.schedule;
    const atUs = s.windowEnd[w]!;
    if (s.windowKind[w] !== WINDOW_PAUSE || !this.pauses!.burst || atUs > this.endUs) return;
    for (let c = s.windowMissed[w]!; c > 0; c--) {
      const lost = this.skipper.drawRaw();
      this.offset++;
      this.drawn++;
      this.book(atUs, lost, this.skipper.delayUs);
    }
  }

  /** Bursts of pauses that ended after the node's last send (nothing followed to send them before). */
  private flushBursts(): void {
    if (this.pauses === null) return;
    const s = this.schedule;
    while (this.burstAt < s.windowCount && s.windowEnd[this.burstAt]! <= this.endUs) this.burstOut(this.burstAt++);
  }

  /** Books one message sent at `sendUs`: sent, lost or delivered (an arrival of the cluster, with its stamp's freshness bound). */
  private book(sendUs: number, lost: boolean, delayUs: number): void {
    if (sendUs > this.endUs) return; // not sent within the run
    const counted = sendUs >= this.warmupUs;
    if (counted) this.sent++;
    if (lost) {
      if (counted) this.lost++;
      return;
    }
    const arrivalUs = sendUs + this.b + delayUs;
    if (arrivalUs > this.endUs) return; // still in flight at the end
    if (arrivalUs >= this.warmupUs) this.delivered++;
    this.arrivalUs.push(arrivalUs);
    // The heartbeat carries its send instant on the node's wall clock (src/sim/faults/clock.ts).
    const stampUs = this.ppm === 0 ? sendUs : sendUs + Math.floor(sendUs * this.ppm * 1e-6);
    this.arrivalV.push(stampUs + this.I + this.delta);
  }

  /**
   * The first news after each pause that ended by `to` (the books' attribution window):
   * the first arrival at or after its end that finds the node not paused again; a pause
   * that ends while news is still awaited shares it (the monitor waits once). Pause ends
   * (world events) come before arrivals at their instant. Uses the arrival order `judge`
   * just sorted.
   */
  private newsAfterPauses(to: number): void {
    const s = this.schedule;
    const at = this.arrivalUs.items;
    const order = this.order;
    const n = this.arrivalUs.length;
    let i = 0;
    let awaiting = false;
    for (;;) {
      while (this.newsAt < s.windowCount && s.windowKind[this.newsAt] !== WINDOW_PAUSE) this.newsAt++;
      const end = this.newsAt < s.windowCount && s.windowEnd[this.newsAt]! <= to ? s.windowEnd[this.newsAt]! : Number.POSITIVE_INFINITY;
      const a = i < n ? at[order[i]!]! : Number.POSITIVE_INFINITY;
      if (end === Number.POSITIVE_INFINITY && (!awaiting || a === Number.POSITIVE_INFINITY)) break;
      if (end <= a) {
        awaiting = true;
        this.newsAt++;
        continue;
      }
      if (awaiting && this.pauseAt(a) < 0) {
        this.verdicts.push(a, this.pair, NEWS, Cause.heartbeat);
        awaiting = false;
      }
      i++;
    }
    if (awaiting && to < this.endUs) throw new Error('internal: no news after a pause within its cluster');
  }

  /**
   * The verdicts of one span [from, to], as the monitor reaches them: arrivals (in
   * arrival order, ties in send order) raise F and can only restore trust at once; a
   * wake-up (exact timers) or polling round at or after each change of the verdict
   * function, after that instant's arrivals, records it. F enters as the largest v of
   * the arrivals before `from` (and `startV`, the start's bound, for the first span).
   */
  private judge(startV: number, from: number, to: number): void {
    const n = this.arrivalUs.length;
    const at = this.arrivalUs.items;
    const vs = this.arrivalV.items;
    if (this.order.length < n) this.order = new Int32Array(2 * n);
    const order = this.order;
    for (let i = 0; i < n; i++) order[i] = i;
    // Few arrivals a span: insertion sort by (arrival, send order).
    for (let i = 1; i < n; i++) {
      const x = order[i]!;
      let k = i - 1;
      while (k >= 0 && at[order[k]!]! > at[x]!) {
        order[k + 1] = order[k]!;
        k--;
      }
      order[k + 1] = x;
    }
    // F is the bound of the highest sequence number received (arrivals are numbered in send order; −1: the start's).
    let F = startV;
    let highest = -1;
    let i = 0;
    while (i < n && at[order[i]!]! < from) {
      const x = order[i++]!;
      if (x > highest) {
        highest = x;
        F = vs[x]!;
      }
    }
    if (!(F > from - 1)) throw new Error('internal: the node is not trusted entering a span');
    const { confirmAfter, C, pair } = this;
    const timerCause = C === 0 ? Cause.timer : Cause.check;
    let books: number = Status.alive;
    let pending = evaluationAt(nextChange(F, confirmAfter, from - 1), C);
    for (;;) {
      const a = i < n ? at[order[i]!]! : Number.POSITIVE_INFINITY;
      if (a <= pending && a <= to) {
        const x = order[i++]!;
        if (x > highest) {
          highest = x;
          F = vs[x]!;
        }
        const s = statusOf(F, confirmAfter, a);
        if (s < books) {
          books = s;
          this.verdicts.push(a, pair, s, Cause.heartbeat);
        }
        const next = evaluationAt(nextChange(F, confirmAfter, a), C);
        if (next < pending) pending = next;
        continue;
      }
      if (pending > to) break;
      const w = pending;
      const s = statusOf(F, confirmAfter, w);
      if (s !== books) {
        books = s;
        this.verdicts.push(w, pair, s, timerCause);
      }
      pending = evaluationAt(nextChange(F, confirmAfter, w), C);
    }
    if (books !== Status.alive && to < this.endUs) throw new Error('internal: a span ended with the node not trusted');
  }
}

/** The verdict at local instant t under freshness bound F (src/sim/detectors/confirm.ts). */
function statusOf(F: number, confirmAfter: number, t: number): number {
  if (t < F) return Status.alive;
  return t - F >= confirmAfter ? Status.dead : Status.suspected;
}

/** The next instant after t at which the verdict under F changes (+∞: never). */
function nextChange(F: number, confirmAfter: number, t: number): number {
  if (t < F) return F;
  const deadAt = F + confirmAfter;
  return t < deadAt ? deadAt : Number.POSITIVE_INFINITY;
}

/** The instant the monitor looks at x: x itself (exact timers), or the first polling round at or after it (rounds at C, 2C, …). */
function evaluationAt(x: number, C: number): number {
  if (C === 0 || x === Number.POSITIVE_INFINITY) return x;
  return Math.max(C, Math.ceil(x / C) * C);
}
