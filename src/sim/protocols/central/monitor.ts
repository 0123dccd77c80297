/**
 * The central monitor: one observer (entity n, after the n monitored nodes) watching
 * every node over its own (observer, target) pair, with one detector for all pairs.
 * It owns the detector's timers — a wake-up per pair at the instant its verdict could
 * next change (exact timers), or polling rounds (`check_interval`) — the readiness
 * verdict of detectors that have one, and the backlog of messages that reach it while
 * it is paused. Verdicts go to the shared books.
 *
 * The sending side is another module (push-heartbeats.ts, pull-probes.ts, leases.ts);
 * their messages reach the detector through `receive` / `receiveReply`.
 */
import type { MonitorFailover, SimConfig } from '../../config.js';
import { createDetector, detectorUsesWallClock } from '../../detectors/create.js';
import { isPullDetector, isReadinessDetector, type Detector, type PullDetector, type ReadinessDetector } from '../../detectors/detector.js';
import { EventClass } from '../../engine/kernel.js';
import type { FaultService } from '../../faults/fault-service.js';
import { Cause, type CauseCode } from '../../metrics/recorder.js';
import { firstOnsetUs, nextOnsetUs } from '../../faults/faults.js';
import { monitorFailoverStreamKey, pairStreamKey } from '../../random/stream-keys.js';
import { RandomStream } from '../../random/streams.js';
import { Status } from '../../status.js';
import { NEVER } from '../../time.js';
import type { ProtocolContext, ProtocolModule } from '../protocol.js';

/** How many messages an observer pause may queue before the backlog grows (it grows as needed). */
const INITIAL_BACKLOG = 256;

/** What the monitor asks of the pull and lease modules after it reads a message. */
export interface AfterReceive {
  armProbe(pair: number, nowUs: number): void;
}
export interface GrantSender {
  sendGrant(pair: number, seq: number, nodeSentUs: number, nowUs: number): void;
}

export class CentralMonitor implements ProtocolModule {
  readonly name = 'central-monitor';
  /** Replaced by a fresh one when a standby takes over (monitor failover). */
  detector: Detector;
  readonly pull: PullDetector | null;
  readonly readiness: ReadinessDetector | null;
  /** Nodes push heartbeats: every non-pull detector, and pull detectors that say `push`. */
  readonly push: boolean;
  readonly exactTimers: boolean;
  readonly observer: number;
  readonly pairCount: number;
  /**
   * Per pair, interleaved (one cache line per heartbeat at 100 k nodes, not two):
   * [2i] the first heartbeat number of node i's current process (written by the sender
   * on restart), [2i + 1] the first one the detector has been told of.
   */
  private readonly incarnationFirstSeq: Float64Array;
  /** False until some node restarts: until then no heartbeat starts an incarnation. */
  private restarted = false;
  private readonly pairWakeUs: Float64Array;
  private readonly pairReady: Uint8Array;
  /** 1 while a pair's pause has ended but no news sent after it has reached the monitor. */
  private readonly pairAwaitingNews: Uint8Array;
  /** Pairs with `pairAwaitingNews` set: while 0, a heartbeat need not look. */
  private awaitingNewsCount = 0;
  private readonly checkIntervalUs: number;
  private readonly detectorUsesWall: boolean;
  probes: AfterReceive | null = null;
  grants: GrantSender | null = null;
  private backlogPair: Int32Array;
  private backlogSeq: Float64Array;
  private backlogSentUs: Float64Array;
  /** 1 where the queued message is a probe reply that travels apart from heartbeats. */
  private backlogReply: Uint8Array;
  private backlogLength = 0;
  private wakeKind = 0;
  private checkKind = 0;
  // Monitor failover (issue #13): down between a crash and the standby's takeover.
  private readonly failover: MonitorFailover | null;
  private readonly config: SimConfig;
  private failoverStream: RandomStream | null = null;
  private down = false;
  private crashKind = 0;
  private takeoverKind = 0;
  /** 1 until a node's first message reaches a standby that started with no last-seen times. */
  private readonly pairUnseen: Uint8Array;
  /** 1 from a takeover until the node's first message reaches the standby: suspicions then are the takeover's. */
  private readonly pairTakeoverWindow: Uint8Array;

