/**
 * The membership metrics of a SWIM run (docs/results.md, `membership`): who suspects
 * whom and for how long, per crash the first suspicion, first DEAD and dissemination,
 * per mistake where it started and how far a false DEAD reached. The simulation tells
 * it every view change and every crash and restart; it keeps counters per subject so
 * nothing here scans the N² views.
 */
import { ClusterTotals } from '../../metrics/cluster-membership.js';
import type { RunTallies } from '../../metrics/recorder.js';
import { zeroTallies } from '../../metrics/tallies.js';
import { emptyMembershipTallies, type MembershipTallies } from '../../metrics/membership-tallies.js';
import { View } from './views.js';

export class SwimMetrics {
  readonly t: MembershipTallies;
  /** Members up now (the simulation's `up` flags are shared, read-only here). */
  upCount: number;
  /**
   * The incarnation a member announced when it last rejoined: views of an older one are
   * about the crashed process (late news, not a mistake about the live one).
   */
  readonly rejoinInc: Float64Array;
  private readonly n: number;
  private readonly up: Uint8Array;
  private readonly warmupUs: number;
  private readonly flapWindowUs: number;
  private readonly massThreshold: number;
  private readonly upSinceUs: Float64Array;
  private readonly crashAtUs: Float64Array;
  private readonly crashSeenSuspect: Uint8Array;
  private readonly crashSeenDead: Uint8Array;
  private readonly crashDisseminated: Uint8Array;
  private readonly nonAlive: Int32Array; // live observers whose view of the subject is not ALIVE
  private readonly deadHeld: Int32Array; // live observers whose view is DEAD
  private readonly suspectedSinceUs: Float64Array;
  private readonly episodeEndUs: Float64Array;
  private readonly falseDeadPeak: Int32Array;
  /** 1 while a subject's non-ALIVE views are left over from before its restart (not a mistake). */
  private readonly staleEpisode: Uint8Array;
  private readonly totals: ClusterTotals;
  private falselySuspected = 0;
  private nonAliveViewsOfUp = 0;
  private lastIntegralUs = 0;
  private firstSuspicion: number[] = [];
  private firstDead: number[] = [];
  private dissemination: number[] = [];
  private deadReach: number[] = [];

  constructor(up: Uint8Array, warmupUs: number, flapWindowUs: number) {
    const n = up.length;
    this.n = n;
    this.up = up;
    this.warmupUs = warmupUs;
    this.flapWindowUs = flapWindowUs;
    this.massThreshold = Math.max(2, Math.ceil(0.1 * n));
    this.t = emptyMembershipTallies(n);
    this.totals = new ClusterTotals(n);
    this.upCount = n;
    this.rejoinInc = new Float64Array(n);
    this.upSinceUs = new Float64Array(n);
    this.crashAtUs = new Float64Array(n).fill(Number.NaN);
    this.crashSeenSuspect = new Uint8Array(n);
    this.crashSeenDead = new Uint8Array(n);
    this.crashDisseminated = new Uint8Array(n);
    this.nonAlive = new Int32Array(n);
    this.deadHeld = new Int32Array(n);
    this.suspectedSinceUs = new Float64Array(n);
    this.episodeEndUs = new Float64Array(n).fill(Number.NEGATIVE_INFINITY);
    this.falseDeadPeak = new Int32Array(n);
    this.staleEpisode = new Uint8Array(n);
  }

