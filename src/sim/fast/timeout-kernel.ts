/**
 * The per-node kernel of the fixed-timeout detector: the general engine's tallies,
 * without its global event queue, for the configurations `fastPathApplies` admits.
 *
 * Why it is exact. With a centralized observer, pushed heartbeats, the fixed-timeout
 * detector, per-node crash processes and no coupling fault, a node's events are
 * scheduled only by the node's own events (a send schedules its deliveries and the
 * next send, a delivery or a wake-up the next wake-up, a crash its recovery, a
 * recovery the restart's send and the next crash) or at the start. The engine's kernel
 * pops events by (instant, class, entity, sequence) — classes world (crash, recovery)
 * → send → deliver → timer (wake-up, polling round) — and every entity of the node's
 * events belongs to the node (the node's sends, its pair's deliveries and wake-ups,
 * its own crash processes) but the polling round's. So the node's events are replayed
 * here in exactly that order: by instant, then class, then (deliveries of one instant)
 * scheduling order and (crash processes) their global index. Every stream sees the
 * same draws in the same sequence as in the engine: the next send's jitter when a send
 * fires, loss then (if delivered) duplication and delay per send, a crash process's
 * first up time at the start, its down time at the crash and its next up time at the
 * recovery.
 *
 * Per node: one pending send, a small sorted buffer of deliveries in flight (they may
 * overtake each other; a delivery due before anything else of the node is handled
 * with its send), the wake-ups of exact timers (stale ones included: see `wakeT`) or
 * the observer's polling rounds (`check_interval > 0`, one kernel event evaluating the
 * pairs in order, after the node events of its instant), and one pending event per
 * crash process. Polling rounds are walked lazily: rounds that cannot change the
 * verdict are skipped arithmetically.
 *
 * What crosses nodes: the sample arrays of RunTallies are in the engine's global event
 * order, and the count of live nodes suspected at once (its maximum, the mass-suspicion
 * count) depends on that order at equal instants. Those records keep the (instant,
 * class, entity) of their event, and `merge.ts` sorts them by it: the engine's order by
 * construction, so this kernel never declines.
 *
 * Why one file of ~1,300 lines: the hot loops keep their state in fields of one class
 * so the optimizer sees monomorphic, typed accesses.
 *
 * The hot loop (`advance`) allocates nothing: typed arrays, numbers, no closures; the
 * scalars it keeps between calls live in a Float64Array, and cold calls take their
 * numbers from it rather than as (boxed) arguments.
 */
import type { CrashFault, SimConfig } from '../config.js';
import { DurationSampler, type DelayDistribution } from '../random/distributions.js';
import { compileCrashes, type FaultProcess } from '../faults/faults.js';
import { linkLossModel } from '../network/links.js';
import { linkStreamKey, nodeStreamKey } from '../random/stream-keys.js';
import { firstUniform, StreamBank, type SeedRoot } from '../random/streams.js';
import type { RunHooks, RunResult } from '../engine/run-result.js';
import { standardExponential } from '../random/ziggurat.js';
import { EventClass } from '../engine/kernel.js';
import { Cause, type CauseCode } from '../metrics/recorder.js';
import { PairBooks } from '../metrics/books.js';
import { BookEntry, ItemStore } from './merge.js';

/** Events per call of the hot loop (re-entered, so the optimizer sees it called, not only looping). */
const CHUNK = 8192;

/** Slots of TimeoutKernel.v. */
const V_LAST_ARRIVAL = 0; // the detector's last arrival (true µs)
const V_NEXT_CHANGE = 1; // earliest instant the verdict could change without news
const V_NEXT_CHECK = 2; // the next polling round not yet processed
const V_PAIR_WAKE = 3; // exact timers: the live wake-up deadline
const V_XT = 4; // the earliest crash-process event: instant
const V_ARG = 5; // argument of cold calls from the hot loop (no boxed numbers)
const V_COUNT = 6;

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


