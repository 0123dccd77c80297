/**
 * The truth side of a decentralised run, one book for every protocol whose members
 * hold each other in a binary view (gossip's UP/DOWN, the watch rings' ALIVE/DEAD):
 * every change of a member's view is booked against what really happened — a live
 * member held down by a live one is a mistake (counted once, where it starts, with how
 * many members it reached; a new one soon after the last is a flap), a crashed one held
 * down by a first member is a detection, by every live member a completed
 * dissemination; exposure is integrated over (observer, subject) pairs and per member.
 * The top-level tallies read cluster-level, as SWIM's do. Memory O(n).
 *
 * What differs between the protocols stays theirs: who holds which view (gossip's
 * observer × endpoint table, the watch rings' sparse views) and whether a view is its
 * holder's own verdict (`originated`) or news it accepted.
 */
import { emptyMembershipTallies, type MembershipTallies } from './membership-tallies.js';
import type { RunTallies } from './tallies.js';

/** Whether a member is up (the crash service's truth). */
export interface MemberLife {
  isUp(node: number): boolean;
}

/**
 * The cluster-level counts every decentralised protocol's truth book keeps (this file's
 * book, SWIM's metrics), and the top-level tallies read from them: exposure and
 * mistakes per subject, mistake durations, crashes, flaps, simultaneous mistakes.
 */
export class ClusterTotals {
  readonly perSubjectUpUs: Float64Array;
  readonly perSubjectSuspectedUs: Float64Array;
  readonly perSubjectOriginated: Float64Array;
  readonly mistakeDurations: number[] = [];
  crashes = 0;
  crashesUndetected = 0;
  crashesCensored = 0;
  flaps = 0;
  maxSimultaneous = 0;
  massEvents = 0;

  constructor(n: number) {
    this.perSubjectUpUs = new Float64Array(n);
    this.perSubjectSuspectedUs = new Float64Array(n);
    this.perSubjectOriginated = new Float64Array(n);
  }

  /** `base` with the cluster-level fields: mistakes and latencies from `t` (finished), exposure and crashes from these counts. */
  tallies(base: RunTallies, t: MembershipTallies): RunTallies {
    return {
      ...base,
      upUs: this.perSubjectUpUs.reduce((a, b) => a + b, 0),
      upSuspectedUs: this.perSubjectSuspectedUs.reduce((a, b) => a + b, 0),
      falseSuspicions: t.suspicionsOriginated,
      falseDeaths: t.deathsOriginated,
      mistakeDurationsUs: Float64Array.from(this.mistakeDurations),
      detectionLatenciesUs: t.firstSuspicionLatenciesUs,
      deadLatenciesUs: t.firstDeadLatenciesUs,
      crashes: this.crashes,
      crashesUndetected: this.crashesUndetected,
      crashesCensored: this.crashesCensored,
      perPairFalseSuspicions: this.perSubjectOriginated,
      perPairUpUs: this.perSubjectUpUs,
      perPairUpSuspectedUs: this.perSubjectSuspectedUs,
      flaps: this.flaps,
      maxSimultaneousFalseSuspicions: this.maxSimultaneous,
      massSuspicionEvents: this.massEvents,
      membership: t,
    };
  }
}

export class ClusterMembershipBook {
  readonly t: MembershipTallies;
  protected readonly n: number;
  protected readonly warmupUs: number;
  private readonly flapWindowUs: number;
  private readonly nodes: MemberLife;
  /** s → live members holding s down. */
  private readonly downHolders: Int32Array;
  /** s → crash instant of the current down period (−1 when up). */
  private readonly crashAtUs: Float64Array;
  private readonly firstDone: Uint8Array;
  private readonly dissDone: Uint8Array;
  /** s → most holders during a false-down episode (−1: none or stale). */
  private readonly episodeMax: Int32Array;
  /** s → a live s is held down by someone (1 mistake, 2 stale after a restart). */
  private readonly inEpisode: Uint8Array;
  private readonly episodeStartUs: Float64Array;
  /** s → end of its last mistake (for flaps). */
  private readonly episodeEndUs: Float64Array;
  private readonly upSinceUs: Float64Array;
  private readonly firstDown: number[] = [];
  private readonly diss: number[] = [];
  private readonly reach: number[] = [];
  private readonly massThreshold: number;
  private falselySuspected = 0;
  private liveCount: number;
  private readonly totals: ClusterTotals;
  /** Live observers holding live subjects down. */
  private falseViews = 0;
  private lastIntegrateUs = 0;

