/**
 * How a verdict reaches the others (decided): the watcher broadcasts it reliably — one
 * announcement to every other member (a DEAD, and later an ALIVE if replies resume),
 * each acknowledged; an announcement whose ack has not come back one heartbeat interval
 * later is resent, up to ANNOUNCE_RETRIES times. A member handles an announcement (and
 * acks it) when it can: a paused one at its resume, a starved one late; a member down
 * when it arrives does not ack. A verdict carries the instant it was reached and
 * members keep the newest per subject (last writer wins on synchronised clocks — a
 * simplification: Akka's reachability records carry the observer's version).
 *
 * Announcements and acks ride the members' sender links (one per sender and link
 * class, Network.transmitFrom), so a broadcast costs 2(n − 1) messages but no n² links.
 * An announcement in flight is a record in a pool (typed arrays, freed when its last
 * event has fired): memory O(announcements in flight).
 */
import { MemberEventRole } from '../../faults/member-faults.js';
import { EventClass } from '../../engine/kernel.js';
import { Msg } from '../../metrics/membership-tallies.js';
import type { ProtocolContext } from '../protocol.js';
import { ANNOUNCE_RETRIES, DEAD, WATCH_MESSAGE_BYTES, type RingGeometry } from './ring.js';
import type { ClusterMembershipBook } from '../../metrics/cluster-membership.js';

/** A member accepted news: `x` now holds (state, stamp) about `s` — or ignores it if not newer. */
export type NewsHandler = (x: number, s: number, state: number, stampUs: number, nowUs: number) => void;

export class VerdictBroadcast {
  private readonly ctx: ProtocolContext;
  private readonly geo: RingGeometry;
  private readonly book: ClusterMembershipBook;
  private readonly intervalUs: number;
  private readonly onNews: NewsHandler;
  /** pair → instant of the watcher's latest own verdict on its target (−1: none). */
  private readonly ownStamp: Float64Array;
  // The pool of announcements in flight.
  private from = new Int32Array(64);
  private to = new Int32Array(64);
  private pair = new Int32Array(64);
  /** −(stamp + 1) for DEAD, stamp + 1 for ALIVE. */
  private signed = new Float64Array(64);
  private ackUs = new Float64Array(64);
  /** Pending events (announce, resend) that refer to the record. */
  private refs = new Uint8Array(64);
  private readonly free: number[] = [];
  private size = 0;
  private inFlight = 0;
  /** Most announcements in flight at once (memory reports). */
  peakInFlight = 0;
  private ANNOUNCE = 0;
  private RESEND = 0;

  constructor(ctx: ProtocolContext, geo: RingGeometry, book: ClusterMembershipBook, intervalUs: number, onNews: NewsHandler) {
    this.ctx = ctx;
    this.geo = geo;
    this.book = book;
    this.intervalUs = intervalUs;
    this.onNews = onNews;
    this.ownStamp = new Float64Array(geo.pairCount).fill(-1);
    this.ANNOUNCE = ctx.faults.defineMemberEvent('watch-announce', EventClass.deliver, MemberEventRole.receive, (x) => x, (x, rec, _b, nowUs) => this.onAnnounce(x, rec, nowUs));
    this.RESEND = ctx.faults.defineMemberEvent('watch-resend', EventClass.send, MemberEventRole.act, (o) => o, (_o, rec, _b, nowUs) => this.onResend(rec, nowUs));
    for (let m = 0; m < geo.n; m++) ctx.network.senderLinks(m);
  }

  /** Watcher `o` reached a verdict on pair `p`'s target: tell every other member. */
  announce(o: number, p: number, state: number, nowUs: number): void {
    this.ownStamp[p] = nowUs;
    const signed = state === DEAD ? -(nowUs + 1) : nowUs + 1;
    for (let x = 0; x < this.geo.n; x++) {
      if (x === o) continue;
      const rec = this.alloc();
      this.from[rec] = o;
      this.to[rec] = x;
      this.pair[rec] = p;
      this.signed[rec] = signed;
      this.ackUs[rec] = Infinity;
      this.transmit(rec, nowUs);
      this.freeIfDone(rec);
    }
  }

  /** A restarted watcher has reached no verdict yet (its pending resends stop). */
  forget(o: number): void {
    const W = this.geo.W;
    this.ownStamp.fill(-1, o * W, (o + 1) * W);
  }

  /** Announcements in flight now. */
  get pending(): number {
    return this.inFlight;
  }

  /** One announcement leaves; a resend is due one interval later unless its ack is back by then. */
  private transmit(rec: number, nowUs: number): void {
    const o = this.from[rec]!;
    const x = this.to[rec]!;
    this.book.count(Msg.gossip, WATCH_MESSAGE_BYTES.announce, nowUs);
    const arrival = this.ctx.network.transmitFrom(o, x, nowUs);
    if (arrival >= 0) {
      this.refs[rec]! += 1;
      this.ctx.events.schedule(arrival, this.ANNOUNCE, x, rec);
    }
    const stamp = Math.abs(this.signed[rec]!) - 1;
    const attempt = Math.round((nowUs - stamp) / this.intervalUs);
    if (attempt < ANNOUNCE_RETRIES) {
      this.refs[rec]! += 1;
      this.ctx.events.schedule(nowUs + this.intervalUs, this.RESEND, o, rec);
    }
  }

  private onAnnounce(x: number, rec: number, nowUs: number): void {
    this.refs[rec]! -= 1;
    if (this.ctx.nodes.isUp(x)) {
      const o = this.from[rec]!;
      this.book.count(Msg.ack, WATCH_MESSAGE_BYTES.ack, nowUs);
      const back = this.ctx.network.transmitFrom(x, o, nowUs);
      if (back >= 0 && back < this.ackUs[rec]!) this.ackUs[rec] = back;
      const s = this.geo.targetOf(this.pair[rec]!);
      const signed = this.signed[rec]!;
      if (x !== s) this.onNews(x, s, signed < 0 ? DEAD : 0, Math.abs(signed) - 1, nowUs);
    }
    this.freeIfDone(rec);
  }

  private onResend(rec: number, nowUs: number): void {
    this.refs[rec]! -= 1;
    const o = this.from[rec]!;
    const stamp = Math.abs(this.signed[rec]!) - 1;
    // Resend while the ack is not back, the announcer lives and has reached no newer verdict.
    if (this.ackUs[rec]! > nowUs && this.ctx.nodes.isUp(o) && this.ownStamp[this.pair[rec]!] === stamp) this.transmit(rec, nowUs);
    this.freeIfDone(rec);
  }

  private alloc(): number {
    this.inFlight++;
    if (this.inFlight > this.peakInFlight) this.peakInFlight = this.inFlight;
    const reused = this.free.pop();
    if (reused !== undefined) return reused;
    if (this.size === this.from.length) this.grow();
    return this.size++;
  }

  /** A record no pending event refers to goes back to the pool. */
  private freeIfDone(rec: number): void {
    if (this.refs[rec] !== 0) return;
    this.free.push(rec);
    this.inFlight--;
  }

  private grow(): void {
    const cap = this.from.length * 2;
    const g32 = (a: Int32Array) => {
      const b = new Int32Array(cap);
      b.set(a);
      return b;
    };
    const g64 = (a: Float64Array) => {
      const b = new Float64Array(cap);
      b.set(a);
      return b;
    };
    this.from = g32(this.from);
    this.to = g32(this.to);
    this.pair = g32(this.pair);
    this.signed = g64(this.signed);
    this.ackUs = g64(this.ackUs);
    const refs = new Uint8Array(cap);
    refs.set(this.refs);
    this.refs = refs;
  }
}
