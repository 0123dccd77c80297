/**
 * QoS bookkeeping after Chen, Toueg & Aguilera (reference §1.1), driven by the
 * engine's two kinds of news: the truth about a node (crash, recovery) and an
 * observer's verdict about it (status transitions). Everything is accounted in true
 * simulated time, from the warm-up instant on.
 *
 * - A false suspicion (mistake) is an ALIVE → SUSPECTED/DEAD transition while the
 *   target is up; it lasts until the next ALIVE (T_M). If the node crashes during a
 *   mistake, the mistake ends at the crash and the crash counts as detected at once.
 * - A false death is a transition into DEAD during a mistake (a suspicion that began
 *   while the target was up). A node that restarts while still suspected from its
 *   crash and reaches DEAD before its first heartbeat lands is not a false death: the
 *   observer is late to notice the recovery, not wrong about a live node.
 * - Detection latency of a crash is measured to the start of the suspicion that lasts
 *   until the node recovers (Chen's "permanent" suspicion: a late heartbeat can make
 *   the observer trust a crashed node again), and likewise to DEAD. A crash still
 *   unsuspected when the node recovers is "undetected"; one still unsuspected when the
 *   run ends is "censored" (the run was too short to say).
 * - Query accuracy P_A is the fraction of the target's up-time during which the
 *   observer trusts it. A restarted node is distrusted until its first heartbeat
 *   lands; that short lag is counted in 1 − P_A, not as a mistake.
 * - A flap is a false suspicion that starts within `flapWindowUs` of the end of the
 *   previous one of the same node: suspicion → trust → suspicion, each edge firing a
 *   failover or failback downstream.
 * - Mass suspicion: the largest number of live nodes suspected at once, and how often
 *   that number rose to `massThreshold` (an observer pause or a partition accusing
 *   many nodes together).
 * - Pause attribution: a sender pause "caused" a suspicion when a false suspicion of
 *   that node starts between the pause's start and the arrival, after the pause ended,
 *   of the first news from the node (a heartbeat, renewal or probe reply): until then
 *   the observer was waiting on messages the pause held back, whatever the detector.
 *
 * Hot file: plain typed arrays indexed by pair, no allocation per call. Arrays that
 * start at something other than 0 (NaN: "none yet", −∞, 1) and serve one concern —
 * mistakes, crashes, pauses, leases, readiness — are made on that concern's first
 * event (`mistakesOf`, `crashesOf`, …), not up front: at 100 k pairs each is 0.8 MB
 * to fill, and a run without crashes, pauses or leases never needs theirs. Every
 * read of a group that does not exist yet reads what a fresh one would hold.
 */
import { SampleBuffer } from '../detectors/sample-buffer.js';
import { Status, type StatusCode } from '../status.js';
import type { FailoverTallies, RunTallies, TransportTallies } from './tallies.js';

export { mergeTallies, type FailoverTallies, type ReadinessTallies, type RunTallies, type TransportTallies } from './tallies.js';

/** Why a status changed. */
export const Cause = { heartbeat: 0, timer: 1, check: 2 } as const;
export type CauseCode = (typeof Cause)[keyof typeof Cause];
export const CAUSE_NAMES = ['heartbeat', 'timer', 'check'] as const;

/** Kinds of entries in the transition log. */
export const LogKind = { verdict: 0, crash: 1, recover: 2 } as const;

export interface TransitionLog {
  timeUs: Float64Array;
  kind: Uint8Array;
  pair: Int32Array;
  from: Uint8Array;
  to: Uint8Array;
  cause: Uint8Array;
  length: number;
  /** Entries that did not fit under the limit. */
  dropped: number;
}

