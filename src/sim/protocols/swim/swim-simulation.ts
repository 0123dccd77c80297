/**
 * SWIM with Lifeguard as hashicorp/memberlist runs it (state.go, net.go, suspicion.go,
 * awareness.go, queue.go), every member a peer, on the engine's scheduler, random
 * streams, link laws and fault processes. Reference §3.1–3.3.
 *
 * One probe round of member m (`probeNode`):
 *   - the next target: round-robin over a pass order reshuffled at every wrap-around
 *     (dead members skipped), or uniformly random (the paper's §3.1 analysis);
 *   - ping it (with a `suspect` message attached when m holds it suspect: Lifeguard's
 *     buddy system); the round lasts ProbeInterval·(awareness + 1);
 *   - no ack within ProbeTimeout (not scaled): ping-req to IndirectChecks random live
 *     members (each pings the target, relays its ack, sends a nack if it got none within
 *     its own ProbeTimeout), plus a TCP ping with the round's deadline;
 *   - an ack by the deadline: awareness −1; else awareness + missing nacks (or +1), and
 *     m suspects the target (`suspectNode`): a suspicion timer from max down to min as
 *     independent confirmations arrive, DEAD when it expires.
 * The probe ticker keeps the base period; a round that overran gets the buffered tick
 * at once (Go's ticker), so a degraded member probes less often.
 * Updates (alive / suspect / dead with incarnations) are broadcasts: each member queues
 * them (one per subject, newest wins), piggybacks them on every packet it sends and
 * gossips them to GossipNodes members every GossipInterval while any are left, each up
 * to RetransmitMult·⌈log10(n+1)⌉ times. A member refutes a suspicion of itself with a
 * higher incarnation. Push/pull anti-entropy every PushPullInterval (scaled above 32).
 *
 * Faults: a crashed member does nothing and loses its state (it rejoins with a higher
 * incarnation and a push/pull); a paused member handles everything it missed when the
 * pause ends; a CPU-starved member handles each arriving packet late (Lifeguard's case:
 * acks read after the probe timeout); slow I/O delays its sends; partitions cut the
 * links between a group and the rest (or one way). Links: the sender's link class
 * (`link` between classes), each sender's streams, so nothing is drawn per pair.
 * Clock drift: every memberlist timer is a Go timer on the member's monotonic clock
 * (state.go schedule/probeNode/pushPullTrigger, net.go handleIndirectPing, suspicion.go,
 * kRandomNodes' GossipToTheDeadTime filter), so a drifting member's probe and gossip
 * tickers, probe timeout, round deadline, relay nack timer, suspicion timer (and the
 * time.Since of its Lifeguard re-arming), push/pull timer, TCP retransmissions and
 * dead-gossip window all run on its clock (faults/clock.ts; core `afterLocal`): at
 * +ppm they fire (1 + ppm·10⁻⁶)× as often. Clock steps do not apply (monotonic clock).
 * With no drift configured there are no clocks at all: the same instants to the µs.
 *
 * Simplifications, each a choice stated: the estimated cluster size is N (memberlist
 * counts dead members until they are reaped); messages are never truncated by the
 * UDP buffer beyond the piggyback budget; TCP segments are lost with the link's law and
 * retransmitted after 1 s (Linux's initial RTO); drift is constant for the run (as
 * `clock_drift` is); CPU-starvation and slow-I/O delays are true time.
 *
 * Split by concern: swim-core.ts (member state, pools, sending, local timers),
 * member-record.ts (the layout of a member's probe-round record), member-clocks.ts
 * (drifting clocks), link-classes.ts (links per sender and class),
 * swim-dissemination.ts (broadcasts, state changes, push/pull), swim-faults.ts
 * (crashes and faults), this file (the event loop, probing, packet handlers),
 * views.ts (who thinks what), broadcasts.ts (queues), swim-metrics.ts (membership
 * metrics), permutation.ts (pass order), side-queue.ts (the near-sorted event kinds
 * kept beside the engine's queue, merged exactly in step()).
 */
import { DROPPED } from '../../network/links.js';
import type { TransitionLog } from '../../metrics/recorder.js';
import { Msg } from '../../metrics/membership-tallies.js';
import { applyAwarenessDelta, failedProbeAwarenessDelta } from './memberlist.js';
import { View } from './views.js';
import { F_SUSPECT, PIGGY_MAX, SIZE } from './broadcasts.js';

