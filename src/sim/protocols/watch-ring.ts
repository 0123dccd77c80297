/**
 * Watch rings: every member watches the next `k` live members after it on a ring
 * (`ring`: the members in the order of the scenario; `monitors`: Akka's
 * HeartbeatNodeRing, ordered by a hash of the member's address, so that each member
 * is monitored by the `monitored-by-nr-of-members` members before it).
 *
 * A member is held DEAD (Akka: unreachable) by its watcher when the detector stops
 * trusting it — there is no separate suspicion stage, so the first verdict anywhere is
 * both the first suspicion and the first DEAD. Only a reply turns a DEAD view ALIVE
 * again (a grace start or a quiet wake-up does not overturn what another watcher
 * announced). The parts, one concern each (src/sim/protocols/watch-ring/):
 *   - ring.ts: ring order, pair geometry (pairs O(n·(k + MOVE_ON_WINDOW))), constants;
 *   - watching.ts: requests, replies, the detector per pair, moving on, grace;
 *   - broadcast.ts: how a verdict reaches the others (reliable broadcast, LWW by stamp);
 *   - views.ts: what each member believes, sparse (records only where a member differs
 *     from the newest verdict about a subject);
 *   - metrics/cluster-membership.ts (shared with gossip): views against the truth
 *     (mistakes, detection, dissemination).
 *
 * Memory: O(n + watched pairs + announcements in flight) — no n² table — unless
 * all-to-all is asked for (`monitored_by: all`: n(n − 1) pairs). Faults: crashes and
 * restarts (the crash service) and every member fault of `ctx.faults` (pauses, CPU
 * starvation, slow I/O, partitions between groups, one-way, clocks), on watchers and
 * watched alike; link classes through the network's rules.
 */
import { detectorHorizonUs } from '../detectors/create.js';
import { ClusterMembershipBook } from '../metrics/cluster-membership.js';
import type { MembershipTallies } from '../metrics/membership-tallies.js';
import type { RunTallies } from '../metrics/recorder.js';
import type { ProtocolContext, ProtocolModule } from './protocol.js';
import { VerdictBroadcast } from './watch-ring/broadcast.js';
import { ALIVE, DEAD, RingGeometry, type WatchRingConfig } from './watch-ring/ring.js';
import { Views } from './watch-ring/views.js';
import { Watching } from './watch-ring/watching.js';

export { ANNOUNCE_RETRIES, MOVE_ON_WINDOW, WATCH_MESSAGE_BYTES, nameHash, ringOrder, type WatchRingConfig } from './watch-ring/ring.js';

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
  /** Memory in use: view records now and at peak, announcements in flight at peak. */
  footprint(): { viewRecords: number; peakViewRecords: number; peakAnnouncements: number; pairs: number };
}

export function watchRing(config: WatchRingConfig): WatchRingModule {
  let ctx!: ProtocolContext;
  let geo!: RingGeometry;
  let views!: Views;
  let book!: ClusterMembershipBook;
  let watching!: Watching;
  let broadcast!: VerdictBroadcast;
  const isDead = (o: number, s: number) => views.stateOf(o, s) === DEAD;

  /** `o` now holds `next` about `s` (its own verdict, or news it accepted). */
  function changed(o: number, s: number, before: number, next: number, originated: boolean, nowUs: number): void {
    if (before !== next) book.viewChanged(o, s, next === DEAD, originated, nowUs);
    if (before !== next && o !== s) watching.refresh(o, nowUs, isDead);
  }

  /** The watcher's detector on pair `p`: a new DEAD, or an ALIVE a reply brought, is its own verdict — announced. */
  function onVerdict(p: number, next: number, fromReply: boolean, nowUs: number): void {
    const o = geo.watcherOf(p);
    const s = geo.targetOf(p);
    const before = views.stateOf(o, s);
    if (before === next || (next === ALIVE && !fromReply)) return;
    views.issue(o, s, next, nowUs, (x) => ctx.nodes.isUp(x));
    changed(o, s, before, next, next === DEAD, nowUs);
    broadcast.announce(o, p, next, nowUs);
  }

  /** Member `x` hears (state, stamp) about `s`: kept if newer than what it holds (last writer wins). */
  function onNews(x: number, s: number, state: number, stampUs: number, nowUs: number): void {
    if (stampUs <= views.stampOf(x, s)) return; // older than what x holds (or a resend)
    const before = views.stateOf(x, s);
    views.hold(x, s, state, stampUs);
    changed(x, s, before, state, false, nowUs);
  }

  return {
    name: 'watch-ring',
    install(c) {
      ctx = c;
      geo = new RingGeometry(c.nodeNames, config.order, config.watched);
      views = new Views(geo.n);
      book = new ClusterMembershipBook(geo.n, c.warmupUs, config.flapWindowUs ?? 60_000_000, c.nodes);
      watching = new Watching(c, geo, config, book);
      watching.tell(onVerdict);
      watching.install();
      broadcast = new VerdictBroadcast(c, geo, book, config.intervalUs, onNews);
    },
    onNodeDown(node, nowUs) {
      book.memberDown(node, nowUs, isDead);
    },
    onNodeUp(node, nowUs) {
      book.memberUp(node, nowUs);
      // A restarted process knows nothing: it trusts everyone and watches its first k.
      views.forget(node);
      broadcast.forget(node);
      watching.restart(node, nowUs);
      watching.refresh(node, nowUs, isDead);
    },
    membership(endUs) {
      // Censored when the run ended before a detection could finish: the timeout after
      // the last reply, one interval to send, and one moving on (grace + timeout).
      const censorUs = 2 * (detectorHorizonUs(config.detector, config.intervalUs) + config.intervalUs);
      return book.finish(endUs, censorUs);
    },
    clusterTallies(perPair) {
      return book.clusterTallies(perPair);
    },
    viewOf(o, s) {
      return views.stateOf(o, s);
    },
    watchedBy(o) {
      const out: number[] = [];
      for (let j = 1; j <= geo.W; j++) if (watching.isActive(geo.pairOf(o, j))) out.push(geo.targetAt(o, j));
      return out;
    },
    footprint() {
      return { viewRecords: views.records, peakViewRecords: views.peakRecords, peakAnnouncements: broadcast.peakInFlight, pairs: geo.pairCount };
    },
  };
}