  constructor(
    private readonly ctx: ProtocolContext,
    private readonly faults: FaultService,
    config: SimConfig,
  ) {
    const names = config.nodeNames;
    const n = names.length;
    this.observer = n;
    this.pairCount = n;
    const intervalUs = config.heartbeat.intervalUs;
    this.detector = createDetector(config.detector, {
      pairCount: n,
      startLocalUs: 0,
      intervalUs,
      // Probes start at a uniformly random phase per pair, like heartbeats.
      firstProbeUs: (pair, periodUs = intervalUs) => Math.floor(ctx.firstDraw(pairStreamKey(names[pair]!, 'probe-phase')) * periodUs),
    });
    this.detectorUsesWall = detectorUsesWallClock(config.detector);
    this.pull = isPullDetector(this.detector) ? this.detector : null;
    this.push = this.pull === null || this.pull.push === true;
    this.readiness = isReadinessDetector(this.detector) ? this.detector : null;
    this.checkIntervalUs = config.detector.checkIntervalUs;
    this.exactTimers = this.checkIntervalUs === 0;
    this.incarnationFirstSeq = new Float64Array(2 * n);
    // Per-pair arrays of one mode only, empty otherwise (every read is behind its mode's
    // flag): at 100 k nodes a filled array is 0.1–0.8 MB of set-up.
    this.pairWakeUs = new Float64Array(this.exactTimers ? n : 0).fill(NEVER);
    this.pairReady = new Uint8Array(this.readiness ? n : 0).fill(1);
    this.pairAwaitingNews = new Uint8Array(n);
    this.config = config;
    this.failover = config.monitorFailover ?? null;
    this.pairUnseen = new Uint8Array(this.failover ? n : 0);
    this.pairTakeoverWindow = new Uint8Array(this.failover ? n : 0);
    this.backlogPair = new Int32Array(INITIAL_BACKLOG);
    this.backlogSeq = new Float64Array(INITIAL_BACKLOG);
    this.backlogSentUs = new Float64Array(INITIAL_BACKLOG);
    this.backlogReply = new Uint8Array(INITIAL_BACKLOG);
  }

  /** The central topology: link i carries node i → monitor, link n + i the reverse; pair i is (monitor, node i). */
  install(ctx: ProtocolContext): void {
    // In one pass each, nothing hashed (100 k nodes: 300 000 registrations).
    if (ctx.network.star(this.observer) !== 0 || ctx.books.observeAll(this.observer) !== 0) throw new Error('the central monitor registers links and pairs first');
    this.wakeKind = ctx.events.defineEvent('wake', EventClass.timer, (pair, deadlineUs, _b, nowUs) => this.onWake(pair, deadlineUs, nowUs));
    this.checkKind = ctx.events.defineEvent('check', EventClass.timer, (_e, _a, _b, nowUs) => this.onCheck(nowUs));
    if (this.failover) {
      this.crashKind = ctx.events.defineEvent('monitor-crash', EventClass.world, (_e, _a, _b, nowUs) => this.onMonitorCrash(nowUs));
      this.takeoverKind = ctx.events.defineEvent('monitor-takeover', EventClass.world, (_e, _a, _b, nowUs) => this.onTakeover(nowUs));
      this.failoverStream = new RandomStream(ctx.bank, ctx.stream(monitorFailoverStreamKey(ctx.nodeNames[this.observer]!)));
    }
  }

