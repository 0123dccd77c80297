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
 * newcomer is still detected. How far a watcher can move on is bounded by its
 * window: the next `k + MOVE_ON_WINDOW` ring positions (all of them for `all`).
 *
 * How a verdict reaches the others (decided): the watcher broadcasts it — one
 * announcement to every other member over the links (a DEAD, and later an ALIVE
 * if replies resume). Dissemination latency is then one link delay; its cost is
 * N − 1 messages per verdict; an announcement lost on a lossy link is not resent,
 * so that member never learns (counted in `dissemination_incomplete`). Members
 * apply announcements in arrival order (last writer wins).
 *
 * Limits: links are registered per (watcher, watched) pair in the window and per
 * (announcer, member) pair, so memory is O(N²) links: fine to ~1 000 members.
 * Faults: crashes and restarts (the crash service); pauses, partitions and link
 * overrides are not yet services of the protocol kernel (the schema rejects them).
 */
import type { DetectorConfig } from '../config.js';
import { createDetector } from '../detectors/create.js';
import type { Detector } from '../detectors/detector.js';
import { EventClass } from '../engine/kernel.js';
import { emptyMembershipTallies, Msg, type MembershipTallies } from '../metrics/membership-tallies.js';
import { Cause } from '../metrics/recorder.js';
import { Status } from '../status.js';
import type { ProtocolContext, ProtocolModule } from './protocol.js';

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
  /** The membership tallies (call after the run). */
  membership(endUs: number): MembershipTallies;
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
  const t = emptyMembershipTallies(0);
  // Truth-side accounting.
  let deadHolders!: Int32Array; // s → live members holding s DEAD
  let crashAtUs!: Float64Array; // s → crash instant of the current down period (−1 when up)
  let firstDone!: Uint8Array; // s → first DEAD after the current crash recorded
  let dissDone!: Uint8Array;
  let episodeMax!: Int32Array; // s → most holders during a false-DEAD episode (−1: none)
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
        if (episodeMax[s]! < 0) episodeMax[s] = 0;
        episodeMax[s] = Math.max(episodeMax[s]!, deadHolders[s]!);
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
        endEpisodeIfOver(s);
      }
    }
    if (o !== s) refreshWatched(o, nowUs);
  }

  function endEpisodeIfOver(s: number): void {
    if (episodeMax[s]! >= 0 && deadHolders[s] === 0) {
      reach.push(episodeMax[s]!);
      episodeMax[s] = -1;
    }
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
    const at = ctx.clocks.isIdentity ? next : ctx.clocks.trueInstantOf(o, next, false, nowUs);
    wakeUs[p] = Math.max(at, nowUs);
    ctx.events.schedule(wakeUs[p]!, WAKE, p, wakeUs[p]!);
  }

  /** The watcher's verdict on pair `p` now; a change is announced. */
  function judge(p: number, nowUs: number): void {
    const o = Math.floor(p / W);
    const j = (p % W) + 1;
    const s = targetAt(o, j);
    const status = detector.statusAt(p, local(o, nowUs));
    ctx.books.verdict(p, status, nowUs, status === Status.alive ? Cause.heartbeat : Cause.timer);
    const next = status === Status.alive ? ALIVE : DEAD;
    if (view[o * n + s] !== next) {
      setView(o, s, next, next === DEAD, nowUs);
      announce(o, s, next, nowUs);
    }
    arm(p, o, nowUs);
  }

  function announce(o: number, s: number, state: number, nowUs: number): void {
    for (let x = 0; x < n; x++) {
      if (x === o) continue;
      count(Msg.gossip, WATCH_MESSAGE_BYTES.announce, nowUs);
      ctx.post(annLink[o * n + x]!, nowUs, ANNOUNCE, x, s, state);
    }
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
      deadHolders = new Int32Array(n);
      crashAtUs = new Float64Array(n).fill(-1);
      firstDone = new Uint8Array(n);
      dissDone = new Uint8Array(n);
      episodeMax = new Int32Array(n).fill(-1);
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
        judge(p, nowUs);
      });
      WAKE = c.events.defineEvent('watch-wake', EventClass.timer, (p, at, _b, nowUs) => {
        if (at !== wakeUs[p] || !active[p] || !heard[p]) return;
        if (!c.nodes.isUp(Math.floor(p / W))) return;
        judge(p, nowUs);
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
        judge(p, nowUs);
      });
      ANNOUNCE = c.events.defineEvent('watch-announce', EventClass.deliver, (x, s, state, nowUs) => {
        if (!c.nodes.isUp(x) || x === s) return;
        setView(x, s, state, false, nowUs);
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
          endEpisodeIfOver(s);
        }
      }
      falseViews -= deadHolders[node]!;
      if (episodeMax[node]! >= 0) {
        reach.push(episodeMax[node]!);
        episodeMax[node] = -1;
      }
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
      crashAtUs[node] = -1;
      liveCount += 1;
      falseViews += deadHolders[node]!;
      if (deadHolders[node]! > 0) episodeMax[node] = deadHolders[node]!;
      // A restarted process knows nothing: it trusts everyone and watches its first k.
      for (let s = 0; s < n; s++) view[node * n + s] = ALIVE;
      for (let j = 1; j <= W; j++) active[pairOf(node, j)] = 0;
      refreshWatched(node, nowUs);
      ctx.events.schedule(nowUs, TICK, node, ctx.nodes.epoch(node));
    },
    membership(endUs) {
      integrate(endUs);
      for (let s = 0; s < n; s++) {
        if (crashAtUs[s]! >= ctx.warmupUs && !dissDone[s]) t.disseminationIncomplete += 1;
        if (episodeMax[s]! >= 0) reach.push(episodeMax[s]!);
      }
      t.firstSuspicionLatenciesUs = Float64Array.from(firstDead);
      t.firstDeadLatenciesUs = Float64Array.from(firstDead);
      t.disseminationLatenciesUs = Float64Array.from(diss);
      t.falseDeadReach = Float64Array.from(reach);
      return t;
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
