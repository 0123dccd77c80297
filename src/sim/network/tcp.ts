/**
 * TCP on a directed link: a lost segment is a late message, not a missing one.
 *
 * One connection per directed link (the sender's side of it), modelled at the level
 * that matters to a heartbeat: each message is one segment, written in order.
 *
 * - Retransmission timeout, as Linux computes it (net/ipv4/tcp_input.c
 *   tcp_rtt_estimator, tcp_output.c __tcp_set_rto): SRTT and RTTVAR per RFC 6298
 *   (first sample R: SRTT = R, RTTVAR = R/2; then RTTVAR ← ¾RTTVAR + ¼|SRTT − R|,
 *   SRTT ← ⅞SRTT + ⅛R), RTO = SRTT + max(4·RTTVAR, rto_min). Linux applies its 200 ms
 *   minimum to the variance term, so a LAN RTO is about 200 ms + SRTT. Before the first
 *   sample the RTO is 1 s (RFC 6298 §2.1, Linux TCP_TIMEOUT_INIT). Karn's rule: a
 *   retransmitted segment gives no sample.
 * - Backoff: each expiry of the timer retransmits the oldest unacknowledged segment and
 *   doubles the RTO, up to rto_max (120 s, TCP_RTO_MAX). An acknowledgement of new data
 *   resets the backoff (the timer is re-armed from the ack, one RTO later).
 * - After a timeout the congestion window is one segment: messages written during the
 *   recovery wait in the send queue until the retransmitted segment is acknowledged.
 *   Messages sent before the timeout fired are in flight; the receiver holds them until
 *   the hole is filled. Either way the application reads in order: head-of-line blocking.
 * - The connection breaks when the timer expires after `retries2` retransmissions
 *   (net.ipv4.tcp_retries2 = 15: 924.6 s from a 200 ms RTO) or once the oldest segment
 *   has been unacknowledged for `userTimeoutUs` (TCP_USER_TIMEOUT, or an application
 *   timeout that closes the socket). Everything queued is lost; messages written while
 *   it is down are lost; a new connection is ready `reconnectDelayUs` later, with no
 *   RTT history (RTO back to 1 s).
 *
 * Not modelled, on purpose: fast retransmit and SACK recovery (they need three
 * duplicate acks; a heartbeat stream rarely has three segments in flight), tail loss
 * probes, lost acks (acks are cumulative; a later one covers a lost one), the
 * handshake of a new connection, and flow control (heartbeats are tiny). RTT samples
 * are taken when a segment arrives, not a round trip later when its ack would.
 *
 * Event-driven: the model asks its host for one timer per link and hands each message
 * to the host for delivery as soon as its delivery instant is known. Typed arrays and a
 * pooled message list; nothing is allocated per message once the pool has grown.
 */

/** Returned by `TcpHost.attempt` when a segment does not arrive. */
export const LOST = -1;

// The settings and their Linux defaults are part of the engine's configuration surface.
import { TCP_DEFAULTS, type TcpSettings } from '../config.js';

export { TCP_DEFAULTS, type TcpSettings };

/** What the connection needs from the engine that runs it. */
export interface TcpHost {
  /** One transmission of a segment leaving at `departUs` over `link`: its arrival at the receiver, or LOST. */
  attempt(link: number, departUs: number): number;
  /** One-way delay of the acknowledgement of a segment that arrived on `link` (the reverse path). */
  ackDelayUs(link: number): number;
  /** Call `onTimer(link, atUs)` at `atUs` (a later call for the same link supersedes it). */
  setTimer(link: number, atUs: number): void;
  /** After `attempt` returned LOST: true when a partition (not random loss) dropped it. */
  lastLossWasCut?(): boolean;
  /** The receiving application reads this message at `atUs` (≥ now). */
  deliver(link: number, kind: number, target: number, arg: number, arg2: number, atUs: number): void;
}