  /** The detector's first timers: a wake-up per pair, or the first polling round; the monitor's first crash. */
  start(): void {
    if (this.failover) {
      const atUs = firstOnsetUs(this.failover.onset, this.failoverStream!);
      if (atUs !== null && atUs <= this.ctx.durationUs) this.ctx.events.schedule(atUs, this.crashKind, this.observer);
    }
    if (this.exactTimers) {
      for (let pair = 0; pair < this.pairCount; pair++) this.armWake(pair, 0);
    } else {
      this.ctx.events.schedule(this.checkIntervalUs, this.checkKind, 0);
    }
  }

  /** Paused, or crashed and not yet replaced: no checks, no timers, no probes. */
  get paused(): boolean {
    return this.faults.observerPausedDepth > 0 || this.down;
  }

  /**
   * The monitor crashes: nothing is judged until the standby takes over (the verdicts
   * stay as they were, stale), and what is sent to the monitor meanwhile is lost.
   */
  private onMonitorCrash(nowUs: number): void {
    const f = this.failover!;
    const next = nextOnsetUs(f.onset, this.failoverStream!, nowUs);
    if (next !== null && next <= this.ctx.durationUs) this.ctx.events.schedule(next, this.crashKind, this.observer);
    if (this.down) return; // already down: the standby is on its way
    this.down = true;
    this.backlogLength = 0; // a crashed process loses what it had queued
    this.ctx.books.recorder.onMonitorDown(nowUs);
    this.ctx.events.schedule(nowUs + f.takeoverUs, this.takeoverKind, this.observer);
  }

  /** The standby takes over with a fresh detector: every node heard now (grace) or never (empty). */
  private onTakeover(nowUs: number): void {
    this.down = false;
    this.ctx.books.recorder.onMonitorUp(nowUs);
    const names = this.ctx.nodeNames;
    const intervalUs = this.config.heartbeat.intervalUs;
    this.detector = createDetector(this.config.detector, {
      pairCount: this.pairCount,
      startLocalUs: this.observerLocalUs(nowUs),
      intervalUs,
      firstProbeUs: (pair, periodUs = intervalUs) => Math.floor(this.ctx.firstDraw(pairStreamKey(names[pair]!, 'probe-phase')) * periodUs),
    });
    this.pairWakeUs.fill(NEVER);
    this.pairTakeoverWindow.fill(1);
    if (this.failover!.startup === 'empty') this.pairUnseen.fill(1);
    // The polling round (if any) never stopped; it judges again from its next tick.
    this.evaluateAll(nowUs, Cause.check);
  }

  observerLocalUs(trueUs: number): number {
    const clocks = this.ctx.clocks;
    return clocks.isIdentity ? trueUs : clocks.reading(this.observer, trueUs, this.detectorUsesWall);
  }

  /** A heartbeat (or a probe reply, for pull-only detectors) reaches the monitor. */
  deliver(pair: number, seq: number, sentLocalUs: number, nowUs: number, healthy: boolean): void {
    this.ctx.delivered(nowUs);
    if (this.down) return; // sent to a crashed monitor
    if (this.paused) {
      this.queueBacklog(pair, healthy ? seq : -1 - seq, sentLocalUs, 0);
      return;
    }
    this.receive(pair, seq, sentLocalUs, nowUs, healthy);
  }

  /** A probe reply of a detector that also takes pushed heartbeats. */
  deliverReply(pair: number, seq: number, sentLocalUs: number, nowUs: number, healthy: boolean): void {
    this.ctx.delivered(nowUs);
    if (this.down) return; // sent to a crashed monitor
    if (this.paused) {
      this.queueBacklog(pair, healthy ? seq : -1 - seq, sentLocalUs, 1);
      return;
    }
    this.receiveReply(pair, seq, sentLocalUs, nowUs, healthy);
  }

  private receiveReply(pair: number, seq: number, sentLocalUs: number, nowUs: number, healthy: boolean): void {
    if (this.awaitingNewsCount > 0 && this.pairAwaitingNews[pair] === 1) this.newsAfterPause(pair, nowUs);
    this.pull!.onProbeReply!(pair, this.observerLocalUs(nowUs), sentLocalUs, seq, healthy);
    this.evaluateReadiness(pair, nowUs);
    if (this.exactTimers) this.armWake(pair, nowUs);
    this.probes!.armProbe(pair, nowUs);
  }