import { SwimFaults } from './swim-faults.js';
import { EV_PROBE_TICK, EV_DIRECT_TIMEOUT, EV_PROBE_DEADLINE, EV_PACKET, EV_RELAY_TIMEOUT, EV_GOSSIP_TICK, EV_SUSPICION, EV_PUSHPULL_TICK, EV_PUSHPULL, EV_CRASH, EV_RECOVER, EV_FAULT_START, EV_FAULT_END, EV_TCP_DONE, PK_PING, PK_ACK, PK_PING_REQ, PK_NACK, TCP_RTO_US, type SwimRunResult, REC, R_AWARENESS, R_EPOCH, R_PASS_INDEX, R_PASS_KEY, R_PROBE_ACK_US, R_PROBE_ACTIVE, R_PROBE_DEADLINE_US, R_PROBE_NACKS, R_PROBE_NACKS_EXPECTED, R_PROBE_PHASE_US, R_PROBE_SENT_US, R_PROBE_SEQ, R_PROBE_TARGET, R_PROBE_TCP_OK_US, R_SUCCESS_AT_US, R_TIMEOUT_UNARMED } from './swim-core.js';

export type { SwimEngineOptions, SwimRunResult } from './swim-core.js';

export class SwimSimulation extends SwimFaults {
  run(): SwimRunResult {
    const end = this.endUs;
    while (this.step(end));
    return this.finish();
  }

  /**
   * Handles the next event at or before `limitUs` (false: none): the earliest of the
   * side queues' heads and the engine queue's, in the order one queue would give —
   * (time, insertion order), a side event taking the engine insertion number it was
   * pushed at (side-queue.ts).
   */
  private step(limitUs: number): boolean {
    const side = this.sides === null ? null : this.sides.next();
    if (side !== null) {
      const atUs = side.headTime();
      if (atUs > limitUs) return false;
      const kind = side.headKind();
      const target = side.headTarget();
      const arg = side.headArg();
      const arg2 = side.headArg2();
      side.shift();
      this.sides!.popped++;
      this.handle(kind, target, arg, arg2, atUs);
      return true;
    }
    const q = this.q;
    if (!q.popUntil(limitUs)) return false;
    if (this.sides !== null) this.sides.engineChanged();
    this.handle(q.currentKind, q.currentTarget, q.currentArg, q.currentArg2, q.currentTimeUs);
    return true;
  }

  private handle(kind: number, target: number, arg: number, arg2: number, nowUs: number): void {
    this.nowUs = nowUs;
    if (nowUs >= this.nextCompactionUs) this.compactViews(nowUs);
    this.eventCount++;
    this.dispatch(kind, target, arg, arg2, nowUs);
  }

  /** The member an event belongs to (-1: none), for pauses. */
  private ownerOf(kind: number, target: number): number {
    switch (kind) {
      case EV_PACKET:
        return this.pkDst[target]!;
      case EV_RELAY_TIMEOUT:
        return this.relayNode[target]!;
      case EV_SUSPICION:
        return this.views.observer[target]!;
      case EV_CRASH:
      case EV_RECOVER:
      case EV_FAULT_START:
      case EV_FAULT_END:
        return -1;
      default:
        return target;
    }
  }

