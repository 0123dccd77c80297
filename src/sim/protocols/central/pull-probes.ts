/**
 * Pull checks of the central monitor (ALB, Kubernetes probes, Elasticsearch follower
 * checks): the monitor probes each node when its detector asks (`nextProbeUs`), over
 * the reverse link; a live, unpaused node answers with its health over its forward
 * link. For a pull-only detector the answer is the node's "heartbeat"; for one that
 * also takes pushed heartbeats (`push: true`, liveness + readiness) it travels apart.
 */
import { EventClass } from '../../engine/kernel.js';
import type { FaultService } from '../../faults/fault-service.js';
import { NEVER } from '../../time.js';
import type { ProtocolContext, ProtocolModule } from '../protocol.js';
import type { AfterReceive, CentralMonitor } from './monitor.js';
import { InboxKind, PausedInbox } from './paused-inbox.js';

export class PullProbes implements ProtocolModule, AfterReceive {
  readonly name = 'pull-probes';
  private readonly pairProbeUs: Float64Array;
  private readonly pairProbeSeq: Float64Array;
  /** Probes that reached paused nodes, answered when they resume. */
  private readonly inbox = new PausedInbox();
  private probeKind = 0;
  private arriveKind = 0;
  private answerKind = 0;
  private answerUnhealthyKind = 0;

  constructor(
    private readonly ctx: ProtocolContext,
    private readonly faults: FaultService,
    private readonly monitor: CentralMonitor,
  ) {
    this.pairProbeUs = new Float64Array(monitor.pairCount).fill(NEVER);
    this.pairProbeSeq = new Float64Array(monitor.pairCount);
    monitor.probes = this;
  }

  install(ctx: ProtocolContext): void {
    const m = this.monitor;
    this.probeKind = ctx.events.defineEvent('probe-send', EventClass.send, (pair, forUs, _b, nowUs) => this.onProbe(pair, forUs, nowUs));
    this.arriveKind = ctx.events.defineEvent('probe-arrive', EventClass.deliver, (pair, seq, sent, nowUs) => this.onProbeArrive(pair, seq, sent, nowUs));
    if (m.push) {
      this.answerKind = ctx.events.defineEvent('probe-reply', EventClass.deliver, (pair, seq, sent, nowUs) => m.deliverReply(pair, seq, sent, nowUs, true));
      this.answerUnhealthyKind = ctx.events.defineEvent('probe-reply-unhealthy', EventClass.deliver, (pair, seq, sent, nowUs) => m.deliverReply(pair, seq, sent, nowUs, false));
    } else {
      this.answerKind = ctx.events.defineEvent('probe-answer', EventClass.deliver, (pair, seq, sent, nowUs) => m.deliver(pair, seq, sent, nowUs, true));
      this.answerUnhealthyKind = ctx.events.defineEvent('probe-answer-unhealthy', EventClass.deliver, (pair, seq, sent, nowUs) => m.deliver(pair, seq, sent, nowUs, false));
    }
  }

  start(): void {
    for (let pair = 0; pair < this.monitor.pairCount; pair++) this.armProbe(pair, 0);
  }

  /** Keeps one pending probe per pair, at the instant the detector wants it. */
  armProbe(pair: number, nowUs: number): void {
    const m = this.monitor;
    const localUs = m.pull!.nextProbeUs(pair, m.observerLocalUs(nowUs));
    if (localUs === NEVER) return;
    const clocks = this.ctx.clocks;
    let atUs = clocks.isIdentity ? localUs : clocks.trueInstantOf(m.observer, localUs, false, nowUs);
    if (atUs < nowUs) atUs = nowUs; // overdue (after an observer pause): send now
    if (atUs >= this.pairProbeUs[pair]!) return;
    this.pairProbeUs[pair] = atUs;
    this.ctx.events.schedule(atUs, this.probeKind, pair, atUs);
  }

  private onProbe(pair: number, forUs: number, nowUs: number): void {
    if (forUs !== this.pairProbeUs[pair]) return; // superseded
    this.pairProbeUs[pair] = NEVER;
    const m = this.monitor;
    if (m.paused) return; // sent when the observer resumes
    const seq = this.pairProbeSeq[pair]!;
    this.pairProbeSeq[pair] = seq + 1;
    const localUs = m.observerLocalUs(nowUs);
    m.pull!.onProbeSent(pair, seq, localUs);
    if (nowUs >= this.ctx.warmupUs) this.ctx.books.recorder.probesSent++;
    this.ctx.post(m.pairCount + pair, nowUs, this.arriveKind, pair, seq, localUs);
    this.armProbe(pair, nowUs);
    if (m.exactTimers) m.armWake(pair, nowUs);
  }

  /**
   * A probe reaches its target, which answers with its health. A crashed node cannot.
   * A paused one reads it when it resumes (it waits in the socket, issue #13) and
   * answers then: the reply is late, and fails the probe only if it lands after the
   * probe's timeout.
   */
  private onProbeArrive(pair: number, seq: number, observerSentUs: number, nowUs: number): void {
    const node = pair;
    if (!this.ctx.nodes.isUp(node)) return;
    if (this.faults.isPaused(node)) {
      this.inbox.push(node, this.ctx.nodes.epoch(node), InboxKind.probe, pair, seq, observerSentUs);
      return;
    }
    this.answer(node, pair, seq, observerSentUs, nowUs);
  }

  /** The node resumes from a pause: it answers, in arrival order, the probes that waited. */
  resumed(node: number, nowUs: number): void {
    const inbox = this.inbox;
    if (inbox.length === 0) return;
    const epoch = this.ctx.nodes.epoch(node);
    for (let i = 0; i < inbox.length; i++) {
      if (inbox.node[i] === node && inbox.epoch[i] === epoch && this.ctx.nodes.isUp(node)) this.answer(node, inbox.pair[i]!, inbox.seq[i]!, inbox.sentUs[i]!, nowUs);
    }
    inbox.removeNode(node);
  }

  private answer(node: number, pair: number, seq: number, observerSentUs: number, nowUs: number): void {
    const faults = this.faults;
    const departUs = faults.hasExtraSendDelays ? nowUs + faults.extraSendDelayUs(node) : nowUs;
    const kind = faults.isUnhealthy(node) ? this.answerUnhealthyKind : this.answerKind;
    this.ctx.send(pair, departUs, kind, pair, seq, observerSentUs);
  }
}