  /** A node's pause ended: its attribution window stays open until news from it arrives. */
  senderResumed(node: number): void {
    if (this.pairAwaitingNews[node] === 1) return;
    this.pairAwaitingNews[node] = 1;
    this.awaitingNewsCount++;
  }

  /** Node `node` restarted: its heartbeats from number `firstSeq` on are a new process's. */
  newIncarnation(node: number, firstSeq: number): void {
    this.incarnationFirstSeq[2 * node] = firstSeq;
    this.restarted = true;
  }

  /**
   * The first news from a node after its pause ended closes the pause's attribution
   * window (issue #13): until then the monitor was waiting on messages the pause held back.
   */
  private newsAfterPause(pair: number, nowUs: number): void {
    if (this.faults.isPaused(pair)) return; // paused again
    this.pairAwaitingNews[pair] = 0;
    this.awaitingNewsCount--;
    this.ctx.books.recorder.onNewsAfterPause(pair, nowUs);
  }

  /** The observer reads a heartbeat (or a probe reply) at `nowUs` (true time). */
  private receive(pair: number, seq: number, sentLocalUs: number, nowUs: number, healthy: boolean): void {
    // Each flag below is looked at only once it can be set: at 100 k nodes every
    // per-pair array read is a cache miss per heartbeat.
    if (this.awaitingNewsCount > 0 && this.pairAwaitingNews[pair] === 1) this.newsAfterPause(pair, nowUs);
    if (this.failover) {
      // The standby hears from this node: its start-up is over for it.
      this.pairUnseen[pair] = 0;
      this.pairTakeoverWindow[pair] = 0;
    }
    const detector = this.detector;
    const localUs = this.observerLocalUs(nowUs);
    if (this.push && this.restarted) {
      // The first heartbeat of a restarted process (sequence numbers run on across restarts).
      const incarnations = this.incarnationFirstSeq;
      const first = incarnations[2 * pair]!;
      if (seq >= first && first > incarnations[2 * pair + 1]!) {
        incarnations[2 * pair + 1] = first;
        detector.onNewIncarnation?.(pair, localUs);
      }
    }
    detector.onHeartbeat(pair, localUs, sentLocalUs, seq, healthy);
    const verdict = detector.statusAt(pair, localUs);
    // News can only restore trust at once; new suspicions wait for a timer or check.
    // (A pull check's failures come with timeouts, i.e. timers, too.)
    const books = this.ctx.books;
    if (verdict < books.statusOf(pair)) books.verdict(pair, verdict, nowUs, Cause.heartbeat);
    if (this.readiness) this.evaluateReadiness(pair, nowUs);
    if (this.exactTimers) this.armWake(pair, nowUs);
    if (this.pull) this.probes!.armProbe(pair, nowUs);
    if (this.grants) this.grants.sendGrant(pair, seq, sentLocalUs, nowUs);
  }

  private evaluateReadiness(pair: number, nowUs: number): void {
    const ready = this.readiness!.readyAt(pair, this.observerLocalUs(nowUs)) ? 1 : 0;
    if (ready === this.pairReady[pair]) return;
    this.pairReady[pair] = ready;
    this.ctx.books.recorder.onReadiness(pair, nowUs, ready === 1);
  }

  private onWake(pair: number, deadlineUs: number, nowUs: number): void {
    if (deadlineUs !== this.pairWakeUs[pair]) return; // superseded
    this.pairWakeUs[pair] = NEVER;
    if (this.paused) return; // the resume re-checks every pair
    this.evaluate(pair, nowUs, Cause.timer);
    this.armWake(pair, nowUs);
    if (this.pull) this.probes!.armProbe(pair, nowUs);
  }