export function validateTcpSettings(s: TcpSettings, what: string): void {
  const whole = (v: number, name: string, min: number) => {
    if (!(Number.isSafeInteger(v) && v >= min)) throw new RangeError(`${what}: ${name} must be a whole number ≥ ${min}, got ${v}`);
  };
  whole(s.rtoMinUs, 'rto_min (µs)', 1);
  whole(s.rtoInitialUs, 'rto_initial (µs)', 1);
  whole(s.rtoMaxUs, 'rto_max (µs)', 1);
  if (s.rtoMaxUs < s.rtoMinUs || s.rtoMaxUs < s.rtoInitialUs) throw new RangeError(`${what}: rto_max must be ≥ rto_min and rto_initial`);
  whole(s.retries2, 'retries2', 0);
  whole(s.reconnectDelayUs, 'reconnect_delay (µs)', 0);
  whole(s.userTimeoutUs, 'user_timeout (µs)', 0);
}

const TIMER_NONE = 0;
const TIMER_RTO = 1;
const TIMER_ACK = 2;
const TIMER_RECONNECT = 3;

const NIL = -1;
const UNKNOWN = Number.NaN;

/** Counters of one run, over every TCP link. */
export interface TcpCounters {
  /** Segments sent again after a timeout. */
  retransmissions: number;
  /** Messages that arrived but were read later, behind an earlier lost one (or waited in the send queue behind it). */
  headOfLineStalls: number;
  /** Connections that broke (retries exhausted or user timeout). */
  breaks: number;
  /** Messages lost with a broken connection, or written while it was down. */
  droppedByBreaks: number;
}

export class TcpConnections {
  readonly counters: TcpCounters = { retransmissions: 0, headOfLineStalls: 0, breaks: 0, droppedByBreaks: 0 };
  private readonly host: TcpHost;
  private readonly settingsOf: readonly TcpSettings[];
  private readonly profileOf: Uint16Array;

  // Per link.
  private readonly srttUs: Float64Array;
  private readonly rttvarUs: Float64Array;
  private readonly backoff: Int32Array;
  private readonly retries: Int32Array;
  private readonly recovering: Uint8Array;
  private readonly broken: Uint8Array;
  private readonly timerKind: Uint8Array;
  private readonly timerAtUs: Float64Array;
  private readonly lastDeliveryUs: Float64Array;
  /** Latest delivery instant of a message held back by a retransmission or a hole (random loss only). */
  private readonly heldUntilUs: Float64Array;
  /** 1 while the current stall began with a segment a partition dropped: the cut's doing, not TCP's. */
  private readonly cutStall: Uint8Array;
  private readonly head: Int32Array;
  private readonly tail: Int32Array;
  /** Instant the pending ack of the retransmitted head reaches the sender (TIMER_ACK). */
  private readonly ackAtUs: Float64Array;

  // Pooled messages (singly linked per link).
  private mKind: Int32Array;
  private mTarget: Int32Array;
  private mArg: Float64Array;
  private mArg2: Float64Array;
  /** When the segment was first transmitted (NaN: not yet, it waits in the send queue). */
  private mSentUs: Float64Array;
  /** Arrival at the receiver (NaN: unknown, lost so far or not sent). */
  private mArrivalUs: Float64Array;
  /** When the application wrote it; and 1 once it has been retransmitted. */
  private mWrittenUs: Float64Array;
  private mRetransmitted: Uint8Array;
  private mNext: Int32Array;
  private free: number;

  /** Counters count events from this instant on (the warm-up). */
  private readonly countFromUs: number;

  /** `profileOfLink[link]` picks `settings[k]` for TCP links; 0xffff marks a link that is not TCP. */
  constructor(host: TcpHost, settings: readonly TcpSettings[], profileOfLink: ArrayLike<number>, countFromUs = 0) {
    this.host = host;
    this.countFromUs = countFromUs;
    this.settingsOf = settings;
    this.profileOf = Uint16Array.from(profileOfLink);
    const n = this.profileOf.length;
    this.srttUs = new Float64Array(n).fill(UNKNOWN);
    this.rttvarUs = new Float64Array(n);
    this.backoff = new Int32Array(n);
    this.retries = new Int32Array(n);
    this.recovering = new Uint8Array(n);
    this.broken = new Uint8Array(n);
    this.timerKind = new Uint8Array(n);
    this.timerAtUs = new Float64Array(n);
    this.lastDeliveryUs = new Float64Array(n).fill(Number.NEGATIVE_INFINITY);
    this.heldUntilUs = new Float64Array(n).fill(Number.NEGATIVE_INFINITY);
    this.cutStall = new Uint8Array(n);
    this.head = new Int32Array(n).fill(NIL);
    this.tail = new Int32Array(n).fill(NIL);
    this.ackAtUs = new Float64Array(n);
    const capacity = 64;
    this.mKind = new Int32Array(capacity);
    this.mTarget = new Int32Array(capacity);
    this.mArg = new Float64Array(capacity);
    this.mArg2 = new Float64Array(capacity);
    this.mSentUs = new Float64Array(capacity);
    this.mArrivalUs = new Float64Array(capacity);
    this.mWrittenUs = new Float64Array(capacity);
    this.mRetransmitted = new Uint8Array(capacity);
    this.mNext = new Int32Array(capacity);
    this.free = NIL;
    this.linkFree(0, capacity);
  }

