/**
 * The watcher side of a watch ring (Akka's cluster heartbeat): every heartbeat interval
 * a watcher sends a request to each member it watches, which replies; the replies feed
 * the watcher's detector for that pair (the scenario's `detector:`), judged at exact
 * per-pair wake-ups or at the watcher's polling rounds (`check_interval`). Moving on:
 * the watcher watches ring positions until it has `k` it does not hold DEAD (DEAD ones
 * met on the way stay watched); a newly watched member gets one interval of grace
 * (Akka's ExpectedFirstHeartbeat).
 *
 * Member faults (ctx.faults): every event here runs on a member — a tick, a wake-up
 * and a grace deadline on the watcher, a request on the watched member, a reply on the
 * watcher — so a paused member handles them at its resume (a paused watched member
 * stops answering; a paused watcher stops judging, then judges its backlog) and a
 * starved one reads requests and replies late. Partitions and slow I/O act on the
 * messages in the network.
 */
import { createDetector, detectorUsesWallClock } from '../../detectors/create.js';
import type { Detector } from '../../detectors/detector.js';
import { EventClass } from '../../engine/kernel.js';
import { MemberEventRole } from '../../faults/member-faults.js';
import { Msg } from '../../metrics/membership-tallies.js';
import { Cause } from '../../metrics/recorder.js';
import { Status } from '../../status.js';
import type { ProtocolContext } from '../protocol.js';
import { ALIVE, DEAD, WATCH_MESSAGE_BYTES, type RingGeometry, type WatchRingConfig } from './ring.js';
import type { ClusterMembershipBook } from '../../metrics/cluster-membership.js';

/** The watcher's detector changed its mind about pair `p`: `next` (ALIVE, DEAD); `fromReply`: a reply said so. */
export type VerdictHandler = (p: number, next: number, fromReply: boolean, nowUs: number) => void;

export class Watching {
  private readonly ctx: ProtocolContext;
  private readonly geo: RingGeometry;
  private readonly config: WatchRingConfig;
  private readonly book: ClusterMembershipBook;
  private readonly wall: boolean;
  private readonly detector: Detector;
  /** Per pair: watched now, when it was added, a reply (or the grace start) since then. */
  private readonly active: Uint8Array;
  private readonly addedUs: Float64Array;
  private readonly heard: Uint8Array;
  /** Per pair: the live wake-up instant (true time; −1 none). */
  private readonly wakeUs: Float64Array;
  /** Per pair: the last request got no reply yet. */
  private readonly outstanding: Uint8Array;
  /** Per pair: the target incarnation last heard from. */
  private readonly seenEpoch: Float64Array;
  private readonly reqLink: Int32Array;
  private readonly repLink: Int32Array;
  /** Per member: its heartbeat phase (its polling rounds start there). */
  private readonly phaseUs: Float64Array;
  private onVerdict: VerdictHandler = () => {};
  private TICK = 0;
  private REQUEST = 0;
  private REPLY = 0;
  private WAKE = 0;
  private GRACE = 0;

  constructor(ctx: ProtocolContext, geo: RingGeometry, config: WatchRingConfig, book: ClusterMembershipBook) {
    this.ctx = ctx;
    this.geo = geo;
    this.config = config;
    this.book = book;
    this.wall = detectorUsesWallClock(config.detector);
    const pairs = geo.pairCount;
    this.active = new Uint8Array(pairs);
    this.addedUs = new Float64Array(pairs);
    this.heard = new Uint8Array(pairs);
    this.wakeUs = new Float64Array(pairs).fill(-1);
    this.outstanding = new Uint8Array(pairs);
    this.seenEpoch = new Float64Array(pairs);
    this.reqLink = new Int32Array(pairs);
    this.repLink = new Int32Array(pairs);
    this.phaseUs = new Float64Array(geo.n);
    this.detector = createDetector(config.detector, { pairCount: pairs, startLocalUs: 0, intervalUs: config.intervalUs, firstProbeUs: () => 0 });
  }

  /** Where verdicts go (the composition: views, truth book, broadcast). */
  tell(onVerdict: VerdictHandler): void {
    this.onVerdict = onVerdict;
  }

  private local(node: number, nowUs: number): number {
    const clocks = this.ctx.clocks;
    return clocks.isIdentity ? nowUs : clocks.reading(node, nowUs, this.wall);
  }