export class MetricsRecorder {
  /** Set by the monitor before a verdict: whether the pair is still in a standby's start-up (first news not yet heard). */
  suspicionFromTakeover = false;
  private takeoverFalseSuspicions = 0;
  private monitorDownSinceUs = Number.NaN;
  private monitorDownUs = 0;
  private monitorCrashes = 0;
  private failoverTracked = false;
  /** Set by the engine before a verdict: whether TCP holds back a message of that pair now. */
  suspicionDuringTransportStall = false;
  private transportCounters: { retransmissions: number; headOfLineStalls: number; breaks: number; droppedByBreaks: number } | null = null;
  private falseSuspicionsDuringStall = 0;
  private readonly warmupUs: number;
  private readonly pairCount: number;
  private readonly targetUp: Uint8Array;
  private readonly status: Uint8Array;
  /** How far each pair's time is accounted (from the warm-up instant: filled only if that is not 0). */
  private readonly accruedToUs: Float64Array;
  /** Made at the first suspicion of a live node or the first crash (`mistakesOf`). */
  private mistakes: MistakeArrays | null;
  /** 1 while the pair's current suspicion began with the target up (a mistake, counted or not). */
  private readonly inMistake: Uint8Array;
  /** Made at the first crash (`crashesOf`). */
  private crashesArrays: CrashArrays | null;
  private readonly perPairFalseSuspicions: Float64Array;
  private readonly perPairUpUs: Float64Array;
  private readonly perPairUpSuspectedUs: Float64Array;
  private readonly mistakeDurations: SampleBuffer;
  private readonly detectionLatencies: SampleBuffer;
  private readonly deadLatencies: SampleBuffer;
  private upUs: number;
  private upSuspectedUs: number;
  private falseSuspicions: number;
  private falseDeaths: number;
  private crashes: number;
  private crashesUndetected: number;
  private crashesCensored: number;
  heartbeatsSent: number;
  heartbeatsDelivered: number;
  heartbeatsLost: number;
  heartbeatsPartitioned: number;
  heartbeatsMissedWhilePaused: number;
  probesSent: number;
  /** Made at the first lease news (`splitOf`). */
  private split: SplitArrays | null;
  private splitBrainUs: number;
  private splitBrainEpisodes: number;
  private maxSplitBrainUs: number;
  private readonly flapWindowUs: number;
  private flaps: number;
  private readonly massThreshold: number;
  private liveSuspectedNow: number;
  private maxSimultaneous: number;
  private massEvents: number;
  /** Made at the first pause (`pausesOf`). */
  private pauseArrays: PauseArrays | null;
  private pauses: number;
  private pausesWithSuspicion: number;
  private pausedUs: number;
  private readonly log: TransitionLog;
  private readonly logLimit: number;
  // Readiness, when tracked: the observer's verdict, the truth, and the pending window start.
  private readinessTracked: boolean;
  /** Made by `trackReadiness` or the first readiness news (`readinessOf`). */
  private readinessArrays: ReadinessArrays | null;
  private rHealthyUpUs: number;
  private rHealthyUpReadyUs: number;
  private rFalseNotReady: number;
  private readonly rLatencies: SampleBuffer;