  private dispatch(kind: number, target: number, arg: number, arg2: number, nowUs: number): void {
    const owner = this.ownerOf(kind, target);
    // One read for the common case: the owner is up, not paused, not starved.
    if (owner >= 0 && this.hindered[owner] !== 0) {
      // A direct ping that will not be answered now: its prober's timeout is needed.
      if (kind === EV_PACKET && (this.up[owner] === 0 || this.pausedDepth[owner]! > 0) && this.pkType[target] === PK_PING && this.pkSeq[target]! > 0) {
        this.directPingArrived(this.pkSrc[target]!, this.pkSeq[target]!, DROPPED);
      }
      if (this.up[owner] === 0) {
        if (kind === EV_PACKET) this.freePacket(target);
        return;
      }
      // A paused member handles what it missed when the pause ends, in order.
      if (this.pausedDepth[owner]! > 0) {
        this.at(Math.max(nowUs, this.pausedUntilUs[owner]!), kind, target, arg, arg2);
        return;
      }
      // A starved member reads each packet (and TCP reply) late: arg2 = 1 marks one already delayed.
      if ((kind === EV_PACKET || kind === EV_TCP_DONE) && arg2 === 0 && this.starvingDepth[owner]! > 0) {
        const rule = this.starvingRule[owner]!;
        const extra = this.extraSamplers[rule]!.sampleUs(this.extraStream[owner * (this.config.faults ?? []).length + rule]!);
        this.at(nowUs + extra, kind, target, arg, 1);
        return;
      }
    }
    switch (kind) {
      case EV_PROBE_TICK:
        if (arg === this.rec[target * REC + R_EPOCH]) this.onProbeTick(target, nowUs);
        return;
      case EV_DIRECT_TIMEOUT:
        this.onDirectTimeout(target, arg, nowUs);
        return;
      case EV_PROBE_DEADLINE:
        this.onProbeDeadline(target, arg, nowUs);
        return;
      case EV_TCP_DONE:
        this.onTcpDone(target, arg, nowUs);
        return;
      case EV_PACKET:
        this.onPacket(target, nowUs);
        return;
      case EV_RELAY_TIMEOUT:
        this.onRelayTimeout(target, arg, nowUs);
        return;
      case EV_GOSSIP_TICK:
        if (arg === this.epoch[target]) this.onGossipTick(target, nowUs);
        return;
      case EV_SUSPICION:
        this.onSuspicionTimer(target, arg, arg2, nowUs);
        return;
      case EV_PUSHPULL_TICK:
        if (arg === this.epoch[target]) this.onPushPullTick(target, nowUs);
        return;
      case EV_PUSHPULL:
        if (arg2 === this.epoch[target]) this.onPushPull(target, arg, nowUs);
        return;
      case EV_CRASH:
        this.onCrash(target, nowUs);
        return;
      case EV_RECOVER:
        this.onRecover(target, nowUs);
        return;
      case EV_FAULT_START:
        this.onFaultStart(target, nowUs);
        return;
      case EV_FAULT_END:
        this.onFaultEnd(target, arg, nowUs);
        return;
    }
  }

  private nextTarget(m: number): number {
    const n = this.n;
    const views = this.views;
    if (this.randomTargets) {
      for (let tries = 0; tries < 3 * n; tries++) {
        const c = Math.floor(this.bank.next(this.stream[m]!) * (n - 1));
        const target = c >= m ? c + 1 : c;
        if (views.stateOf(m, target) !== View.dead) return target;
      }
      return -1;
    }
    for (let checked = 0; checked <= n; checked++) {
      if (this.rec[m * REC + R_PASS_INDEX]! >= n) {
        this.rec[m * REC + R_PASS_INDEX] = 0;
        this.rec[m * REC + R_PASS_KEY] = Math.floor(this.bank.next(this.stream[m]!) * 4294967296) | 0;
      }
      const target = this.perm.at(this.rec[m * REC + R_PASS_INDEX]!++, this.rec[m * REC + R_PASS_KEY]!);
      if (target === m || views.stateOf(m, target) === View.dead) continue;
      return target;
    }
    return -1;
  }