  isTcp(link: number): boolean {
    return this.profileOf[link] !== 0xffff;
  }

  /** The current RTO of a link, before backoff (µs). */
  rtoUs(link: number): number {
    const s = this.settingsOf[this.profileOf[link]!]!;
    const srtt = this.srttUs[link]!;
    if (srtt !== srtt) return s.rtoInitialUs;
    return Math.min(s.rtoMaxUs, Math.round(srtt + Math.max(4 * this.rttvarUs[link]!, s.rtoMinUs)));
  }

  srtt(link: number): number {
    return this.srttUs[link]!;
  }

  isBroken(link: number): boolean {
    return this.broken[link] === 1;
  }

  /**
   * True while a message written to the link is held back by a random loss (lost,
   * queued or behind a hole), until its delivery. Stalls that began with a partition
   * dropping a segment do not count: the cut, not TCP, delayed those messages.
   */
  isStalled(link: number, nowUs: number): boolean {
    return (this.head[link] !== NIL && this.cutStall[link] === 0) || nowUs < this.heldUntilUs[link]!;
  }

  private noteLoss(link: number): void {
    // The first loss of a stall decides what started it.
    if (this.head[link] === NIL && this.host.lastLossWasCut?.() === true) this.cutStall[link] = 1;
  }

  /** The application writes a message at `nowUs`. Returns false when it is lost with a broken connection. */
  send(link: number, nowUs: number, kind: number, target: number, arg: number, arg2: number): boolean {
    if (this.broken[link] === 1) {
      if (nowUs >= this.countFromUs) this.counters.droppedByBreaks++;
      return false;
    }
    if (this.head[link] === NIL) {
      // Idle connection: transmit; if it arrives nothing is ahead of it.
      const arrivalUs = this.host.attempt(link, nowUs);
      if (arrivalUs !== LOST) {
        this.sample(link, arrivalUs - nowUs + this.host.ackDelayUs(link));
        this.deliverAt(link, kind, target, arg, arg2, arrivalUs);
        return true;
      }
      this.noteLoss(link);
      const m = this.enqueue(link, nowUs, kind, target, arg, arg2);
      this.mSentUs[m] = nowUs;
      this.armTimer(link, TIMER_RTO, nowUs + this.rtoUs(link));
      return true;
    }
    const m = this.enqueue(link, nowUs, kind, target, arg, arg2);
    // After a timeout the window is one segment: the message waits for the ack.
    if (this.recovering[link] === 1) return true;
    // In flight behind a lost segment: the receiver holds it until the hole is filled.
    this.transmitFirst(link, m, nowUs);
    return true;
  }

  /** The host calls this when a timer set through `setTimer` fires. */
  onTimer(link: number, atUs: number): void {
    if (this.timerKind[link] === TIMER_NONE || atUs !== this.timerAtUs[link]) return; // superseded
    const kind = this.timerKind[link]!;
    this.timerKind[link] = TIMER_NONE;
    if (kind === TIMER_RTO) this.onRetransmissionTimeout(link, atUs);
    else if (kind === TIMER_ACK) this.onHeadAcked(link, atUs);
    else this.broken[link] = 0; // reconnected: a fresh connection, no RTT history
  }