  /** A live member's view of live `target` went from ALIVE to SUSPECT on its own probe: a mistake originated. */
  suspicionOriginated(target: number, nowUs: number): void {
    if (nowUs < this.warmupUs) return;
    this.t.suspicionsOriginated++;
    this.totals.perSubjectOriginated[target]!++;
  }
  /** Observer o's view of s went from `prev` to `next` (o is up). */
  viewChanged(o: number, s: number, prev: number, next: number, inc: number, nowUs: number): void {
    const subjectUp = this.up[s] === 1;
    const counted = nowUs >= this.warmupUs;
    const stale = inc < this.rejoinInc[s]!;
    this.integrate(nowUs);
    if (prev === View.alive) {
      if (subjectUp) this.nonAliveViewsOfUp++;
      const before = this.nonAlive[s]!;
      this.nonAlive[s] = before + 1;
      if (before === 0 && subjectUp) this.falseEpisodeStart(s, stale, nowUs);
    } else if (next === View.alive) {
      if (subjectUp) this.nonAliveViewsOfUp--;
      if (--this.nonAlive[s]! === 0 && subjectUp) this.falseEpisodeEnd(s, nowUs);
    }
    if (next === View.dead) {
      this.deadHeld[s]!++;
      if (subjectUp && !stale) {
        if (this.deadHeld[s] === 1) this.falseDeadPeak[s] = 0;
        if (this.deadHeld[s]! > this.falseDeadPeak[s]!) this.falseDeadPeak[s] = this.deadHeld[s]!;
      }
    } else if (prev === View.dead) {
      this.deadHeld[s]!--;
      if (subjectUp && this.deadHeld[s] === 0 && this.falseDeadPeak[s]! > 0) {
        if (counted) this.deadReach.push(this.falseDeadPeak[s]!);
        this.falseDeadPeak[s] = 0;
      }
    }
    if (subjectUp) {
      if (counted && !stale && next === View.suspect && prev === View.alive) this.t.suspectViews++;
      if (counted && !stale && next === View.dead) this.t.deadViews++;
      return;
    }
    // A crashed member: first suspicion, first DEAD, everyone knows.
    const crashAt = this.crashAtUs[s]!;
    if (Number.isNaN(crashAt)) return;
    if (next !== View.alive && this.crashSeenSuspect[s] === 0) {
      this.crashSeenSuspect[s] = 1;
      this.firstSuspicion.push(nowUs - crashAt);
    }
    if (next === View.dead && this.crashSeenDead[s] === 0) {
      this.crashSeenDead[s] = 1;
      this.firstDead.push(nowUs - crashAt);
    }
    this.checkDissemination(s, nowUs);
  }

  checkDissemination(s: number, nowUs: number): void {
    const crashAt = this.crashAtUs[s]!;
    if (Number.isNaN(crashAt) || this.crashDisseminated[s] === 1 || this.up[s] === 1) return;
    if (this.deadHeld[s]! >= this.upCount && this.upCount > 0) {
      this.crashDisseminated[s] = 1;
      this.dissemination.push(nowUs - crashAt);
    }
  }

  private falseEpisodeStart(s: number, stale: boolean, nowUs: number): void {
    this.suspectedSinceUs[s] = nowUs;
    this.staleEpisode[s] = stale ? 1 : 0;
    if (!stale && nowUs >= this.warmupUs && nowUs - this.episodeEndUs[s]! <= this.flapWindowUs) this.totals.flaps++;
    const count = ++this.falselySuspected;
    if (nowUs >= this.warmupUs) {
      if (count > this.totals.maxSimultaneous) this.totals.maxSimultaneous = count;
      if (count === this.massThreshold) this.totals.massEvents++;
    }
  }

  private falseEpisodeEnd(s: number, nowUs: number): void {
    const from = Math.max(this.suspectedSinceUs[s]!, this.warmupUs);
    if (nowUs > from) this.totals.perSubjectSuspectedUs[s]! += nowUs - from;
    if (this.staleEpisode[s] === 0) {
      if (this.suspectedSinceUs[s]! >= this.warmupUs) this.totals.mistakeDurations.push(nowUs - this.suspectedSinceUs[s]!);
      this.episodeEndUs[s] = nowUs;
    }
    this.staleEpisode[s] = 0;
    this.falselySuspected--;
  }

  /** Accumulates observer×subject exposure and suspected time up to `nowUs`. */
  private integrate(nowUs: number): void {
    const from = Math.max(this.lastIntegralUs, this.warmupUs);
    if (nowUs > from) {
      const dt = nowUs - from;
      this.t.observerSubjectUpUs += this.upCount * (this.upCount - 1) * dt;
      this.t.observerSubjectSuspectedUs += this.nonAliveViewsOfUp * dt;
    }
    this.lastIntegralUs = nowUs;
  }