  private onProbeTick(m: number, nowUs: number): void {
    const target = this.n > 1 ? this.nextTarget(m) : -1;
    if (target < 0) {
      this.scheduleNextProbe(m, nowUs, nowUs);
      return;
    }
    const rec = this.rec;
    const at = m * REC;
    const seq = rec[at + R_PROBE_SEQ]! + 1;
    rec[at + R_PROBE_SEQ] = seq;
    rec[at + R_PROBE_ACTIVE] = 1;
    rec[at + R_PROBE_TARGET] = target;
    rec[at + R_PROBE_SENT_US] = nowUs;
    this.settleAwareness(m, nowUs);
    const scaled = this.ml.probeIntervalUs * (this.lifeguard ? rec[at + R_AWARENESS]! + 1 : 1);
    rec[at + R_PROBE_DEADLINE_US] = this.afterLocal(m, nowUs, scaled);
    rec[at + R_PROBE_NACKS] = 0;
    rec[at + R_PROBE_NACKS_EXPECTED] = 0;
    rec[at + R_PROBE_TCP_OK_US] = Number.POSITIVE_INFINITY;
    rec[at + R_PROBE_ACK_US] = Number.POSITIVE_INFINITY;
    rec[at + R_TIMEOUT_UNARMED] = 0;
    if (nowUs >= this.warmupUs) this.metrics.t.probes++;
    // Buddy system: a suspect target gets the suspicion with the ping, so it can refute.
    let attach = -1;
    if (this.lifeguard && this.views.stateOf(m, target) !== View.alive) attach = this.newFact(target, F_SUSPECT, this.views.incOf(m, target), m);
    const arrival = this.sendPacket(m, target, PK_PING, seq, target, Msg.ping, SIZE.ping, attach, nowUs);
    // The direct timeout waits for the ping's arrival, which decides whether it is needed
    // (directPingArrived); the round's deadline event is scheduled only if the ping fails.
    const timeoutUs = this.afterLocal(m, nowUs, this.ml.probeTimeoutUs);
    if (this.eventlessAcks && arrival !== DROPPED && arrival <= timeoutUs) rec[at + R_TIMEOUT_UNARMED] = 1;
    else this.at(timeoutUs, EV_DIRECT_TIMEOUT, m, seq, 0);
  }

  /**
   * Prober m's direct ping (round `seq`) reached its target, which acks it at
   * `ackUs` (DROPPED: no ack comes without an event — lost, not sent, or carried by a
   * packet). An ack in time ends the round at its arrival, as memberlist's select
   * returns on it, with no timeout event; otherwise the timeout is armed now.
   */
  private directPingArrived(m: number, seq: number, ackUs: number): void {
    if (this.rec[m * REC + R_TIMEOUT_UNARMED] === 0 || this.rec[m * REC + R_PROBE_SEQ] !== seq || this.rec[m * REC + R_PROBE_ACTIVE] === 0) return;
    this.rec[m * REC + R_TIMEOUT_UNARMED] = 0;
    const timeoutUs = this.afterLocal(m, this.rec[m * REC + R_PROBE_SENT_US]!, this.ml.probeTimeoutUs);
    if (ackUs === DROPPED || ackUs > timeoutUs) {
      // A late ack still counts if it comes by the round's deadline.
      if (ackUs !== DROPPED && ackUs < this.rec[m * REC + R_PROBE_ACK_US]!) this.rec[m * REC + R_PROBE_ACK_US] = ackUs;
      this.at(timeoutUs, EV_DIRECT_TIMEOUT, m, seq, 0);
      return;
    }
    this.rec[m * REC + R_PROBE_ACTIVE] = 0;
    // Lifeguard's awareness −1 takes effect at the ack's arrival (settleAwareness).
    if (this.lifeguard) this.rec[m * REC + R_SUCCESS_AT_US] = ackUs;
    this.scheduleNextProbe(m, this.rec[m * REC + R_PROBE_SENT_US]!, ackUs);
  }

  /**
   * Prober m's direct ping (round `seq`) reached its target, whose ack goes as a packet
   * (it carries broadcasts) arriving at `ackUs` (DROPPED: lost or cut). An ack packet
   * that arrives by the direct timeout ends the round with its own event, before the
   * timeout would fire (an ack at the timeout's instant was scheduled first), so the
   * timeout is not armed: it would find the round over. A paused prober handles both
   * at its resume in that same order; one that crashes ends the round anyway. Only
   * where packets are never read late (no CPU starvation: `eventlessAcks`).
   */
  private directPingCarried(m: number, seq: number, ackUs: number): void {
    if (this.rec[m * REC + R_TIMEOUT_UNARMED] === 0 || this.rec[m * REC + R_PROBE_SEQ] !== seq || this.rec[m * REC + R_PROBE_ACTIVE] === 0) return;
    const timeoutUs = this.afterLocal(m, this.rec[m * REC + R_PROBE_SENT_US]!, this.ml.probeTimeoutUs);
    if (ackUs === DROPPED || ackUs > timeoutUs || !this.eventlessAcks || !this.eventlessTimeouts) {
      this.directPingArrived(m, seq, DROPPED);
      return;
    }
    this.rec[m * REC + R_TIMEOUT_UNARMED] = 0;
  }

