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
 * Draws: jitter, loss, duplication and delay go through the engine's own law code —
 * the per-law draw functions of random/distributions.ts (`lawDraw` picks one per law
 * once; DurationSampler.sampleUs reaches the same functions through `drawUs`) and
 * `geometricGap`/`gilbertStep` (network/loss.ts, what LinkLoss runs) — with the laws'
 * parameters hoisted into locals so the optimizer inlines the draw into the loop. Set-up
 * (streams, laws) is in node-streams.ts, the crash processes in crash-processes.ts.
 *
 * Why this file is ~900 lines and `fastLoop` (~185) and `advance` (~250) exceed ~120:
 * the two loops keep the node's state in locals (registers) and are measured, not
 * guessed. Moving the shared parts (quiet wake-ups, the fused delivery, the send) into
 * methods or one loop made a value in the loop boxed — an allocation per heartbeat,
 * +8 to +50 % CPU on bench workloads A–C (issue #10 notes, /work/wt/notes/10.md) — so
 * `fastLoop` repeats, with fewer branches, what `advance` does for the common case.
 *
 * The loops allocate nothing: typed arrays, numbers, no closures; the scalars they keep
 * between calls live in a Float64Array, and cold calls take their numbers from it rather
 * than as (boxed) arguments. Check with a sampling heap profile after any change here.
 */
import type { SimConfig } from '../config.js';
import type { RunHooks, RunResult } from '../engine/run-result.js';
import { geometricGap, gilbertStep, LossKind, type CompiledLoss } from '../network/loss.js';
import { lawDraw, type DurationSampler, type LawDraw } from '../random/distributions.js';
import type { StreamBank } from '../random/streams.js';
import { EventClass } from '../engine/kernel.js';
import { Cause, type CauseCode } from '../metrics/recorder.js';
import { PairBooks } from '../metrics/books.js';
import { BookEntry, ItemStore } from './merge.js';
import { NodeCrashProcesses, ProcessEvent } from './crash-processes.js';
import { layOutStreams, type NodeStreams } from './node-streams.js';

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

/** LossKind (network/loss.ts) as plain constants for the hot loops. */
const LOSS_BERNOULLI = LossKind.bernoulli;
const LOSS_GILBERT = LossKind.gilbertElliott;

const EV_SEND = 0;
const EV_DELIVER = 1;
const EV_WAKE = 2;
const EV_PROCESS = 3;

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

  // ---- randomness: the engine's laws, the streams laid out by node-streams.ts ---------
  private readonly streams: NodeStreams;
  private readonly bank: StreamBank;
  private readonly jitter: DurationSampler;
  /** A constant jitter's value (it draws nothing). */
  private readonly jitterFixedUs: number;
  private readonly delay: DurationSampler;
  /** The laws' draw functions (picked once, so each call site in the loops sees one law). */
  private readonly drawJitter: LawDraw;
  private readonly drawDelay: LawDraw;
  private readonly baseDelayUs: number;
  private readonly duplicateProbability: number;
  private readonly loss: CompiledLoss;
  /** The crash processes (compiled by faults.ts, as the engine does). */
  private readonly processes: NodeCrashProcesses;

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

    const streams = layOutStreams(config);
    this.streams = streams;
    this.bank = streams.bank;
    this.jitter = streams.jitter;
    this.jitterFixedUs = streams.jitter.isConstant ? streams.jitter.sampleUs(0) : 0;
    this.delay = streams.delay;
    this.drawJitter = lawDraw(streams.jitter);
    this.drawDelay = lawDraw(streams.delay);
    this.baseDelayUs = config.link.delay.baseUs;
    this.duplicateProbability = config.link.duplicateProbability;
    this.loss = streams.loss;
    // Crash processes, compiled after the nodes' streams: same order, same stream keys as the engine.
    this.processes = new NodeCrashProcesses(config.crashes, config.nodeNames, streams.root, streams.bank);

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
    this.v[V_XT] = Number.POSITIVE_INFINITY;
    this.v[V_LAST_ARRIVAL] = 0;
    this.status = ALIVE;
    this.v[V_NEXT_CHANGE] = 0;
    this.v[V_NEXT_CHECK] = 0;
    this.curClass = EventClass.world;
    this.curEntity = 0;
    this.curCause = Cause.timer;
    this.items = new ItemStore();
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
    books.observeAll(this.n);
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
    const streams = this.streams;
    this.jitterStream = streams.jitterStream[node]!;
    this.delayStream = streams.delayStream[node]!;
    this.duplicateStream = streams.duplicateStream[node]!;
    this.duplicateDelayStream = streams.duplicateDelayStream[node]!;
    this.lossStream = streams.lossStream[node]!;
    this.stateStream = streams.lossStateStream[node]!;
    this.remaining = this.loss.kind === LOSS_BERNOULLI ? streams.initialLossState[node]! : 0;
    this.bad = this.loss.kind === LOSS_GILBERT ? streams.initialLossState[node]! : 0;
    this.dHead = 0;
    this.dLen = 0;

    this.up = true;
    this.nominalUs = streams.phaseUs[node]!;
    this.sendT = this.nominalUs + this.jitter.sampleUs(this.jitterStream);

    this.processes.startNode(node);
    this.v[V_XT] = this.processes.nextUs();

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
    // The laws (the engine's: lawDraw, network/loss.ts) with their parameters in registers; a constant law draws nothing.
    const jitter = this.jitter;
    const jitterA = +jitter.a;
    const jitterB = +jitter.b;
    const jitterFixed = jitter.isConstant;
    const jitterFixedUs = +this.jitterFixedUs;
    const drawJitter = this.drawJitter;
    const drawDelay = this.drawDelay;
    const delay = this.delay;
    const delayA = +delay.a;
    const delayB = +delay.b;
    const loss = this.loss;
    const lossKind = +loss.kind;
    const logKeep = +loss.logKeep;
    const jitterStream = +this.jitterStream;
    const delayStream = +this.delayStream;
    const lossStream = +this.lossStream;
    const stateStream = +this.stateStream;
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
      const nextSendUs = nominalUs + (jitterFixed ? jitterFixedUs : +drawJitter(bank, jitterStream, jitterA, jitterB, jitter));
      sendT = nextSendUs < t ? t : nextSendUs;
      let dropped = false;
      if (lossKind === LOSS_BERNOULLI) {
        if (remaining > 0) remaining--;
        else {
          remaining = geometricGap(bank, lossStream, logKeep);
          dropped = true;
        }
      } else if (lossKind === LOSS_GILBERT) {
        const step = +gilbertStep(bank, stateStream, lossStream, bad, loss.enterBad, loss.leaveBad, loss.lossGood, loss.lossBad);
        bad = step >> 1;
        dropped = (step & 1) === 1;
      }
      if (dropped) {
        if (counted) lost++;
        continue;
      }
      const arrivalUs = t + baseDelayUs + +drawDelay(bank, delayStream, delayA, delayB, delay);
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
    // The laws (the engine's: lawDraw, network/loss.ts) with their parameters in registers; a constant law draws nothing.
    const jitter = this.jitter;
    const jitterA = +jitter.a;
    const jitterB = +jitter.b;
    const jitterFixed = jitter.isConstant;
    const jitterFixedUs = +this.jitterFixedUs;
    const drawJitter = this.drawJitter;
    const drawDelay = this.drawDelay;
    const delay = this.delay;
    const delayA = +delay.a;
    const delayB = +delay.b;
    const loss = this.loss;
    const lossKind = +loss.kind;
    const logKeep = +loss.logKeep;
    const jitterStream = +this.jitterStream;
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
        const nextSendUs = nominalUs + (jitterFixed ? jitterFixedUs : +drawJitter(bank, jitterStream, jitterA, jitterB, jitter));
        sendT = nextSendUs < t ? t : nextSendUs;
        let dropped = false;
        if (lossKind === LOSS_BERNOULLI) {
          if (remaining > 0) remaining--;
          else {
            remaining = geometricGap(bank, lossStream, logKeep);
            dropped = true;
          }
        } else if (lossKind === LOSS_GILBERT) {
          const step = +gilbertStep(bank, stateStream, lossStream, bad, loss.enterBad, loss.leaveBad, loss.lossGood, loss.lossBad);
          bad = step >> 1;
          dropped = (step & 1) === 1;
        }
        if (dropped) {
          if (counted) lost++;
        } else {
          const departUs = t + baseDelayUs;
          let duplicateUs = -1;
          if (duplicateProbability > 0 && bank.next(duplicateStream) < duplicateProbability) duplicateUs = departUs + +delay.sampleUs(duplicateDelayStream);
          const arrivalUs = departUs + +drawDelay(bank, delayStream, delayA, delayB, delay);
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

  /** A crash process's event: the node goes down (a crash) or restarts (a recovery); the process draws its next event. */
  private onProcess(t: number): void {
    const what = this.processes.fire(t);
    this.curClass = EventClass.world;
    this.curEntity = this.processes.firedEntity;
    if (what === ProcessEvent.crash && this.up) {
      this.up = false;
      if (this.sendT <= this.endUs) this.events++; // the engine still pops the stale send
      this.sendT = Number.POSITIVE_INFINITY;
      this.onCrash(t);
    } else if (what === ProcessEvent.recover && !this.up) {
      this.up = true;
      this.onRecover(t);
      // A restarted node sends at once (class send: after this instant's world events) and keeps the new phase.
      this.nominalUs = t;
      this.sendT = t;
    }
    this.v[V_XT] = this.processes.nextUs();
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
