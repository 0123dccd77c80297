/**
 * The per-node kernel of the fixed-timeout detector: the general engine's tallies,
 * without its global event queue, for the configurations `fastPathApplies` admits.
 *
 * Why it is exact. With a centralized observer, pushed heartbeats, the fixed-timeout
 * detector, per-node crash processes and no coupling fault, a node's events are
 * scheduled only by the node's own events (a send schedules its deliveries and the
 * next send, a delivery or a wake-up the next wake-up, a crash its recovery, a
 * recovery the restart's send and the next crash) or by the constructor. So the
 * engine's order of one node's events, (instant, scheduling sequence), can be replayed
 * node by node: every pending event here carries a sequence number that orders like
 * the engine's — its parent's processing index × SEQ_STRIDE + its rank among the
 * parent's children, negative for the constructor's, whose order is: first send, crash
 * processes, timer — so events of one node at one microsecond fire in the engine's
 * order (a heartbeat landing exactly on a wake-up, a polling round or a crash
 * included). Only events that schedule something take a processing index. Every
 * stream sees the same draws in the same sequence as in the engine: the next send's
 * jitter when a send fires, loss then (if delivered) duplication and delay per send, a
 * crash process's first up time at the start, its down time at the crash and its next
 * up time at the recovery.
 *
 * Per node: one pending send, a small sorted buffer of deliveries in flight (they may
 * overtake each other; a delivery due before anything else of the node is handled
 * with its send), the wake-ups of exact timers (stale ones included: see `wakeT`) or
 * the observer's polling rounds (`check_interval > 0`), and one pending event per crash
 * process. Polling rounds are walked lazily: rounds that cannot change the verdict are
 * skipped arithmetically, keeping only the sequence number that orders the next one
 * against the node's own events.
 *
 * What crosses nodes: the sample arrays of RunTallies are in the engine's global event
 * order, and the count of live nodes suspected at once (its maximum, the mass-suspicion
 * count) depends on that order at equal instants. Those few records are kept with
 * their instant, where they fall against the polling round of that instant, and the
 * scheduling ancestry of their event (the instants of its parent, grandparent, … back
 * to the constructor): the engine orders two events of different nodes at one instant
 * exactly as their ancestries compare. Recent ancestors come from a ring of processed
 * events; a send chain that repeated one jitter (always, for a fixed jitter) is
 * arithmetic back to its segment's first send — the node's start or a restart — and is
 * written as one run whatever its length; crash and recovery events are kept for the
 * whole run. `merge.ts` puts the records in that order; a tie it cannot decide and
 * that would change a result makes the kernel decline (null), and `runOnce` then runs
 * the engine.
 *
 * Why one file of ~1,700 lines: the hot loops keep their state in fields of one class
 * so the optimizer sees monomorphic, typed accesses; about a third of it rebuilds the
 * engine's insertion order at equal instants (ring, segments, ancestry) and goes away
 * when this kernel adopts the kernel's explicit (time, class, entity, seq) order
 * (src/sim/engine/kernel.ts; issue #10, not done yet).
 *
 * The hot loop (`advance`) allocates nothing: typed arrays, numbers, no closures; the
 * scalars it keeps between calls live in a Float64Array, and cold calls take their
 * numbers from it rather than as (boxed) arguments.
 */
import type { CrashFault, SimConfig } from '../config.js';
import { DurationSampler, type DelayDistribution } from '../random/distributions.js';
import { compileCrashes, type FaultProcess } from '../faults/faults.js';
import { linkLossModel } from '../network/links.js';
import type { TransitionLog } from '../metrics/recorder.js';
import { zeroTallies, type RunTallies } from '../metrics/tallies.js';
import { linkStreamKey, nodeStreamKey } from '../random/stream-keys.js';
import { firstUniform, StreamBank, type SeedRoot } from '../random/streams.js';
import type { RunHooks, RunResult } from '../engine/run-result.js';
import { standardExponential } from '../random/ziggurat.js';
import { ItemKind, ItemStore, MAX_RUNS, mergeItems, Phase } from './merge.js';

/**
 * Sequence numbers: parent's processing index × SEQ_STRIDE + the child's rank among its
 * parent's children (at most 3: a send's delivery, duplicate and next send). Small, so
 * they stay 32-bit integers for runs of hundreds of millions of events per node.
 */
const SEQ_STRIDE = 4;
/** A polling round's successor is scheduled after everything its predecessor's last node event scheduled. */
const CHECK_CHILD = SEQ_STRIDE - 1;
/** The constructor's events: ROOT_SEQ + their rank (first send, crash processes, timer), below any other. */
const ROOT_SEQ = -(2 ** 40);
/** Processed events remembered for ancestries (a power of two). */
const RING = 4096;
const RING_MASK = RING - 1;
/** Root markers: negative, below every instant, ordered like the constructor's scheduling. */
const ROOT_BASE = -(2 ** 52);
/** Events per call of the hot loop (re-entered, so the optimizer sees it called, not only looping). */
const CHUNK = 8192;

/** Slots of TimeoutKernel.v. */
const V_LAST_ARRIVAL = 0; // the detector's last arrival (true µs)
const V_NEXT_CHANGE = 1; // earliest instant the verdict could change without news
const V_NEXT_CHECK = 2; // the next polling round not yet processed
const V_NEXT_CHECK_SEQ = 3; // its sequence number
const V_PAIR_WAKE = 4; // exact timers: the live wake-up deadline
const V_XT = 5; // the earliest crash-process event: instant
const V_XS = 6; // and sequence
const V_ARG = 7; // arguments of cold calls from the hot loop (no boxed numbers)
const V_ARG2 = 8;
const V_COUNT = 9;

const ALIVE = 0;
const SUSPECTED = 1;
const DEAD = 2;

const LOSS_NONE = 0;
const LOSS_BERNOULLI = 1;
const LOSS_GILBERT = 2;

/** Laws drawn inline in the hot loop (the same arithmetic as DurationSampler); others call the sampler. */
const LAW_CONSTANT = 0;
const LAW_UNIFORM = 1;
const LAW_EXPONENTIAL = 2;
const LAW_OTHER = 3;

const EV_SEND = 0;
const EV_DELIVER = 1;
const EV_WAKE = 2;
const EV_PROCESS = 3;

const PROC_CRASH = 0;
const PROC_RECOVER = 1;

/** What is recording a metric: a node's own event, a polling round, or the end of the run. */
const MODE_EVENT = 0;
const MODE_CHECK = 1;
const MODE_FINISH = 2;

function emptyLog(): TransitionLog {
  return {
    timeUs: new Float64Array(0),
    kind: new Uint8Array(0),
    pair: new Int32Array(0),
    from: new Uint8Array(0),
    to: new Uint8Array(0),
    cause: new Uint8Array(0),
    length: 0,
    dropped: 0,
  };
}

/** First multiple of `stepUs` at or after `x` (integers below 2^53). */
function gridCeil(x: number, stepUs: number): number {
  let v = Math.ceil(x / stepUs) * stepUs;
  while (v < x) v += stepUs;
  while (v - stepUs >= x) v -= stepUs;
  return v;
}

/** How the hot loop draws a law: kind, and two parameters as DurationSampler keeps them. */
function lawOf(law: DelayDistribution): { kind: number; a: number; b: number } {
  switch (law.kind) {
    case 'constant':
      return { kind: LAW_CONSTANT, a: Math.round(law.valueUs), b: 0 };
    case 'uniform':
      return { kind: LAW_UNIFORM, a: law.minUs, b: law.maxUs - law.minUs };
    case 'exponential':
      return { kind: LAW_EXPONENTIAL, a: law.meanUs, b: 0 };
    default:
      return { kind: LAW_OTHER, a: 0, b: 0 };
  }
}

function grown(a: Float64Array): Float64Array {
  const b = new Float64Array(a.length * 2);
  b.set(a);
  return b;
}

/** One run, node after node; `run()` gives the engine's RunResult (empty log), or null when it declines. */
export class TimeoutKernel {
  // ---- configuration ------------------------------------------------------------------
  private readonly n: number;
  private readonly intervalUs: number;
  private readonly checkUs: number;
  private readonly polling: boolean;
  private readonly timeoutUs: number;
  private readonly deadAfterUs: number;
  private readonly warmupUs: number;
  private readonly endUs: number;
  private readonly flapWindowUs: number;
  private readonly crashes: readonly CrashFault[];

