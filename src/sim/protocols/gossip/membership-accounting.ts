/**
 * The truth side of a decentralised run where every member holds every other UP or
 * DOWN on its own (Cassandra's gossip: each member convicts with its own failure
 * detector, nothing announces a death): the views table (observer × endpoint), and
 * what the membership tallies and the cluster-level top-level tallies count from it —
 * per crash the first DOWN anywhere and the moment every live member holds it DOWN;
 * per mistake (a live member held DOWN) the observer that made it, how many held it
 * at once, how long until nobody did; exposure per member and per (observer, endpoint).
 *
 * The same accounting as watch-ring.ts's (whose verdicts do spread), kept apart so the
 * gossip module owns its tables; a mistake here is always originated by the observer
 * that holds it, so `deathsOriginated` = `deadViews`.
 */
import { emptyMembershipTallies, type MembershipTallies } from '../../metrics/membership-tallies.js';
import type { RunTallies } from '../../metrics/recorder.js';

export const UP = 0;
export const DOWN = 2;

export interface AccountingOptions {
  readonly members: number;
  readonly warmupUs: number;
  readonly isUp: (node: number) => boolean;
  /** A false DOWN starting within this long after the previous one of the same member ended is a flap. */
  readonly flapWindowUs: number;
  /** A crash this close to the end of the run that nobody convicted is censored, not undetected (µs). */
  readonly censorHorizonUs: number;
}

export class MembershipAccounting {
  /** o·n + s → UP / DOWN: observer o's view of endpoint s. */
  readonly view: Uint8Array;
  readonly t: MembershipTallies;
  private readonly n: number;
  private readonly o: AccountingOptions;
  private readonly downHolders: Int32Array; // s → live members holding s DOWN
  private readonly crashAtUs: Float64Array; // s → crash instant of the current down period (−1 when up)
  private readonly firstDone: Uint8Array;
  private readonly dissDone: Uint8Array;
  private readonly episodeMax: Int32Array; // s → most holders during a false-DOWN episode (−1: none or stale)
  private readonly inEpisode: Uint8Array; // 1 a mistake, 2 stale views of a restarted member
  private readonly episodeStartUs: Float64Array;
  private readonly episodeEndUs: Float64Array;
  private readonly upSinceUs: Float64Array;
  private readonly perSubjectUpUs: Float64Array;
  private readonly perSubjectSuspectedUs: Float64Array;
  private readonly perSubjectOriginated: Float64Array;
  private readonly mistakeDurations: number[] = [];
  private readonly firstDown: number[] = [];
  private readonly diss: number[] = [];
  private readonly reach: number[] = [];
  private flaps = 0;
  private falselySuspected = 0;
  private maxSimultaneous = 0;
  private massEvents = 0;
  private readonly massThreshold: number;
  private crashes = 0;
  private crashesUndetected = 0;
  private crashesCensored = 0;
  private liveCount: number;
  private falseViews = 0;
  private lastIntegrateUs = 0;

  constructor(options: AccountingOptions) {
    const n = options.members;
    this.n = n;
    this.o = options;
    this.view = new Uint8Array(n * n);
    this.t = emptyMembershipTallies(n);
    this.downHolders = new Int32Array(n);
    this.crashAtUs = new Float64Array(n).fill(-1);
    this.firstDone = new Uint8Array(n);
    this.dissDone = new Uint8Array(n);
    this.episodeMax = new Int32Array(n).fill(-1);
    this.inEpisode = new Uint8Array(n);
    this.episodeStartUs = new Float64Array(n);
    this.episodeEndUs = new Float64Array(n).fill(-Infinity);
    this.upSinceUs = new Float64Array(n);
    this.perSubjectUpUs = new Float64Array(n);
    this.perSubjectSuspectedUs = new Float64Array(n);
    this.perSubjectOriginated = new Float64Array(n);
    this.massThreshold = Math.max(2, Math.ceil(0.1 * n));
    this.liveCount = n;
  }

  private counted(nowUs: number): boolean {
    return nowUs >= this.o.warmupUs;
  }