  isActive(p: number): boolean {
    return this.active[p] === 1;
  }

  /** Defines the events, registers the pairs and links, schedules the first ticks. */
  install(): void {
    const { ctx, geo } = this;
    const f = ctx.faults;
    const watcher = (p: number) => geo.watcherOf(p);
    this.TICK = f.defineMemberEvent('watch-tick', EventClass.send, MemberEventRole.act, (o) => o, (o, epoch, _b, nowUs) => this.onTick(o, epoch, nowUs));
    this.REQUEST = f.defineMemberEvent('watch-request', EventClass.deliver, MemberEventRole.receive, (p) => geo.targetOf(p), (p, sentLocal, _b, nowUs) => this.onRequest(p, sentLocal, nowUs));
    this.REPLY = f.defineMemberEvent('watch-reply', EventClass.deliver, MemberEventRole.receive, watcher, (p, sentLocal, epoch, nowUs) => this.onReply(p, sentLocal, epoch, nowUs));
    this.WAKE = f.defineMemberEvent('watch-wake', EventClass.timer, MemberEventRole.act, watcher, (p, at, _b, nowUs) => this.onWake(p, at, nowUs));
    this.GRACE = f.defineMemberEvent('watch-first-heartbeat', EventClass.timer, MemberEventRole.act, watcher, (p, added, _b, nowUs) => this.onGrace(p, added, nowUs));
    for (let o = 0; o < geo.n; o++) {
      for (let j = 1; j <= geo.W; j++) {
        const s = geo.targetAt(o, j);
        const p = ctx.books.observe(o, s);
        if (p !== geo.pairOf(o, j)) throw new Error('watch-ring pairs must be the first the books register');
        this.reqLink[p] = ctx.network.link(o, s);
        this.repLink[p] = ctx.network.link(s, o);
        if (j <= geo.k) {
          this.active[p] = 1;
          this.heard[p] = 1; // the detector starts as heard at 0
        }
      }
      const phase = Math.floor(ctx.bank.next(ctx.nodeStream(o, 'watch-phase')) * this.config.intervalUs);
      this.phaseUs[o] = phase;
      ctx.events.schedule(phase, this.TICK, o, 0);
    }
    for (let p = 0; p < geo.pairCount; p++) if (this.active[p]) ctx.events.schedule(0, this.WAKE, p, (this.wakeUs[p] = 0));
    ctx.faults.listen({ onClockStep: (node, nowUs) => this.rearm(node, nowUs) });
  }

  private onTick(o: number, epoch: number, nowUs: number): void {
    const { ctx, geo, book } = this;
    if (epoch !== ctx.nodes.epoch(o) || !ctx.nodes.isUp(o)) return;
    const sentLocal = this.local(o, nowUs);
    const counted = book.counted(nowUs);
    for (let j = 1; j <= geo.W; j++) {
      const p = geo.pairOf(o, j);
      if (!this.active[p]) continue;
      if (this.outstanding[p] && counted) book.t.failedProbes += 1;
      this.outstanding[p] = 1;
      if (counted) book.t.probes += 1;
      book.count(Msg.ping, WATCH_MESSAGE_BYTES.ping, nowUs);
      ctx.post(this.reqLink[p]!, nowUs, this.REQUEST, p, sentLocal, 0);
    }
    ctx.events.schedule(nowUs + this.config.intervalUs, this.TICK, o, epoch);
  }

  private onRequest(p: number, sentLocal: number, nowUs: number): void {
    const ctx = this.ctx;
    const s = this.geo.targetOf(p);
    if (!ctx.nodes.isUp(s)) return;
    this.book.count(Msg.ack, WATCH_MESSAGE_BYTES.ack, nowUs);
    ctx.send(this.repLink[p]!, nowUs, this.REPLY, p, sentLocal, ctx.nodes.epoch(s));
  }

  private onReply(p: number, sentLocal: number, epoch: number, nowUs: number): void {
    const ctx = this.ctx;
    ctx.delivered(nowUs);
    const o = this.geo.watcherOf(p);
    if (!ctx.nodes.isUp(o) || !this.active[p]) return; // a late reply to a pair no longer watched
    this.outstanding[p] = 0;
    const l = this.local(o, nowUs);
    if (!this.heard[p] || epoch !== this.seenEpoch[p]) this.detector.onNewIncarnation?.(p, l);
    this.heard[p] = 1;
    this.seenEpoch[p] = epoch;
    this.detector.onHeartbeat(p, l, sentLocal, 0, true);
    this.judge(p, nowUs, true);
  }