  // ---- randomness ---------------------------------------------------------------------
  private readonly bank: StreamBank;
  private readonly phaseUs: Float64Array;
  private readonly jitterConstant: boolean;
  private readonly jitterConstantUs: number;
  private readonly jitterKind: number;
  private readonly jitterA: number;
  private readonly jitterB: number;
  private readonly jitter: DurationSampler;
  private readonly jitterStreams: Int32Array;
  private readonly baseDelayUs: number;
  private readonly delayKind: number;
  private readonly delayA: number;
  private readonly delayB: number;
  private readonly delay: DurationSampler;
  private readonly delayStreams: Int32Array;
  private readonly duplicateProbability: number;
  private readonly duplicateStreams: Int32Array;
  private readonly duplicateDelayStreams: Int32Array;
  private readonly lossKind: number;
  private readonly logKeep: number;
  private readonly enterBad: number;
  private readonly leaveBad: number;
  private readonly lossGood: number;
  private readonly lossBad: number;
  private readonly lossStreams: Int32Array;
  private readonly stateStreams: Int32Array;
  /** Loss state after the link's configuration draw (Bernoulli: messages left before the next loss; G–E: 1 if bad). */
  private readonly initialLossState: Float64Array;

  // ---- crash processes (compiled by faults.ts, as the engine does) --------------------
  private readonly processes: FaultProcess[];
  /** Processes of node i: processList[processStart[i] .. processStart[i + 1]), in global order. */
  private readonly processStart: Int32Array;
  private readonly processList: Int32Array;

  // ---- the node being run (its state lives here between chunks of the hot loop) --------
  /**
   * Scalars the hot loop writes often, kept in a typed array: instants beyond 2^31 µs
   * are heap numbers in an object's fields, so every store there would allocate.
   */
  private readonly v: Float64Array;
  private node: number;
  private jitterStream: number;
  private delayStream: number;
  private duplicateStream: number;
  private duplicateDelayStream: number;
  private lossStream: number;
  private stateStream: number;
  private up: boolean;
  private sendT: number;
  private sendS: number;
  private nominalUs: number;
  private remaining: number;
  private bad: number;
  /** Processing indices handed out so far (to the node's events that schedule something): the next one. */
  private logCount: number;
  /** Deliveries in flight: a ring buffer sorted by (instant, sequence). */
  private dT: Float64Array;
  private dS: Float64Array;
  private dHead: number;
  private dLen: number;
  /**
   * Exact timers: the pending wake-ups, sorted, stale ones included — as in the engine, a
   * stale one whose instant comes round again as the live deadline fires in its own,
   * older, place.
   */
  private wakeT: Float64Array;
  private wakeS: Float64Array;
  private wakeHead: number;
  private wakeLen: number;
  /** Crash processes of the node: next event of each, and the earliest. */
  private processCount: number;
  private processFirst: number;
  private procT: Float64Array;
  private procS: Float64Array;
  private procKind: Uint8Array;
  private xJ: number;

  /** The detector's verdict (its other state is in `v`). */
  private status: number;

  // Ancestry: recent processed events; the send segments; every crash-process event.
  private readonly ringT: Float64Array;
  private readonly ringS: Float64Array;
  private readonly ringK: Uint8Array;
  private segS0: Float64Array;
  private segRSeq: Float64Array;
  /**
   * The segment's jitter (the draw every send after the first repeated so far; NaN until
   * a restart's second send is drawn) and the processing index of the last send up to
   * which all did: up to there the send chain is arithmetic, one run whatever its
   * length. `segPending`: the next send of the segment extends that run.
   */
  private segJ: Float64Array;
  private segUntil: Float64Array;
  private segPending: Uint8Array;
  private segCount: number;
  private plogIdx: Float64Array;
  private plogT: Float64Array;
  private plogS: Float64Array;
  private plogCount: number;
  private lkT: number;
  private lkS: number;
  private lkK: number;
  /** The event being processed: its sequence number and processing index, and who records metrics. */
  private curSeq: number;
  private curEvent: number;
  /** Events the node processed before the current chunk (with the chunk's count: an event's ordinal). */
  private nodeEvents: number;
  private curMode: number;
  private sigNode: number;
  private sigEvent: number;
  private sigOffset: number;
  private sigRuns: number;
  private sigComplete: number;

  // Metrics of the node (MetricsRecorder's per-pair state).
  private targetUp: number;
  private accruedToUs: number;
  private mistakeStartUs: number;
  private inMistake: number;
  private crashUs: number;
  private suspectSinceUs: number;
  private deadSinceUs: number;
  private lastMistakeEndUs: number;

  // ---- totals ---------------------------------------------------------------------------
  private upUs: number;
  private upSuspectedUs: number;
  private falseSuspicions: number;
  private falseDeaths: number;
  private crashCount: number;
  private crashesUndetected: number;
  private crashesCensored: number;
  private heartbeatsSent: number;
  private heartbeatsDelivered: number;
  private heartbeatsLost: number;
  private flaps: number;
  private events: number;
  private readonly perPairFalseSuspicions: Float64Array;
  private readonly perPairUpUs: Float64Array;
  private readonly perPairUpSuspectedUs: Float64Array;
  private readonly items: ItemStore;

  constructor(config: SimConfig) {
    const names = config.nodeNames;
    const n = names.length;
    const detector = config.detector;
    if (detector.kind !== 'timeout') throw new RangeError('the timeout kernel runs the timeout detector only');
    this.n = n;
    this.intervalUs = config.heartbeat.intervalUs;
    this.checkUs = detector.checkIntervalUs;
    this.polling = this.checkUs > 0;
    this.timeoutUs = detector.timeoutUs;
    this.deadAfterUs = detector.deadAfterUs;
    this.warmupUs = config.warmupUs;
    this.endUs = config.durationUs;
    this.flapWindowUs = config.flapWindowUs ?? 60_000_000;
    this.crashes = config.crashes;

    const root: SeedRoot = { seed: config.seed, replication: config.replication };
    const monitor = config.monitorName;

    // Send schedule: the phase and the jitter law.
    const jitterSpec = config.heartbeat.jitter;
    this.jitterConstant = jitterSpec.kind === 'constant'; // DurationSampler.isConstant
    this.jitterConstantUs = this.jitterConstant ? new DurationSampler(jitterSpec, new StreamBank(1)).sampleUs(0) : 0;
    const jitterLaw = lawOf(config.heartbeat.jitter);
    this.jitterKind = jitterLaw.kind;
    this.jitterA = jitterLaw.a;
    this.jitterB = jitterLaw.b;

    // The node → observer link: delay law, duplication, loss model (streams named as links.ts names them).
    const link = config.link;
    this.baseDelayUs = link.delay.baseUs;
    const delayLaw = lawOf(link.delay.random);
    this.delayKind = delayLaw.kind;
    this.delayA = delayLaw.a;
    this.delayB = delayLaw.b;
    this.duplicateProbability = link.duplicateProbability;
    const model = linkLossModel(link);
    let stationaryBad = 0;
    if (model.kind === 'bernoulli') {
      this.lossKind = model.probability === 0 ? LOSS_NONE : LOSS_BERNOULLI;
      this.logKeep = Math.log1p(-model.probability);
      this.enterBad = this.leaveBad = this.lossGood = this.lossBad = 0;
    } else {
      this.lossKind = LOSS_GILBERT;
      this.logKeep = 0;
      this.enterBad = model.enterBadProbability;
      this.leaveBad = model.leaveBadProbability;
      this.lossGood = model.lossInGoodProbability;
      this.lossBad = model.lossInBadProbability;
      const p = model.enterBadProbability;
      const r = model.leaveBadProbability;
      stationaryBad = p + r > 0 ? p / (p + r) : 0;
    }
    const drawsJitter = !this.jitterConstant;
    const drawsDelay = link.delay.random.kind !== 'constant'; // !DurationSampler.isConstant
    const duplicates = this.duplicateProbability > 0;

    // Streams, node by node: a node's jitter, delay, loss (and duplication) streams sit
    // side by side in the bank (16 bytes each), so a send touches one or two cache lines
    // of stream state rather than one per purpose. A stream's draws depend only on its
    // key (random/streams.ts), so this order changes no draw. The phase is a one-off
    // first draw and keeps no stream, as in the engine.
    const perNode = (drawsJitter ? 1 : 0) + (drawsDelay ? 1 : 0) + (duplicates ? 2 : 0) + (this.lossKind === LOSS_NONE ? 0 : this.lossKind === LOSS_GILBERT ? 2 : 1);
    const bank = new StreamBank(perNode * n + 16);
    this.bank = bank;
    this.jitter = new DurationSampler(config.heartbeat.jitter, bank, 'heartbeat jitter');
    this.delay = new DurationSampler(link.delay.random, bank, 'link class 0 delay');
    this.phaseUs = new Float64Array(n);
    this.jitterStreams = new Int32Array(n);
    this.delayStreams = new Int32Array(n);
    this.duplicateStreams = new Int32Array(n);
    this.duplicateDelayStreams = new Int32Array(n);
    this.lossStreams = new Int32Array(n);
    this.stateStreams = new Int32Array(n);
    this.initialLossState = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const name = names[i]!;
      this.phaseUs[i] = Math.floor(firstUniform(root, nodeStreamKey(name, 'phase')) * this.intervalUs);
      if (drawsJitter) this.jitterStreams[i] = bank.add(root, nodeStreamKey(name, 'jitter'));
      if (drawsDelay) this.delayStreams[i] = bank.add(root, linkStreamKey(name, monitor, 'delay'));
      if (this.lossKind === LOSS_BERNOULLI) {
        this.lossStreams[i] = bank.add(root, linkStreamKey(name, monitor, 'loss'));
        this.initialLossState[i] = this.drawGap(this.lossStreams[i]!);
      } else if (this.lossKind === LOSS_GILBERT) {
        this.lossStreams[i] = bank.add(root, linkStreamKey(name, monitor, 'loss'));
        this.stateStreams[i] = bank.add(root, linkStreamKey(name, monitor, 'loss-state'));
        this.initialLossState[i] = bank.next(this.stateStreams[i]!) < stationaryBad ? 1 : 0;
      }
      if (duplicates) {
        this.duplicateStreams[i] = bank.add(root, linkStreamKey(name, monitor, 'duplicate'));
        this.duplicateDelayStreams[i] = bank.add(root, linkStreamKey(name, monitor, 'duplicate-delay'));
      }
    }