  private onRetransmissionTimeout(link: number, nowUs: number): void {
    const s = this.settingsOf[this.profileOf[link]!]!;
    const m = this.head[link]!;
    if (this.retries[link]! >= s.retries2 || (s.userTimeoutUs > 0 && nowUs - this.mSentUs[m]! >= s.userTimeoutUs)) {
      this.breakConnection(link, nowUs);
      return;
    }
    this.retries[link]!++;
    this.backoff[link]!++;
    this.recovering[link] = 1;
    this.mRetransmitted[m] = 1;
    if (nowUs >= this.countFromUs) this.counters.retransmissions++;
    const arrivalUs = this.host.attempt(link, nowUs);
    if (arrivalUs === LOST) {
      this.armTimer(link, TIMER_RTO, nowUs + this.backedOffRtoUs(link));
      return;
    }
    this.mArrivalUs[m] = arrivalUs;
    this.deliverReadyPrefix(link);
    // Karn: no RTT sample. The ack of the retransmission resets the backoff and
    // releases what waited in the send queue.
    const ackAtUs = arrivalUs + this.host.ackDelayUs(link);
    this.ackAtUs[link] = ackAtUs;
    this.armTimer(link, TIMER_ACK, ackAtUs);
  }

  private onHeadAcked(link: number, nowUs: number): void {
    this.backoff[link] = 0;
    this.retries[link] = 0;
    this.recovering[link] = 0;
    // Transmit what waited in the send queue, in order, then hand over what arrived.
    for (let m = this.head[link]!; m !== NIL; m = this.mNext[m]!) {
      if (this.mSentUs[m] !== this.mSentUs[m]) this.transmitFirst(link, m, nowUs);
    }
    this.deliverReadyPrefix(link);
    // Anything still lost: the timer restarts from this ack.
    if (this.head[link] !== NIL) this.armTimer(link, TIMER_RTO, nowUs + this.rtoUs(link));
  }

  private transmitFirst(link: number, m: number, nowUs: number): void {
    this.mSentUs[m] = nowUs;
    const arrivalUs = this.host.attempt(link, nowUs);
    if (arrivalUs === LOST) {
      if (this.timerKind[link] === TIMER_NONE) this.armTimer(link, TIMER_RTO, nowUs + this.rtoUs(link));
      return;
    }
    this.sample(link, arrivalUs - nowUs + this.host.ackDelayUs(link));
    this.mArrivalUs[m] = arrivalUs;
  }

  /** Hands over, in order, the queued messages whose arrival is known and that nothing unknown precedes. */
  private deliverReadyPrefix(link: number): void {
    let m = this.head[link]!;
    while (m !== NIL) {
      const arrivalUs = this.mArrivalUs[m]!;
      if (arrivalUs !== arrivalUs) break;
      const atUs = this.deliverAt(link, this.mKind[m]!, this.mTarget[m]!, this.mArg[m]!, this.mArg2[m]!, arrivalUs);
      // Every queued message was held back: by its own loss or by one ahead of it.
      if (this.cutStall[link] === 0 && atUs > this.heldUntilUs[link]!) this.heldUntilUs[link] = atUs;
      // Head-of-line stall: not lost itself, but read late behind a hole or sent late behind a timeout.
      if (this.mRetransmitted[m] === 0 && (atUs > arrivalUs || this.mSentUs[m]! > this.mWrittenUs[m]!) && atUs >= this.countFromUs) {
        this.counters.headOfLineStalls++;
      }
      const next = this.mNext[m]!;
      this.release(m);
      m = next;
    }
    this.head[link] = m;
    if (m === NIL) {
      this.tail[link] = NIL;
      this.cutStall[link] = 0;
    }
    if (m === NIL && this.timerKind[link] === TIMER_RTO) this.timerKind[link] = TIMER_NONE;
  }

  private deliverAt(link: number, kind: number, target: number, arg: number, arg2: number, arrivalUs: number): number {
    const atUs = arrivalUs > this.lastDeliveryUs[link]! ? arrivalUs : this.lastDeliveryUs[link]!;
    this.lastDeliveryUs[link] = atUs;
    this.host.deliver(link, kind, target, arg, arg2, atUs);
    return atUs;
  }

  /**
   * The process at one end died: its connection goes with it (what was queued is lost,
   * what was already scheduled for delivery arrives), and a restart opens a fresh one.
   */
  reset(link: number): void {
    this.closeConnection(link, false);
    this.broken[link] = 0;
    this.timerKind[link] = TIMER_NONE;
  }