  constructor(n: number, warmupUs: number, flapWindowUs: number, nodes: MemberLife) {
    this.n = n;
    this.warmupUs = warmupUs;
    this.flapWindowUs = flapWindowUs;
    this.nodes = nodes;
    this.t = emptyMembershipTallies(n);
    this.totals = new ClusterTotals(n);
    this.downHolders = new Int32Array(n);
    this.crashAtUs = new Float64Array(n).fill(-1);
    this.firstDone = new Uint8Array(n);
    this.dissDone = new Uint8Array(n);
    this.episodeMax = new Int32Array(n).fill(-1);
    this.inEpisode = new Uint8Array(n);
    this.episodeStartUs = new Float64Array(n);
    this.episodeEndUs = new Float64Array(n).fill(-Infinity);
    this.upSinceUs = new Float64Array(n);
    this.massThreshold = Math.max(2, Math.ceil(0.1 * n));
    this.liveCount = n;
  }

  counted(nowUs: number): boolean {
    return nowUs >= this.warmupUs;
  }

  /** Counts one message of `kind` (membership-tallies Msg) of `bytes` sent at `nowUs`. */
  count(kind: number, bytes: number, nowUs: number): void {
    if (nowUs < this.warmupUs) return;
    this.t.messages[kind]! += 1;
    this.t.bytes[kind]! += bytes;
  }

  private integrate(nowUs: number): void {
    const from = Math.max(this.lastIntegrateUs, this.warmupUs);
    if (nowUs > from) {
      this.t.observerSubjectUpUs += this.liveCount * (this.liveCount - 1) * (nowUs - from);
      this.t.observerSubjectSuspectedUs += this.falseViews * (nowUs - from);
    }
    this.lastIntegrateUs = Math.max(this.lastIntegrateUs, nowUs);
  }

  /** Member `o` now holds `s` down (`down`) or up again (`originated`: its own verdict, not news). */
  viewChanged(o: number, s: number, down: boolean, originated: boolean, nowUs: number): void {
    this.integrate(nowUs);
    const live = this.nodes.isUp(o);
    const sUp = this.nodes.isUp(s);
    const t = this.t;
    if (!down) {
      if (live) this.downHolders[s]! -= 1;
      if (live && sUp) {
        this.falseViews -= 1;
        if (this.downHolders[s] === 0) this.episodeEnd(s, nowUs);
      }
      return;
    }
    if (live) this.downHolders[s]! += 1;
    if (live && sUp) {
      this.falseViews += 1;
      if (this.counted(nowUs)) {
        t.deadViews += 1;
        t.suspectViews += 1;
        if (originated) {
          t.deathsOriginated += 1;
          t.suspicionsOriginated += 1;
          this.totals.perSubjectOriginated[s]! += 1;
        }
      }
      if (!this.inEpisode[s]) this.episodeStart(s, false, nowUs);
      if (this.episodeMax[s]! >= 0) this.episodeMax[s] = Math.max(this.episodeMax[s]!, this.downHolders[s]!);
    }
    if (!sUp && this.crashAtUs[s]! >= this.warmupUs && !this.firstDone[s]) {
      this.firstDone[s] = 1;
      this.firstDown.push(nowUs - this.crashAtUs[s]!);
    }
    if (!sUp) this.checkDissemination(s, nowUs);
  }

  /** A live subject is now held down by some live member: a mistake, or a stale view after a restart. */
  private episodeStart(s: number, stale: boolean, nowUs: number): void {
    this.inEpisode[s] = stale ? 2 : 1;
    this.episodeStartUs[s] = nowUs;
    this.episodeMax[s] = stale ? -1 : 0;
    if (!stale && nowUs >= this.warmupUs && nowUs - this.episodeEndUs[s]! <= this.flapWindowUs) this.totals.flaps += 1;
    this.falselySuspected += 1;
    if (nowUs >= this.warmupUs) {
      this.totals.maxSimultaneous = Math.max(this.totals.maxSimultaneous, this.falselySuspected);
      if (this.falselySuspected === this.massThreshold) this.totals.massEvents += 1;
    }
  }

  /** Nobody live holds s down any more, or s crashed (the verdict became true). */
  private episodeEnd(s: number, nowUs: number): void {
    if (!this.inEpisode[s]) return;
    const from = Math.max(this.episodeStartUs[s]!, this.warmupUs);
    if (nowUs > from) this.totals.perSubjectSuspectedUs[s]! += nowUs - from;
    if (this.inEpisode[s] === 1) {
      if (this.episodeStartUs[s]! >= this.warmupUs) this.totals.mistakeDurations.push(nowUs - this.episodeStartUs[s]!);
      this.episodeEndUs[s] = nowUs;
      this.reach.push(this.episodeMax[s]!);
    }
    this.inEpisode[s] = 0;
    this.episodeMax[s] = -1;
    this.falselySuspected -= 1;
  }

