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
import { heartbeatPhaseUs } from '../../fast/node-streams.js';
import type { SeedRoot } from '../../random/streams.js';
import type { ProtocolContext, ProtocolModule } from '../protocol.js';
import type { CentralMonitor } from './monitor.js';

/** A node's sender record: 4 doubles (32 bytes, half a cache line). */
const STATE_STRIDE = 4;
const SEQ = 0;
const NEXT_NOMINAL = 1;
/** The node's incarnation as the crash service last told this module (odd while down): see `onNodeDown`. */
const EPOCH = 2;
const JITTER_STREAM = 3;
/** `slotOf` of a node whose record is not claimed yet; a first send event carries it too. */
const UNCLAIMED = -1;

export class PushHeartbeats implements ProtocolModule {
  readonly name = 'push-heartbeats';
  private readonly config: SimConfig;
  private readonly intervalUs: number;
  private readonly jitter: DurationSampler;
  private readonly jitterIsConstant: boolean;
  /**
   * The nodes' sender records, interleaved (SEQ, NEXT_NOMINAL, EPOCH, JITTER_STREAM):
   * everything a send reads about its node, so a send touches one line of it. Record
   * `slotOf[node]`, not `node`: a node claims the next record at its first send (`claim`),
   * so records follow the order of the nodes' first sends, which is the order they send
   * in every interval after (the schedule does not drift): at 100 k nodes successive
   * sends read successive records instead of one random cache line each. Storage only:
   * no draw or event depends on it.
   */
  private readonly nodeState: Float64Array;
  private readonly slotOf: Int32Array;
  private claimed = 0;
  /** What a record starts from, by node, until the node claims it: its phase and jitter stream. */
  private readonly phaseUsOf: Float64Array;
  private readonly jitterStreamOf: Int32Array;
  /** Beats a paused node missed (read only around pauses), by node. */
  private readonly missed: Float64Array;
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
    /** The run's seed root: phases are drawn as the fast path and the walk draw them (heartbeatPhaseUs). */
    private readonly root: SeedRoot,
  ) {
    const n = config.nodeNames.length;
    this.config = config;
    this.intervalUs = config.heartbeat.intervalUs;
    this.jitter = new DurationSampler(config.heartbeat.jitter, ctx.bank, 'heartbeat jitter');
    this.jitterIsConstant = this.jitter.isConstant;
    this.nodeState = new Float64Array(STATE_STRIDE * n);
    this.slotOf = new Int32Array(n).fill(UNCLAIMED);
    this.phaseUsOf = new Float64Array(n);
    this.missed = new Float64Array(n);
    this.sendsMonotonic = config.detector.kind === 'lease';
    this.requestTimeoutUs = config.detector.kind === 'lease' ? (config.detector.requestTimeoutUs ?? 0) : 0;
    this.retryUs = config.detector.kind === 'lease' ? (config.detector.retryUs ?? 0) : 0;
    this.jitterStreamOf = new Int32Array(n);
    if (!this.jitterIsConstant) for (let i = 0; i < n; i++) this.jitterStreamOf[i] = ctx.nodeStream(i, 'jitter');
  }

  /** The node's record, claimed now if it has none (its first send, or news of it before). */
  private slotFor(node: number): number {
    const slot = this.slotOf[node]!;
    return slot === UNCLAIMED ? this.claim(node) : slot;
  }

  private claim(node: number): number {
    const slot = this.claimed++;
    this.slotOf[node] = slot;
    const at = STATE_STRIDE * slot;
    this.nodeState[at + NEXT_NOMINAL] = this.phaseUsOf[node]!;
    this.nodeState[at + EPOCH] = this.ctx.nodes.epoch(node);
    this.nodeState[at + JITTER_STREAM] = this.jitterStreamOf[node]!;
    return slot;
  }

  install(ctx: ProtocolContext): void {
    const m = this.monitor;
    // A send event carries the node's epoch and its record (slot): no lookup on the hot path.
    this.sendKind = ctx.events.defineEvent('heartbeat-send', EventClass.send, (node, epoch, slot, nowUs) => this.onSend(node, epoch, slot, nowUs));
    this.deliverKind = ctx.events.defineEvent('heartbeat', EventClass.deliver, (pair, seq, sent, nowUs) => m.deliver(pair, seq, sent, nowUs, true));
    this.deliverUnhealthyKind = ctx.events.defineEvent('heartbeat-unhealthy', EventClass.deliver, (pair, seq, sent, nowUs) => m.deliver(pair, seq, sent, nowUs, false));
    this.traceKind = ctx.events.defineEvent('trace-arrival', EventClass.deliver, (node, index, _b, nowUs) => this.onTrace(node, index, nowUs));
    if (this.requestTimeoutUs > 0) {
      this.renewTimeoutKind = ctx.events.defineEvent('renew-timeout', EventClass.timer, (node, seq, epoch, nowUs) => this.onRenewTimeout(node, seq, epoch, nowUs));
      this.retryKind = ctx.events.defineEvent('renew-retry', EventClass.send, (node, epoch, slot, nowUs) => this.onRetry(node, epoch, slot, nowUs));
    }
  }

  /** A renewal's grant did not come back within the client's timeout: it failed; retry later. */
  private onRenewTimeout(node: number, seq: number, epoch: number, nowUs: number): void {
    const life = this.ctx.nodes;
    if (epoch !== life.epoch(node) || !life.isUp(node)) return;
    if (this.grantedSeq![node]! >= seq) return; // granted in time (or a later renewal was)
    this.ctx.events.schedule(nowUs + this.retryUs, this.retryKind, node, epoch, this.slotFor(node));
  }

  private onRetry(node: number, epoch: number, slot: number, nowUs: number): void {
    const life = this.ctx.nodes;
    if (epoch !== life.epoch(node) || !life.isUp(node) || this.faults.isPaused(node)) return;
    this.transmit(node, slot, nowUs);
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
      const phaseUs = heartbeatPhaseUs(this.root, names[i]!, this.intervalUs);
      this.phaseUsOf[i] = phaseUs;
      // The first send claims the node's record (UNCLAIMED), unless something claimed it before.
      kernel.schedule(phaseUs + this.jitter.sampleUs(this.jitterStreamOf[i]!), this.sendKind, i, 0, UNCLAIMED);
    }
  }

  private onSend(node: number, epoch: number, slotOrUnclaimed: number, nowUs: number): void {
    const slot = slotOrUnclaimed === UNCLAIMED ? this.slotFor(node) : slotOrUnclaimed;
    const state = this.nodeState;
    const at = STATE_STRIDE * slot;
    // The record's copy of the node's epoch (odd while down): the crash service's own array is another cache line.
    const current = state[at + EPOCH]!;
    if (epoch !== current || current % 2 !== 0) return;
    if (this.faults.isPaused(node)) {
      this.missed[node]!++;
      if (nowUs >= this.ctx.warmupUs) this.ctx.books.recorder.heartbeatsMissedWhilePaused++;
    } else {
      this.transmit(node, slot, nowUs);
    }
    const nextNominalUs = state[at + NEXT_NOMINAL]! + this.intervalUs;
    state[at + NEXT_NOMINAL] = nextNominalUs;
    // A constant jitter draws nothing: skip the sampler's stream entirely.
    const sendUs = this.jitterIsConstant ? nextNominalUs + this.jitter.sampleUs(0) : nextNominalUs + this.jitter.sampleUs(state[at + JITTER_STREAM]!);
    this.ctx.events.schedule(sendUs < nowUs ? nowUs : sendUs, this.sendKind, node, epoch, slot);
  }

  private transmit(node: number, slot: number, nowUs: number): void {
    const seq = this.nodeState[STATE_STRIDE * slot + SEQ]!;
    this.nodeState[STATE_STRIDE * slot + SEQ] = seq + 1;
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

  /** The crash service bumped the node's epoch (it crashed): the record's copy follows before anything reads it. */
  onNodeDown(node: number): void {
    this.nodeState[STATE_STRIDE * this.slotFor(node) + EPOCH] = this.ctx.nodes.epoch(node);
  }

  onNodeUp(node: number, nowUs: number): void {
    const slot = this.slotFor(node);
    const at = STATE_STRIDE * slot;
    const epoch = this.ctx.nodes.epoch(node);
    this.nodeState[at + EPOCH] = epoch;
    this.missed[node] = 0;
    this.monitor.newIncarnation(node, this.nodeState[at + SEQ]!);
    // A restarted episode sends at once and keeps its new phase.
    this.nodeState[at + NEXT_NOMINAL] = nowUs;
    if (!this.config.trace) this.ctx.events.schedule(nowUs, this.sendKind, node, epoch, slot);
  }

  /** The node resumes from a pause: a fixed-rate timer fires every missed beat at once; a fixed-delay one skips them. */
  resumed(node: number, burst: boolean, nowUs: number): void {
    const missed = this.missed[node]!;
    this.missed[node] = 0;
    if (burst && this.ctx.nodes.isUp(node)) for (let k = 0; k < missed; k++) this.transmit(node, this.slotFor(node), nowUs);
  }
}