  /**
   * Loses every queued message (counted as dropped by a break when `countDrops`) and
   * forgets the connection's RTT estimate and retry state: what a reset and a break share.
   */
  private closeConnection(link: number, countDrops: boolean): void {
    for (let m = this.head[link]!; m !== NIL; ) {
      const next = this.mNext[m]!;
      if (countDrops) this.counters.droppedByBreaks++;
      this.release(m);
      m = next;
    }
    this.head[link] = NIL;
    this.tail[link] = NIL;
    this.srttUs[link] = UNKNOWN;
    this.rttvarUs[link] = 0;
    this.backoff[link] = 0;
    this.retries[link] = 0;
    this.recovering[link] = 0;
    this.cutStall[link] = 0;
  }

  private breakConnection(link: number, nowUs: number): void {
    const s = this.settingsOf[this.profileOf[link]!]!;
    const counted = nowUs >= this.countFromUs;
    if (counted) this.counters.breaks++;
    this.closeConnection(link, counted);
    if (s.reconnectDelayUs === 0) {
      this.timerKind[link] = TIMER_NONE;
      return;
    }
    this.broken[link] = 1;
    this.armTimer(link, TIMER_RECONNECT, nowUs + s.reconnectDelayUs);
  }

  private backedOffRtoUs(link: number): number {
    const s = this.settingsOf[this.profileOf[link]!]!;
    return Math.min(s.rtoMaxUs, this.rtoUs(link) * 2 ** this.backoff[link]!);
  }

  private sample(link: number, rttUs: number): void {
    const srtt = this.srttUs[link]!;
    if (srtt !== srtt) {
      this.srttUs[link] = rttUs;
      this.rttvarUs[link] = rttUs / 2;
      return;
    }
    this.rttvarUs[link] = 0.75 * this.rttvarUs[link]! + 0.25 * Math.abs(srtt - rttUs);
    this.srttUs[link] = 0.875 * srtt + 0.125 * rttUs;
  }

  private armTimer(link: number, kind: number, atUs: number): void {
    this.timerKind[link] = kind;
    this.timerAtUs[link] = atUs;
    this.host.setTimer(link, atUs);
  }

  // ---- message pool ----

  private enqueue(link: number, writtenUs: number, kind: number, target: number, arg: number, arg2: number): number {
    if (this.free === NIL) this.grow();
    const m = this.free;
    this.free = this.mNext[m]!;
    this.mKind[m] = kind;
    this.mTarget[m] = target;
    this.mArg[m] = arg;
    this.mArg2[m] = arg2;
    this.mSentUs[m] = UNKNOWN;
    this.mArrivalUs[m] = UNKNOWN;
    this.mWrittenUs[m] = writtenUs;
    this.mRetransmitted[m] = 0;
    this.mNext[m] = NIL;
    const tail = this.tail[link]!;
    if (tail === NIL) this.head[link] = m;
    else this.mNext[tail] = m;
    this.tail[link] = m;
    return m;
  }

  private release(m: number): void {
    this.mNext[m] = this.free;
    this.free = m;
  }

  private grow(): void {
    const old = this.mKind.length;
    const capacity = old * 2;
    const widen = <T extends Int32Array | Float64Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(capacity);
      b.set(a);
      return b;
    };
    this.mKind = widen(this.mKind, (n) => new Int32Array(n));
    this.mTarget = widen(this.mTarget, (n) => new Int32Array(n));
    this.mArg = widen(this.mArg, (n) => new Float64Array(n));
    this.mArg2 = widen(this.mArg2, (n) => new Float64Array(n));
    this.mSentUs = widen(this.mSentUs, (n) => new Float64Array(n));
    this.mArrivalUs = widen(this.mArrivalUs, (n) => new Float64Array(n));
    this.mWrittenUs = widen(this.mWrittenUs, (n) => new Float64Array(n));
    this.mRetransmitted = widen(this.mRetransmitted, (n) => new Uint8Array(n));
    this.mNext = widen(this.mNext, (n) => new Int32Array(n));
    this.linkFree(old, capacity);
  }

  private linkFree(from: number, to: number): void {
    for (let m = to - 1; m >= from; m--) {
      this.mNext[m] = this.free;
      this.free = m;
    }
  }
}