  private checkDissemination(s: number, nowUs: number): void {
    if (this.dissDone[s] || this.crashAtUs[s]! < this.warmupUs) return;
    if (this.downHolders[s] === this.liveCount) {
      this.dissDone[s] = 1;
      this.diss.push(nowUs - this.crashAtUs[s]!);
    }
  }

  /**
   * `node` crashed (call after the crash service marked it down): its own views stop
   * counting (`holdsDown(node, s)`: it held s down), views of it stop being mistakes.
   */
  memberDown(node: number, nowUs: number, holdsDown: (o: number, s: number) => boolean): void {
    this.integrate(nowUs);
    this.liveCount -= 1;
    for (let s = 0; s < this.n; s++) {
      if (s === node || !holdsDown(node, s)) continue;
      this.downHolders[s]! -= 1;
      if (this.nodes.isUp(s)) {
        this.falseViews -= 1;
        if (this.downHolders[s] === 0) this.episodeEnd(s, nowUs);
      }
    }
    this.falseViews -= this.downHolders[node]!;
    this.episodeEnd(node, nowUs);
    const from = Math.max(this.upSinceUs[node]!, this.warmupUs);
    if (nowUs > from) this.totals.perSubjectUpUs[node]! += nowUs - from;
    if (nowUs >= this.warmupUs) this.totals.crashes += 1;
    this.crashAtUs[node] = nowUs;
    this.firstDone[node] = 0;
    this.dissDone[node] = 0;
    if (this.downHolders[node]! > 0 && nowUs >= this.warmupUs) {
      // Already held down by some (a false verdict that turned true): first down now.
      this.firstDone[node] = 1;
      this.firstDown.push(0);
    }
    for (let s = 0; s < this.n; s++) if (!this.nodes.isUp(s) && s !== node) this.checkDissemination(s, nowUs);
    this.checkDissemination(node, nowUs);
  }

  /**
   * `node` restarted (call after the crash service marked it up; a new process holds
   * nobody down). Views still holding it down are stale, not a new mistake (as in SWIM).
   */
  memberUp(node: number, nowUs: number): void {
    this.integrate(nowUs);
    if (this.crashAtUs[node]! >= this.warmupUs && !this.dissDone[node]) this.t.disseminationIncomplete += 1;
    if (this.crashAtUs[node]! >= this.warmupUs && !this.firstDone[node]) this.totals.crashesUndetected += 1;
    this.crashAtUs[node] = -1;
    this.liveCount += 1;
    this.falseViews += this.downHolders[node]!;
    this.upSinceUs[node] = nowUs;
    if (this.downHolders[node]! > 0) this.episodeStart(node, true, nowUs);
  }

  /** The membership tallies at the end (call once; `censorUs`: a crash this close to the end that nobody caught is censored, not undetected). */
  finish(endUs: number, censorUs: number): MembershipTallies {
    this.integrate(endUs);
    const t = this.t;
    for (let s = 0; s < this.n; s++) {
      const crashed = this.crashAtUs[s]! >= this.warmupUs;
      if (crashed && !this.dissDone[s]) t.disseminationIncomplete += 1;
      if (crashed && !this.firstDone[s] && !this.nodes.isUp(s)) {
        if (endUs - this.crashAtUs[s]! < censorUs) this.totals.crashesCensored += 1;
        else this.totals.crashesUndetected += 1;
      }
      if (!this.nodes.isUp(s)) continue;
      const from = Math.max(this.upSinceUs[s]!, this.warmupUs);
      if (endUs > from) this.totals.perSubjectUpUs[s]! += endUs - from;
      if (this.inEpisode[s]) {
        const since = Math.max(this.episodeStartUs[s]!, this.warmupUs);
        if (endUs > since) this.totals.perSubjectSuspectedUs[s]! += endUs - since;
        if (this.inEpisode[s] === 1) this.reach.push(this.episodeMax[s]!);
      }
    }
    t.firstSuspicionLatenciesUs = Float64Array.from(this.firstDown);
    t.firstDeadLatenciesUs = Float64Array.from(this.firstDown);
    t.disseminationLatenciesUs = Float64Array.from(this.diss);
    t.falseDeadReach = Float64Array.from(this.reach);
    return t;
  }

  /**
   * The run's top-level tallies at cluster level (call after `finish`): detection = the
   * first down view anywhere, a mistake counted once where it starts, exposure per
   * member; message counts from the books (`perPair`).
   */
  clusterTallies(perPair: RunTallies): RunTallies {
    return this.totals.tallies(perPair, this.t);
  }
}