  private onDirectTimeout(m: number, seq: number, nowUs: number): void {
    if (this.rec[m * REC + R_PROBE_ACTIVE] === 0 || this.rec[m * REC + R_PROBE_SEQ] !== seq) return;
    if (this.rec[m * REC + R_PROBE_ACK_US]! <= nowUs) {
      this.succeed(m, nowUs);
      return;
    }
    this.at(Math.max(nowUs, this.rec[m * REC + R_PROBE_DEADLINE_US]!), EV_PROBE_DEADLINE, m, seq, 0);
    const target = this.rec[m * REC + R_PROBE_TARGET]!;
    const count = this.kRandom(m, this.ml.indirectChecks, target, false, nowUs);
    for (let i = 0; i < count; i++) {
      const relay = this.picked[i]!;
      if (this.lifeguard) this.rec[m * REC + R_PROBE_NACKS_EXPECTED]!++;
      this.sendPacket(m, relay, PK_PING_REQ, seq, target, Msg.pingReq, SIZE.pingReq, -1, nowUs);
    }
    if (!this.ml.disableTcpPings) this.tcpPing(m, target, seq, nowUs);
  }

  /** memberlist's TCP fallback ping: connect, ping, ack, each segment over the link, lost ones resent after 1 s. */
  private tcpPing(m: number, target: number, seq: number, nowUs: number): void {
    if (nowUs >= this.warmupUs) {
      this.metrics.t.messages[Msg.tcpPing]!++;
      this.metrics.t.bytes[Msg.tcpPing]! += SIZE.tcpPing;
    }
    let atUs = nowUs;
    const deadline = this.rec[m * REC + R_PROBE_DEADLINE_US]!;
    for (let segment = 0; segment < 4; segment++) {
      const from = segment % 2 === 0 ? m : target;
      const to = segment % 2 === 0 ? target : m;
      for (;;) {
        if (atUs > deadline || this.blocked(from, to)) return;
        const arrival = this.links.transmit(this.linkOf(from, to), atUs);
        if (arrival !== DROPPED) {
          atUs = arrival;
          break;
        }
        atUs = this.afterLocal(from, atUs, TCP_RTO_US); // the sending kernel's retransmission timer
      }
    }
    // The target must be up to answer; a paused one answers when it resumes.
    if (this.up[target] === 0) return;
    if (this.pausedDepth[target]! > 0) atUs = Math.max(atUs, this.pausedUntilUs[target]!);
    if (atUs <= deadline) this.at(atUs, EV_TCP_DONE, m, seq, 0);
  }

  /** Prober m's TCP ping (round `seq`) got its ack: it counts if it came by the round's deadline. */
  private onTcpDone(m: number, seq: number, nowUs: number): void {
    const rec = this.rec;
    const at = m * REC;
    if (rec[at + R_PROBE_ACTIVE] === 1 && rec[at + R_PROBE_SEQ] === seq && nowUs <= rec[at + R_PROBE_DEADLINE_US]! && rec[at + R_PROBE_TCP_OK_US]! > nowUs) rec[at + R_PROBE_TCP_OK_US] = nowUs;
  }

  private onProbeDeadline(m: number, seq: number, nowUs: number): void {
    if (this.rec[m * REC + R_PROBE_ACTIVE] === 0 || this.rec[m * REC + R_PROBE_SEQ] !== seq) return;
    this.rec[m * REC + R_PROBE_ACTIVE] = 0;
    if (this.rec[m * REC + R_PROBE_TCP_OK_US]! <= nowUs || this.rec[m * REC + R_PROBE_ACK_US]! <= nowUs) {
      this.succeed(m, nowUs);
      return;
    }
    const target = this.rec[m * REC + R_PROBE_TARGET]!;
    if (nowUs >= this.warmupUs) this.metrics.t.failedProbes++;
    if (this.lifeguard) this.adjustAwareness(m, failedProbeAwarenessDelta(this.rec[m * REC + R_PROBE_NACKS_EXPECTED]!, this.rec[m * REC + R_PROBE_NACKS]!), nowUs);
    const inc = this.views.incOf(m, target);
    const fact = this.newFact(target, F_SUSPECT, inc, m);
    const before = this.views.stateOf(m, target);
    this.suspectNode(m, fact, nowUs);
    if (before === View.alive && this.views.stateOf(m, target) === View.suspect && this.up[target] === 1) this.metrics.suspicionOriginated(target, nowUs);
    this.scheduleNextProbe(m, this.rec[m * REC + R_PROBE_SENT_US]!, nowUs);
  }