  constructor(pairCount: number, warmupUs: number, transitionLogLimit: number, flapWindowUs: number) {
    this.warmupUs = warmupUs;
    this.pairCount = pairCount;
    this.flapWindowUs = flapWindowUs;
    this.flaps = 0;
    this.massThreshold = Math.max(2, Math.ceil(0.1 * pairCount));
    this.liveSuspectedNow = 0;
    this.maxSimultaneous = 0;
    this.massEvents = 0;
    this.pauseArrays = null;
    this.pauses = 0;
    this.pausesWithSuspicion = 0;
    this.pausedUs = 0;
    this.heartbeatsPartitioned = 0;
    this.heartbeatsMissedWhilePaused = 0;
    this.probesSent = 0;
    this.split = null;
    this.splitBrainUs = 0;
    this.splitBrainEpisodes = 0;
    this.maxSplitBrainUs = 0;
    this.targetUp = new Uint8Array(pairCount).fill(1);
    this.status = new Uint8Array(pairCount);
    this.accruedToUs = new Float64Array(pairCount);
    if (warmupUs !== 0) this.accruedToUs.fill(warmupUs);
    this.mistakes = null;
    this.inMistake = new Uint8Array(pairCount);
    this.crashesArrays = null;
    this.perPairFalseSuspicions = new Float64Array(pairCount);
    this.perPairUpUs = new Float64Array(pairCount);
    this.perPairUpSuspectedUs = new Float64Array(pairCount);
    this.mistakeDurations = new SampleBuffer(1024);
    this.detectionLatencies = new SampleBuffer(64);
    this.deadLatencies = new SampleBuffer(64);
    this.upUs = 0;
    this.upSuspectedUs = 0;
    this.falseSuspicions = 0;
    this.falseDeaths = 0;
    this.crashes = 0;
    this.crashesUndetected = 0;
    this.crashesCensored = 0;
    this.heartbeatsSent = 0;
    this.heartbeatsDelivered = 0;
    this.heartbeatsLost = 0;
    this.logLimit = transitionLogLimit;
    this.readinessTracked = false;
    this.readinessArrays = null;
    this.rHealthyUpUs = 0;
    this.rHealthyUpReadyUs = 0;
    this.rFalseNotReady = 0;
    this.rLatencies = new SampleBuffer(64);
    const cap = Math.min(transitionLogLimit, 4096);
    this.log = {
      timeUs: new Float64Array(cap),
      kind: new Uint8Array(cap),
      pair: new Int32Array(cap),
      from: new Uint8Array(cap),
      to: new Uint8Array(cap),
      cause: new Uint8Array(cap),
      length: 0,
      dropped: 0,
    };
  }

  /** Adds the time since the pair's last accounting instant to the right bucket. */
  private accrue(pair: number, nowUs: number): void {
    const fromUs = this.accruedToUs[pair]!;
    if (nowUs <= fromUs) return;
    this.accruedToUs[pair] = nowUs;
    if (this.targetUp[pair] === 0) return;
    const spanUs = nowUs - fromUs;
    this.upUs += spanUs;
    this.perPairUpUs[pair]! += spanUs;
    if (this.status[pair] !== Status.alive) {
      this.upSuspectedUs += spanUs;
      this.perPairUpSuspectedUs[pair]! += spanUs;
    }
  }

  private mistakesOf(): MistakeArrays {
    return (this.mistakes ??= {
      startUs: new Float64Array(this.pairCount).fill(NaN),
      lastEndUs: new Float64Array(this.pairCount).fill(Number.NEGATIVE_INFINITY),
    });
  }

  private crashesOf(): CrashArrays {
    return (this.crashesArrays ??= {
      crashUs: new Float64Array(this.pairCount).fill(NaN),
      suspectSinceUs: new Float64Array(this.pairCount).fill(NaN),
      deadSinceUs: new Float64Array(this.pairCount).fill(NaN),
    });
  }

  private pausesOf(): PauseArrays {
    return (this.pauseArrays ??= {
      windowUntilUs: new Float64Array(this.pairCount).fill(Number.NEGATIVE_INFINITY),
      pending: new Uint8Array(this.pairCount),
      startUs: new Float64Array(this.pairCount).fill(NaN),
    });
  }

  private splitOf(): SplitArrays {
    return (this.split ??= { leaseHeld: new Uint8Array(this.pairCount), sinceUs: new Float64Array(this.pairCount).fill(NaN) });
  }

  private readinessOf(): ReadinessArrays {
    return (this.readinessArrays ??= {
      ready: new Uint8Array(this.pairCount).fill(1),
      healthy: new Uint8Array(this.pairCount).fill(1),
      accruedToUs: new Float64Array(this.pairCount).fill(this.warmupUs),
      unhealthySinceUs: new Float64Array(this.pairCount).fill(NaN),
    });
  }

  onVerdict(pair: number, nowUs: number, to: StatusCode, cause: CauseCode): void {
    this.applyVerdict(pair, nowUs, to, cause);
    const split = this.split;
    if (split !== null && (split.leaseHeld[pair] === 1 || split.sinceUs[pair] === split.sinceUs[pair])) this.updateSplit(pair, nowUs);
  }