    // Crash processes, compiled by faults.ts itself: same order, same stream keys.
    this.processes = compileCrashes(config.crashes, names, root, bank);
    const counts = new Int32Array(n);
    for (const p of this.processes) counts[p.nodes[0]!]!++;
    this.processStart = new Int32Array(n + 1);
    let maxPerNode = 1;
    for (let i = 0; i < n; i++) {
      this.processStart[i + 1] = this.processStart[i]! + counts[i]!;
      maxPerNode = Math.max(maxPerNode, counts[i]!);
    }
    this.processList = new Int32Array(this.processes.length);
    const fill = this.processStart.slice(0, n);
    this.processes.forEach((p, g) => {
      this.processList[fill[p.nodes[0]!]!++] = g;
    });

    this.v = new Float64Array(V_COUNT);
    this.node = 0;
    this.jitterStream = 0;
    this.delayStream = 0;
    this.duplicateStream = 0;
    this.duplicateDelayStream = 0;
    this.lossStream = 0;
    this.stateStream = 0;
    this.up = true;
    this.sendT = 0;
    this.sendS = 0;
    this.nominalUs = 0;
    this.remaining = 0;
    this.bad = 0;
    this.logCount = 0;
    this.dT = new Float64Array(64);
    this.dS = new Float64Array(64);
    this.dHead = 0;
    this.dLen = 0;
    this.wakeT = new Float64Array(16);
    this.wakeS = new Float64Array(16);
    this.wakeHead = 0;
    this.wakeLen = 0;
    this.v[V_PAIR_WAKE] = Number.POSITIVE_INFINITY;
    this.processCount = 0;
    this.processFirst = 0;
    this.procT = new Float64Array(maxPerNode);
    this.procS = new Float64Array(maxPerNode);
    this.procKind = new Uint8Array(maxPerNode);
    this.v[V_XT] = Number.POSITIVE_INFINITY;
    this.v[V_XS] = 0;
    this.xJ = -1;
    this.v[V_LAST_ARRIVAL] = 0;
    this.status = ALIVE;
    this.v[V_NEXT_CHANGE] = 0;
    this.v[V_NEXT_CHECK] = 0;
    this.v[V_NEXT_CHECK_SEQ] = 0;
    this.ringT = new Float64Array(RING);
    this.ringS = new Float64Array(RING);
    this.ringK = new Uint8Array(RING);
    this.segS0 = new Float64Array(16);
    this.segRSeq = new Float64Array(16);
    this.segJ = new Float64Array(16);
    this.segUntil = new Float64Array(16);
    this.segPending = new Uint8Array(16);
    this.segCount = 0;
    this.plogIdx = new Float64Array(16);
    this.plogT = new Float64Array(16);
    this.plogS = new Float64Array(16);
    this.plogCount = 0;
    this.lkT = 0;
    this.lkS = 0;
    this.lkK = 0;
    this.curSeq = 0;
    this.curEvent = 0;
    this.nodeEvents = 0;
    this.curMode = MODE_EVENT;
    this.sigNode = -1;
    this.sigEvent = -1;
    this.sigOffset = 0;
    this.sigRuns = 0;
    this.sigComplete = 0;
    this.targetUp = 1;
    this.accruedToUs = 0;
    this.mistakeStartUs = NaN;
    this.inMistake = 0;
    this.crashUs = NaN;
    this.suspectSinceUs = NaN;
    this.deadSinceUs = NaN;
    this.lastMistakeEndUs = Number.NEGATIVE_INFINITY;