  private succeed(m: number, nowUs: number): void {
    this.rec[m * REC + R_PROBE_ACTIVE] = 0;
    if (this.lifeguard) this.adjustAwareness(m, -1, nowUs);
    this.scheduleNextProbe(m, this.rec[m * REC + R_PROBE_SENT_US]!, nowUs);
  }

  /**
   * Go's ticker: ticks when m's monotonic clock reads phase + k·interval; a tick missed
   * while busy is buffered (one).
   */
  private scheduleNextProbe(m: number, startedUs: number, nowUs: number): void {
    const interval = this.ml.probeIntervalUs;
    const phase = this.rec[m * REC + R_PROBE_PHASE_US]!;
    const tickLocalUs = phase + (Math.floor((this.localUs(m, startedUs) - phase) / interval) + 1) * interval;
    const firstAfterStart = this.trueUs(m, tickLocalUs, startedUs);
    const next = firstAfterStart <= nowUs ? nowUs : firstAfterStart;
    this.at(next, EV_PROBE_TICK, m, this.rec[m * REC + R_EPOCH]!, 0);
  }

  // ---- packets ----------------------------------------------------------------------

  private onPacket(pk: number, nowUs: number): void {
    const type = this.pkType[pk]!;
    const src = this.pkSrc[pk]!;
    const dst = this.pkDst[pk]!;
    const seq = this.pkSeq[pk]!;
    const subject = this.pkSubject[pk]!;
    // The command first, then the piggybacked broadcasts (compound parts in order).
    switch (type) {
      case PK_PING:
        if (seq > 0 && this.eventlessAcks && this.ackWithoutEvent(dst, src, seq, nowUs)) break;
        {
          const ackUs = this.sendPacket(dst, src, PK_ACK, seq, 0, seq < 0 ? Msg.indirect : Msg.ack, SIZE.ack, -1, nowUs);
          if (seq > 0) this.directPingCarried(src, seq, ackUs);
        }
        break;
      case PK_ACK:
        this.onAck(dst, seq, nowUs);
        break;
      case PK_PING_REQ:
        this.onPingReq(dst, src, seq, subject, nowUs);
        break;
      case PK_NACK:
        if (this.rec[dst * REC + R_PROBE_ACTIVE] === 1 && this.rec[dst * REC + R_PROBE_SEQ] === seq) this.rec[dst * REC + R_PROBE_NACKS]!++;
        break;
      default:
        break;
    }
    const count = this.pkFactCount[pk]!;
    for (let i = 0; i < count; i++) this.receiveFact(dst, this.pkFacts[pk * PIGGY_MAX + i]!, nowUs);
    this.freePacket(pk);
  }

  /**
   * The common case, done without an event: a direct ack with no broadcasts to carry.
   * Its fate is decided now; if it arrives, the prober's round notes the arrival instant
   * and reads it at its next timer (the direct timeout or the deadline), which is when
   * memberlist's select would have returned anyway — except that a successful probe
   * ends at the ack, which only moves the next round when the ack is later than the
   * next tick (never: ProbeTimeout < ProbeInterval). Same draws as the packet path.
   */
  private ackWithoutEvent(from: number, to: number, seq: number, nowUs: number): boolean {
    if (this.queues.length(from) > 0) return false;
    const departUs = this.anySlowIo ? this.departureUs(from, nowUs) : nowUs;
    if (nowUs >= this.warmupUs) {
      this.metrics.t.messages[Msg.ack]!++;
      this.metrics.t.bytes[Msg.ack]! += SIZE.ack;
    }
    const arrival = this.blocked(from, to) ? DROPPED : this.links.transmit(this.linkOf(from, to), departUs);
    if (this.rec[to * REC + R_TIMEOUT_UNARMED] === 1) {
      this.directPingArrived(to, seq, arrival);
      return true;
    }
    if (arrival === DROPPED) return true;
    if (this.rec[to * REC + R_PROBE_SEQ] === seq && this.rec[to * REC + R_PROBE_ACTIVE] === 1 && arrival < this.rec[to * REC + R_PROBE_ACK_US]!) this.rec[to * REC + R_PROBE_ACK_US] = arrival;
    return true;
  }