  private applyVerdict(pair: number, nowUs: number, to: StatusCode, cause: CauseCode): void {
    const from = this.status[pair]!;
    if (from === to) return;
    this.accrue(pair, nowUs);
    this.status[pair] = to;
    this.record(nowUs, LogKind.verdict, pair, from, to, cause);
    const counted = nowUs >= this.warmupUs;
    if (this.targetUp[pair] === 1) {
      if (from === Status.alive) {
        // S-transition of a live node: a mistake starts.
        this.inMistake[pair] = 1;
        this.liveSuspicionStarted(counted);
        if (counted) {
          this.falseSuspicions++;
          if (this.suspicionDuringTransportStall) this.falseSuspicionsDuringStall++;
          if (this.suspicionFromTakeover) this.takeoverFalseSuspicions++;
          this.perPairFalseSuspicions[pair]!++;
          const mistakes = this.mistakesOf();
          mistakes.startUs[pair] = nowUs;
          if (nowUs - mistakes.lastEndUs[pair]! <= this.flapWindowUs) this.flaps++;
          const pauses = this.pauseArrays;
          if (pauses !== null && pauses.pending[pair] === 1 && nowUs <= pauses.windowUntilUs[pair]!) {
            this.pausesWithSuspicion++;
            pauses.pending[pair] = 0;
          }
        }
      } else if (to === Status.alive) {
        this.liveSuspectedNow--;
        this.endMistake(pair, nowUs);
      }
      if (to === Status.dead && counted && this.inMistake[pair] === 1) this.falseDeaths++;
      if (to === Status.alive) this.inMistake[pair] = 0;
      return;
    }
    // The target is down (so it crashed: the crash arrays exist): follow the suspicion that will (or will not) last.
    const crashes = this.crashesOf();
    if (to === Status.alive) {
      crashes.suspectSinceUs[pair] = NaN;
      crashes.deadSinceUs[pair] = NaN;
      return;
    }
    if (from === Status.alive) crashes.suspectSinceUs[pair] = nowUs;
    if (to === Status.dead) crashes.deadSinceUs[pair] = nowUs;
  }

  private endMistake(pair: number, nowUs: number): void {
    const mistakes = this.mistakesOf();
    mistakes.lastEndUs[pair] = nowUs;
    const startUs = mistakes.startUs[pair]!;
    if (startUs === startUs) {
      this.mistakeDurations.push(nowUs - startUs);
      mistakes.startUs[pair] = NaN;
    }
  }

  private liveSuspicionStarted(counted: boolean): void {
    const now = ++this.liveSuspectedNow;
    if (!counted) return;
    if (now > this.maxSimultaneous) this.maxSimultaneous = now;
    if (now === this.massThreshold) this.massEvents++;
  }

  // ---- readiness -----------------------------------------------------------------

  /** Turns readiness accounting on (detectors with a readiness verdict). */
  trackReadiness(): void {
    this.readinessTracked = true;
    this.readinessOf();
  }

  private accrueReadiness(pair: number, nowUs: number): void {
    const r = this.readinessOf();
    const fromUs = r.accruedToUs[pair]!;
    if (nowUs <= fromUs) return;
    r.accruedToUs[pair] = nowUs;
    if (this.targetUp[pair] === 0 || r.healthy[pair] === 0) return;
    this.rHealthyUpUs += nowUs - fromUs;
    if (r.ready[pair] === 1) this.rHealthyUpReadyUs += nowUs - fromUs;
  }

  /** The observer's readiness verdict on the pair changed. */
  onReadiness(pair: number, nowUs: number, ready: boolean): void {
    const r = this.readinessOf();
    const to = ready ? 1 : 0;
    if (r.ready[pair] === to) return;
    this.accrueReadiness(pair, nowUs);
    r.ready[pair] = to;
    if (ready || this.targetUp[pair] === 0) return;
    if (r.healthy[pair] === 1) {
      if (nowUs >= this.warmupUs) this.rFalseNotReady++;
      return;
    }
    const sinceUs = r.unhealthySinceUs[pair]!;
    if (sinceUs === sinceUs) {
      this.rLatencies.push(nowUs - sinceUs);
      r.unhealthySinceUs[pair] = NaN;
    }
  }