  /** Counts one message of `kind` (membership-tallies Msg) of `bytes` sent at `nowUs`. */
  message(kind: number, bytes: number, nowUs: number): void {
    if (nowUs < this.o.warmupUs) return;
    this.t.messages[kind]! += 1;
    this.t.bytes[kind]! += bytes;
  }

  private integrate(nowUs: number): void {
    const from = Math.max(this.lastIntegrateUs, this.o.warmupUs);
    if (nowUs > from) {
      this.t.observerSubjectUpUs += this.liveCount * (this.liveCount - 1) * (nowUs - from);
      this.t.observerSubjectSuspectedUs += this.falseViews * (nowUs - from);
    }
    this.lastIntegrateUs = Math.max(this.lastIntegrateUs, nowUs);
  }

  /** Observer `o` now holds `s` DOWN (its own conviction) or UP again. */
  setView(o: number, s: number, next: number, nowUs: number): void {
    const i = o * this.n + s;
    if (this.view[i] === next) return;
    this.integrate(nowUs);
    this.view[i] = next;
    const live = this.o.isUp(o);
    const sUp = this.o.isUp(s);
    if (next === DOWN) {
      if (live) this.downHolders[s]! += 1;
      if (live && sUp) {
        this.falseViews += 1;
        if (this.counted(nowUs)) {
          this.t.deadViews += 1;
          this.t.suspectViews += 1;
          this.t.deathsOriginated += 1;
          this.t.suspicionsOriginated += 1;
          this.perSubjectOriginated[s]! += 1;
        }
        if (!this.inEpisode[s]) this.episodeStart(s, false, nowUs);
        if (this.episodeMax[s]! >= 0) this.episodeMax[s] = Math.max(this.episodeMax[s]!, this.downHolders[s]!);
      }
      if (!sUp && this.crashAtUs[s]! >= this.o.warmupUs && !this.firstDone[s]) {
        this.firstDone[s] = 1;
        this.firstDown.push(nowUs - this.crashAtUs[s]!);
      }
      if (!sUp) this.checkDissemination(s, nowUs);
    } else {
      if (live) this.downHolders[s]! -= 1;
      if (live && sUp) {
        this.falseViews -= 1;
        if (this.downHolders[s] === 0) this.episodeEnd(s, nowUs);
      }
    }
  }

  private episodeStart(s: number, stale: boolean, nowUs: number): void {
    this.inEpisode[s] = stale ? 2 : 1;
    this.episodeStartUs[s] = nowUs;
    this.episodeMax[s] = stale ? -1 : 0;
    if (!stale && this.counted(nowUs) && nowUs - this.episodeEndUs[s]! <= this.o.flapWindowUs) this.flaps += 1;
    this.falselySuspected += 1;
    if (this.counted(nowUs)) {
      this.maxSimultaneous = Math.max(this.maxSimultaneous, this.falselySuspected);
      if (this.falselySuspected === this.massThreshold) this.massEvents += 1;
    }
  }

  private episodeEnd(s: number, nowUs: number): void {
    if (!this.inEpisode[s]) return;
    const from = Math.max(this.episodeStartUs[s]!, this.o.warmupUs);
    if (nowUs > from) this.perSubjectSuspectedUs[s]! += nowUs - from;
    if (this.inEpisode[s] === 1) {
      if (this.episodeStartUs[s]! >= this.o.warmupUs) this.mistakeDurations.push(nowUs - this.episodeStartUs[s]!);
      this.episodeEndUs[s] = nowUs;
      this.reach.push(this.episodeMax[s]!);
    }
    this.inEpisode[s] = 0;
    this.episodeMax[s] = -1;
    this.falselySuspected -= 1;
  }

  private checkDissemination(s: number, nowUs: number): void {
    if (this.dissDone[s] || this.crashAtUs[s]! < this.o.warmupUs) return;
    if (this.downHolders[s] === this.liveCount) {
      this.dissDone[s] = 1;
      this.diss.push(nowUs - this.crashAtUs[s]!);
    }
  }

