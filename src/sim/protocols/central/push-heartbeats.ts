/**
 * Push heartbeats to the central monitor: every node sends one every interval (from a
 * uniformly random phase, plus its jitter; the schedule does not drift) over its link
 * to the monitor. A paused node misses its beats (and may send them all at once when
 * it resumes, like a fixed-rate timer); a crashed one stops, and a restarted one sends
 * at once and keeps its new phase. A recorded trace replaces the senders altogether.
 *
 * Draws: each node's phase (`node/<name>/phase`) once, its jitter
 * (`node/<name>/jitter`) per send, then the link's loss, duplication and delay.
 */
import type { SimConfig } from '../../config.js';
import { EventClass } from '../../engine/kernel.js';
import type { FaultService } from '../../faults/fault-service.js';
import { DurationSampler } from '../../random/distributions.js';
import { nodeStreamKey } from '../../random/stream-keys.js';
import type { ProtocolContext, ProtocolModule } from '../protocol.js';
import type { CentralMonitor } from './monitor.js';

const STATE_STRIDE = 4;
const SEQ = 0;
const NEXT_NOMINAL = 1;
const MISSED = 2;
const JITTER_STREAM = 3;

export class PushHeartbeats implements ProtocolModule {
  readonly name = 'push-heartbeats';
  private readonly config: SimConfig;
  private readonly intervalUs: number;
  private readonly jitter: DurationSampler;
  private readonly jitterIsConstant: boolean;
  /**
   * A node's sender state, interleaved (node i at 4i + SEQ, NEXT_NOMINAL, MISSED,
   * JITTER_STREAM): one cache line per send at 100 k nodes rather than one per field.
   */
  private readonly nodeState: Float64Array;
  /** Heartbeats carry the node's monotonic send time (lease renewals) or its wall-clock time. */
  private readonly sendsMonotonic: boolean;
  private sendKind = 0;
  private deliverKind = 0;
  private deliverUnhealthyKind = 0;
  private traceKind = 0;
  // Lease renewals as requests (issue #13): the client's timeout and retry.
  private readonly requestTimeoutUs: number;
  private readonly retryUs: number;
  private renewTimeoutKind = 0;
  private retryKind = 0;
  /** Set by the lease module: the highest renewal a node has seen granted. */
  grantedSeq: Float64Array | null = null;

  constructor(
    private readonly ctx: ProtocolContext,
    private readonly faults: FaultService,
    private readonly monitor: CentralMonitor,
    config: SimConfig,
  ) {
    const n = config.nodeNames.length;
    this.config = config;
    this.intervalUs = config.heartbeat.intervalUs;
    this.jitter = new DurationSampler(config.heartbeat.jitter, ctx.bank, 'heartbeat jitter');
    this.jitterIsConstant = this.jitter.isConstant;
    this.nodeState = new Float64Array(STATE_STRIDE * n);
    this.sendsMonotonic = config.detector.kind === 'lease';
    this.requestTimeoutUs = config.detector.kind === 'lease' ? (config.detector.requestTimeoutUs ?? 0) : 0;
    this.retryUs = config.detector.kind === 'lease' ? (config.detector.retryUs ?? 0) : 0;
    if (!this.jitterIsConstant) for (let i = 0; i < n; i++) this.nodeState[STATE_STRIDE * i + JITTER_STREAM] = ctx.nodeStream(i, 'jitter');
  }

  install(ctx: ProtocolContext): void {
    const m = this.monitor;
    this.sendKind = ctx.events.defineEvent('heartbeat-send', EventClass.send, (node, epoch, _b, nowUs) => this.onSend(node, epoch, nowUs));
    this.deliverKind = ctx.events.defineEvent('heartbeat', EventClass.deliver, (pair, seq, sent, nowUs) => m.deliver(pair, seq, sent, nowUs, true));
    this.deliverUnhealthyKind = ctx.events.defineEvent('heartbeat-unhealthy', EventClass.deliver, (pair, seq, sent, nowUs) => m.deliver(pair, seq, sent, nowUs, false));
    this.traceKind = ctx.events.defineEvent('trace-arrival', EventClass.deliver, (node, index, _b, nowUs) => this.onTrace(node, index, nowUs));
    if (this.requestTimeoutUs > 0) {
      this.renewTimeoutKind = ctx.events.defineEvent('renew-timeout', EventClass.timer, (node, seq, epoch, nowUs) => this.onRenewTimeout(node, seq, epoch, nowUs));
      this.retryKind = ctx.events.defineEvent('renew-retry', EventClass.send, (node, epoch, _b, nowUs) => this.onRetry(node, epoch, nowUs));
    }
  }

  /** A renewal's grant did not come back within the client's timeout: it failed; retry later. */
  private onRenewTimeout(node: number, seq: number, epoch: number, nowUs: number): void {
    const life = this.ctx.nodes;
    if (epoch !== life.epoch(node) || !life.isUp(node)) return;
    if (this.grantedSeq![node]! >= seq) return; // granted in time (or a later renewal was)
    this.ctx.events.schedule(nowUs + this.retryUs, this.retryKind, node, epoch);
  }