  /** The node's health (its `unhealthy` fault windows) changed. */
  onHealth(pair: number, nowUs: number, healthy: boolean): void {
    const r = this.readinessOf();
    this.accrueReadiness(pair, nowUs);
    r.healthy[pair] = healthy ? 1 : 0;
    if (healthy) {
      r.unhealthySinceUs[pair] = NaN; // undetected window
      return;
    }
    if (this.targetUp[pair] === 0 || nowUs < this.warmupUs) return;
    // Already NOT_READY when the window starts: detected at once.
    if (r.ready[pair] === 0) this.rLatencies.push(0);
    else r.unhealthySinceUs[pair] = nowUs;
  }

  /** The node started or stopped believing it holds its lease. */
  onLeaseHeld(pair: number, held: boolean, nowUs: number): void {
    this.splitOf().leaseHeld[pair] = held ? 1 : 0;
    this.updateSplit(pair, nowUs);
  }

  /** Split brain: the observer has given up on a live node that still acts on its lease. */
  private updateSplit(pair: number, nowUs: number): void {
    const s = this.split;
    if (s === null) return; // no lease news yet: no lease held, no split open
    const split = s.leaseHeld[pair] === 1 && this.targetUp[pair] === 1 && this.status[pair] !== Status.alive;
    const since = s.sinceUs[pair]!;
    const open = since === since;
    if (split && !open) {
      s.sinceUs[pair] = nowUs;
    } else if (!split && open) {
      s.sinceUs[pair] = NaN;
      const from = Math.max(since, this.warmupUs);
      if (nowUs > from) {
        this.splitBrainEpisodes++;
        this.splitBrainUs += nowUs - from;
        if (nowUs - from > this.maxSplitBrainUs) this.maxSplitBrainUs = nowUs - from;
      }
    }
  }

  /** The monitor crashed: no working monitor from now until `onMonitorUp`. */
  onMonitorDown(nowUs: number): void {
    this.failoverTracked = true;
    this.monitorDownSinceUs = nowUs;
    if (nowUs >= this.warmupUs) this.monitorCrashes++;
  }

  /** A standby took over. */
  onMonitorUp(nowUs: number): void {
    const since = this.monitorDownSinceUs;
    if (since === since) this.monitorDownUs += Math.max(0, nowUs - Math.max(since, this.warmupUs));
    this.monitorDownSinceUs = Number.NaN;
  }

  /** The monitor can fail: report its outages even when none happened. */
  trackFailover(): void {
    this.failoverTracked = true;
  }

  /** The run's TCP counters, read when the books close. */
  trackTransport(counters: { retransmissions: number; headOfLineStalls: number; breaks: number; droppedByBreaks: number }): void {
    this.transportCounters = counters;
  }

  /** A sender pause begins (its window stays open until `onPauseEnd`). */
  onPauseStart(pair: number, nowUs: number): void {
    if (nowUs < this.warmupUs) return;
    const p = this.pausesOf();
    this.pauses++;
    p.startUs[pair] = nowUs;
    p.pending[pair] = 1;
    p.windowUntilUs[pair] = Number.POSITIVE_INFINITY;
  }

  /** The pause ended; its window stays open until news from the node arrives (`onNewsAfterPause`). */
  onPauseEnd(pair: number, nowUs: number): void {
    const p = this.pauseArrays;
    if (p === null) return; // no pause counted yet: none to end
    const startUs = p.startUs[pair]!;
    if (startUs === startUs) {
      this.pausedUs += nowUs - startUs;
      p.startUs[pair] = NaN;
    }
  }

  /** The first news from the node since its pause ended reached the observer: later suspicions have other causes. */
  onNewsAfterPause(pair: number, nowUs: number): void {
    const p = this.pauseArrays;
    if (p !== null && p.windowUntilUs[pair] === Number.POSITIVE_INFINITY) p.windowUntilUs[pair] = nowUs;
  }

