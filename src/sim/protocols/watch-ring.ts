/**
 * Watch rings: every member watches the next `k` live members after it on a ring
 * (`ring`: the members in the order of the scenario; `monitors`: Akka's
 * HeartbeatNodeRing, ordered by a hash of the member's address, so that each member
 * is monitored by the `monitored-by-nr-of-members` members before it).
 *
 * Watching = Akka's cluster heartbeat: every heartbeat interval the watcher sends a
 * heartbeat request to each watched member, which replies; the replies feed the
 * watcher's detector for that pair (fixed timeout, phi accrual…: the scenario's
 * `detector:`). A member is held DEAD (Akka: unreachable) by its watcher when the
 * detector stops trusting it — there is no separate suspicion stage, so the first
 * verdict anywhere is both the first suspicion and the first DEAD.
 *
 * Moving on (Akka's `HeartbeatNodeRing.receivers`): the watcher walks the ring from
 * itself and watches members until it has `k` it does not hold DEAD; the DEAD ones
 * met on the way stay watched (so a false verdict or a restart is noticed when
 * replies come back). A newly watched member gets a grace period: if no reply has
 * come `expected-response-after` (one heartbeat interval) after it was added, the
 * detector is started as if one had (Akka's `ExpectedFirstHeartbeat`), so a dead
 * newcomer is still detected. A polling detector (`check_interval` > 0) is judged at
 * the watcher's rounds (every check_interval from its heartbeat phase), not at once. How far a watcher can move on is bounded by its
 * window: the next `k + MOVE_ON_WINDOW` ring positions (all of them for `all`).
 *
 * How a verdict reaches the others (decided): the watcher broadcasts it reliably —
 * one announcement to every other member over the links (a DEAD, and later an ALIVE
 * if replies resume), each acknowledged; an announcement or ack lost is resent one
 * heartbeat interval later, up to ANNOUNCE_RETRIES times (a recipient down when it
 * is sent does not ack either). Dissemination latency is one link delay when nothing
 * is lost; the cost is 2(N − 1) messages per verdict. A verdict carries the instant
 * it was reached and members keep the newest per subject (last writer wins on
 * synchronised clocks — a simplification: Akka's reachability records carry the
 * observer's version). Whether a recipient is up is decided when the announcement
 * leaves (a crash during its millisecond flight is not modelled).
 *
 * Limits: links are registered per (watcher, watched) pair in the window and per
 * (announcer, member) pair, so memory is O(N²) links: fine to ~1 000 members.
 * Faults: crashes and restarts (the crash service); pauses, partitions and link
 * overrides are not yet services of the protocol kernel (the schema rejects them).
 */
import type { DetectorConfig } from '../config.js';
import { createDetector, detectorHorizonUs } from '../detectors/create.js';
import type { Detector } from '../detectors/detector.js';
import { EventClass } from '../engine/kernel.js';
import { emptyMembershipTallies, Msg, type MembershipTallies } from '../metrics/membership-tallies.js';
import { Cause, type RunTallies } from '../metrics/recorder.js';
import { Status } from '../status.js';
import type { ProtocolContext, ProtocolModule } from './protocol.js';

/** Resends of an unacknowledged announcement, one heartbeat interval apart. */
export const ANNOUNCE_RETRIES = 5;

/** Ring positions past the first `k` a watcher may move on to. */
export const MOVE_ON_WINDOW = 8;

/** Message sizes (estimates, bytes on the wire incl. UDP/IP headers): Akka's heartbeat / response, a verdict. */
export const WATCH_MESSAGE_BYTES = { ping: 60, ack: 60, announce: 70 } as const;

export interface WatchRingConfig {
  readonly order: 'index' | 'hashed';
  /** Members each member watches (ring: successors; monitors: monitored-by-nr-of-members); ≥ n − 1 = all. */
  readonly watched: number;
  readonly intervalUs: number;
  readonly detector: DetectorConfig;
  /** A false DEAD starting within this long after the previous one of the same member ended is a flap (default 60 s). */
  readonly flapWindowUs?: number;
}