  private onRetry(node: number, epoch: number, nowUs: number): void {
    const life = this.ctx.nodes;
    if (epoch !== life.epoch(node) || !life.isUp(node) || this.faults.isPaused(node)) return;
    this.transmit(node, nowUs);
  }

  /** The first sends (or the first recorded arrivals). */
  start(): void {
    const trace = this.config.trace;
    const names = this.config.nodeNames;
    const kernel = this.ctx.events;
    if (trace) {
      for (let i = 0; i < names.length; i++) if (trace.arrivalsUs[i]!.length > 0) kernel.schedule(trace.arrivalsUs[i]![0]!, this.traceKind, i);
      return;
    }
    for (let i = 0; i < names.length; i++) {
      const phaseUs = Math.floor(this.ctx.firstDraw(nodeStreamKey(names[i]!, 'phase')) * this.intervalUs);
      this.nodeState[STATE_STRIDE * i + NEXT_NOMINAL] = phaseUs;
      kernel.schedule(phaseUs + this.jitter.sampleUs(this.nodeState[STATE_STRIDE * i + JITTER_STREAM]!), this.sendKind, i);
    }
  }

  private onSend(node: number, epoch: number, nowUs: number): void {
    const life = this.ctx.nodes;
    if (epoch !== life.epoch(node) || !life.isUp(node)) return;
    if (this.faults.isPaused(node)) {
      this.nodeState[STATE_STRIDE * node + MISSED]!++;
      if (nowUs >= this.ctx.warmupUs) this.ctx.books.recorder.heartbeatsMissedWhilePaused++;
    } else {
      this.transmit(node, nowUs);
    }
    const nextNominalUs = this.nodeState[STATE_STRIDE * node + NEXT_NOMINAL]! + this.intervalUs;
    this.nodeState[STATE_STRIDE * node + NEXT_NOMINAL] = nextNominalUs;
    // A constant jitter draws nothing: skip the sampler's stream entirely.
    const sendUs = this.jitterIsConstant ? nextNominalUs + this.jitter.sampleUs(0) : nextNominalUs + this.jitter.sampleUs(this.nodeState[STATE_STRIDE * node + JITTER_STREAM]!);
    this.ctx.events.schedule(sendUs < nowUs ? nowUs : sendUs, this.sendKind, node, epoch);
  }

  private transmit(node: number, nowUs: number): void {
    const seq = this.nodeState[STATE_STRIDE * node + SEQ]!;
    this.nodeState[STATE_STRIDE * node + SEQ] = seq + 1;
    const faults = this.faults;
    const departUs = faults.hasExtraSendDelays ? nowUs + faults.extraSendDelayUs(node) : nowUs;
    const clocks = this.ctx.clocks;
    const sentLocalUs = clocks.isIdentity ? departUs : this.sendsMonotonic ? clocks.reading(node, departUs, false) : clocks.reading(node, departUs, true);
    const kind = faults.isUnhealthy(node) ? this.deliverUnhealthyKind : this.deliverKind;
    // Central topology: node i's only pair is pair i, over link i.
    this.ctx.send(node, departUs, kind, node, seq, sentLocalUs);
    if (this.requestTimeoutUs > 0) this.ctx.events.schedule(departUs + this.requestTimeoutUs, this.renewTimeoutKind, node, seq, this.ctx.nodes.epoch(node));
  }

  /** A recorded arrival: delivered as is, then the node's next one is scheduled. */
  private onTrace(node: number, index: number, nowUs: number): void {
    const trace = this.config.trace!;
    const seqs = trace.seqs[node];
    const sent = trace.sentUs[node];
    const arrivals = trace.arrivalsUs[node]!;
    if (index + 1 < arrivals.length) this.ctx.events.schedule(arrivals[index + 1]!, this.traceKind, node, index + 1);
    if (nowUs >= this.ctx.warmupUs) this.ctx.books.recorder.heartbeatsSent++;
    this.monitor.deliver(node, seqs ? seqs[index]! : index, sent ? sent[index]! : nowUs, nowUs, true);
  }

  onNodeUp(node: number, nowUs: number): void {
    this.nodeState[STATE_STRIDE * node + MISSED] = 0;
    this.monitor.newIncarnation(node, this.nodeState[STATE_STRIDE * node + SEQ]!);
    // A restarted episode sends at once and keeps its new phase.
    this.nodeState[STATE_STRIDE * node + NEXT_NOMINAL] = nowUs;
    if (!this.config.trace) this.ctx.events.schedule(nowUs, this.sendKind, node, this.ctx.nodes.epoch(node));
  }

  /** The node resumes from a pause: a fixed-rate timer fires every missed beat at once; a fixed-delay one skips them. */
  resumed(node: number, burst: boolean, nowUs: number): void {
    const missed = this.nodeState[STATE_STRIDE * node + MISSED]!;
    this.nodeState[STATE_STRIDE * node + MISSED] = 0;
    if (burst && this.ctx.nodes.isUp(node)) for (let k = 0; k < missed; k++) this.transmit(node, nowUs);
  }
}