  onCrash(pair: number, nowUs: number): void {
    this.accrue(pair, nowUs);
    if (this.readinessTracked) {
      this.accrueReadiness(pair, nowUs);
      this.readinessOf().unhealthySinceUs[pair] = NaN;
    }
    if (this.status[pair] !== Status.alive) this.liveSuspectedNow--;
    this.targetUp[pair] = 0;
    if (this.split !== null) this.split.leaseHeld[pair] = 0; // a crashed process holds nothing
    this.updateSplit(pair, nowUs);
    this.record(nowUs, LogKind.crash, pair, 0, 0, 0);
    this.endMistake(pair, nowUs);
    this.inMistake[pair] = 0;
    const st = this.status[pair]!;
    const crashes = this.crashesOf();
    crashes.crashUs[pair] = nowUs >= this.warmupUs ? nowUs : NaN;
    crashes.suspectSinceUs[pair] = st === Status.alive ? NaN : nowUs;
    crashes.deadSinceUs[pair] = st === Status.dead ? nowUs : NaN;
  }

  onRecover(pair: number, nowUs: number): void {
    this.accrue(pair, nowUs);
    if (this.readinessTracked) this.accrueReadiness(pair, nowUs);
    this.finishCrash(pair, false);
    this.targetUp[pair] = 1;
    // Still distrusted from before the crash: that is not a new mistake, but it counts
    // as a live node under suspicion until trust returns.
    if (this.status[pair] !== Status.alive) this.liveSuspectedNow++;
    this.record(nowUs, LogKind.recover, pair, 0, 0, 0);
  }

  private finishCrash(pair: number, runEnded: boolean): void {
    const c = this.crashesArrays;
    if (c === null) return; // never crashed
    const crashUs = c.crashUs[pair]!;
    c.crashUs[pair] = NaN;
    if (crashUs !== crashUs) return;
    this.crashes++;
    const suspectUs = c.suspectSinceUs[pair]!;
    if (suspectUs === suspectUs) {
      this.detectionLatencies.push(suspectUs - crashUs);
    } else if (runEnded) {
      this.crashesCensored++;
    } else {
      this.crashesUndetected++;
    }
    const deadUs = c.deadSinceUs[pair]!;
    if (deadUs === deadUs) this.deadLatencies.push(deadUs - crashUs);
  }

  private record(nowUs: number, kind: number, pair: number, from: number, to: number, cause: number): void {
    if (this.logLimit === 0) return;
    const log = this.log;
    if (log.length >= this.logLimit) {
      log.dropped++;
      return;
    }
    if (log.length === log.timeUs.length) growLog(log, Math.min(this.logLimit, log.length * 2));
    const i = log.length++;
    log.timeUs[i] = nowUs;
    log.kind[i] = kind;
    log.pair[i] = pair;
    log.from[i] = from;
    log.to[i] = to;
    log.cause[i] = cause;
  }