  private onWake(p: number, at: number, nowUs: number): void {
    if (at !== this.wakeUs[p] || !this.active[p] || !this.heard[p]) return;
    if (!this.ctx.nodes.isUp(this.geo.watcherOf(p))) return;
    this.judge(p, nowUs, false);
  }

  /** Akka's ExpectedFirstHeartbeat: no reply within one interval of being added — start the detector as if one had come. */
  private onGrace(p: number, added: number, nowUs: number): void {
    if (!this.active[p] || this.heard[p] || added !== this.addedUs[p]) return;
    const o = this.geo.watcherOf(p);
    if (!this.ctx.nodes.isUp(o)) return;
    const l = this.local(o, nowUs);
    this.detector.onNewIncarnation?.(p, l);
    this.detector.onHeartbeat(p, l, l, 0, true);
    this.heard[p] = 1;
    this.judge(p, nowUs, false);
  }

  /** The watcher's verdict on pair `p` now, to the books and (if it changed) to the composition. */
  private judge(p: number, nowUs: number, fromReply: boolean): void {
    const o = this.geo.watcherOf(p);
    const status = this.detector.statusAt(p, this.local(o, nowUs));
    this.ctx.books.verdict(p, status, nowUs, status === Status.alive ? Cause.heartbeat : Cause.timer);
    this.onVerdict(p, status === Status.alive ? ALIVE : DEAD, fromReply, nowUs);
    this.arm(p, o, nowUs);
  }

  private arm(p: number, o: number, nowUs: number): void {
    const next = this.detector.nextChangeUs(p, this.local(o, nowUs));
    if (!Number.isFinite(next)) {
      this.wakeUs[p] = -1;
      return;
    }
    const clocks = this.ctx.clocks;
    let at = clocks.isIdentity ? next : clocks.trueInstantOf(o, next, this.wall, nowUs);
    // A polling detector (check_interval: Akka's reaper, Cassandra's per-gossip-round check)
    // is judged at the watcher's next round, on the watcher's heartbeat phase.
    const ci = this.config.detector.checkIntervalUs;
    if (ci > 0) at = this.phaseUs[o]! + Math.ceil((at - this.phaseUs[o]!) / ci) * ci;
    this.wakeUs[p] = Math.max(at, nowUs);
    this.ctx.events.schedule(this.wakeUs[p]!, this.WAKE, p, this.wakeUs[p]!);
  }

  /** `o`'s clock stepped: its pairs are judged again now (a deadline on the old reading may have passed or moved). */
  private rearm(o: number, nowUs: number): void {
    if (!this.ctx.nodes.isUp(o)) return;
    for (let j = 1; j <= this.geo.W; j++) {
      const p = this.geo.pairOf(o, j);
      if (!this.active[p] || !this.heard[p]) continue;
      this.wakeUs[p] = nowUs;
      this.ctx.events.schedule(nowUs, this.WAKE, p, nowUs);
    }
  }

  /** Recomputes whom `o` watches: ring positions until `k` not held DEAD (`isDead(o, s)`), DEAD ones on the way kept. */
  refresh(o: number, nowUs: number, isDead: (o: number, s: number) => boolean): void {
    const geo = this.geo;
    let trusted = 0;
    for (let j = 1; j <= geo.W; j++) {
      const p = geo.pairOf(o, j);
      const want = trusted < geo.k ? 1 : 0;
      if (want && !isDead(o, geo.targetAt(o, j))) trusted += 1;
      if (want && !this.active[p]) {
        this.active[p] = 1;
        this.addedUs[p] = nowUs;
        this.heard[p] = 0;
        this.outstanding[p] = 0;
        this.ctx.events.schedule(nowUs + this.config.intervalUs, this.GRACE, p, nowUs);
      } else if (!want && this.active[p]) {
        this.active[p] = 0;
      }
    }
  }

  /** A restarted member watches nothing until `refresh`, and ticks from now. */
  restart(o: number, nowUs: number): void {
    const W = this.geo.W;
    this.active.fill(0, o * W, (o + 1) * W);
    this.ctx.events.schedule(nowUs, this.TICK, o, this.ctx.nodes.epoch(o));
  }
}