  private onAck(m: number, seq: number, nowUs: number): void {
    if (seq < 0) {
      // An ack for a relay's ping: pass it on to the requester (net.go handleIndirectPing).
      const relay = -seq - 1;
      if (this.relayNode[relay] !== m || this.relayAcked[relay] === 1) return;
      this.relayAcked[relay] = 1;
      this.sendPacket(m, this.relayRequester[relay]!, PK_ACK, this.relaySeq[relay]!, 0, Msg.indirect, SIZE.ack, -1, nowUs);
      return;
    }
    if (this.rec[m * REC + R_PROBE_ACTIVE] === 1 && this.rec[m * REC + R_PROBE_SEQ] === seq) this.succeed(m, nowUs);
  }

  private onPingReq(relay: number, requester: number, seq: number, target: number, nowUs: number): void {
    const entry = this.allocRelay();
    this.relayRequester[entry] = requester;
    this.relaySeq[entry] = seq;
    this.relayNode[entry] = relay;
    this.relayAcked[entry] = 0;
    this.relayWantsNack[entry] = this.lifeguard ? 1 : 0;
    this.sendPacket(relay, target, PK_PING, -entry - 1, target, Msg.indirect, SIZE.ping, -1, nowUs);
    this.at(this.afterLocal(relay, nowUs, this.ml.probeTimeoutUs), EV_RELAY_TIMEOUT, entry, this.relayGen[entry]!, 0);
  }

  private onRelayTimeout(entry: number, gen: number, nowUs: number): void {
    if (this.relayGen[entry] !== gen) return;
    const relay = this.relayNode[entry]!;
    if (this.relayAcked[entry] === 0 && this.relayWantsNack[entry] === 1) {
      this.sendPacket(relay, this.relayRequester[entry]!, PK_NACK, this.relaySeq[entry]!, 0, Msg.nack, SIZE.nack, -1, nowUs);
    }
    this.relayGen[entry]!++;
    this.relayNode[entry] = -1;
    this.relayFree.push(entry);
  }

  private finish(): SwimRunResult {
    // The slowest nominal detection, on the slowest member clock.
    const censorBoundUs = Math.ceil((2 * this.ml.probeIntervalUs * this.ml.awarenessMaxMultiplier + this.suspicionMaxUs) / this.slowestRate);
    const tallies = this.metrics.finish(this.endUs, censorBoundUs);
    const log: TransitionLog = {
      timeUs: new Float64Array(0),
      kind: new Uint8Array(0),
      pair: new Int32Array(0),
      from: new Uint8Array(0),
      to: new Uint8Array(0),
      cause: new Uint8Array(0),
      length: 0,
      dropped: 0,
    };
    return { tallies, log, events: this.eventCount, endUs: this.endUs, viewRecords: this.views.records };
  }

  // ---- test hooks (read-only) --------------------------------------------------------------

  /** Observer o's view of subject s: 0 alive, 1 suspect, 2 dead; and its incarnation. */
  viewOf(o: number, s: number): { state: number; inc: number } {
    return { state: this.views.stateOf(o, s), inc: this.views.incOf(o, s) };
  }

  /** Events handled from the side queues so far (0 without them). */
  sideEvents(): number {
    return this.sides === null ? 0 : this.sides.popped;
  }

  incarnationOf(m: number): number {
    return this.selfInc[m]!;
  }

  awarenessOf(m: number): number {
    if (this.rec[m * REC + R_SUCCESS_AT_US]! <= this.nowUs) return applyAwarenessDelta(this.rec[m * REC + R_AWARENESS]!, -1, this.ml.awarenessMaxMultiplier);
    return this.rec[m * REC + R_AWARENESS]!;
  }

  /** Processes events up to `untilUs` (tests step through a scenario). */
  runUntil(untilUs: number): void {
    const limit = Math.min(untilUs, this.endUs);
    while (this.step(limit));
  }

  finishRun(): SwimRunResult {
    this.runUntil(this.endUs);
    return this.finish();
  }
}