  /** Closes the books at the end of the run and hands over the tallies. */
  finish(endUs: number): { tallies: RunTallies; log: TransitionLog } {
    const pairs = this.status.length;
    const split = this.split;
    for (let pair = 0; pair < pairs; pair++) {
      this.accrue(pair, endUs);
      if (this.readinessTracked) this.accrueReadiness(pair, endUs);
      if (split !== null && split.sinceUs[pair] === split.sinceUs[pair]) {
        split.leaseHeld[pair] = 0;
        this.updateSplit(pair, endUs);
      }
      if (this.targetUp[pair] === 0) this.finishCrash(pair, true);
    }
    return {
      tallies: {
        upUs: this.upUs,
        upSuspectedUs: this.upSuspectedUs,
        falseSuspicions: this.falseSuspicions,
        falseDeaths: this.falseDeaths,
        mistakeDurationsUs: this.mistakeDurations.toArray(),
        detectionLatenciesUs: this.detectionLatencies.toArray(),
        deadLatenciesUs: this.deadLatencies.toArray(),
        crashes: this.crashes,
        crashesUndetected: this.crashesUndetected,
        crashesCensored: this.crashesCensored,
        heartbeatsSent: this.heartbeatsSent,
        heartbeatsDelivered: this.heartbeatsDelivered,
        heartbeatsLost: this.heartbeatsLost,
        perPairFalseSuspicions: this.perPairFalseSuspicions,
        perPairUpUs: this.perPairUpUs,
        perPairUpSuspectedUs: this.perPairUpSuspectedUs,
        flaps: this.flaps,
        maxSimultaneousFalseSuspicions: this.maxSimultaneous,
        massSuspicionEvents: this.massEvents,
        pauses: this.pauses,
        pausesWithSuspicion: this.pausesWithSuspicion,
        pausedUs: this.pausedUs,
        heartbeatsPartitioned: this.heartbeatsPartitioned,
        heartbeatsMissedWhilePaused: this.heartbeatsMissedWhilePaused,
        probesSent: this.probesSent,
        splitBrainUs: this.splitBrainUs,
        splitBrainEpisodes: this.splitBrainEpisodes,
        maxSplitBrainUs: this.maxSplitBrainUs,
        ...(this.readinessTracked
          ? {
              readiness: {
                healthyUpUs: this.rHealthyUpUs,
                healthyUpReadyUs: this.rHealthyUpReadyUs,
                falseNotReady: this.rFalseNotReady,
                notReadyLatenciesUs: this.rLatencies.toArray(),
              },
            }
          : {}),
        ...(this.failoverTracked
          ? {
              failover: {
                monitorCrashes: this.monitorCrashes,
                monitorDownUs:
                  this.monitorDownUs + (this.monitorDownSinceUs === this.monitorDownSinceUs ? Math.max(0, endUs - Math.max(this.monitorDownSinceUs, this.warmupUs)) : 0),
                takeoverFalseSuspicions: this.takeoverFalseSuspicions,
              },
            }
          : {}),
        ...(this.transportCounters
          ? {
              transport: {
                retransmissions: this.transportCounters.retransmissions,
                headOfLineStalls: this.transportCounters.headOfLineStalls,
                connectionBreaks: this.transportCounters.breaks,
                droppedByBreaks: this.transportCounters.droppedByBreaks,
                falseSuspicionsDuringStall: this.falseSuspicionsDuringStall,
              },
            }
          : {}),
      },
      log: this.log,
    };
  }
}

/** Per-pair arrays of one concern, made on its first event (see the header). */
interface MistakeArrays {
  /** Start of the pair's counted mistake (NaN: none open). */
  readonly startUs: Float64Array;
  /** End of its previous one (−∞: none yet), for flaps. */
  readonly lastEndUs: Float64Array;
}
interface CrashArrays {
  readonly crashUs: Float64Array;
  readonly suspectSinceUs: Float64Array;
  readonly deadSinceUs: Float64Array;
}
interface PauseArrays {
  readonly windowUntilUs: Float64Array;
  readonly pending: Uint8Array;
  readonly startUs: Float64Array;
}
interface SplitArrays {
  readonly leaseHeld: Uint8Array;
  readonly sinceUs: Float64Array;
}
interface ReadinessArrays {
  readonly ready: Uint8Array;
  readonly healthy: Uint8Array;
  readonly accruedToUs: Float64Array;
  readonly unhealthySinceUs: Float64Array;
}

function growLog(log: TransitionLog, capacity: number): void {
  const g64 = (a: Float64Array) => {
    const b = new Float64Array(capacity);
    b.set(a);
    return b;
  };
  const g8 = (a: Uint8Array) => {
    const b = new Uint8Array(capacity);
    b.set(a);
    return b;
  };
  log.timeUs = g64(log.timeUs);
  log.kind = g8(log.kind);
  const p = new Int32Array(capacity);
  p.set(log.pair);
  log.pair = p;
  log.from = g8(log.from);
  log.to = g8(log.to);
  log.cause = g8(log.cause);
}
