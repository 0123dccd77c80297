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
 * Sender pauses (stop-the-world GC; ./pause-schedule.ts draws each node's windows from
 * the engine's own fault streams). Around a window every heartbeat matters, so from the
 * first heartbeat it may hold back to the first surely sent after it, heartbeats are
 * drawn raw: the send jitter, then — unless the window holds the send back (missed;
 * sent on resume if the timers burst) — the message from the unconditional laws, the
 * Gilbert–Elliott chain stepped per message as on the link. The skipper was stopped at
 * that message (`nextInteresting(limit)`) and resumes after it: gaps and stays are
 * memoryless, so cutting and resuming them is exact. Message numbers then part from
 * heartbeat numbers (`offset`). The window lies inside a full segment (W heartbeats
 * each side); the books hear its start, end and the first news after it in time order.
 *
 * Crashes and restarts (crashAt, crashRecover one node at a time). The crash processes
 * are the engine's own draws (src/sim/fast/crash-processes.ts: same streams, same order
 * as the crash service), so a node goes down and comes back at the same instants on
 * every path. ./node-schedule.ts turns them into the node's *lives* and *down times*:
 * heartbeat numbers run on across lives and the nominal instant is piecewise — a
 * restart at r sends at once (no jitter) and starts the lattice r + m·I afresh. A down
 * time is a window like a pause: from the first heartbeat its crash may cancel (a
 * crash, a world event, comes before a send at its instant: a send at or after it is
 * cancelled, not missed) to the restart's heartbeat, everything is drawn raw, and the
 * segment reaches W heartbeats past the restart, so every segment edge and every quick
 * group lies inside one regular stretch of one life, where the lemmas above hold
 * unchanged. Messages in flight at the crash still arrive. The books hear the crash and
 * the restart (world, before the instant's deliveries and timers). With pauses: a
 * crashed node misses nothing; a restart forgets what its pause held back before the
 * crash (the engine's missed count restarts with the process), and a pause that ends
 * while the node is down bursts nothing.
 *
 * Link classes (link overrides): a node's heartbeats travel on its own class's link
 * (the last override naming it wins, as in the engine), so each class has its own law
 * set and skipper (built once, reset per node) and its own fixed delay b; θ and W do
 * not depend on the link, so nothing else changes. Clock drift and steps of nodes: a
 * node's clock only stamps its heartbeats (its timer runs on the true schedule, as in
 * the engine), and the detector times arrivals on the observer's clock, so they change
 * no verdict and the walk takes them as they are (the observer's own clock faults: no).
 *
 * Slow I/O (an extra delay on every send of the selected nodes, the last rule naming a
 * node wins, as in the engine) is a third part of lateness: the node's class is its link
 * and its slow I/O law, and its skipper splits θ three ways (./heartbeat-skipper.ts).
 *
 * CPU starvation windows (every send within one waits an extra delay; one rule per node,
 * as the engine applies the extra delay of the rule that began last) are raw windows
 * like pauses (./pause-schedule.ts draws them from the engine's fault streams): every
 * heartbeat is drawn raw there and a message that leaves inside one (a burst included)
 * gets the extra delay on top; the segment reaches W past any late one, as always.
 *
 * Scope (`timeoutWalkRefusal`): the fixed-timeout detector (either clock), exact timers
 * or polling, pushed heartbeats, sender pauses (one resume mode), crashes without racks,
 * slow I/O, CPU starvation (one rule per node) and the nodes' clock faults as the only
 * faults, link overrides without TCP or duplication, a jitter below the interval, θ ≥ 0.
 * One same-instant order differs: when a node crashes at the
 * very µs a bursting pause of it ends, the engine orders the two world events by their
 * processes' indices (two services' numbering); the walk always takes the crash first
 * (nothing bursts). Every other coincidence of world events gives the same result in
 * either order.
 * Same-instant order: an arrival comes before a timer or a polling round at its
 * instant (issue 10's kernel order: deliver before timer).
 *
 * Size: about 820 lines, 170 of them this header; one class (the walk's per-node state
 * machine: groups, segments, raw stretches, which share its per-node fields), whose
 * buffers live in ./walk-buffers.ts and whose per-node schedule (lives, windows) in
 * ./node-schedule.ts; splitting the class would pass that state around.
 */
import type { LinkConfig, SimConfig } from '../config.js';
import type { DelayDistribution } from '../random/distributions.js';
import { selectNodes } from '../faults/faults.js';
import { linkLossModel } from '../network/links.js';
import { Cause, MetricsRecorder } from '../metrics/recorder.js';
import { NodeKeyFamily } from '../random/stream-keys.js';
import { StreamBank, type SeedRoot } from '../random/streams.js';
import type { RunHooks, RunResult } from '../engine/run-result.js';
import { Status } from '../status.js';
import { HeartbeatSkipper, NONE, SkipLawSet } from './heartbeat-skipper.js';
import { pauseFaultsRefusal, pauseSchedule, starvationSchedule, type PauseSchedule, type StarvationSchedule } from './pause-schedule.js';
import { DurationSampler } from '../random/distributions.js';
import { CRASH, DOUBLE_FIELD, DrawnAhead, NEWS, NumberList, PAUSE_END, PAUSE_START, RECOVER, sortPrefix, VerdictList } from './walk-buffers.js';
import { NodeSchedule, WINDOW_PAUSE, WINDOW_STARVE } from './node-schedule.js';
import { NodeCrashProcesses } from '../fast/crash-processes.js';
import { heartbeatPhaseUs } from '../fast/node-streams.js';
import { skipRefusal, timeoutThresholdUs } from './thresholds.js';
import { judgeAt, NodePrefix, primeJudge, type WalkShared } from './walk-shared.js';
import { SKIPPER_STATE_LENGTH } from './heartbeat-skipper.js';
import { PlainWalk } from './plain-walk.js';

/** Why the walk cannot run `config`, or null when it can. */
export function timeoutWalkRefusal(config: SimConfig): string | null {
  const d = config.detector;
  if (d.kind !== 'timeout') return 'only the fixed-timeout detector';
  const whole = (v: number, min: number) => Number.isSafeInteger(v) && v >= min;
  if (!whole(d.timeoutUs, 1) || !whole(d.checkIntervalUs, 0)) return 'the timeout and check interval must be whole µs';
  if (!(d.deadAfterUs === Number.POSITIVE_INFINITY || whole(d.deadAfterUs, d.timeoutUs))) return 'dead-after must be whole µs, at least the timeout';
  if (config.trace) return 'a recorded trace';
  const crashes = crashesRefusal(config);
  if (crashes !== null) return crashes;
  const faults = pauseFaultsRefusal(config.faults ?? [], config.nodeNames);
  if (faults !== null) return faults;
  const tcp = (l: LinkConfig | undefined) => l?.transport === 'tcp';
  if (tcp(config.link) || tcp(config.reverseLink) || (config.linkOverrides ?? []).some((o) => tcp(o.toObserver) || tcp(o.fromObserver))) {
    return 'TCP links couple heartbeats (retransmissions, head-of-line blocking)';
  }
  if (config.monitorFailover) return 'a monitor that fails over judges every node at once';
  for (const link of linkClasses(config).links) {
    const refusal = skipRefusal(config.heartbeat.jitter, config.heartbeat.intervalUs, link.duplicateProbability, timeoutThresholdUs(d.timeoutUs, config.heartbeat.intervalUs));
    if (refusal !== null) return refusal;
  }
  return null;
}

/**
 * Whether a full walk of `config` takes the lean path (./plain-walk.ts): every node on
 * one link with Bernoulli loss (no Gilbert–Elliott chain), no faults (pauses, slow I/O,
 * starvation, clock faults), no crashes. Results are the same on either path.
 */
export function plainWalkApplies(config: SimConfig): boolean {
  if ((config.faults?.length ?? 0) > 0 || config.crashes.length > 0) return false;
  const classes = linkClasses(config);
  return classes.links.length === 1 && classes.extras[0] === undefined && linkLossModel(classes.links[0]!).kind === 'bernoulli';
}

/**
 * The heartbeat paths' classes: a node's link (the default, or the `toObserver` of the
 * last override naming it, as in the engine's link rules) and its slow I/O (the extra
 * delay of the last `slowIo` rule naming it, as the engine's fault service); `classOf[node]`
 * indexes `links` and `extras`. The reverse links carry nothing here.
 */
function linkClasses(config: SimConfig): { links: LinkConfig[]; extras: (DelayDistribution | undefined)[]; classOf: Int32Array } {
  const names = config.nodeNames;
  const classOf = new Int32Array(names.length);
  // Every node on the cell's link, none slowed (workload B, the search's probes): one class,
  // without the per-node arrays and closures below (set up again for every probe's walk).
  const overridden = (config.linkOverrides ?? []).some((o) => o.toObserver !== undefined);
  const slowed = (config.faults ?? []).some((f) => f.kind === 'slowIo');
  if (!overridden && !slowed) return names.length === 0 ? { links: [], extras: [], classOf } : { links: [config.link], extras: [undefined], classOf };
  const perNode: LinkConfig[] = names.map(() => config.link);
  for (const override of config.linkOverrides ?? []) {
    if (override.toObserver === undefined) continue;
    for (const node of selectNodes(override.nodes, names)) perNode[node] = override.toObserver;
  }
  const extraOf: (DelayDistribution | undefined)[] = names.map(() => undefined);
  for (const fault of config.faults ?? []) {
    if (fault.kind === 'slowIo') for (const node of selectNodes(fault.nodes, names)) extraOf[node] = fault.extraDelay;
  }
  const links: LinkConfig[] = [];
  const extras: (DelayDistribution | undefined)[] = [];
  for (let node = 0; node < names.length; node++) {
    const link = perNode[node]!;
    const extra = extraOf[node];
    let c = 0;
    while (c < links.length && !(links[c] === link && extras[c] === extra)) c++;
    if (c === links.length) {
      links.push(link);
      extras.push(extra);
    }
    classOf[node] = c;
  }
  return { links, extras, classOf };
}

/** Crashes the walk takes: `crashAt`, and `crashRecover` one node at a time (racks crash nodes together), in whole µs. */
export function crashesRefusal(config: SimConfig): string | null {
  const whole = (v: number, min: number) => Number.isSafeInteger(v) && v >= min;
  for (const crash of config.crashes) {
    if (crash.kind === 'crashAt') {
      if (!whole(crash.atUs, 0) || (crash.downUs !== null && !whole(crash.downUs, 1))) return 'crash instants must be whole µs';
    } else if (crash.kind === 'crashRecover') {
      if (!whole(crash.mttfUs, 1) || !whole(crash.mttrUs, 0) || (crash.restartDelayUs !== undefined && !whole(crash.restartDelayUs, 0))) return 'crash times must be whole µs';
      if (crash.rackSize !== undefined && crash.rackSize > 1) return 'racks crash several nodes at once';
    } else {
      return 'an unknown crash kind';
    }
  }
  return null;
}

/** `hooks.onProgress` hears the fraction of nodes walked (a long run reports from within, as the engine does). */
export function runTimeoutWalk(config: SimConfig, hooks?: RunHooks, options: WalkOptions = {}): RunResult {
  const refusal = timeoutWalkRefusal(config);
  if (refusal !== null) throw new RangeError(`the skipping walk does not apply: ${refusal}`);
  return new TimeoutWalk(config, options.pausesOnly === true, options.shared ?? null, options.general === true).run(hooks?.onProgress);
}

export interface WalkOptions {
  /**
   * Only `pauses` and `pausesWithSuspicion` are wanted (the pause-survival search): each
   * node's walk stops after the segment of its last pause window. Exact for those two,
   * draw for draw: everything up to there is drawn as in a full walk, and the segment
   * ends W heartbeats past the first heartbeat surely sent after the pause, with the node
   * trusted, so the first news after the pause (which closes its attribution window) has
   * arrived within it and nothing later can count. That segment itself ends as soon as
   * the first news is known (`newsBy`): every verdict up to it is then judged as in the
   * longer segment, and later ones cannot count. Every other tally is then partial.
   */
  readonly pausesOnly?: boolean;
  /**
   * Set-up shared with other runs that differ only in one pause length (the
   * pause-survival search's probes, ./walk-shared.ts): phases, stream keys and pause
   * onsets are derived once. Exact: the same values as a fresh walk derives.
   */
  readonly shared?: WalkShared;
  /**
   * Walk plain nodes on the general path too (tests: ./plain-walk.ts must equal it draw
   * for draw). Results are the same either way.
   */
  readonly general?: boolean;
}

/** The walk's constants, scratch buffers and tallies; nodes are walked one after another. */
class TimeoutWalk {
  // µs fields hold doubles from construction (DOUBLE_FIELD: one layout for the search's short probes and hour-long runs).
  private readonly I: number = DOUBLE_FIELD;
  private readonly T: number = DOUBLE_FIELD;
  private readonly deadAfter: number = DOUBLE_FIELD;
  private readonly C: number = DOUBLE_FIELD;
  /** The node's link: its fixed delay and its skipper (one per link class, reset per node). */
  private b: number = DOUBLE_FIELD;
  private readonly theta: number = DOUBLE_FIELD;
  private readonly endUs: number = DOUBLE_FIELD;
  private readonly warmupUs: number = DOUBLE_FIELD;
  private readonly W: number;
  private readonly metrics: MetricsRecorder;
  private readonly verdicts = new VerdictList();
  private readonly bank: StreamBank;
  private skipper: HeartbeatSkipper;
  private readonly skippers: HeartbeatSkipper[];
  private readonly classOf: Int32Array;
  private readonly classBaseUs: Float64Array;
  private readonly ahead = new DrawnAhead();
  /** Late arrivals of the node that fall after what drew them (they may end a later suspicion). */
  private pending = new NumberList();
  private carried = new NumberList();
  private readonly arrivals = new NumberList();
  // Tallies: doubles from construction (DOUBLE_FIELD; zeroed in the constructor): counts of skipped heartbeats come from
  // double arithmetic, and a Smi field would change its layout at the first one, in the middle of a run.
  private sent = DOUBLE_FIELD;
  private delivered = DOUBLE_FIELD;
  private lost = DOUBLE_FIELD;
  // The node being walked.
  private pair = 0;
  private K = 0;
  private trusted = true;
  private lastArrival = DOUBLE_FIELD; // set per node (walkNode, resume)
  /** The skipper's current interesting heartbeat, by heartbeat number, or NONE. */
  private next = NONE;
  // Sender pauses and crash processes (null: none configured); the node's lives and windows.
  private readonly pauses: PauseSchedule | null;
  private readonly crashes: NodeCrashProcesses | null;
  private readonly schedule: NodeSchedule;
  // CPU starvation: the windows, each node's extra-delay sampler (null: never starved), the node's own, its `skip` stream.
  private readonly starves: StarvationSchedule | null;
  private readonly starveSamplers: (DurationSampler | null)[];
  private starveSampler: DurationSampler | null = null;
  private stream = 0;
  /** The first window of the raw stretch being drawn. */
  private stretchFrom = 0;
  private missed = DOUBLE_FIELD;
  /** The node's next window (pause or down time) not yet drawn, and the end of its windows. */
  private pauseAt = 0;
  private pauseEnd = 0;
  /** Windows of the current segment and raw stretch; the next window a send may fall in; the next burst. */
  private segmentWindowsFrom = 0;
  private rawWindowAt = 0;
  private burstAt = 0;
  /** Message number minus heartbeat number (pauses hold heartbeats back, bursts add messages). */
  private offset = 0;
  /** The skipper stops at this message number: the next window's first heartbeat. */
  private limit = NONE;
  /**
   * Probes of the pause-survival search (./walk-shared.ts, NodePrefix): `prefixes` keeps
   * each node's walk before its pause window; `saving` is the node's prefix to fill at
   * its window's first heartbeat (null: not saving); the node's tallies and verdict count
   * when its walk began; ends cut by the run's end (a send or arrival past it).
   */
  private readonly prefixes: WalkShared | null;
  private saving: NodePrefix | null = null;
  private node0Sent = DOUBLE_FIELD;
  private node0Delivered = DOUBLE_FIELD;
  private node0Lost = DOUBLE_FIELD;
  private node0Missed = DOUBLE_FIELD;
  private node0Verdicts = 0;
  private node0Cuts = 0;
  private endCuts = 0;
  private warmFrom = 0;
  private warmTo = 0;

  /** The lean path when every node is plain (./plain-walk.ts), else null. */
  private readonly plain: PlainWalk | null;

  constructor(
    private readonly config: SimConfig,
    private readonly pausesOnly = false,
    private readonly shared: WalkShared | null = null,
    general = false,
  ) {
    const d = config.detector as Extract<SimConfig['detector'], { kind: 'timeout' }>;
    this.I = config.heartbeat.intervalUs;
    this.T = d.timeoutUs;
    this.deadAfter = d.deadAfterUs;
    this.C = d.checkIntervalUs;
    this.b = config.link.delay.baseUs;
    this.theta = timeoutThresholdUs(this.T, this.I);
    this.sent = this.delivered = this.lost = this.missed = 0;
    this.node0Sent = this.node0Delivered = this.node0Lost = this.node0Missed = 0;
    this.endUs = config.durationUs;
    this.warmupUs = config.warmupUs;
    this.W = Math.ceil((this.T + this.theta) / this.I) + 2;
    const n = config.nodeNames.length;
    this.bank = new StreamBank(n + 4);
    // The sample timeline comes from the walk too: every verdict change is known, in order.
    this.metrics = new MetricsRecorder(n, this.warmupUs, config.transitionLogLimit, config.flapWindowUs ?? 60_000_000);
    // One law set and skipper per link class, shared by every node of the class.
    const classes = linkClasses(config);
    this.classOf = classes.classOf;
    this.classBaseUs = Float64Array.from(classes.links, (l) => l.delay.baseUs);
    const lawSets = classes.links.map((link, c) => {
      const extra = classes.extras[c];
      const laws = { loss: linkLossModel(link), jitter: config.heartbeat.jitter, delay: link.delay.random, thresholdUs: this.theta, ...(extra === undefined ? {} : { extra }) };
      return new SkipLawSet(laws, this.bank);
    });
    this.skippers = lawSets.map((set) => new HeartbeatSkipper(set, this.bank));
    this.skipper = this.skippers[0]!;
    // Plain nodes (one link class, Bernoulli loss, no slow I/O, no episodes, a full walk) take the lean path.
    const plain = !general && !pausesOnly && shared === null && classes.links.length === 1 && plainWalkApplies(config);
    this.plain = plain
      ? new PlainWalk(lawSets[0]!, this.bank, this.verdicts, {
          intervalUs: this.I,
          timeoutUs: this.T,
          deadAfterUs: this.deadAfter,
          checkIntervalUs: this.C,
          baseDelayUs: this.classBaseUs[0]!,
          thresholdUs: this.theta,
          endUs: this.endUs,
          warmupUs: this.warmupUs,
          W: this.W,
        })
      : null;
    const root: SeedRoot = { seed: config.seed, replication: config.replication };
    const sharedPauses = (config.faults?.length ?? 0) > 0 && this.shared !== null ? this.shared.pauseSchedule(config, root) : null;
    this.pauses = (config.faults?.length ?? 0) > 0 ? (sharedPauses ?? pauseSchedule(config, root, this.bank)) : null;
    this.crashes = config.crashes.length > 0 ? new NodeCrashProcesses(config.crashes, config.nodeNames, root, this.bank) : null;
    this.schedule = new NodeSchedule(this.I, this.endUs);
    const starving = (config.faults ?? []).some((f) => f.kind === 'cpuStarvation');
    this.starves = starving ? starvationSchedule(config, root, this.bank) : null;
    // A probe of the search (one shared pause a node, nothing else episodic) keeps and resumes each node's prefix.
    this.prefixes = sharedPauses !== null && this.crashes === null && this.starves === null ? this.shared : null;
    this.prefixes?.usePrefixes(config);
    // A full walk on this path (not the search's probes, where suspicions are common): see judgeThroughASuspicion.
    if (!pausesOnly && this.plain === null) this.judgeThroughASuspicion();
    const samplers = new Map<DelayDistribution, DurationSampler>();
    this.starveSamplers = this.starves === null ? [] : this.starves.extraOf.map((law) => {
      if (law === null) return null;
      if (!samplers.has(law)) samplers.set(law, new DurationSampler(law, this.bank, 'CPU starvation extra delay'));
      return samplers.get(law)!;
    });
  }

  run(onProgress?: (fraction: number) => void): RunResult {
    const config = this.config;
    const names = config.nodeNames;
    const root: SeedRoot = { seed: config.seed, replication: config.replication };
    // About a hundred progress calls a run, whatever the node count.
    const every = Math.max(1, Math.floor(names.length / 100));
    const shared = this.shared === null ? null : this.shared.nodeSetup(config);
    // One stream per link for positions, fates and parts alike: `link/<node>><monitor>/skip`.
    const skipKeys = NodeKeyFamily.linkTo(config.monitorName, 'skip');
    if (this.plain !== null) return this.runPlain(this.plain, root, skipKeys, onProgress);
    for (let node = 0; node < names.length; node++) {
      if (onProgress !== undefined && node > 0 && node % every === 0) onProgress(node / names.length);
      const name = names[node]!;
      const phase = shared !== null ? shared.phases[node]! : heartbeatPhaseUs(root, name, this.I);
      let stream: number;
      if (shared !== null) stream = this.bank.add(root, shared.skipKeys[node]!);
      else {
        skipKeys.of(name);
        stream = this.bank.addDigest(root, skipKeys.hi, skipKeys.lo);
      }
      const linkClass = this.classOf[node]!;
      this.skipper = this.skippers[linkClass]!;
      this.b = this.classBaseUs[linkClass]!;
      this.skipper.reset(stream, stream);
      this.stream = stream;
      this.starveSampler = this.starves === null ? null : this.starveSamplers[node]!;
      this.walkNode(node, phase);
    }
    return this.finish();
  }

  /** Every node on the lean path: the same phases and streams as the general loop, in the same order. */
  private runPlain(plain: PlainWalk, root: SeedRoot, skipKeys: NodeKeyFamily, onProgress: ((fraction: number) => void) | undefined): RunResult {
    const names = this.config.nodeNames;
    const every = Math.max(1, Math.floor(names.length / 100));
    const I = this.I;
    const bank = this.bank;
    for (let node = 0; node < names.length; node++) {
      if (onProgress !== undefined && node > 0 && node % every === 0) onProgress(node / names.length);
      const name = names[node]!;
      skipKeys.of(name);
      plain.walkNode(node, heartbeatPhaseUs(root, name, I), bank.addDigest(root, skipKeys.hi, skipKeys.lo));
    }
    this.sent = plain.sent;
    this.delivered = plain.delivered;
    this.lost = plain.lost;
    return this.finish();
  }

  private finish(): RunResult {
    const metrics = this.metrics;
    this.verdicts.replayInto(metrics);
    metrics.heartbeatsMissedWhilePaused = this.missed;
    metrics.heartbeatsSent = this.sent;
    metrics.heartbeatsDelivered = this.delivered;
    metrics.heartbeatsLost = this.lost;
    const { tallies, log } = metrics.finish(this.endUs);
    return { tallies, log, events: 0, endUs: this.endUs };
  }

  private walkNode(pair: number, phase: number): void {
    const { I, W, b, theta, endUs, warmupUs } = this;
    this.pair = pair;
    // The node's lives (crashes end them, restarts begin new lattices) and windows.
    const schedule = this.schedule;
    schedule.build(pair, phase, this.pauses, this.crashes, this.starves);
    // Heartbeats k = 0 … K − 1 have nominal sends at or before the end (and before their life's crash).
    const K = schedule.K;
    this.K = K;
    // Edges drawn in full: the end (sends or arrivals may fall past it) and the warm-up boundary.
    const endEdge = Math.max(0, schedule.floorIndex(endUs - b - theta - I));
    const warmFrom = Math.max(0, schedule.floorIndex(warmupUs - b - theta - I));
    const warmTo = schedule.ceilIndex(warmupUs);
    const hasWarmEdge = warmupUs > 0;
    this.trusted = true;
    this.lastArrival = 0; // the detector starts as if a heartbeat arrived at 0
    this.pending.length = 0;
    this.ahead.clear();
    // Pause windows of this node: each is drawn raw, in a segment (message numbers then
    // part from heartbeat numbers by `offset`).
    this.pauseAt = 0;
    this.pauseEnd = schedule.windowCount;
    this.offset = 0;
    if (K === 0) {
      this.walkSilentNode();
      return;
    }
    let k = 0; // next heartbeat not yet accounted for
    const saved = this.prefixes === null ? null : this.prefixes.prefixOf(pair);
    if (saved !== null && saved.fits(endUs, endEdge, warmFrom, warmTo, schedule.windowStart[0]!, schedule.windowCount)) {
      // Everything before the window is as the saving probe walked it: resume there.
      this.prefixes!.resumed++;
      this.saving = null;
      k = this.resume(saved, endEdge) + 1;
    } else {
      this.saving = this.prefixes === null ? null : new NodePrefix();
      this.node0Sent = this.sent;
      this.node0Delivered = this.delivered;
      this.node0Lost = this.lost;
      this.node0Missed = this.missed;
      this.node0Verdicts = this.verdicts.length;
      this.node0Cuts = this.endCuts;
      this.warmFrom = warmFrom;
      this.warmTo = warmTo;
      this.setLimit();
      this.pull();
    }
    while (k < K && !(this.pausesOnly && this.pauseEnd > 0 && this.pauseAt === this.pauseEnd)) {
      const pauseFrom = this.pauseAt < this.pauseEnd ? Math.max(k, this.windowFirstBeat(this.pauseAt) - W) : Number.POSITIVE_INFINITY;
      let edge = k === 0 ? 0 : Number.POSITIVE_INFINITY;
      if (hasWarmEdge && warmTo >= k) edge = Math.min(edge, Math.max(k, warmFrom));
      edge = Math.min(edge, Math.max(k, endEdge), pauseFrom);
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
        first = this.ahead.index[this.firstInterestingAhead()]!;
      }
      let start = k === 0 ? 0 : Number.POSITIVE_INFINITY;
      if (first !== NONE) start = Math.min(start, Math.max(k, first - W));
      if (hasWarmEdge && warmTo >= k) start = Math.min(start, Math.max(k, warmFrom));
      start = Math.min(start, Math.max(k, endEdge), pauseFrom);
      // Ordinary heartbeats before the segment: counted, not drawn (all on one side of the warm-up).
      this.countSkipped(k, Math.min(start, K) - k);
      if (start >= K) break;
      // (The loop also ends when only the pauses are wanted and the last one's segment is done: its attribution window has closed.)
      k = this.segment(start, endEdge, hasWarmEdge, warmTo) + 1;
    }
  }

  /** The next interesting heartbeat (by heartbeat number), or NONE before the next pause window. */
  private pull(): number {
    const m = this.skipper.nextInteresting(this.limit);
    this.next = m === NONE ? NONE : m - this.offset;
    return this.next;
  }

  /** The skipper must stop at the message of the next pause window's first heartbeat. */
  private setLimit(): void {
    this.limit = this.pauseAt < this.pauseEnd ? this.windowFirstBeat(this.pauseAt) + this.offset : NONE;
  }

  /** The first heartbeat a window may hold back or cancel (sends precede the nominal instant by less than I). */
  private windowFirstBeat(w: number): number {
    return Math.max(0, this.schedule.floorIndex(this.schedule.windowStart[w]!) - 1);
  }

  /**
   * The first heartbeat surely sent after a window ends (its nominal instant is at or
   * after the end: after a down time, the restart's); K − 1 at most.
   */
  private windowAfterBeat(w: number): number {
    const e = this.schedule.windowEnd[w]!;
    return e > this.endUs ? this.K - 1 : Math.min(this.K - 1, this.schedule.ceilIndex(e));
  }

  /** A node that sends nothing within the run (down from before its first heartbeat): its windows and its one suspicion. */
  private walkSilentNode(): void {
    while (this.pauseAt < this.pauseEnd) this.bookWindow(this.pauseAt++);
    this.arrivals.length = 0;
    this.carried.length = 0;
    this.judge(this.arrivals, 0, 0, this.endUs, this.carried);
  }

  /** The books hear a window's edges: a pause's start and end, or a crash and its restart (starvation: nothing). */
  private bookWindow(w: number): void {
    const schedule = this.schedule;
    if (schedule.windowKind[w] === WINDOW_STARVE) return;
    const pause = schedule.windowKind[w] === WINDOW_PAUSE;
    this.verdicts.push(schedule.windowStart[w]!, this.pair, pause ? PAUSE_START : CRASH, 0);
    if (schedule.windowEnd[w]! <= this.endUs) this.verdicts.push(schedule.windowEnd[w]!, this.pair, pause ? PAUSE_END : RECOVER, 0);
  }

  private firstInterestingAhead(): number {
    const ahead = this.ahead;
    let i = 0;
    while (ahead.interesting[i] === 0) i++;
    return i;
  }

  /** `count` ordinary heartbeats from k on, undrawn: all sent and delivered, or all before the warm-up. */
  private countSkipped(k: number, count: number): void {
    if (count > 0 && this.schedule.nominal(k) >= this.warmupUs) {
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
    for (let k = this.next; k !== NONE && (last < 0 || k <= last + 2 * W); k = this.pull()) {
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
    const { T, b } = this;
    const schedule = this.schedule;
    const arrivals = this.arrivals;
    let i = 0;
    while (i < ahead.length) {
      let j = i;
      while (j + 1 < ahead.length && ahead.index[j + 1] === ahead.index[j]! + 1) j++;
      // Run i … j: ordinary at both ends. Instants that need an arrival: [from, to].
      const from = schedule.nominal(ahead.index[i]!) + b + T + 1;
      const to = schedule.nominal(ahead.index[j]! - 1) + b + T;
      arrivals.length = 0;
      for (let e = i; e <= j; e++) {
        if (ahead.lost[e] === 1) continue;
        arrivals.push(schedule.nominal(ahead.index[e]!) + ahead.jitterUs[e]! + b + ahead.delayUs[e]!);
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
    const { b, endUs, warmupUs, theta } = this;
    const schedule = this.schedule;
    for (let e = 0; e < ahead.length; e++) {
      const nominal = schedule.nominal(ahead.index[e]!);
      const sendUs = nominal + ahead.jitterUs[e]!;
      const counted = sendUs >= warmupUs;
      if (counted) this.sent++;
      if (ahead.lost[e] === 1) {
        if (counted) this.lost++;
        continue;
      }
      const arrivalUs = sendUs + b + ahead.delayUs[e]!;
      if (arrivalUs > endUs) {
        this.endCuts++;
        continue;
      }
      if (arrivalUs >= warmupUs) this.delivered++;
      // A late arrival may land after later heartbeats and end a later suspicion.
      if (ahead.interesting[e] === 1 && arrivalUs > nominal + b + theta) this.pending.push(arrivalUs);
    }
  }

  /**
   * Draws and simulates the segment that starts at heartbeat `start` (reusing what
   * `ahead` holds), growing it to W past every interesting heartbeat, every pause
   * window and to the edges. Heartbeats a pause window may hold back are drawn raw
   * (`rawHeartbeat`). Returns its last heartbeat.
   */
  private segment(start: number, endEdge: number, hasWarmEdge: boolean, warmTo: number, resumedFrom = -1, resumedEnd = 0): number {
    const { I, W, b, theta, T, endUs, K } = this;
    const schedule = this.schedule;
    // Only the pause tallies wanted and every window a pause: the segment may end at the pause's first news (`newsBy`).
    const cutAtNews = this.pausesOnly && this.crashes === null && this.starves === null;
    const skipper = this.skipper;
    const ahead = this.ahead;
    const arrivals = this.arrivals;
    let end = Math.min(K - 1, start + W);
    if (hasWarmEdge && start <= warmTo) end = Math.max(end, Math.min(K - 1, warmTo + 1));
    if (ahead.length > 0) end = Math.max(end, Math.min(K - 1, ahead.index[ahead.length - 1]!));
    // A resumed probe (resumedFrom ≥ 0: `resume`) goes on from its prefix's window beat with
    // the prefix's reach. Numbers, not the NodePrefix: a property read here would first run
    // at the second probe, after V8 compiled this function in the first, and throw it away.
    if (resumedFrom < 0) arrivals.length = 0; // (a resumed segment's arrivals so far are restored)
    else end = resumedEnd;
    this.segmentWindowsFrom = this.pauseAt;
    let windowBeat = this.pauseAt < this.pauseEnd ? this.windowFirstBeat(this.pauseAt) : NONE;
    let rawTo = -1;
    for (let j = resumedFrom < 0 ? start : resumedFrom; j <= end; j++) {
      if (j === windowBeat) {
        if (this.saving !== null && this.pauseAt === 0) this.save(this.saving, j, start, end, endEdge);
        rawTo = this.enterWindows(j);
        end = Math.max(end, Math.min(K - 1, rawTo + W));
        windowBeat = NONE;
      }
      let jitter: number;
      let delay: number;
      let isLost = false;
      // An interesting heartbeat (of any kind) reaches the segment W further: one site for
      // all kinds, so a raw stretch's first late message (met late in a run) meets code
      // the optimizer has already seen run, not a deopt.
      let reaches = false;
      if (j <= rawTo) {
        const sendUs = this.rawHeartbeat(j);
        // Read the message before leaving: skipping again draws the next interesting one.
        isLost = skipper.lost;
        delay = skipper.delayUs;
        if (j === rawTo) {
          this.leaveWindows(rawTo);
          windowBeat = this.pauseAt < this.pauseEnd ? this.windowFirstBeat(this.pauseAt) : NONE;
        }
        if (sendUs === NONE) continue; // held back by the pause, or not sent within the run
        jitter = sendUs - schedule.nominal(j);
        reaches = isLost || jitter + delay > theta;
      } else if (ahead.read < ahead.length && ahead.index[ahead.read] === j) {
        const e = ahead.read++;
        isLost = ahead.lost[e] === 1;
        jitter = ahead.jitterUs[e]!;
        delay = ahead.delayUs[e]!;
        reaches = ahead.interesting[e] === 1;
      } else if (j === this.next) {
        isLost = skipper.lost;
        jitter = skipper.jitterUs;
        delay = skipper.delayUs;
        this.pull();
        reaches = true;
      } else {
        skipper.drawOrdinary();
        jitter = skipper.ordinaryJitterUs;
        delay = skipper.ordinaryDelayUs;
      }
      if (reaches) end = Math.max(end, Math.min(K - 1, j + W));
      // The next interesting heartbeat or pause window within reach joins this segment (segments stay W apart).
      const next = this.next;
      if (next !== NONE && next <= end + W) end = Math.max(end, Math.min(K - 1, next));
      if (windowBeat !== NONE && windowBeat - W <= end) end = Math.max(end, Math.min(K - 1, windowBeat));
      if (end + W >= endEdge) end = K - 1;
      const sendUs = schedule.nominal(j) + jitter;
      if (sendUs > endUs) {
        this.endCuts++;
        continue; // not sent within the run
      }
      this.book(sendUs, isLost, delay);
      // pausesOnly, past the node's last window (the segment's only one): once its first news is
      // known the books have closed the pause's attribution window, nothing later counts: end here.
      if (cutAtNews && rawTo >= 0 && j >= rawTo && j < end && this.pauseAt === this.pauseEnd && this.pauseAt === this.segmentWindowsFrom + 1 && this.newsBy(schedule.nominal(j) + b)) end = j;
    }
    ahead.clear();
    const tFrom = start === 0 ? 0 : schedule.nominal(start) + b + theta - I + T + 1;
    const tTo = end === K - 1 ? endUs : schedule.nominal(end) + b;
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
    if (this.pauseAt > this.segmentWindowsFrom) this.newsAfterPauses(arrivals, tTo);
    this.carried = pending;
    this.pending = carried;
    return end;
  }

  /**
   * Whether the first news after the segment's one pause (the first arrival at or after
   * its end: newsAfterPauses) is surely at or before `tUs` = nominal(j) + b, with every
   * heartbeat up to j drawn: one of the segment's arrivals is (late arrivals carried from
   * earlier segments are not looked at: rare, left to the longer segment). Arrivals up to
   * tUs are then all known (a later heartbeat arrives at or after nominal(j + 1) + b), so
   * judging to tUs gives every verdict up to that news exactly as a longer segment would,
   * and the news itself is the same.
   */
  private newsBy(tUs: number): boolean {
    const e = this.schedule.windowEnd[this.pauseAt - 1]!;
    if (e > this.endUs) return false;
    const arrivals = this.arrivals;
    for (let i = arrivals.length - 1; i >= 0; i--) if (arrivals.items[i]! >= e && arrivals.items[i]! <= tUs) return true;
    return false;
  }

  /**
   * Saves the node's walk at heartbeat `j`, its first window's first heartbeat, inside
   * the segment from `start` reaching `end` (./walk-shared.ts, NodePrefix) — unless the
   * run's end shaped it (an edge joined, or a send or arrival was cut): later probes
   * then walk the node afresh.
   */
  private save(p: NodePrefix, j: number, start: number, end: number, endEdge: number): void {
    this.saving = null;
    const ahead = this.ahead;
    if (end + this.W >= endEdge || this.endCuts !== this.node0Cuts || ahead.read !== ahead.length) return;
    p.start = start;
    p.end = end;
    p.windowBeat = j;
    p.windowStartUs = this.schedule.windowStart[0]!;
    p.windowCount = this.schedule.windowCount;
    p.warmFrom = this.warmFrom;
    p.warmTo = this.warmTo;
    p.reachPlusW = end + this.W;
    p.sent = this.sent - this.node0Sent;
    p.delivered = this.delivered - this.node0Delivered;
    p.lost = this.lost - this.node0Lost;
    p.missed = this.missed - this.node0Missed;
    p.trusted = this.trusted;
    p.lastArrival = this.lastArrival;
    p.next = this.next;
    p.offset = this.offset;
    p.limit = this.limit;
    this.skipper.saveState(p.random, 0);
    this.bank.saveStream(this.stream, p.random, SKIPPER_STATE_LENGTH);
    p.arrivals = this.arrivals.items.slice(0, this.arrivals.length);
    p.pending = this.pending.items.slice(0, this.pending.length);
    let latest = this.lastArrival;
    for (let i = 0; i < p.arrivals.length; i++) latest = Math.max(latest, p.arrivals[i]!);
    for (let i = 0; i < p.pending.length; i++) latest = Math.max(latest, p.pending[i]!);
    p.latestArrivalUs = latest;
    const v = this.verdicts;
    p.verdictTimeUs = v.timeUs.slice(this.node0Verdicts, v.length);
    p.verdictTo = v.to.slice(this.node0Verdicts, v.length);
    p.verdictCause = v.cause.slice(this.node0Verdicts, v.length);
    this.prefixes!.keepPrefix(this.pair, p);
  }

  /** Resumes the node's walk from a saved prefix that fits this run: returns the last heartbeat of the segment it finishes. */
  private resume(p: NodePrefix, endEdge: number): number {
    this.sent += p.sent;
    this.delivered += p.delivered;
    this.lost += p.lost;
    this.missed += p.missed;
    const pair = this.pair;
    for (let i = 0; i < p.verdictTimeUs.length; i++) this.verdicts.push(p.verdictTimeUs[i]!, pair, p.verdictTo[i]!, p.verdictCause[i]!);
    this.trusted = p.trusted;
    this.lastArrival = p.lastArrival;
    this.next = p.next;
    this.offset = p.offset;
    this.limit = p.limit;
    this.skipper.restoreState(p.random, 0);
    this.bank.restoreStream(this.stream, p.random, SKIPPER_STATE_LENGTH);
    const pending = this.pending;
    pending.length = 0;
    for (let i = 0; i < p.pending.length; i++) pending.push(p.pending[i]!);
    const arrivals = this.arrivals;
    arrivals.length = 0;
    for (let i = 0; i < p.arrivals.length; i++) arrivals.push(p.arrivals[i]!);
    this.ahead.clear();
    if (this.windowFirstBeat(0) !== p.windowBeat) throw new Error('internal: a resumed probe’s window moved');
    // The warm-up edge only sets a segment's first reach, which the resumed segment restores.
    return this.segment(p.start, endEdge, false, 0, p.windowBeat, p.end);
  }

  /** Books one message sent at `sendUs`: sent, lost or delivered (an arrival of this segment). */
  private book(sendUs: number, isLost: boolean, delayUs: number): void {
    const counted = sendUs >= this.warmupUs;
    if (counted) this.sent++;
    if (isLost) {
      if (counted) this.lost++;
      return;
    }
    const arrivalUs = sendUs + this.b + delayUs;
    if (arrivalUs > this.endUs) {
      this.endCuts++;
      return; // still in flight at the end
    }
    if (arrivalUs >= this.warmupUs) this.delivered++;
    this.arrivals.push(arrivalUs);
  }

  /**
   * Heartbeat `j` is the first a window (a pause or a down time) may hold back or
   * cancel: from here to the returned heartbeat (the first surely sent after the last
   * window that overlaps: after a down time, the restart's), heartbeats are drawn raw.
   * The skipper stopped exactly here (its limit).
   */
  private enterWindows(j: number): number {
    if (this.skipper.nextPosition !== j + this.offset || this.next !== NONE) throw new Error('internal: the skipper did not stop at the window');
    const firstWindow = this.pauseAt;
    let rawTo = -1;
    let more: boolean;
    let near: boolean;
    do {
      const w = this.pauseAt++;
      this.schedule.windowMissed[w] = 0;
      this.bookWindow(w);
      rawTo = Math.max(rawTo, this.windowAfterBeat(w));
      // Whether the next window (w + 1) joins: its first beat is worked out on every pass
      // (this window's when there is no next one; `windowFirstBeat` only reads), so that V8
      // meets the call before it compiles this, not first at a node's second close pause.
      more = this.pauseAt < this.pauseEnd;
      near = this.windowFirstBeat(Math.min(w + 1, this.pauseEnd - 1)) <= rawTo + 1;
    } while (more && near);
    this.rawWindowAt = this.burstAt = this.stretchFrom = firstWindow;
    return rawTo;
  }

  /**
   * One heartbeat drawn raw near windows: its jitter (a restart sends at once, none),
   * then — unless its life's crash cancels it, or a pause holds it back (it is then
   * missed, and sent on resume if the timers burst) — its message, after the bursts of
   * pauses that ended by its send. Returns the send instant, or NONE when nothing is
   * sent (`skipper.lost` and `delayUs` describe the message).
   */
  private rawHeartbeat(j: number): number {
    const schedule = this.schedule;
    const skipper = this.skipper;
    const life = schedule.lifeCount === 1 ? 0 : schedule.lifeOf(j);
    const restart = schedule.isRestart(j, life);
    const sendUs = restart ? schedule.lifeBase[life]! : schedule.nominal(j) + skipper.drawRawJitter();
    if (sendUs > this.endUs) return NONE;
    // A fault's end comes before a send at its instant: resumed bursts go first.
    while (this.burstAt < this.pauseAt && schedule.windowEnd[this.burstAt]! <= sendUs) this.burstOut(this.burstAt++);
    if (sendUs >= schedule.lifeCrash[life]!) return NONE; // the node crashed first
    // The pause a send may fall in (pauses are disjoint; a down time holds no send).
    while (this.rawWindowAt < this.pauseAt && (schedule.windowEnd[this.rawWindowAt]! <= sendUs || schedule.windowKind[this.rawWindowAt] !== WINDOW_PAUSE)) this.rawWindowAt++;
    const w = this.rawWindowAt;
    const paused = w < this.pauseAt && schedule.windowStart[w]! <= sendUs;
    // A restarted process has missed nothing yet (what its pause held back before the crash is gone).
    if (restart && paused) schedule.windowMissed[w] = 0;
    if (paused) {
      if (sendUs >= this.warmupUs) this.missed++;
      schedule.windowMissed[w]!++;
      return NONE;
    }
    if (!skipper.drawRaw()) skipper.delayUs += this.starvedDelayUs(sendUs);
    return sendUs;
  }

  /** CPU starvation's extra delay for a message that leaves at t (0 outside its windows). */
  private starvedDelayUs(t: number): number {
    const sampler = this.starveSampler;
    if (sampler === null || !this.schedule.within(t, WINDOW_STARVE, this.stretchFrom, this.pauseAt)) return 0;
    return sampler.sampleUs(this.stream);
  }

  /** The heartbeats a pause held back, all sent at its end (fixed-rate timers), if they burst and the node is up. */
  private burstOut(w: number): void {
    const schedule = this.schedule;
    if (schedule.windowKind[w] !== WINDOW_PAUSE || !this.pauses!.burst) return;
    const atUs = schedule.windowEnd[w]!;
    const missed = schedule.windowMissed[w]!;
    if (missed === 0 || schedule.downAt(atUs)) return;
    for (let c = missed; c > 0; c--) {
      const lost = this.skipper.drawRaw();
      this.book(atUs, lost, lost ? this.skipper.delayUs : this.skipper.delayUs + this.starvedDelayUs(atUs));
    }
  }

  /** Raw drawing ends after heartbeat `rawTo`: late bursts go out, message numbers re-align, skipping resumes. */
  private leaveWindows(rawTo: number): void {
    while (this.burstAt < this.pauseAt) {
      const w = this.burstAt++;
      if (this.schedule.windowEnd[w]! <= this.endUs) this.burstOut(w);
    }
    this.offset = this.skipper.nextPosition - (rawTo + 1);
    this.setLimit();
    this.pull();
  }

  /**
   * The first news after each pause of this segment: the first arrival at or after its
   * end while the node is not paused again (the attribution window of the books).
   */
  private newsAfterPauses(arrivals: NumberList, tTo: number): void {
    const { windowKind, windowStart, windowEnd } = this.schedule;
    const pauseAt = this.pauseAt;
    const items = arrivals.items;
    let i = 0;
    for (let w = this.segmentWindowsFrom; w < pauseAt; w++) {
      if (windowKind[w] !== WINDOW_PAUSE) continue;
      const e = windowEnd[w]!;
      if (e > this.endUs) continue;
      while (i < arrivals.length && items[i]! < e) i++;
      for (let x = i; x < arrivals.length && items[x]! <= tTo; x++) {
        const a = items[x]!;
        // Whether a later window of this segment (w < v < pauseAt, started by a) pauses a.
        // Rare (a node's second pause close to its first), so the reads are done on every
        // pass, at v or, past the last window, at w: V8 then has their feedback when it
        // compiles this, instead of throwing the code away at the first such node.
        let paused = false;
        for (let v = w + 1; ; v++) {
          const within = v < pauseAt;
          const at = within ? v : w;
          const started = windowStart[at]! <= a;
          const pausing = windowKind[at] === WINDOW_PAUSE && a < windowEnd[at]!;
          if (!(within && started)) break;
          if (pausing) paused = true;
        }
        if (!paused) {
          this.verdicts.push(a, this.pair, NEWS, Cause.heartbeat);
          break;
        }
      }
    }
  }

  /**
   * `judge` primed into a scratch list before any node is walked (walk-shared.ts
   * primeJudge says why): on workload B + faults walked alone, V8 otherwise compiles
   * `judge` before the first suspicion and throws it away there. The walk's state it
   * touches (trust, the last arrival) is set back afterwards.
   */
  private judgeThroughASuspicion(): void {
    const { endUs } = this;
    const scratch = new VerdictList();
    primeJudge(this.T, this.C, this.deadAfter, endUs, (arrivals, from, carried) => {
      this.trusted = true;
      this.judge(arrivals, from, from, endUs, carried, scratch);
    });
    this.trusted = true;
    this.lastArrival = 0;
  }

  /**
   * The verdicts of one segment from its sorted arrivals: each gap between successive
   * new maxima, judged against T and dead-after. Arrivals past tTo go to `carried`.
   */
  private judge(arrivals: NumberList, lastBefore: number, tFrom: number, tTo: number, carried: NumberList, verdicts = this.verdicts): void {
    const { T, C, deadAfter, endUs, pair } = this;
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
      // Worked out on every gap, though a suspicion is rare: arithmetic the optimizer has
      // only seen on small instants (a suspicion early in the run) is compiled for small
      // integers and thrown away at the first late one (a deopt and a second compile).
      const deadAt = deadAfter === Number.POSITIVE_INFINITY ? Number.POSITIVE_INFINITY : judgeAt(last + deadAfter + 1, C);
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