/** The first polling round at or after `t`, given `fromUs` (a round, before t); rounds are multiples of `stepUs`. */
function skipRounds(fromUs: number, t: number, stepUs: number): number {
  let next = fromUs + stepUs;
  if (next < t) {
    next += stepUs;
    if (next < t) next = gridCeil(t, stepUs);
  }
  return next;
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

/** One run, node after node; `run()` gives the engine's RunResult (empty log). */
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
  private node = 0;
  private jitterStream = 0;
  private delayStream = 0;
  private duplicateStream = 0;
  private duplicateDelayStream = 0;
  private lossStream = 0;
  private stateStream = 0;
  private up: boolean;
  private sendT: number;
  private nominalUs: number;
  private remaining: number;
  private bad: number;
  /** Deliveries in flight: a ring buffer sorted by instant, then scheduling order. */
  private dT: Float64Array;
  private dHead: number;
  private dLen: number;
  /**
   * Exact timers: the pending wake-ups, sorted, stale ones included (the engine pops
   * them too; one at the live deadline's instant acts, whichever of equal ones is first).
   */
  private wakeT: Float64Array;
  private wakeHead: number;
  private wakeLen: number;
  /** Crash processes of the node: next event of each, and the earliest. */
  private processCount: number;
  private processFirst: number;
  private procT: Float64Array;
  private procKind: Uint8Array;
  private xJ: number;

  /** The detector's verdict (its other state is in `v`). */
  private status: number;

  /** The kernel's (class, entity) of what is being processed (where its records sort among other nodes'), and the cause of a verdict. */
  private curClass: number;
  private curEntity: number;
  private curCause: CauseCode;

  // ---- totals (the books' counters; everything else is booked through metrics/books.ts) --------
  private heartbeatsSent = 0;
  private heartbeatsDelivered = 0;
  private heartbeatsLost = 0;
  private events = 0;
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
    this.up = true;
    this.sendT = 0;
    this.nominalUs = 0;
    this.remaining = 0;
    this.bad = 0;
    this.dT = new Float64Array(64);
    this.dHead = 0;
    this.dLen = 0;
    this.wakeT = new Float64Array(16);
    this.wakeHead = 0;
    this.wakeLen = 0;
    this.v[V_PAIR_WAKE] = Number.POSITIVE_INFINITY;
    this.processCount = 0;
    this.processFirst = 0;
    this.procT = new Float64Array(maxPerNode);
    this.procKind = new Uint8Array(maxPerNode);
    this.v[V_XT] = Number.POSITIVE_INFINITY;
    this.xJ = -1;
    this.v[V_LAST_ARRIVAL] = 0;
    this.status = ALIVE;
    this.v[V_NEXT_CHANGE] = 0;
    this.v[V_NEXT_CHECK] = 0;
    this.curClass = EventClass.world;
    this.curEntity = 0;
    this.curCause = Cause.timer;
    this.items = new ItemStore();
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

  /** Told the fraction of the run done, every CHUNK events or so (RunHooks). */
  private progress: ((fraction: number) => void) | undefined = undefined;

  /** Runs every node, then books what crosses nodes in the engine's order. */
  run(hooks?: RunHooks): RunResult {
    this.progress = hooks?.onProgress;
    for (let i = 0; i < this.n; i++) this.runNode(i);
    if (this.polling) this.events += Math.floor(this.endUs / this.checkUs);
    // The books the engine keeps (central topology: the monitor is node n, pair i watches node i).
    const books = new PairBooks(this.n + 1);
    for (let i = 0; i < this.n; i++) books.observe(this.n, i);
    books.open({ warmupUs: this.warmupUs, transitionLogLimit: 0, flapWindowUs: this.flapWindowUs });
    this.items.bookInOrder(books);
    const recorder = books.recorder;
    recorder.heartbeatsSent = this.heartbeatsSent;
    recorder.heartbeatsDelivered = this.heartbeatsDelivered;
    recorder.heartbeatsLost = this.heartbeatsLost;
    const { tallies, log } = recorder.finish(this.endUs);
    return { tallies, log, events: this.events, endUs: this.endUs };
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
    if (this.polling) this.catchUpChecks(this.endUs + 1);
  }

  /** The node as the engine's constructor leaves it: first send, crash processes, timer. */
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
    this.dHead = 0;
    this.dLen = 0;

    this.up = true;
    this.nominalUs = this.phaseUs[node]!;
    this.sendT = this.nominalUs + (this.jitterConstant ? this.jitterConstantUs : this.jitter.sampleUs(this.jitterStream));

    const first = this.processStart[node]!;
    const m = this.processStart[node + 1]! - first;
    this.processFirst = first;
    this.processCount = m;
    for (let j = 0; j < m; j++) {
      const episode = this.processes[this.processList[first + j]!]!;
      const fault = this.crashes[episode.rule]!;
      this.procT[j] = fault.kind === 'crashAt' ? fault.atUs : this.exponentialUs(episode, fault.mttfUs);
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
    } else {
      this.v[V_PAIR_WAKE] = this.timeoutUs + 1;
      this.wakeT[0] = this.v[V_PAIR_WAKE]!;
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
    const endUs = +this.endUs;
    const warmupUs = +this.warmupUs;
    const intervalUs = +this.intervalUs;
    const timeoutUs = +this.timeoutUs;
    const polling = this.polling;
    const checkUs = +this.checkUs;
    const bank = this.bank;
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
    let nominalUs = +this.nominalUs;
    let remaining = +this.remaining;
    let bad = +this.bad;
    let lastArrival = +v[V_LAST_ARRIVAL]!;
    let nextChange = +v[V_NEXT_CHANGE]!;
    let nextCheck = +v[V_NEXT_CHECK]!;
    let pairWake = +v[V_PAIR_WAKE]!;
    let wakeT = this.wakeT;
    let wakeHead = +this.wakeHead;
    let wakeLen = +this.wakeLen;
    // Read here, where they always run: a first read on a rare path would cost a recompile.
    const dT = this.dT;
    const dHead = this.dHead;
    let events = 0;
    let sent = 0;
    let delivered = 0;
    let lost = 0;
    let buffered = false;

    for (; budget > 0; budget--) {
      const t = sendT;
      // A crash-process event at the send's instant comes first (class world): the general loop.
      if (t > endUs || t >= xT) break;
      if (!polling) {
        // Wake-ups before the send (one at its instant judges after it): stale ones pop
        // and do nothing; a live one that finds the node within its timeout just re-arms.
        if (wakeLen > 0) {
          const wt = +wakeT[wakeHead]!;
          if (wt < t) {
            if (wt !== pairWake) {
              events++;
              wakeHead++;
              if (--wakeLen === 0) wakeHead = 0;
              continue;
            }
            if (wt - lastArrival > timeoutUs) break;
            events++;
            wakeHead++;
            if (--wakeLen === 0) wakeHead = 0;
            pairWake = lastArrival + timeoutUs + 1;
            nextChange = pairWake;
            this.wakeHead = wakeHead;
            this.wakeLen = wakeLen;
            v[V_ARG] = pairWake;
            this.pushWakeFromArgs();
            wakeT = this.wakeT;
            wakeHead = +this.wakeHead;
            wakeLen = +this.wakeLen;
            continue;
          }
        }
      } else if (nextCheck < t) {
        // Rounds before the send; one at its instant judges after it.
        if (nextChange < t) break;
        nextCheck = skipRounds(nextCheck, t, checkUs);
      }

      // The send.
      events++;
      const counted = t >= warmupUs;
      if (counted) sent++;
      nominalUs += intervalUs;
      let jitterUs: number;
      if (jitterKind === LAW_CONSTANT) jitterUs = jitterA;
      else if (jitterKind === LAW_UNIFORM) jitterUs = Math.round(jitterA + jitterB * bank.next(jitterStream));
      else jitterUs = +this.jitter.sampleUs(jitterStream);
      const nextSendUs = nominalUs + jitterUs;
      sendT = nextSendUs < t ? t : nextSendUs;
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
      // Nothing of the node's comes between the send and the arrival but wake-ups: a
      // send or a crash at the arrival's instant would come first (lower class).
      if (!polling && arrivalUs < sendT && arrivalUs < xT) {
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
          wakeHead++;
          if (--wakeLen === 0) wakeHead = 0;
          pairWake = lastArrival + timeoutUs + 1;
          nextChange = pairWake;
          this.wakeHead = wakeHead;
          this.wakeLen = wakeLen;
          v[V_ARG] = pairWake;
          this.pushWakeFromArgs();
          wakeT = this.wakeT;
          wakeHead = +this.wakeHead;
          wakeLen = +this.wakeLen;
        }
      }
      if (arrivalUs < sendT && arrivalUs < xT && (polling ? nextCheck >= arrivalUs : wakeLen === 0 || +wakeT[wakeHead]! >= arrivalUs)) {
        // Delivered before anything else of the node happens (a timer at its instant judges after it).
        events++;
        if (arrivalUs >= warmupUs) delivered++;
        lastArrival = arrivalUs;
        const changeUs = arrivalUs + timeoutUs + 1;
        nextChange = changeUs;
        if (!polling && changeUs < pairWake) {
          pairWake = changeUs;
          this.wakeHead = wakeHead;
          this.wakeLen = wakeLen;
          v[V_ARG] = changeUs;
          this.pushWakeFromArgs();
          wakeT = this.wakeT;
          wakeHead = +this.wakeHead;
          wakeLen = +this.wakeLen;
        }
        continue;
      }
      // In flight past the node's next event: the general loop takes over.
      dT[dHead] = arrivalUs;
      buffered = true;
      break;
    }

    v[V_LAST_ARRIVAL] = lastArrival;
    v[V_NEXT_CHANGE] = nextChange;
    v[V_NEXT_CHECK] = nextCheck;
    v[V_PAIR_WAKE] = pairWake;
    this.sendT = sendT;
    this.nominalUs = nominalUs;
    this.remaining = remaining;
    this.bad = bad;
    this.wakeHead = wakeHead;
    this.wakeLen = wakeLen;
    if (buffered) this.dLen = 1;
    this.events += events;
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
    let sendT = +this.sendT;
    let nominalUs = +this.nominalUs;
    let remaining = +this.remaining;
    let bad = +this.bad;
    let dT = this.dT;
    let dMask = dT.length - 1;
    let dHead = +this.dHead;
    let dLen = +this.dLen;
    let xT = +v[V_XT]!;
    let lastArrival = +v[V_LAST_ARRIVAL]!;
    let nextChange = +v[V_NEXT_CHANGE]!;
    let nextCheck = +v[V_NEXT_CHECK]!;
    let pairWake = +v[V_PAIR_WAKE]!;
    let events = 0;
    let sent = 0;
    let delivered = 0;
    let lost = 0;
    let done = false;

    for (; budget > 0; budget--) {
      // The node's next event, in the kernel's order: instant, then class (world, send,
      // deliver, timer); deliveries of one instant in scheduling order.
      let t = sendT;
      let kind = EV_SEND;
      if (dLen > 0) {
        const dt = +dT[dHead]!;
        if (dt < t) {
          t = dt;
          kind = EV_DELIVER;
        }
      }
      if (!polling && this.wakeLen > 0) {
        const wt = +this.wakeT[this.wakeHead]!;
        if (wt < t) {
          t = wt;
          kind = EV_WAKE;
        }
      }
      if (xT <= t) {
        t = xT;
        kind = EV_PROCESS;
      }
      if (t > endUs) {
        done = true;
        break;
      }

      // Polling rounds before this event (one at its instant judges after it).
      if (polling && nextCheck < t) {
        if (nextChange < t) {
          v[V_LAST_ARRIVAL] = lastArrival;
          v[V_NEXT_CHANGE] = nextChange;
          v[V_NEXT_CHECK] = nextCheck;
          v[V_ARG] = t;
          this.catchUpChecksFromArgs();
          nextChange = +v[V_NEXT_CHANGE]!;
          nextCheck = +v[V_NEXT_CHECK]!;
        } else {
          // None of them can change the verdict: skip to the first round at or after t.
          nextCheck = skipRounds(nextCheck, t, checkUs);
        }
      }

      events++;
      if (kind === EV_SEND) {
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
            arrivalUs < sendT &&
            arrivalUs < xT &&
            arrivalUs <= endUs &&
            duplicateUs < 0 &&
            this.status === ALIVE &&
            (polling ? nextCheck >= arrivalUs : this.wakeLen === 0 || +this.wakeT[this.wakeHead]! >= arrivalUs)
          ) {
            // Nothing of the node's comes between: deliver now (the common case, fused with its send).
            events++;
            if (arrivalUs >= warmupUs) delivered++;
            lastArrival = arrivalUs;
            const changeUs = arrivalUs + timeoutUs + 1;
            nextChange = changeUs;
            if (!polling && changeUs < pairWake) {
              pairWake = changeUs;
              v[V_ARG] = changeUs;
              this.pushWakeFromArgs();
            }
          } else if (arrivalUs <= endUs) {
            // Inserted by instant (a later scheduling goes last).
            if (dLen === dT.length) {
              this.dHead = dHead;
              this.dLen = dLen;
              this.growDeliveries();
              dT = this.dT;
              dMask = dT.length - 1;
              dHead = 0;
            }
            let pos = dLen;
            while (pos > 0) {
              const prev = (dHead + pos - 1) & dMask;
              if (dT[prev]! <= arrivalUs) break;
              dT[(dHead + pos) & dMask] = dT[prev]!;
              pos--;
            }
            dT[(dHead + pos) & dMask] = arrivalUs;
            dLen++;
          }
          if (duplicateUs >= 0 && duplicateUs <= endUs) {
            this.dHead = dHead;
            this.dLen = dLen;
            this.v[V_ARG] = duplicateUs;
            this.insertDelivery();
            dT = this.dT;
            dMask = dT.length - 1;
            dHead = +this.dHead;
            dLen = +this.dLen;
          }
        }
      } else if (kind === EV_DELIVER) {
        dHead = (dHead + 1) & dMask;
        dLen--;
        if (t >= warmupUs) delivered++;
        lastArrival = t;
        const nextUs = t + timeoutUs + 1;
        nextChange = nextUs;
        if (this.status !== ALIVE) {
          this.curClass = EventClass.deliver;
          this.curEntity = this.node;
          this.curCause = Cause.heartbeat;
          v[V_ARG] = t;
          this.setVerdictFromArgs(ALIVE);
        }
        if (!polling && nextUs < pairWake) {
          pairWake = nextUs;
          v[V_ARG] = nextUs;
          this.pushWakeFromArgs();
        }
      } else if (kind === EV_WAKE) {
        this.wakeHead++;
        if (--this.wakeLen === 0) this.wakeHead = 0;
        if (t !== pairWake) continue; // superseded
        pairWake = Number.POSITIVE_INFINITY;
        const lastUs = lastArrival;
        const silenceUs = t - lastUs;
        const verdict = silenceUs > deadAfterUs ? DEAD : silenceUs > timeoutUs ? SUSPECTED : ALIVE;
        if (verdict !== this.status) {
          this.curClass = EventClass.timer;
          this.curEntity = this.node;
          this.curCause = Cause.timer;
          v[V_ARG] = t;
          this.setVerdictFromArgs(verdict);
        }
        const nextUs = silenceUs <= timeoutUs ? lastUs + timeoutUs + 1 : silenceUs <= deadAfterUs ? lastUs + deadAfterUs + 1 : Number.POSITIVE_INFINITY;
        nextChange = nextUs;
        if (nextUs !== Number.POSITIVE_INFINITY) {
          pairWake = nextUs;
          v[V_ARG] = nextUs;
          this.pushWakeFromArgs();
        }
      } else {
        this.sendT = sendT;
        this.nominalUs = nominalUs;
        v[V_NEXT_CHECK] = nextCheck;
        v[V_ARG] = t;
        this.onProcessFromArgs();
        xT = +v[V_XT]!;
        sendT = +this.sendT;
        nominalUs = +this.nominalUs;
      }
      // Back to the tight loop as soon as it can go on.
      if (dLen === 0 && this.status === ALIVE) break;
    }

    v[V_LAST_ARRIVAL] = lastArrival;
    v[V_NEXT_CHANGE] = nextChange;
    v[V_NEXT_CHECK] = nextCheck;
    v[V_PAIR_WAKE] = pairWake;
    this.sendT = sendT;
    this.nominalUs = nominalUs;
    this.remaining = remaining;
    this.bad = bad;
    this.dT = dT;
    this.dHead = dHead;
    this.dLen = dLen;
    this.events += events;
    this.heartbeatsSent += sent;
    this.heartbeatsDelivered += delivered;
    this.heartbeatsLost += lost;
    return done;
  }

  // Cold calls from the hot loop take their instant from v[V_ARG]: a number passed as an
  // argument would be boxed, and would make the optimizer box it in the loop.
  private catchUpChecksFromArgs(): void {
    this.catchUpChecks(this.v[V_ARG]!);
  }

  private setVerdictFromArgs(to: number): void {
    this.setVerdict(to, this.v[V_ARG]!);
  }

  /** Adds a wake-up at v[V_ARG] after every pending one at or before its instant. */
  private pushWakeFromArgs(): void {
    const atUs = +this.v[V_ARG]!;
    let wt = this.wakeT;
    const head = this.wakeHead;
    const len = this.wakeLen;
    if (head > 0) {
      wt.copyWithin(0, head, head + len);
      this.wakeHead = 0;
    }
    if (len === wt.length) this.wakeT = wt = grown(wt);
    let pos = len;
    while (pos > 0 && wt[pos - 1]! > atUs) {
      wt[pos] = wt[pos - 1]!;
      pos--;
    }
    wt[pos] = atUs;
    this.wakeLen = len + 1;
  }

  private onProcessFromArgs(): void {
    this.onProcess(this.v[V_ARG]!);
  }

  /** A crash process's event: a crash (then the down time is drawn) or a recovery (then the next up time). */
  private onProcess(t: number): void {
    const j = this.xJ;
    const global = this.processList[this.processFirst + j]!;
    this.curClass = EventClass.world;
    this.curEntity = global;
    const episode = this.processes[global]!;
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
        this.procKind[j] = PROC_RECOVER;
      } else {
        this.procT[j] = Number.POSITIVE_INFINITY;
      }
    } else {
      if (!this.up) {
        this.up = true;
        this.onRecover(t);
        // A restarted node sends at once (class send: after this instant's world events) and keeps the new phase.
        this.nominalUs = t;
        this.sendT = t;
      }
      if (fault.kind === 'crashRecover') {
        this.procT[j] = t + Math.max(1, this.exponentialUs(episode, fault.mttfUs));
        this.procKind[j] = PROC_CRASH;
      } else {
        this.procT[j] = Number.POSITIVE_INFINITY;
      }
    }
    this.pickProcess();
  }

  /** The crash process whose event comes first: by instant, then entity (the process's global index, ascending with j). */
  private pickProcess(): void {
    let xT = Number.POSITIVE_INFINITY;
    let xJ = -1;
    for (let k = 0; k < this.processCount; k++) {
      const pt = this.procT[k]!;
      if (pt < xT) {
        xT = pt;
        xJ = k;
      }
    }
    this.v[V_XT] = xT;
    this.xJ = xJ;
  }

  /** Doubles the delivery buffer, its head moved to 0. */
  private growDeliveries(): void {
    const oldT = this.dT;
    const head = this.dHead;
    const mask = oldT.length - 1;
    const t = new Float64Array(oldT.length * 2);
    for (let i = 0; i < this.dLen; i++) t[i] = oldT[(head + i) & mask]!;
    this.dT = t;
    this.dHead = 0;
  }

  /** Adds the delivery at v[V_ARG], the last scheduled, after those at or before its instant. */
  private insertDelivery(): void {
    const at = this.v[V_ARG]!;
    if (this.dLen === this.dT.length) this.growDeliveries();
    const dT = this.dT;
    const mask = dT.length - 1;
    const head = this.dHead;
    let pos = this.dLen;
    while (pos > 0) {
      const prev = (head + pos - 1) & mask;
      if (dT[prev]! <= at) break;
      dT[(head + pos) & mask] = dT[prev]!;
      pos--;
    }
    dT[(head + pos) & mask] = at;
    this.dLen++;
  }

  /**
   * Processes the polling rounds before instant t (a round at t judges after the node's
   * events of t). Rounds that cannot change the verdict are skipped arithmetically.
   */
  private catchUpChecks(t: number): void {
    const checkUs = this.checkUs;
    const endUs = this.endUs;
    for (;;) {
      const atUs = this.v[V_NEXT_CHECK]!;
      if (atUs >= t || atUs > endUs) return;
      if (this.v[V_NEXT_CHANGE]! <= atUs) {
        this.checkAt(atUs);
        this.v[V_NEXT_CHECK] = atUs + checkUs;
      } else {
        const targetUs = Math.min(this.v[V_NEXT_CHANGE]!, t);
        let next = atUs + checkUs;
        if (next < targetUs) next = gridCeil(targetUs, checkUs);
        this.v[V_NEXT_CHECK] = next;
      }
    }
  }

  /** A polling round (the kernel's one `check` event, entity 0, evaluating pairs in order) evaluates the pair at `atUs`. */
  private checkAt(atUs: number): void {
    const lastUs = this.v[V_LAST_ARRIVAL]!;
    const silenceUs = atUs - lastUs;
    const verdict = silenceUs > this.deadAfterUs ? DEAD : silenceUs > this.timeoutUs ? SUSPECTED : ALIVE;
    if (verdict !== this.status) {
      this.curClass = EventClass.timer;
      this.curEntity = 0;
      this.curCause = Cause.check;
      this.setVerdict(verdict, atUs);
    }
    this.v[V_NEXT_CHANGE]! =
      silenceUs <= this.timeoutUs ? lastUs + this.timeoutUs + 1 : silenceUs <= this.deadAfterUs ? lastUs + this.deadAfterUs + 1 : Number.POSITIVE_INFINITY;
  }

  // ---- what the books hear: verdicts and the truth, with what orders them (merge.ts) ----------------

  private setVerdict(to: number, nowUs: number): void {
    if (this.status === to) return;
    this.status = to;
    this.items.add(nowUs, this.curClass, this.curEntity, this.node, BookEntry.verdict, to, this.curCause);
  }

  private onCrash(nowUs: number): void {
    this.items.add(nowUs, this.curClass, this.curEntity, this.node, BookEntry.down, 0, 0);
  }

  private onRecover(nowUs: number): void {
    this.items.add(nowUs, this.curClass, this.curEntity, this.node, BookEntry.up, 0, 0);
  }
}

/** Runs a configuration `fastPathApplies` admits. */
export function runTimeoutKernel(config: SimConfig, hooks?: RunHooks): RunResult {
  return new TimeoutKernel(config).run(hooks);
}