  /** `node` crashed (call after the crash service marked it down). */
  nodeDown(node: number, nowUs: number): void {
    const n = this.n;
    this.integrate(nowUs);
    this.liveCount -= 1;
    // Its own views no longer count; views of it stop being false.
    for (let s = 0; s < n; s++) {
      if (this.view[node * n + s] !== DOWN) continue;
      this.downHolders[s]! -= 1;
      if (this.o.isUp(s)) {
        this.falseViews -= 1;
        if (this.downHolders[s] === 0) this.episodeEnd(s, nowUs);
      }
    }
    this.falseViews -= this.downHolders[node]!;
    this.episodeEnd(node, nowUs);
    const from = Math.max(this.upSinceUs[node]!, this.o.warmupUs);
    if (nowUs > from) this.perSubjectUpUs[node]! += nowUs - from;
    if (this.counted(nowUs)) this.crashes += 1;
    this.crashAtUs[node] = nowUs;
    this.firstDone[node] = 0;
    this.dissDone[node] = 0;
    if (this.downHolders[node]! > 0 && this.counted(nowUs)) {
      // Already held DOWN by some (a false verdict that turned true): first DOWN now.
      this.firstDone[node] = 1;
      this.firstDown.push(0);
    }
    for (let s = 0; s < n; s++) if (!this.o.isUp(s) && s !== node) this.checkDissemination(s, nowUs);
    this.checkDissemination(node, nowUs);
  }

  /**
   * `node` restarted (call after the crash service marked it up): it holds everyone UP
   * (a new process); views of it still DOWN elsewhere are stale, not a new mistake.
   */
  nodeUp(node: number, nowUs: number): void {
    const n = this.n;
    this.integrate(nowUs);
    const warm = this.o.warmupUs;
    if (this.crashAtUs[node]! >= warm && !this.dissDone[node]) this.t.disseminationIncomplete += 1;
    if (this.crashAtUs[node]! >= warm && !this.firstDone[node]) this.crashesUndetected += 1;
    this.crashAtUs[node] = -1;
    this.liveCount += 1;
    this.falseViews += this.downHolders[node]!;
    this.upSinceUs[node] = nowUs;
    if (this.downHolders[node]! > 0) this.episodeStart(node, true, nowUs);
    // Its old views were not counted while it was down; a new process trusts everyone.
    this.view.fill(UP, node * n, node * n + n);
  }

  /** The membership tallies (call once, after the run). */
  membership(endUs: number): MembershipTallies {
    const n = this.n;
    const warm = this.o.warmupUs;
    this.integrate(endUs);
    for (let s = 0; s < n; s++) {
      if (this.crashAtUs[s]! >= warm && !this.dissDone[s]) this.t.disseminationIncomplete += 1;
      if (this.crashAtUs[s]! >= warm && !this.firstDone[s] && !this.o.isUp(s)) {
        if (endUs - this.crashAtUs[s]! < this.o.censorHorizonUs) this.crashesCensored += 1;
        else this.crashesUndetected += 1;
      }
      if (this.o.isUp(s)) {
        const from = Math.max(this.upSinceUs[s]!, warm);
        if (endUs > from) this.perSubjectUpUs[s]! += endUs - from;
        if (this.inEpisode[s]) {
          const since = Math.max(this.episodeStartUs[s]!, warm);
          if (endUs > since) this.perSubjectSuspectedUs[s]! += endUs - since;
          if (this.inEpisode[s] === 1) this.reach.push(this.episodeMax[s]!);
        }
      }
    }
    this.t.firstSuspicionLatenciesUs = Float64Array.from(this.firstDown);
    this.t.firstDeadLatenciesUs = Float64Array.from(this.firstDown);
    this.t.disseminationLatenciesUs = Float64Array.from(this.diss);
    this.t.falseDeadReach = Float64Array.from(this.reach);
    return this.t;
  }

  /**
   * The run's top-level tallies at cluster level (as SWIM's and the watch rings'):
   * detection = the first DOWN anywhere, each false conviction counted (each is its
   * observer's own), exposure per member; message counts from the books. Call after `membership`.
   */
  clusterTallies(perPair: RunTallies): RunTallies {
    const t = this.t;
    return {
      ...perPair,
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