const ALIVE = 0;
const DEAD = 2;

/** FNV-1a 32-bit of a name: a stable stand-in for Akka's UniqueAddress hash. */
export function nameHash(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** The ring: member indices in ring order. */
export function ringOrder(names: readonly string[], order: 'index' | 'hashed'): Int32Array {
  const idx = names.map((_, i) => i);
  if (order === 'hashed') {
    const h = names.map(nameHash);
    idx.sort((a, b) => h[a]! - h[b]! || a - b);
  }
  return Int32Array.from(idx);
}

export interface WatchRingModule extends ProtocolModule {
  /** The membership tallies (call once, after the run). */
  membership(endUs: number): MembershipTallies;
  /**
   * The run's top-level tallies at cluster level, as SWIM reports them: detection = the
   * first DEAD anywhere, a mistake counted once where it starts, exposure per member;
   * message counts from the books (`perPair`: the books' per-(watcher, watched) tallies).
   * Call after `membership`.
   */
  clusterTallies(perPair: RunTallies): RunTallies;
  /** Member `o`'s view of `s` (0 ALIVE, 2 DEAD), for tests. */
  viewOf(o: number, s: number): number;
  /** The members `o` watches now, in ring order (for tests). */
  watchedBy(o: number): number[];
}

export function watchRing(config: WatchRingConfig): WatchRingModule {
  let ctx!: ProtocolContext;
  let n = 0;
  let W = 0; // window: ring positions 1..W after a member
  let k = 0;
  let ring!: Int32Array; // position → member
  let pos!: Int32Array; // member → position
  let detector!: Detector;
  let view!: Uint8Array; // o·n + s
  let active!: Uint8Array; // pair → watched now
  let addedUs!: Float64Array; // pair → when it was added to the watched set
  let heard!: Uint8Array; // pair → a reply (or the grace start) since it was added
  let wakeUs!: Float64Array; // pair → the live wake-up instant (true time)
  let outstanding!: Uint8Array; // pair → the last request got no reply yet
  let seenEpoch!: Float64Array; // pair → the target incarnation last heard from
  let reqLink!: Int32Array; // pair → watcher → target
  let repLink!: Int32Array; // pair → target → watcher
  let annLink!: Int32Array; // o·n + x → o → x (−1 on the diagonal)
  let phaseUs!: Float64Array; // member → its heartbeat phase (its polling rounds start there)
  let annStamp!: Float64Array; // o·n + s → instant of o's latest own verdict on s (−1: none)
  let stampOf!: Float64Array; // x·n + s → instant of the verdict x holds about s (−1: none)
  const t = emptyMembershipTallies(0);
  // Truth-side accounting.
  let deadHolders!: Int32Array; // s → live members holding s DEAD
  let crashAtUs!: Float64Array; // s → crash instant of the current down period (−1 when up)
  let firstDone!: Uint8Array; // s → first DEAD after the current crash recorded
  let dissDone!: Uint8Array;
  let episodeMax!: Int32Array; // s → most holders during a false-DEAD episode (−1: none or stale)
  let inEpisode!: Uint8Array; // s → a live s is held DEAD by someone (1 mistake, 2 stale after a restart)
  let episodeStartUs!: Float64Array;
  let episodeEndUs!: Float64Array; // s → end of its last mistake (for flaps)
  let upSinceUs!: Float64Array;
  let perSubjectUpUs!: Float64Array;
  let perSubjectSuspectedUs!: Float64Array;
  let perSubjectOriginated!: Float64Array;
  const mistakeDurations: number[] = [];
  let flaps = 0;
  let falselySuspected = 0;
  let maxSimultaneous = 0;
  let massEvents = 0;
  let massThreshold = 2;
  let crashes = 0;
  let crashesUndetected = 0;
  let crashesCensored = 0;
  const flapWindowUs = config.flapWindowUs ?? 60_000_000;
  const firstDead: number[] = [];
  const diss: number[] = [];
  const reach: number[] = [];
  let liveCount = 0;
  let falseViews = 0; // live observer holds live subject DEAD
  let lastIntegrateUs = 0;
  let TICK = 0;
  let REQUEST = 0;
  let REPLY = 0;
  let WAKE = 0;
  let GRACE = 0;
  let ANNOUNCE = 0;
  let RESEND = 0;

  const pairOf = (o: number, j: number) => o * W + (j - 1);
  const targetAt = (o: number, j: number) => ring[(pos[o]! + j) % n]!;
  const counted = (nowUs: number) => nowUs >= ctx.warmupUs;
  const local = (node: number, nowUs: number) => (ctx.clocks.isIdentity ? nowUs : ctx.clocks.reading(node, nowUs, false));

  function integrate(nowUs: number): void {
    const from = Math.max(lastIntegrateUs, ctx.warmupUs);
    if (nowUs > from) {
      t.observerSubjectUpUs += liveCount * (liveCount - 1) * (nowUs - from);
      t.observerSubjectSuspectedUs += falseViews * (nowUs - from);
    }
    lastIntegrateUs = Math.max(lastIntegrateUs, nowUs);
  }

  function count(kind: number, bytes: number, nowUs: number): void {
    if (!counted(nowUs)) return;
    t.messages[kind]! += 1;
    t.bytes[kind]! += bytes;
  }

  /** Observer `o`'s view of `s` becomes `next`; keeps the truth-side counts. */
  function setView(o: number, s: number, next: number, originated: boolean, nowUs: number): void {
    const i = o * n + s;
    if (view[i] === next) return;
    integrate(nowUs);
    view[i] = next;
    const live = ctx.nodes.isUp(o);
    const sUp = ctx.nodes.isUp(s);
    if (next === DEAD) {
      if (live) deadHolders[s]! += 1;
      if (live && sUp) {
        falseViews += 1;
        if (counted(nowUs)) {
          t.deadViews += 1;
          t.suspectViews += 1;
          if (originated) {
            t.deathsOriginated += 1;
            t.suspicionsOriginated += 1;
          }
        }
        if (originated && counted(nowUs)) perSubjectOriginated[s]! += 1;
        if (!inEpisode[s]) episodeStart(s, false, nowUs);
        if (episodeMax[s]! >= 0) episodeMax[s] = Math.max(episodeMax[s]!, deadHolders[s]!);
      }
      if (!sUp && crashAtUs[s]! >= 0 && crashAtUs[s]! >= ctx.warmupUs && !firstDone[s]) {
        firstDone[s] = 1;
        firstDead.push(nowUs - crashAtUs[s]!);
      }
      if (!sUp) checkDissemination(s, nowUs);
    } else {
      if (live) deadHolders[s]! -= 1;
      if (live && sUp) {
        falseViews -= 1;
        if (deadHolders[s] === 0) episodeEnd(s, nowUs);
      }
    }
    if (o !== s) refreshWatched(o, nowUs);
  }

  /** A live subject is now held DEAD by some live member: a mistake, or a stale view after a restart. */
  function episodeStart(s: number, stale: boolean, nowUs: number): void {
    inEpisode[s] = stale ? 2 : 1;
    episodeStartUs[s] = nowUs;
    episodeMax[s] = stale ? -1 : 0;
    if (!stale && nowUs >= ctx.warmupUs && nowUs - episodeEndUs[s]! <= flapWindowUs) flaps += 1;
    falselySuspected += 1;
    if (nowUs >= ctx.warmupUs) {
      maxSimultaneous = Math.max(maxSimultaneous, falselySuspected);
      if (falselySuspected === massThreshold) massEvents += 1;
    }
  }

  /** Nobody live holds s DEAD any more, or s crashed (the verdict became true). */
  function episodeEnd(s: number, nowUs: number): void {
    if (!inEpisode[s]) return;
    const from = Math.max(episodeStartUs[s]!, ctx.warmupUs);
    if (nowUs > from) perSubjectSuspectedUs[s]! += nowUs - from;
    if (inEpisode[s] === 1) {
      if (episodeStartUs[s]! >= ctx.warmupUs) mistakeDurations.push(nowUs - episodeStartUs[s]!);
      episodeEndUs[s] = nowUs;
      reach.push(episodeMax[s]!);
    }
    inEpisode[s] = 0;
    episodeMax[s] = -1;
    falselySuspected -= 1;
  }

  function checkDissemination(s: number, nowUs: number): void {
    if (dissDone[s] || crashAtUs[s]! < ctx.warmupUs) return;
    if (deadHolders[s] === liveCount) {
      dissDone[s] = 1;
      diss.push(nowUs - crashAtUs[s]!);
    }
  }

  /** Recomputes whom `o` watches: ring positions until `k` not held DEAD, DEAD ones on the way kept. */
  function refreshWatched(o: number, nowUs: number): void {
    let trusted = 0;
    for (let j = 1; j <= W; j++) {
      const p = pairOf(o, j);
      const want = trusted < k ? 1 : 0;
      if (want && view[o * n + targetAt(o, j)] !== DEAD) trusted += 1;
      if (want && !active[p]) {
        active[p] = 1;
        addedUs[p] = nowUs;
        heard[p] = 0;
        outstanding[p] = 0;
        ctx.events.schedule(nowUs + config.intervalUs, GRACE, p, nowUs);
      } else if (!want && active[p]) {
        active[p] = 0;
      }
    }
  }

  function arm(p: number, o: number, nowUs: number): void {
    const l = local(o, nowUs);
    const next = detector.nextChangeUs(p, l);
    if (!Number.isFinite(next)) {
      wakeUs[p] = -1;
      return;
    }
    let at = ctx.clocks.isIdentity ? next : ctx.clocks.trueInstantOf(o, next, false, nowUs);
    // A polling detector (check_interval: Akka's reaper, Cassandra's per-gossip-round check)
    // is judged at the watcher's next round, on the watcher's heartbeat phase.
    const ci = config.detector.checkIntervalUs;
    if (ci > 0) at = phaseUs[o]! + Math.ceil((at - phaseUs[o]!) / ci) * ci;
    wakeUs[p] = Math.max(at, nowUs);
    ctx.events.schedule(wakeUs[p]!, WAKE, p, wakeUs[p]!);
  }

  /**
   * The watcher's verdict on pair `p` now; a change is announced. Only a reply turns a
   * DEAD view ALIVE again (a grace start or a quiet wake-up does not overturn what
   * another watcher announced).
   */
  function judge(p: number, nowUs: number, fromReply: boolean): void {
    const o = Math.floor(p / W);
    const j = (p % W) + 1;
    const s = targetAt(o, j);
    const status = detector.statusAt(p, local(o, nowUs));
    ctx.books.verdict(p, status, nowUs, status === Status.alive ? Cause.heartbeat : Cause.timer);
    const next = status === Status.alive ? ALIVE : DEAD;
    if (view[o * n + s] !== next && (next === DEAD || fromReply)) {
      setView(o, s, next, next === DEAD, nowUs);
      announce(o, s, next, nowUs);
    }
    arm(p, o, nowUs);
  }

  function announce(o: number, s: number, state: number, nowUs: number): void {
    annStamp[o * n + s] = nowUs;
    stampOf[o * n + s] = nowUs;
    const signed = state === DEAD ? -(nowUs + 1) : nowUs + 1;
    for (let x = 0; x < n; x++) if (x !== o) transmitAnnouncement(o, x, s, signed, nowUs);
  }

  /** One announcement o → x about s; if it or its ack is lost (or x is down), a resend is due. */
  function transmitAnnouncement(o: number, x: number, s: number, signed: number, nowUs: number): void {
    count(Msg.gossip, WATCH_MESSAGE_BYTES.announce, nowUs);
    const arrival = ctx.network.transmit(annLink[o * n + x]!, nowUs);
    let acked = false;
    if (arrival >= 0) {
      ctx.events.schedule(arrival, ANNOUNCE, x, o * n + s, signed);
      if (ctx.nodes.isUp(x)) {
        count(Msg.ack, WATCH_MESSAGE_BYTES.ack, arrival);
        acked = ctx.network.transmit(annLink[x * n + o]!, arrival) >= 0;
      }
    }
    const stamp = Math.abs(signed) - 1;
    const attempt = Math.round((nowUs - stamp) / config.intervalUs);
    if (!acked && attempt < ANNOUNCE_RETRIES) ctx.events.schedule(nowUs + config.intervalUs, RESEND, o, x * n + s, signed);
  }

  return {
    name: 'watch-ring',
    install(c) {
      ctx = c;
      n = c.nodeCount;
      k = Math.min(config.watched, n - 1);
      W = Math.min(n - 1, k + MOVE_ON_WINDOW);
      ring = ringOrder(c.nodeNames, config.order);
      pos = new Int32Array(n);
      ring.forEach((m, i) => (pos[m] = i));
      const pairs = n * W;
      view = new Uint8Array(n * n);
      active = new Uint8Array(pairs);
      addedUs = new Float64Array(pairs);
      heard = new Uint8Array(pairs);
      wakeUs = new Float64Array(pairs).fill(-1);
      outstanding = new Uint8Array(pairs);
      seenEpoch = new Float64Array(pairs);
      reqLink = new Int32Array(pairs);
      repLink = new Int32Array(pairs);
      annLink = new Int32Array(n * n).fill(-1);
      annStamp = new Float64Array(n * n).fill(-1);
      phaseUs = new Float64Array(n);
      stampOf = new Float64Array(n * n).fill(-1);
      deadHolders = new Int32Array(n);
      crashAtUs = new Float64Array(n).fill(-1);
      firstDone = new Uint8Array(n);
      dissDone = new Uint8Array(n);
      episodeMax = new Int32Array(n).fill(-1);
      inEpisode = new Uint8Array(n);
      episodeStartUs = new Float64Array(n);
      episodeEndUs = new Float64Array(n).fill(-Infinity);
      upSinceUs = new Float64Array(n);
      perSubjectUpUs = new Float64Array(n);
      perSubjectSuspectedUs = new Float64Array(n);
      perSubjectOriginated = new Float64Array(n);
      massThreshold = Math.max(2, Math.ceil(0.1 * n));
      liveCount = n;
      t.members = n;
      detector = createDetector(config.detector, { pairCount: pairs, startLocalUs: 0, intervalUs: config.intervalUs, firstProbeUs: () => 0 });

      TICK = c.events.defineEvent('watch-tick', EventClass.send, (o, epoch, _b, nowUs) => {
        if (epoch !== c.nodes.epoch(o) || !c.nodes.isUp(o)) return;
        const sentLocal = local(o, nowUs);
        for (let j = 1; j <= W; j++) {
          const p = pairOf(o, j);
          if (!active[p]) continue;
          if (outstanding[p] && counted(nowUs)) t.failedProbes += 1;
          outstanding[p] = 1;
          if (counted(nowUs)) t.probes += 1;
          count(Msg.ping, WATCH_MESSAGE_BYTES.ping, nowUs);
          c.post(reqLink[p]!, nowUs, REQUEST, p, sentLocal, 0);
        }
        c.events.schedule(nowUs + config.intervalUs, TICK, o, epoch);
      });
      REQUEST = c.events.defineEvent('watch-request', EventClass.deliver, (p, sentLocal, _b, nowUs) => {
        const o = Math.floor(p / W);
        const s = targetAt(o, (p % W) + 1);
        if (!c.nodes.isUp(s)) return;
        count(Msg.ack, WATCH_MESSAGE_BYTES.ack, nowUs);
        c.send(repLink[p]!, nowUs, REPLY, p, sentLocal, c.nodes.epoch(s));
      });
      REPLY = c.events.defineEvent('watch-reply', EventClass.deliver, (p, sentLocal, epoch, nowUs) => {
        c.delivered(nowUs);
        const o = Math.floor(p / W);
        if (!c.nodes.isUp(o) || !active[p]) return; // a late reply to a pair no longer watched
        outstanding[p] = 0;
        const l = local(o, nowUs);
        if (!heard[p] || epoch !== seenEpoch[p]) detector.onNewIncarnation?.(p, l);
        heard[p] = 1;
        seenEpoch[p] = epoch;
        detector.onHeartbeat(p, l, sentLocal, 0, true);
        judge(p, nowUs, true);
      });
      WAKE = c.events.defineEvent('watch-wake', EventClass.timer, (p, at, _b, nowUs) => {
        if (at !== wakeUs[p] || !active[p] || !heard[p]) return;
        if (!c.nodes.isUp(Math.floor(p / W))) return;
        judge(p, nowUs, false);
      });
      GRACE = c.events.defineEvent('watch-first-heartbeat', EventClass.timer, (p, added, _b, nowUs) => {
        // Akka's ExpectedFirstHeartbeat: start the detector as if a reply had come.
        if (!active[p] || heard[p] || added !== addedUs[p]) return;
        const o = Math.floor(p / W);
        if (!c.nodes.isUp(o)) return;
        const l = local(o, nowUs);
        detector.onNewIncarnation?.(p, l);
        detector.onHeartbeat(p, l, l, 0, true);
        heard[p] = 1;
        judge(p, nowUs, false);
      });
      ANNOUNCE = c.events.defineEvent('watch-announce', EventClass.deliver, (x, os, signed, nowUs) => {
        const s = os % n;
        if (!c.nodes.isUp(x) || x === s) return;
        const stamp = Math.abs(signed) - 1;
        if (stamp <= stampOf[x * n + s]!) return; // older than what x holds (or a resend)
        stampOf[x * n + s] = stamp;
        setView(x, s, signed < 0 ? DEAD : ALIVE, false, nowUs);
      });
      RESEND = c.events.defineEvent('watch-resend', EventClass.send, (o, xs, signed, nowUs) => {
        const x = Math.floor(xs / n);
        const s = xs % n;
        // Stop when the announcer died or reached a newer verdict on s.
        if (!c.nodes.isUp(o) || annStamp[o * n + s] !== Math.abs(signed) - 1) return;
        transmitAnnouncement(o, x, s, signed, nowUs);
      });
      for (let o = 0; o < n; o++) {
        for (let j = 1; j <= W; j++) {
          const s = targetAt(o, j);
          const p = c.books.observe(o, s);
          if (p !== pairOf(o, j)) throw new Error('watch-ring pairs must be the first the books register');
          reqLink[p] = c.network.link(o, s);
          repLink[p] = c.network.link(s, o);
          if (j <= k) {
            active[p] = 1;
            heard[p] = 1; // the detector starts as heard at 0
          }
        }
        for (let x = 0; x < n; x++) if (x !== o) annLink[o * n + x] = c.network.link(o, x);
        const phase = Math.floor(c.bank.next(c.nodeStream(o, 'watch-phase')) * config.intervalUs);
        phaseUs[o] = phase;
        c.events.schedule(phase, TICK, o, 0);
      }
      for (let p = 0; p < pairs; p++) if (active[p]) c.events.schedule(0, WAKE, p, (wakeUs[p] = 0));
    },
    onNodeDown(node, nowUs) {
      integrate(nowUs);
      liveCount -= 1;
      // Its own views no longer count; views of it stop being false.
      for (let s = 0; s < n; s++) {
        if (view[node * n + s] !== DEAD) continue;
        deadHolders[s]! -= 1;
        if (c_isUp(s)) {
          falseViews -= 1;
          if (deadHolders[s] === 0) episodeEnd(s, nowUs);
        }
      }
      falseViews -= deadHolders[node]!;
      episodeEnd(node, nowUs);
      const from = Math.max(upSinceUs[node]!, ctx.warmupUs);
      if (nowUs > from) perSubjectUpUs[node]! += nowUs - from;
      if (nowUs >= ctx.warmupUs) crashes += 1;
      crashAtUs[node] = nowUs;
      firstDone[node] = 0;
      dissDone[node] = 0;
      if (deadHolders[node]! > 0 && nowUs >= ctx.warmupUs) {
        // Already held DEAD by some (a false verdict that turned true): first DEAD now.
        firstDone[node] = 1;
        firstDead.push(0);
      }
      for (let s = 0; s < n; s++) if (!c_isUp(s) && s !== node) checkDissemination(s, nowUs);
      checkDissemination(node, nowUs);
    },
    onNodeUp(node, nowUs) {
      integrate(nowUs);
      if (crashAtUs[node]! >= ctx.warmupUs && !dissDone[node]) t.disseminationIncomplete += 1;
      if (crashAtUs[node]! >= ctx.warmupUs && !firstDone[node]) crashesUndetected += 1;
      crashAtUs[node] = -1;
      liveCount += 1;
      falseViews += deadHolders[node]!;
      upSinceUs[node] = nowUs;
      if (deadHolders[node]! > 0) episodeStart(node, true, nowUs);
      // Views still holding the restarted process DEAD are stale, not a new mistake (as in SWIM).
      // A restarted process knows nothing: it trusts everyone and watches its first k.
      for (let s = 0; s < n; s++) {
        view[node * n + s] = ALIVE;
        stampOf[node * n + s] = -1;
        annStamp[node * n + s] = -1;
      }
      for (let j = 1; j <= W; j++) active[pairOf(node, j)] = 0;
      refreshWatched(node, nowUs);
      ctx.events.schedule(nowUs, TICK, node, ctx.nodes.epoch(node));
    },
    membership(endUs) {
      integrate(endUs);
      for (let s = 0; s < n; s++) {
        if (crashAtUs[s]! >= ctx.warmupUs && !dissDone[s]) t.disseminationIncomplete += 1;
        if (crashAtUs[s]! >= ctx.warmupUs && !firstDone[s] && !c_isUp(s)) {
          // Censored when the run ended before a detection could finish: the timeout after
          // the last reply, one interval to send, and one moving on (grace + timeout).
          const boundUs = 2 * (detectorHorizonUs(config.detector, config.intervalUs) + config.intervalUs);
          if (endUs - crashAtUs[s]! < boundUs) crashesCensored += 1;
          else crashesUndetected += 1;
        }
        if (c_isUp(s)) {
          const from = Math.max(upSinceUs[s]!, ctx.warmupUs);
          if (endUs > from) perSubjectUpUs[s]! += endUs - from;
          if (inEpisode[s]) {
            const since = Math.max(episodeStartUs[s]!, ctx.warmupUs);
            if (endUs > since) perSubjectSuspectedUs[s]! += endUs - since;
            if (inEpisode[s] === 1) reach.push(episodeMax[s]!);
          }
        }
      }
      t.firstSuspicionLatenciesUs = Float64Array.from(firstDead);
      t.firstDeadLatenciesUs = Float64Array.from(firstDead);
      t.disseminationLatenciesUs = Float64Array.from(diss);
      t.falseDeadReach = Float64Array.from(reach);
      return t;
    },
    clusterTallies(perPair) {
      return {
        ...perPair,
        upUs: perSubjectUpUs.reduce((a, b) => a + b, 0),
        upSuspectedUs: perSubjectSuspectedUs.reduce((a, b) => a + b, 0),
        falseSuspicions: t.suspicionsOriginated,
        falseDeaths: t.deathsOriginated,
        mistakeDurationsUs: Float64Array.from(mistakeDurations),
        detectionLatenciesUs: t.firstSuspicionLatenciesUs,
        deadLatenciesUs: t.firstDeadLatenciesUs,
        crashes,
        crashesUndetected,
        crashesCensored,
        perPairFalseSuspicions: perSubjectOriginated,
        perPairUpUs: perSubjectUpUs,
        perPairUpSuspectedUs: perSubjectSuspectedUs,
        flaps,
        maxSimultaneousFalseSuspicions: maxSimultaneous,
        massSuspicionEvents: massEvents,
        membership: t,
      };
    },
    viewOf(o, s) {
      return view[o * n + s]!;
    },
    watchedBy(o) {
      const out: number[] = [];
      for (let j = 1; j <= W; j++) if (active[pairOf(o, j)]) out.push(targetAt(o, j));
      return out;
    },
  };

  function c_isUp(s: number): boolean {
    return ctx.nodes.isUp(s);
  }
}