  /** Keeps one wake-up per pair, at the earliest instant its verdict may change. */
  armWake(pair: number, nowUs: number): void {
    const localUs = this.observerLocalUs(nowUs);
    const nextLocalUs = this.detector.nextChangeUs(pair, localUs);
    if (nextLocalUs === NEVER) return;
    const clocks = this.ctx.clocks;
    const nextUs = clocks.isIdentity ? nextLocalUs : clocks.trueInstantOf(this.observer, nextLocalUs, this.detectorUsesWall, nowUs);
    if (nextUs >= this.pairWakeUs[pair]!) return;
    this.pairWakeUs[pair] = nextUs;
    this.ctx.events.schedule(nextUs, this.wakeKind, pair, nextUs);
  }

  private onCheck(nowUs: number): void {
    // A paused observer misses its check; the overdue one runs when it resumes.
    if (!this.paused) {
      this.detector.beginRound?.(this.observerLocalUs(nowUs));
      this.evaluateAll(nowUs, Cause.check);
    }
    this.ctx.events.schedule(nowUs + this.checkIntervalUs, this.checkKind, 0);
  }

  private evaluate(pair: number, nowUs: number, cause: CauseCode): void {
    let verdict = this.detector.statusAt(pair, this.observerLocalUs(nowUs));
    // A standby with no last-seen time suspects a node it has not heard from yet.
    if (this.failover && this.pairUnseen[pair] === 1 && verdict === Status.alive) verdict = Status.suspected;
    const books = this.ctx.books;
    if (this.failover) books.recorder.suspicionFromTakeover = this.pairTakeoverWindow[pair] === 1;
    books.verdict(pair, verdict, nowUs, cause);
    if (this.readiness) this.evaluateReadiness(pair, nowUs);
  }

  evaluateAll(nowUs: number, cause: CauseCode): void {
    for (let pair = 0; pair < this.pairCount; pair++) {
      this.evaluate(pair, nowUs, cause);
      if (this.exactTimers) this.armWake(pair, nowUs);
      if (this.pull) this.probes!.armProbe(pair, nowUs);
    }
  }

  /** The observer resumes from a pause: overdue checks and queued messages, in the configured order. */
  resume(backlog: 'checksFirst' | 'messagesFirst', nowUs: number): void {
    if (backlog === 'checksFirst') {
      this.evaluateAll(nowUs, Cause.check);
      this.drainBacklog(nowUs);
    } else {
      this.drainBacklog(nowUs);
      this.evaluateAll(nowUs, Cause.check);
    }
  }

  private queueBacklog(pair: number, seq: number, sentLocalUs: number, reply: number): void {
    if (this.backlogLength === this.backlogPair.length) {
      const capacity = this.backlogLength * 2;
      const grow64 = (a: Float64Array) => {
        const b = new Float64Array(capacity);
        b.set(a);
        return b;
      };
      const pairs = new Int32Array(capacity);
      pairs.set(this.backlogPair);
      this.backlogPair = pairs;
      this.backlogSeq = grow64(this.backlogSeq);
      this.backlogSentUs = grow64(this.backlogSentUs);
      const replies = new Uint8Array(capacity);
      replies.set(this.backlogReply);
      this.backlogReply = replies;
    }
    const i = this.backlogLength++;
    this.backlogPair[i] = pair;
    this.backlogSeq[i] = seq;
    this.backlogSentUs[i] = sentLocalUs;
    this.backlogReply[i] = reply;
  }

  private drainBacklog(nowUs: number): void {
    for (let i = 0; i < this.backlogLength; i++) {
      // Unhealthy messages were queued with their sequence number encoded as −1 − seq.
      const seq = this.backlogSeq[i]!;
      if (this.backlogReply[i] === 1) this.receiveReply(this.backlogPair[i]!, seq >= 0 ? seq : -1 - seq, this.backlogSentUs[i]!, nowUs, seq >= 0);
      else this.receive(this.backlogPair[i]!, seq >= 0 ? seq : -1 - seq, this.backlogSentUs[i]!, nowUs, seq >= 0);
    }
    this.backlogLength = 0;
  }
}