  /** Member m crashed (it was up): as a subject, it is now truly down. Call before its views are dropped. */
  memberDown(m: number, nowUs: number): void {
    this.integrate(nowUs);
    // As subject: its false-suspicion episode (if any) ends; it is now truly down.
    if (this.nonAlive[m]! > 0) this.falseEpisodeEnd(m, nowUs);
    this.nonAliveViewsOfUp -= this.nonAlive[m]!;
    if (this.deadHeld[m]! > 0 && this.falseDeadPeak[m]! > 0) {
      if (nowUs >= this.warmupUs) this.deadReach.push(this.falseDeadPeak[m]!);
      this.falseDeadPeak[m] = 0;
    }
    const from = Math.max(this.upSinceUs[m]!, this.warmupUs);
    if (nowUs > from) this.totals.perSubjectUpUs[m]! += nowUs - from;
    this.upCount--;
    if (nowUs >= this.warmupUs) this.totals.crashes++;
    this.crashAtUs[m] = nowUs;
    this.crashSeenSuspect[m] = this.nonAlive[m]! > 0 ? 1 : 0;
    this.crashSeenDead[m] = this.deadHeld[m]! > 0 ? 1 : 0;
    if (this.crashSeenSuspect[m] === 1) this.firstSuspicion.push(0);
    if (this.crashSeenDead[m] === 1) this.firstDead.push(0);
    this.crashDisseminated[m] = 0;
  }

  /** A crashed observer's view of s (in `state`) is gone: its process starts afresh. */
  viewDropped(s: number, state: number, nowUs: number): void {
    if (state !== View.alive) {
      if (this.up[s] === 1) this.nonAliveViewsOfUp--;
      if (--this.nonAlive[s]! === 0 && this.up[s] === 1) this.falseEpisodeEnd(s, nowUs);
    }
    if (state === View.dead) this.deadHeld[s]!--;
  }

  /** Member m restarted (call before it is marked up): stale views of it are not mistakes. */
  memberUp(m: number, nowUs: number): void {
    this.integrate(nowUs);
    const crashAt = this.crashAtUs[m]!;
    if (!Number.isNaN(crashAt) && crashAt >= this.warmupUs) {
      if (this.crashSeenDead[m] === 0) this.totals.crashesUndetected++;
      if (this.crashDisseminated[m] === 0) this.t.disseminationIncomplete++;
    }
    this.crashAtUs[m] = Number.NaN;
    this.upCount++;
    this.upSinceUs[m] = nowUs;
    this.nonAliveViewsOfUp += this.nonAlive[m]!;
    if (this.nonAlive[m]! > 0) {
      this.suspectedSinceUs[m] = nowUs;
      this.staleEpisode[m] = 1;
      this.falselySuspected++;
    }
  }
  /** The run's tallies at `end` (censoring bound: the slowest nominal detection). */
  finish(end: number, censorBoundUs: number): RunTallies {
    this.integrate(end);
    for (let s = 0; s < this.n; s++) {
      if (this.up[s] === 1) {
        const from = Math.max(this.upSinceUs[s]!, this.warmupUs);
        if (end > from) this.totals.perSubjectUpUs[s]! += end - from;
        if (this.nonAlive[s]! > 0) {
          const since = Math.max(this.suspectedSinceUs[s]!, this.warmupUs);
          if (end > since) this.totals.perSubjectSuspectedUs[s]! += end - since;
        }
        if (this.falseDeadPeak[s]! > 0) this.deadReach.push(this.falseDeadPeak[s]!);
        continue;
      }
      const crashAt = this.crashAtUs[s]!;
      if (Number.isNaN(crashAt) || crashAt < this.warmupUs) continue;
      if (this.crashSeenDead[s] === 0) {
        // Censored when the run ended before the slowest nominal detection could finish.
        if (end - crashAt < censorBoundUs) this.totals.crashesCensored++;
        else this.totals.crashesUndetected++;
      }
      if (this.crashDisseminated[s] === 0) this.t.disseminationIncomplete++;
    }
    const t = this.t;
    t.firstSuspicionLatenciesUs = Float64Array.from(this.firstSuspicion);
    t.firstDeadLatenciesUs = Float64Array.from(this.firstDead);
    t.disseminationLatenciesUs = Float64Array.from(this.dissemination);
    t.falseDeadReach = Float64Array.from(this.deadReach);
    let sent = 0;
    for (let k = 0; k < t.messages.length; k++) sent += t.messages[k]!;
    return this.totals.tallies({ ...zeroTallies(), heartbeatsSent: sent }, t);
  }
}