    this.upUs = 0;
    this.upSuspectedUs = 0;
    this.falseSuspicions = 0;
    this.falseDeaths = 0;
    this.crashCount = 0;
    this.crashesUndetected = 0;
    this.crashesCensored = 0;
    this.heartbeatsSent = 0;
    this.heartbeatsDelivered = 0;
    this.heartbeatsLost = 0;
    this.flaps = 0;
    this.events = 0;
    this.perPairFalseSuspicions = new Float64Array(n);
    this.perPairUpUs = new Float64Array(n);
    this.perPairUpSuspectedUs = new Float64Array(n);
    this.items = new ItemStore(n > 1);
  }

  /** Geometric skipping (loss.ts): messages that get through before the next loss. */
  private drawGap(stream: number): number {
    const logKeep = this.logKeep;
    if (logKeep === Number.NEGATIVE_INFINITY) return 0;
    return Math.floor(Math.log(this.bank.nextOpenZero(stream)) / logKeep);
  }

  /** One draw of the link's random delay (µs), as DurationSampler.sampleUs (the duplicate's; the hot loop inlines its own). */
  private delayUs(stream: number): number {
    const kind = this.delayKind;
    if (kind === LAW_EXPONENTIAL) return Math.round(this.delayA * standardExponential(this.bank, stream));
    if (kind === LAW_CONSTANT) return this.delayA;
    if (kind === LAW_UNIFORM) return Math.round(this.delayA + this.delayB * this.bank.next(stream));
    return this.delay.sampleUs(stream);
  }

  private exponentialUs(episode: FaultProcess, meanUs: number): number {
    return Math.round(meanUs * standardExponential(this.bank, episode.stream.index));
  }

  /** Runs every node, then merges what crosses nodes. Null when an undecidable tie would change a result. */
  /** Told the fraction of the run done, every CHUNK events or so (RunHooks). */
  private progress: ((fraction: number) => void) | undefined = undefined;

  run(hooks?: RunHooks): RunResult | null {
    this.progress = hooks?.onProgress;
    for (let i = 0; i < this.n; i++) this.runNode(i);
    const merged = mergeItems(this.items, this.n);
    if (merged === null) return null;
    if (this.polling) this.events += Math.floor(this.endUs / this.checkUs);
    // Faults, probes and leases do not occur on this path: their tallies stay zero.
    const tallies: RunTallies = {
      ...zeroTallies(),
      upUs: this.upUs,
      upSuspectedUs: this.upSuspectedUs,
      falseSuspicions: this.falseSuspicions,
      falseDeaths: this.falseDeaths,
      mistakeDurationsUs: merged.mistakeDurationsUs,
      detectionLatenciesUs: merged.detectionLatenciesUs,
      deadLatenciesUs: merged.deadLatenciesUs,
      crashes: this.crashCount,
      crashesUndetected: this.crashesUndetected,
      crashesCensored: this.crashesCensored,
      heartbeatsSent: this.heartbeatsSent,
      heartbeatsDelivered: this.heartbeatsDelivered,
      heartbeatsLost: this.heartbeatsLost,
      perPairFalseSuspicions: this.perPairFalseSuspicions,
      perPairUpUs: this.perPairUpUs,
      perPairUpSuspectedUs: this.perPairUpSuspectedUs,
      flaps: this.flaps,
      maxSimultaneousFalseSuspicions: merged.maxSimultaneous,
      massSuspicionEvents: merged.massEvents,
    };
    return { tallies, log: emptyLog(), events: this.events, endUs: this.endUs };
  }

  // ---- one node ----------------------------------------------------------------------------

  private runNode(node: number): void {
    this.startNode(node);
    // The tight loop while only the common case happens; the general one until it does again.
    for (;;) {
      this.fastLoop(CHUNK);
      if (this.advance(CHUNK)) break;
      if (this.progress !== undefined) this.progress((node + Math.min(1, this.sendT / this.endUs)) / this.n);
    }
    // Rounds after the node's last event, up to the end.
    if (this.polling) this.catchUpChecks(this.endUs, Number.POSITIVE_INFINITY);
    // Close the books (MetricsRecorder.finish, for this pair).
    this.curMode = MODE_FINISH;
    this.accrue(this.endUs);
    if (this.targetUp === 0) this.finishCrash(this.endUs, true);
    this.curMode = MODE_EVENT;
  }

  /** The node as the engine's constructor leaves it: first send, crash processes, timer, in that order. */
  private startNode(node: number): void {
    this.node = node;
    this.jitterStream = this.jitterStreams[node]!;
    this.delayStream = this.delayStreams[node]!;
    this.duplicateStream = this.duplicateStreams[node]!;
    this.duplicateDelayStream = this.duplicateDelayStreams[node]!;
    this.lossStream = this.lossStreams[node]!;
    this.stateStream = this.stateStreams[node]!;
    this.remaining = this.lossKind === LOSS_BERNOULLI ? this.initialLossState[node]! : 0;
    this.bad = this.lossKind === LOSS_GILBERT ? this.initialLossState[node]! : 0;
    this.logCount = 0;
    this.nodeEvents = 0;
    this.curMode = MODE_EVENT;
    this.dHead = 0;
    this.dLen = 0;
    this.resetNodeMetrics();

    this.up = true;
    this.nominalUs = this.phaseUs[node]!;
    this.sendT = this.nominalUs + (this.jitterConstant ? this.jitterConstantUs : this.jitter.sampleUs(this.jitterStream));
    this.sendS = ROOT_SEQ;
    this.segCount = 0;
    this.addSegment(this.sendT, Number.NaN);
    this.segJ[0] = this.sendT - this.nominalUs;
    this.plogCount = 0;

    const first = this.processStart[node]!;
    const m = this.processStart[node + 1]! - first;
    this.processFirst = first;
    this.processCount = m;
    for (let j = 0; j < m; j++) {
      const episode = this.processes[this.processList[first + j]!]!;
      const fault = this.crashes[episode.rule]!;
      this.procT[j] = fault.kind === 'crashAt' ? fault.atUs : this.exponentialUs(episode, fault.mttfUs);
      this.procS[j] = ROOT_SEQ + 1 + j;
      this.procKind[j] = PROC_CRASH;
    }
    this.pickProcess();

    this.v[V_LAST_ARRIVAL] = 0;
    this.status = ALIVE;
    this.v[V_NEXT_CHANGE] = this.timeoutUs + 1;
    this.wakeHead = 0;
    this.wakeLen = 0;
    this.v[V_PAIR_WAKE] = Number.POSITIVE_INFINITY;
    if (this.polling) {
      this.v[V_NEXT_CHECK] = this.checkUs;
      this.v[V_NEXT_CHECK_SEQ] = ROOT_SEQ + m + 1;
    } else {
      this.v[V_PAIR_WAKE] = this.timeoutUs + 1;
      this.wakeT[0] = this.v[V_PAIR_WAKE]!;
      this.wakeS[0] = ROOT_SEQ + m + 1;
      this.wakeLen = 1;
    }
  }

  /**
   * The common case, in a tight loop: the node is up and trusted, nothing is in flight,
   * and its next event is a send — whose heartbeat, if delivered, lands before anything
   * else of the node happens (handled with the send) —, a wake-up that changes nothing,
   * or polling rounds that change nothing. Stops (returns the events it handled) as soon
   * as anything else comes first: `advance`, the general loop, takes it from there.
   * Both process events in exactly the same order; this one only has fewer branches, so
   * the optimizer compiles it small and fully typed.
   */
  private fastLoop(budget: number): number {
    if (this.status !== ALIVE || this.dLen !== 0 || this.duplicateProbability > 0) return 0;
    const S = SEQ_STRIDE;
    const endUs = +this.endUs;
    const warmupUs = +this.warmupUs;
    const intervalUs = +this.intervalUs;
    const timeoutUs = +this.timeoutUs;
    const polling = this.polling;
    const checkUs = +this.checkUs;
    const bank = this.bank;
    const ringT = this.ringT;
    const ringS = this.ringS;
    const ringK = this.ringK;
    const baseDelayUs = +this.baseDelayUs;
    const lossKind = +this.lossKind;
    const jitterKind = +this.jitterKind;
    const jitterA = +this.jitterA;
    const jitterB = +this.jitterB;
    const jitterStream = +this.jitterStream;
    const delayKind = +this.delayKind;
    const delayA = +this.delayA;
    const delayB = +this.delayB;
    const logKeep = +this.logKeep;
    const delayStream = +this.delayStream;
    const lossStream = +this.lossStream;
    const stateStream = +this.stateStream;
    const enterBad = +this.enterBad;
    const leaveBad = +this.leaveBad;
    const lossGood = +this.lossGood;
    const lossBad = +this.lossBad;
    const v = this.v;
    const xT = +v[V_XT]!;
    let sendT = +this.sendT;
    let sendS = +this.sendS;
    let nominalUs = +this.nominalUs;
    let remaining = +this.remaining;
    let bad = +this.bad;
    let logCount = +this.logCount;
    let lastArrival = +v[V_LAST_ARRIVAL]!;
    let nextChange = +v[V_NEXT_CHANGE]!;
    let nextCheck = +v[V_NEXT_CHECK]!;
    let nextCheckSeq = +v[V_NEXT_CHECK_SEQ]!;
    let pairWake = +v[V_PAIR_WAKE]!;
    let wakeT = this.wakeT;
    let wakeS = this.wakeS;
    let wakeHead = +this.wakeHead;
    let wakeLen = +this.wakeLen;
    // Read here, where they always run: a first read on a rare path would cost a recompile.
    const dT = this.dT;
    const dS = this.dS;
    const dHead = this.dHead;
    const segPending = this.segPending;
    const segUntil = this.segUntil;
    const segJ = this.segJ;
    const lastSegment = this.segCount - 1;
    let events = 0;
    let sent = 0;
    let delivered = 0;
    let lost = 0;
    let buffered = false;

    for (; budget > 0; budget--) {
      const t = sendT;
      if (t > endUs || t >= xT) break;
      if (!polling) {
        // Wake-ups before the send: stale ones pop and do nothing; a live one that
        // finds the node within its timeout just re-arms. Anything else, or a tie: stop.
        if (wakeLen > 0) {
          const wt = +wakeT[wakeHead]!;
          if (wt <= t) {
            if (wt === t) break;
            if (wt !== pairWake) {
              events++;
              wakeHead++;
              if (--wakeLen === 0) wakeHead = 0;
              continue;
            }
            if (wt - lastArrival > timeoutUs) break;
            events++;
            const ws = +wakeS[wakeHead]!;
            wakeHead++;
            if (--wakeLen === 0) wakeHead = 0;
            const li = logCount++;
            ringT[li & RING_MASK] = wt;
            ringS[li & RING_MASK] = ws;
            ringK[li & RING_MASK] = EV_WAKE;
            pairWake = lastArrival + timeoutUs + 1;
            nextChange = pairWake;
            this.wakeHead = wakeHead;
            this.wakeLen = wakeLen;
            v[V_ARG] = pairWake;
            v[V_ARG2] = li * S;
            this.pushWakeFromArgs();
            wakeT = this.wakeT;
            wakeS = this.wakeS;
            wakeHead = +this.wakeHead;
            wakeLen = +this.wakeLen;
            continue;
          }
        }
      } else if (nextCheck <= t) {
        if (nextChange <= t || nextCheck === t) break;
        let next = nextCheck + checkUs;
        if (next < t) {
          next += checkUs;
          if (next < t) {
            next = Math.ceil(t / checkUs) * checkUs;
            while (next < t) next += checkUs;
            while (next - checkUs >= t) next -= checkUs;
          }
        }
        nextCheck = next;
        nextCheckSeq = (logCount - 1) * S + CHECK_CHILD;
      }

      // The send.
      events++;
      const s = sendS;
      const li = logCount++;
      ringT[li & RING_MASK] = t;
      ringS[li & RING_MASK] = s;
      ringK[li & RING_MASK] = EV_SEND;
      const counted = t >= warmupUs;
      if (counted) sent++;
      nominalUs += intervalUs;
      let jitterUs: number;
      if (jitterKind === LAW_CONSTANT) jitterUs = jitterA;
      else if (jitterKind === LAW_UNIFORM) jitterUs = Math.round(jitterA + jitterB * bank.next(jitterStream));
      else jitterUs = +this.jitter.sampleUs(jitterStream);
      const nextSendUs = nominalUs + jitterUs;
      sendT = nextSendUs < t ? t : nextSendUs;
      sendS = li * S + 2;
      if (jitterKind !== LAW_CONSTANT && segPending[lastSegment] === 1) {
        // As in advance: is the send chain still arithmetic?
        segUntil[lastSegment] = li;
        segPending[lastSegment] = 0;
        const j = +segJ[lastSegment]!;
        if (j !== j) {
          segJ[lastSegment] = jitterUs;
          segPending[lastSegment] = 1;
        } else if (jitterUs === j && nextSendUs >= t) {
          segPending[lastSegment] = 1;
        }
      }
      let dropped = false;
      if (lossKind === LOSS_BERNOULLI) {
        if (remaining > 0) remaining--;
        else {
          remaining = logKeep === Number.NEGATIVE_INFINITY ? 0 : Math.floor(Math.log(bank.nextOpenZero(lossStream)) / logKeep);
          dropped = true;
        }
      } else if (lossKind === LOSS_GILBERT) {
        const wasBad = bad === 1;
        const u = bank.next(stateStream);
        if (wasBad ? u < leaveBad : u < enterBad) bad = wasBad ? 0 : 1;
        dropped = bank.next(lossStream) < (wasBad ? lossBad : lossGood);
      }
      if (dropped) {
        if (counted) lost++;
        continue;
      }
      let delayUs: number;
      if (delayKind === LAW_EXPONENTIAL) delayUs = Math.round(delayA * standardExponential(bank, delayStream));
      else if (delayKind === LAW_CONSTANT) delayUs = delayA;
      else if (delayKind === LAW_UNIFORM) delayUs = Math.round(delayA + delayB * bank.next(delayStream));
      else delayUs = +this.delay.sampleUs(delayStream);
      const arrivalUs = t + baseDelayUs + delayUs;
      if (arrivalUs > endUs) continue; // never delivered
      if (!polling && arrivalUs <= sendT && arrivalUs < xT) {
        // Wake-ups between the send and the arrival (with a timeout that is a multiple of
        // the interval, about every other one): the same handling as before a send.
        while (wakeLen > 0) {
          const wt = +wakeT[wakeHead]!;
          if (wt >= arrivalUs) break;
          if (wt !== pairWake) {
            events++;
            wakeHead++;
            if (--wakeLen === 0) wakeHead = 0;
            continue;
          }
          if (wt - lastArrival > timeoutUs) break;
          events++;
          const ws = +wakeS[wakeHead]!;
          wakeHead++;
          if (--wakeLen === 0) wakeHead = 0;
          const wi = logCount++;
          ringT[wi & RING_MASK] = wt;
          ringS[wi & RING_MASK] = ws;
          ringK[wi & RING_MASK] = EV_WAKE;
          pairWake = lastArrival + timeoutUs + 1;
          nextChange = pairWake;
          this.wakeHead = wakeHead;
          this.wakeLen = wakeLen;
          v[V_ARG] = pairWake;
          v[V_ARG2] = wi * S;
          this.pushWakeFromArgs();
          wakeT = this.wakeT;
          wakeS = this.wakeS;
          wakeHead = +this.wakeHead;
          wakeLen = +this.wakeLen;
        }
      }
      if (arrivalUs <= sendT && arrivalUs < xT && (polling ? nextCheck > arrivalUs : wakeLen === 0 || +wakeT[wakeHead]! > arrivalUs)) {
        // Delivered before anything else of the node happens.
        events++;
        if (arrivalUs >= warmupUs) delivered++;
        lastArrival = arrivalUs;
        const changeUs = arrivalUs + timeoutUs + 1;
        nextChange = changeUs;
        if (!polling && changeUs < pairWake) {
          const di = logCount++;
          ringT[di & RING_MASK] = arrivalUs;
          ringS[di & RING_MASK] = li * S;
          ringK[di & RING_MASK] = EV_DELIVER;
          pairWake = changeUs;
          this.wakeHead = wakeHead;
          this.wakeLen = wakeLen;
          v[V_ARG] = changeUs;
          v[V_ARG2] = di * S;
          this.pushWakeFromArgs();
          wakeT = this.wakeT;
          wakeS = this.wakeS;
          wakeHead = +this.wakeHead;
          wakeLen = +this.wakeLen;
        }
        continue;
      }
      // In flight past the node's next event: the general loop takes over.
      dT[dHead] = arrivalUs;
      dS[dHead] = li * S;
      buffered = true;
      break;
    }

    v[V_LAST_ARRIVAL] = lastArrival;
    v[V_NEXT_CHANGE] = nextChange;
    v[V_NEXT_CHECK] = nextCheck;
    v[V_NEXT_CHECK_SEQ] = nextCheckSeq;
    v[V_PAIR_WAKE] = pairWake;
    this.sendT = sendT;
    this.sendS = sendS;
    this.nominalUs = nominalUs;
    this.remaining = remaining;
    this.bad = bad;
    this.logCount = logCount;
    this.wakeHead = wakeHead;
    this.wakeLen = wakeLen;
    if (buffered) this.dLen = 1;
    this.events += events;
    this.nodeEvents += events;
    this.heartbeatsSent += sent;
    this.heartbeatsDelivered += delivered;
    this.heartbeatsLost += lost;
    return events;
  }

  /**
   * The general loop: processes the node's events in the engine's order, whatever they
   * are, until `fastLoop` can take over again (nothing in flight, the node trusted) or
   * `budget` events are done. True when the node has nothing left before the end of the run.
   */
  private advance(budget: number): boolean {
    const S = SEQ_STRIDE;
    // Numbers read from fields get a unary plus: to the optimizer a field may hold
    // anything, and an untyped value reaching a loop variable (even on a path never
    // taken) would make it boxed — one allocation per update. See also `v`.
    const endUs = +this.endUs;
    const warmupUs = +this.warmupUs;
    const intervalUs = +this.intervalUs;
    const timeoutUs = +this.timeoutUs;
    const deadAfterUs = +this.deadAfterUs;
    const polling = this.polling;
    const checkUs = +this.checkUs;
    const bank = this.bank;
    const ringT = this.ringT;
    const ringS = this.ringS;
    const ringK = this.ringK;
    const baseDelayUs = +this.baseDelayUs;
    const duplicateProbability = +this.duplicateProbability;
    const lossKind = +this.lossKind;
    const jitterKind = +this.jitterKind;
    const jitterA = +this.jitterA;
    const jitterB = +this.jitterB;
    const jitterStream = +this.jitterStream;
    const delayKind = +this.delayKind;
    const delayA = +this.delayA;
    const delayB = +this.delayB;
    const logKeep = +this.logKeep;
    const delayStream = +this.delayStream;
    const duplicateStream = +this.duplicateStream;
    const duplicateDelayStream = +this.duplicateDelayStream;
    const lossStream = +this.lossStream;
    const stateStream = +this.stateStream;

    const v = this.v;
    // Unary plus: fields may hold anything as far as the optimizer knows, and a loop
    // variable started from one would be kept boxed (one allocation per update).
    let sendT = +this.sendT;
    let sendS = +this.sendS;
    let nominalUs = +this.nominalUs;
    let remaining = +this.remaining;
    let bad = +this.bad;
    let logCount = +this.logCount;
    let dT = this.dT;
    let dS = this.dS;
    let dMask = dT.length - 1;
    let dHead = +this.dHead;
    let dLen = +this.dLen;
    let xT = +v[V_XT]!;
    let lastArrival = +v[V_LAST_ARRIVAL]!;
    let nextChange = +v[V_NEXT_CHANGE]!;
    let nextCheck = +v[V_NEXT_CHECK]!;
    let nextCheckSeq = +v[V_NEXT_CHECK_SEQ]!;
    let pairWake = +v[V_PAIR_WAKE]!;
    let events = 0;
    let sent = 0;
    let delivered = 0;
    let lost = 0;
    let done = false;

    for (; budget > 0; budget--) {
      // The node's next event, by (instant, sequence).
      let t = sendT;
      let s = sendS;
      let kind = EV_SEND;
      if (dLen > 0) {
        const dt = +dT[dHead]!;
        if (dt < t || (dt === t && +dS[dHead]! < s)) {
          t = dt;
          s = +dS[dHead]!;
          kind = EV_DELIVER;
        }
      }
      if (!polling && this.wakeLen > 0) {
        const h = this.wakeHead;
        const wt = +this.wakeT[h]!;
        if (wt < t || (wt === t && +this.wakeS[h]! < s)) {
          t = wt;
          s = +this.wakeS[h]!;
          kind = EV_WAKE;
        }
      }
      if (xT <= t && (xT < t || +v[V_XS]! < s)) {
        t = xT;
        s = +v[V_XS]!;
        kind = EV_PROCESS;
      }
      if (t > endUs) {
        done = true;
        break;
      }

      // Polling rounds due before this event.
      if (polling && nextCheck <= t) {
        if (nextChange <= t || nextCheck === t) {
          this.logCount = logCount;
          v[V_LAST_ARRIVAL] = lastArrival;
          v[V_NEXT_CHANGE] = nextChange;
          v[V_NEXT_CHECK] = nextCheck;
          v[V_NEXT_CHECK_SEQ] = nextCheckSeq;
          v[V_ARG] = t;
          v[V_ARG2] = s;
          this.catchUpChecksFromArgs();
          nextChange = +v[V_NEXT_CHANGE]!;
          nextCheck = +v[V_NEXT_CHECK]!;
          nextCheckSeq = +v[V_NEXT_CHECK_SEQ]!;
        } else {
          // None of them can change the verdict: skip to the first round at or after t,
          // scheduled by the round processed just now (so after this event).
          let next = nextCheck + checkUs;
          if (next < t) {
            next += checkUs;
            if (next < t) {
              next = Math.ceil(t / checkUs) * checkUs;
              while (next < t) next += checkUs;
              while (next - checkUs >= t) next -= checkUs;
            }
          }
          nextCheck = next;
          nextCheckSeq = (logCount - 1) * S + CHECK_CHILD;
        }
      }

      events++;
      if (kind === EV_SEND) {
        const li = logCount++;
        ringT[li & RING_MASK] = t;
        ringS[li & RING_MASK] = s;
        ringK[li & RING_MASK] = EV_SEND;
        const counted = t >= warmupUs;
        if (counted) sent++;
        // The next send (its jitter draw; streams are separate, so drawing it first changes nothing).
        nominalUs += intervalUs;
        let jitterUs: number;
        if (jitterKind === LAW_CONSTANT) jitterUs = jitterA;
        else if (jitterKind === LAW_UNIFORM) jitterUs = Math.round(jitterA + jitterB * bank.next(jitterStream));
        else jitterUs = +this.jitter.sampleUs(jitterStream);
        const nextSendUs = nominalUs + jitterUs;
        sendT = nextSendUs < t ? t : nextSendUs;
        sendS = li * S + 2;
        if (jitterKind !== LAW_CONSTANT) {
          // Is the send chain still arithmetic (same jitter every time, never held back to
          // now)? Then it stays one run of ancestry.
          const g = this.segCount - 1;
          const segPending = this.segPending;
          if (segPending[g] === 1) {
            this.segUntil[g] = li;
            segPending[g] = 0;
            const segJ = +this.segJ[g]!;
            if (segJ !== segJ) {
              this.segJ[g] = jitterUs; // a restart's second send: its jitter sets the pattern
              segPending[g] = 1;
            } else if (jitterUs === segJ && nextSendUs >= t) {
              segPending[g] = 1;
            }
          }
        }
        let dropped = false;
        if (lossKind === LOSS_BERNOULLI) {
          if (remaining > 0) remaining--;
          else {
            remaining = logKeep === Number.NEGATIVE_INFINITY ? 0 : Math.floor(Math.log(bank.nextOpenZero(lossStream)) / logKeep);
            dropped = true;
          }
        } else if (lossKind === LOSS_GILBERT) {
          const wasBad = bad === 1;
          const u = bank.next(stateStream);
          if (wasBad ? u < this.leaveBad : u < this.enterBad) bad = wasBad ? 0 : 1;
          dropped = bank.next(lossStream) < (wasBad ? this.lossBad : this.lossGood);
        }
        if (dropped) {
          if (counted) lost++;
        } else {
          const departUs = t + baseDelayUs;
          let duplicateUs = -1;
          if (duplicateProbability > 0 && bank.next(duplicateStream) < duplicateProbability) duplicateUs = departUs + this.delayUs(duplicateDelayStream);
          let delayUs: number;
          if (delayKind === LAW_EXPONENTIAL) delayUs = Math.round(delayA * standardExponential(bank, delayStream));
          else if (delayKind === LAW_CONSTANT) delayUs = delayA;
          else if (delayKind === LAW_UNIFORM) delayUs = Math.round(delayA + delayB * bank.next(delayStream));
          else delayUs = +this.delay.sampleUs(delayStream);
          const arrivalUs = departUs + delayUs;
          // Deliveries after the end never happen: not kept.
          if (
            dLen === 0 &&
            arrivalUs <= sendT &&
            arrivalUs < xT &&
            arrivalUs <= endUs &&
            duplicateUs < 0 &&
            this.status === ALIVE &&
            (polling ? nextCheck > arrivalUs : this.wakeLen === 0 || +this.wakeT[this.wakeHead]! > arrivalUs)
          ) {
            // Nothing of the node's comes between: deliver now (the common case, fused with its send).
            events++;
            if (arrivalUs >= warmupUs) delivered++;
            lastArrival = arrivalUs;
            const changeUs = arrivalUs + timeoutUs + 1;
            nextChange = changeUs;
            if (!polling && changeUs < pairWake) {
              const di = logCount++;
              ringT[di & RING_MASK] = arrivalUs;
              ringS[di & RING_MASK] = li * S;
              ringK[di & RING_MASK] = EV_DELIVER;
              pairWake = changeUs;
              v[V_ARG] = changeUs;
              v[V_ARG2] = di * S;
              this.pushWakeFromArgs();
            }
          } else if (arrivalUs <= endUs) {
            // Inserted by instant (a later sequence goes last).
            if (dLen === dT.length) {
              this.dHead = dHead;
              this.dLen = dLen;
              this.growDeliveries();
              dT = this.dT;
              dS = this.dS;
              dMask = dT.length - 1;
              dHead = 0;
            }
            let pos = dLen;
            while (pos > 0) {
              const prev = (dHead + pos - 1) & dMask;
              if (dT[prev]! <= arrivalUs) break;
              const here = (dHead + pos) & dMask;
              dT[here] = dT[prev]!;
              dS[here] = dS[prev]!;
              pos--;
            }
            const slot = (dHead + pos) & dMask;
            dT[slot] = arrivalUs;
            dS[slot] = li * S;
            dLen++;
          }
          if (duplicateUs >= 0 && duplicateUs <= endUs) {
            this.dHead = dHead;
            this.dLen = dLen;
            this.v[V_ARG] = duplicateUs;
            this.v[V_ARG2] = li * S + 1;
            this.insertDelivery();
            dT = this.dT;
            dS = this.dS;
            dMask = dT.length - 1;
            dHead = +this.dHead;
            dLen = +this.dLen;
          }
        }
      } else if (kind === EV_DELIVER) {
        // A delivery takes a processing index only if it schedules something (a wake-up).
        dHead = (dHead + 1) & dMask;
        dLen--;
        if (t >= warmupUs) delivered++;
        lastArrival = t;
        const nextUs = t + timeoutUs + 1;
        nextChange = nextUs;
        if (this.status !== ALIVE) {
          this.curSeq = s;
          this.curEvent = this.nodeEvents + events;
          this.logCount = logCount;
          v[V_NEXT_CHECK] = nextCheck;
          v[V_ARG] = t;
          this.setVerdictFromArgs(ALIVE);
        }
        if (!polling && nextUs < pairWake) {
          const li = logCount++;
          ringT[li & RING_MASK] = t;
          ringS[li & RING_MASK] = s;
          ringK[li & RING_MASK] = EV_DELIVER;
          pairWake = nextUs;
          v[V_ARG] = nextUs;
          v[V_ARG2] = li * S;
          this.pushWakeFromArgs();
        }
      } else if (kind === EV_WAKE) {
        this.wakeHead++;
        if (--this.wakeLen === 0) this.wakeHead = 0;
        if (t !== pairWake) continue; // superseded
        const li = logCount++;
        ringT[li & RING_MASK] = t;
        ringS[li & RING_MASK] = s;
        ringK[li & RING_MASK] = EV_WAKE;
        pairWake = Number.POSITIVE_INFINITY;
        const lastUs = lastArrival;
        const silenceUs = t - lastUs;
        const verdict = silenceUs > deadAfterUs ? DEAD : silenceUs > timeoutUs ? SUSPECTED : ALIVE;
        if (verdict !== this.status) {
          this.curSeq = s;
          this.curEvent = this.nodeEvents + events;
          this.logCount = logCount;
          v[V_NEXT_CHECK] = nextCheck;
          v[V_ARG] = t;
          this.setVerdictFromArgs(verdict);
        }
        const nextUs = silenceUs <= timeoutUs ? lastUs + timeoutUs + 1 : silenceUs <= deadAfterUs ? lastUs + deadAfterUs + 1 : Number.POSITIVE_INFINITY;
        nextChange = nextUs;
        if (nextUs !== Number.POSITIVE_INFINITY) {
          pairWake = nextUs;
          v[V_ARG] = nextUs;
          v[V_ARG2] = li * S;
          this.pushWakeFromArgs();
        }
      } else {
        this.sendT = sendT;
        this.sendS = sendS;
        this.nominalUs = nominalUs;
        this.logCount = logCount;
        this.curEvent = this.nodeEvents + events;
        v[V_NEXT_CHECK] = nextCheck;
        v[V_ARG] = t;
        v[V_ARG2] = s;
        this.onProcessFromArgs();
        xT = +v[V_XT]!;
        sendT = +this.sendT;
        sendS = +this.sendS;
        nominalUs = +this.nominalUs;
        logCount = +this.logCount;
      }
      // Back to the tight loop as soon as it can go on.
      if (dLen === 0 && this.status === ALIVE) break;
    }

    v[V_LAST_ARRIVAL] = lastArrival;
    v[V_NEXT_CHANGE] = nextChange;
    v[V_NEXT_CHECK] = nextCheck;
    v[V_NEXT_CHECK_SEQ] = nextCheckSeq;
    v[V_PAIR_WAKE] = pairWake;
    this.sendT = sendT;
    this.sendS = sendS;
    this.nominalUs = nominalUs;
    this.remaining = remaining;
    this.bad = bad;
    this.logCount = logCount;
    this.dT = dT;
    this.dS = dS;
    this.dHead = dHead;
    this.dLen = dLen;
    this.events += events;
    this.nodeEvents += events;
    this.heartbeatsSent += sent;
    this.heartbeatsDelivered += delivered;
    this.heartbeatsLost += lost;
    return done;
  }

  // Cold calls from the hot loop take their instants from v[V_ARG], v[V_ARG2]: a number
  // passed as an argument would be boxed, and would make the optimizer box it in the loop.
  private catchUpChecksFromArgs(): void {
    this.catchUpChecks(this.v[V_ARG]!, this.v[V_ARG2]!);
  }

  private setVerdictFromArgs(to: number): void {
    this.setVerdict(to, this.v[V_ARG]!);
  }

  /** Adds a wake-up at v[V_ARG] with sequence v[V_ARG2] (the largest pending), keeping (instant, sequence) order. */
  private pushWakeFromArgs(): void {
    const atUs = +this.v[V_ARG]!;
    let wt = this.wakeT;
    let ws = this.wakeS;
    const head = this.wakeHead;
    const len = this.wakeLen;
    if (head > 0) {
      wt.copyWithin(0, head, head + len);
      ws.copyWithin(0, head, head + len);
      this.wakeHead = 0;
    }
    if (len === wt.length) {
      this.wakeT = wt = grown(wt);
      this.wakeS = ws = grown(ws);
    }
    let pos = len;
    while (pos > 0 && wt[pos - 1]! > atUs) {
      wt[pos] = wt[pos - 1]!;
      ws[pos] = ws[pos - 1]!;
      pos--;
    }
    wt[pos] = atUs;
    ws[pos] = this.v[V_ARG2]!;
    this.wakeLen = len + 1;
  }

  private onProcessFromArgs(): void {
    this.onProcess(this.v[V_ARG]!, this.v[V_ARG2]!);
  }

  /** A crash process's event: a crash (then the down time is drawn) or a recovery (then the next up time). */
  private onProcess(t: number, s: number): void {
    const S = SEQ_STRIDE;
    const li = this.logCount++;
    this.ringT[li & RING_MASK] = t;
    this.ringS[li & RING_MASK] = s;
    this.ringK[li & RING_MASK] = EV_PROCESS;
    if (this.plogCount === this.plogIdx.length) {
      this.plogIdx = grown(this.plogIdx);
      this.plogT = grown(this.plogT);
      this.plogS = grown(this.plogS);
    }
    this.plogIdx[this.plogCount] = li;
    this.plogT[this.plogCount] = t;
    this.plogS[this.plogCount] = s;
    this.plogCount++;
    this.curSeq = s;

    const j = this.xJ;
    const episode = this.processes[this.processList[this.processFirst + j]!]!;
    const fault = this.crashes[episode.rule]!;
    if (this.procKind[j] === PROC_CRASH) {
      if (this.up) {
        this.up = false;
        if (this.sendT <= this.endUs) this.events++; // the engine still pops the stale send
        this.sendT = Number.POSITIVE_INFINITY;
        this.onCrash(t);
      }
      const downUs = fault.kind === 'crashRecover' ? (fault.restartDelayUs ?? 0) + this.exponentialUs(episode, fault.mttrUs) : fault.downUs;
      if (downUs !== null) {
        this.procT[j] = t + Math.max(1, downUs);
        this.procS[j] = li * S;
        this.procKind[j] = PROC_RECOVER;
      } else {
        this.procT[j] = Number.POSITIVE_INFINITY;
      }
    } else {
      if (!this.up) {
        this.up = true;
        this.onRecover(t);
        // A restarted node sends at once and keeps the new phase.
        this.nominalUs = t;
        this.sendT = t;
        this.sendS = li * S;
        this.addSegment(t, s);
      }
      if (fault.kind === 'crashRecover') {
        this.procT[j] = t + Math.max(1, this.exponentialUs(episode, fault.mttfUs));
        this.procS[j] = li * S + 1;
        this.procKind[j] = PROC_CRASH;
      } else {
        this.procT[j] = Number.POSITIVE_INFINITY;
      }
    }
    this.pickProcess();
  }

  /** The crash process whose event comes first, by (instant, sequence). */
  private pickProcess(): void {
    let xT = Number.POSITIVE_INFINITY;
    let xS = 0;
    let xJ = -1;
    for (let k = 0; k < this.processCount; k++) {
      const pt = this.procT[k]!;
      if (pt < xT || (pt === xT && pt !== Number.POSITIVE_INFINITY && this.procS[k]! < xS)) {
        xT = pt;
        xS = this.procS[k]!;
        xJ = k;
      }
    }
    this.v[V_XT] = xT;
    this.v[V_XS] = xS;
    this.xJ = xJ;
  }

  /** A send segment starts: at the node's start (no recovery) or at a restart (the recovery's sequence). */
  private addSegment(firstSendUs: number, recoverySeq: number): void {
    if (this.segCount === this.segS0.length) {
      this.segS0 = grown(this.segS0);
      this.segRSeq = grown(this.segRSeq);
      this.segJ = grown(this.segJ);
      this.segUntil = grown(this.segUntil);
      const pending = new Uint8Array(this.segPending.length * 2);
      pending.set(this.segPending);
      this.segPending = pending;
    }
    const g = this.segCount++;
    this.segS0[g] = firstSendUs;
    this.segRSeq[g] = recoverySeq;
    // A fixed jitter keeps every chain arithmetic; a random one is followed send by send.
    this.segJ[g] = this.jitterKind === LAW_CONSTANT ? this.jitterA : Number.NaN;
    this.segUntil[g] = this.jitterKind === LAW_CONSTANT ? Number.POSITIVE_INFINITY : -1;
    this.segPending[g] = 1; // a segment's first send starts its run
  }

  /** Doubles the delivery buffer, its head moved to 0. */
  private growDeliveries(): void {
    const oldT = this.dT;
    const oldS = this.dS;
    const head = this.dHead;
    const mask = oldT.length - 1;
    const t = new Float64Array(oldT.length * 2);
    const s = new Float64Array(oldT.length * 2);
    for (let i = 0; i < this.dLen; i++) {
      t[i] = oldT[(head + i) & mask]!;
      s[i] = oldS[(head + i) & mask]!;
    }
    this.dT = t;
    this.dS = s;
    this.dHead = 0;
  }

  /** Adds the delivery (v[V_ARG], sequence v[V_ARG2]), the largest sequence pending, after those at or before its instant. */
  private insertDelivery(): void {
    const at = this.v[V_ARG]!;
    if (this.dLen === this.dT.length) this.growDeliveries();
    const dT = this.dT;
    const dS = this.dS;
    const mask = dT.length - 1;
    const head = this.dHead;
    let pos = this.dLen;
    while (pos > 0) {
      const prev = (head + pos - 1) & mask;
      if (dT[prev]! <= at) break;
      const here = (head + pos) & mask;
      dT[here] = dT[prev]!;
      dS[here] = dS[prev]!;
      pos--;
    }
    const slot = (head + pos) & mask;
    dT[slot] = at;
    dS[slot] = this.v[V_ARG2]!;
    this.dLen++;
  }

  /**
   * Processes the polling rounds that come before the node's event (t, s): every round
   * before t, and the round at t if it was scheduled before the event. Rounds that
   * cannot change the verdict are skipped arithmetically.
   */
  private catchUpChecks(t: number, s: number): void {
    const checkUs = this.checkUs;
    const endUs = this.endUs;
    for (;;) {
      const atUs = this.v[V_NEXT_CHECK]!;
      if (atUs > t || atUs > endUs) return;
      if (atUs === t && this.v[V_NEXT_CHECK_SEQ]! > s) return;
      if (this.v[V_NEXT_CHANGE]! <= atUs) {
        this.checkAt(atUs);
        this.v[V_NEXT_CHECK] = atUs + checkUs;
      } else {
        const targetUs = Math.min(this.v[V_NEXT_CHANGE]!, t);
        let next = atUs + checkUs;
        if (next < targetUs) next = gridCeil(targetUs, checkUs);
        this.v[V_NEXT_CHECK] = next;
      }
      this.v[V_NEXT_CHECK_SEQ] = (this.logCount - 1) * SEQ_STRIDE + CHECK_CHILD;
    }
  }

  /** A polling round evaluates the pair at `atUs`. */
  private checkAt(atUs: number): void {
    const lastUs = this.v[V_LAST_ARRIVAL]!;
    const silenceUs = atUs - lastUs;
    const verdict = silenceUs > this.deadAfterUs ? DEAD : silenceUs > this.timeoutUs ? SUSPECTED : ALIVE;
    if (verdict !== this.status) {
      this.curMode = MODE_CHECK;
      this.setVerdict(verdict, atUs);
      this.curMode = MODE_EVENT;
    }
    this.v[V_NEXT_CHANGE]! =
      silenceUs <= this.timeoutUs ? lastUs + this.timeoutUs + 1 : silenceUs <= this.deadAfterUs ? lastUs + this.deadAfterUs + 1 : Number.POSITIVE_INFINITY;
  }

  // ---- metrics of one pair (MetricsRecorder, line for line) ----------------------------------

  private resetNodeMetrics(): void {
    this.targetUp = 1;
    this.accruedToUs = this.warmupUs;
    this.mistakeStartUs = NaN;
    this.inMistake = 0;
    this.crashUs = NaN;
    this.suspectSinceUs = NaN;
    this.deadSinceUs = NaN;
    this.lastMistakeEndUs = Number.NEGATIVE_INFINITY;
  }

  private accrue(nowUs: number): void {
    const fromUs = this.accruedToUs;
    if (nowUs <= fromUs) return;
    this.accruedToUs = nowUs;
    if (this.targetUp === 0) return;
    const spanUs = nowUs - fromUs;
    const pair = this.node;
    this.upUs += spanUs;
    this.perPairUpUs[pair]! += spanUs;
    if (this.status !== ALIVE) {
      this.upSuspectedUs += spanUs;
      this.perPairUpSuspectedUs[pair]! += spanUs;
    }
  }

  private setVerdict(to: number, nowUs: number): void {
    const from = this.status;
    if (from === to) return;
    this.accrue(nowUs);
    this.status = to;
    const counted = nowUs >= this.warmupUs;
    if (this.targetUp === 1) {
      if (from === ALIVE) {
        this.inMistake = 1;
        this.record(ItemKind.upMax, counted ? 1 : 0, nowUs);
        if (counted) {
          this.falseSuspicions++;
          this.perPairFalseSuspicions[this.node]!++;
          this.mistakeStartUs = nowUs;
          if (nowUs - this.lastMistakeEndUs <= this.flapWindowUs) this.flaps++;
        }
      } else if (to === ALIVE) {
        this.record(ItemKind.down, 0, nowUs);
        this.endMistake(nowUs);
      }
      if (to === DEAD && counted && this.inMistake === 1) this.falseDeaths++;
      if (to === ALIVE) this.inMistake = 0;
      return;
    }
    if (to === ALIVE) {
      this.suspectSinceUs = NaN;
      this.deadSinceUs = NaN;
      return;
    }
    if (from === ALIVE) this.suspectSinceUs = nowUs;
    if (to === DEAD) this.deadSinceUs = nowUs;
  }

  private endMistake(nowUs: number): void {
    this.lastMistakeEndUs = nowUs;
    const startUs = this.mistakeStartUs;
    if (startUs === startUs) {
      this.record(ItemKind.mistake, nowUs - startUs, nowUs);
      this.mistakeStartUs = NaN;
    }
  }

  private onCrash(nowUs: number): void {
    this.accrue(nowUs);
    if (this.status !== ALIVE) this.record(ItemKind.down, 0, nowUs);
    this.targetUp = 0;
    this.endMistake(nowUs);
    this.inMistake = 0;
    const st = this.status;
    this.crashUs = nowUs >= this.warmupUs ? nowUs : NaN;
    this.suspectSinceUs = st === ALIVE ? NaN : nowUs;
    this.deadSinceUs = st === DEAD ? nowUs : NaN;
  }

  private onRecover(nowUs: number): void {
    this.accrue(nowUs);
    this.finishCrash(nowUs, false);
    this.targetUp = 1;
    if (this.status !== ALIVE) this.record(ItemKind.up, 0, nowUs);
  }

  private finishCrash(nowUs: number, runEnded: boolean): void {
    const crashUs = this.crashUs;
    this.crashUs = NaN;
    if (crashUs !== crashUs) return;
    this.crashCount++;
    const suspectUs = this.suspectSinceUs;
    if (suspectUs === suspectUs) {
      this.record(ItemKind.detection, suspectUs - crashUs, nowUs);
    } else if (runEnded) {
      this.crashesCensored++;
    } else {
      this.crashesUndetected++;
    }
    const deadUs = this.deadSinceUs;
    if (deadUs === deadUs) this.record(ItemKind.dead, deadUs - crashUs, nowUs);
  }

  // ---- records for the cross-node merge ---------------------------------------------------------

  /** Keeps a record whose place in the global order matters, with what orders it. */
  private record(kind: number, value: number, nowUs: number): void {
    const items = this.items;
    const mode = this.curMode;
    let phase: number = Phase.event;
    if (mode === MODE_CHECK) phase = Phase.check;
    else if (mode === MODE_FINISH) phase = Phase.finish;
    else if (this.polling && nowUs >= this.checkUs && nowUs % this.checkUs === 0 && this.v[V_NEXT_CHECK]! > nowUs) phase = Phase.afterCheck;
    const i = items.add(nowUs, phase, this.node, mode === MODE_EVENT ? this.curEvent : -1, kind, value);
    if (mode !== MODE_EVENT || !items.keepsAncestry) return;
    if (this.sigNode !== this.node || this.sigEvent !== this.curEvent) {
      this.sigNode = this.node;
      this.sigEvent = this.curEvent;
      this.sigOffset = items.poolLength;
      this.writeAncestry();
      this.sigRuns = (items.poolLength - this.sigOffset) / 3;
    }
    items.sigOffset[i] = this.sigOffset;
    items.sigRuns[i] = this.sigRuns;
    items.sigComplete[i] = this.sigComplete;
  }

  /**
   * Writes the ancestry of the current event to the pool: the instants of its parent,
   * grandparent, … as runs, ending with a root marker when complete.
   */
  private writeAncestry(): void {
    const S = SEQ_STRIDE;
    const items = this.items;
    const intervalUs = this.intervalUs;
    let seq = this.curSeq;
    let runs = 0;
    this.sigComplete = 0;
    while (runs < MAX_RUNS) {
      if (seq < 0) {
        items.pushRun(ROOT_BASE + this.rootIndex(seq - ROOT_SEQ), 0, 1);
        this.sigComplete = 1;
        return;
      }
      if (!this.lookup(Math.floor(seq / S))) return;
      let g = this.segCount - 1;
      if (this.lkK === EV_SEND) while (g > 0 && this.segS0[g]! > this.lkT) g--;
      if (this.lkK === EV_SEND && Math.floor(seq / S) <= this.segUntil[g]!) {
        // A send whose chain is arithmetic back to its segment's first send (same jitter every time).
        const sendUs = this.lkT;
        const firstUs = this.segS0[g]!;
        const recoverySeq = this.segRSeq[g]!;
        if (recoverySeq !== recoverySeq) {
          // The node's start: sends at firstUs + k·interval, the first scheduled by the constructor.
          items.pushRun(sendUs, -intervalUs, (sendUs - firstUs) / intervalUs + 1);
          runs++;
          seq = ROOT_SEQ;
          continue;
        }
        // A restart at firstUs: sends at firstUs, then firstUs + interval + jitter + k·interval.
        if (sendUs > firstUs) {
          const secondUs = firstUs + intervalUs + this.segJ[g]!;
          items.pushRun(sendUs, -intervalUs, (sendUs - secondUs) / intervalUs + 1);
          runs++;
        }
        // The restart's first send, then the recovery that scheduled it (same instant).
        items.pushRun(firstUs, 0, 2);
        runs++;
        seq = recoverySeq;
        continue;
      }
      items.pushRun(this.lkT, 0, 1);
      runs++;
      seq = this.lkS;
    }
  }

  /** Finds the node's processed event with this index (recent ones, or any crash-process event). */
  private lookup(index: number): boolean {
    if (index >= this.logCount - RING) {
      const k = index & RING_MASK;
      this.lkT = this.ringT[k]!;
      this.lkS = this.ringS[k]!;
      this.lkK = this.ringK[k]!;
      return true;
    }
    let lo = 0;
    let hi = this.plogCount - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const at = this.plogIdx[mid]!;
      if (at === index) {
        this.lkT = this.plogT[mid]!;
        this.lkS = this.plogS[mid]!;
        this.lkK = EV_PROCESS;
        return true;
      }
      if (at < index) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  }

  /** The constructor's scheduling order: all first sends, then all crash processes, then the timers. */
  private rootIndex(child: number): number {
    const n = this.n;
    if (child === 0) return this.node;
    if (child <= this.processCount) return n + this.processList[this.processFirst + child - 1]!;
    return n + this.processes.length + this.node;
  }
}

/** Runs a configuration `fastPathApplies` admits; null if the kernel declines (the engine must run it). */
export function runTimeoutKernel(config: SimConfig, hooks?: RunHooks): RunResult | null {
  return new TimeoutKernel(config).run(hooks);
}
