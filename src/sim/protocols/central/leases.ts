/**
 * Leases: each heartbeat renews a lease the monitor grants; the grant travels back
 * over the reverse link, and the node holds the lease until (its monotonic send time
 * of the renewal) + lease. When its own timer sees the lease run out, the node fences
 * itself — unless it is paused, in which case it fences when it resumes. The books
 * measure split brain: a node holding its lease while the monitor declares it dead.
 */
import type { SimConfig } from '../../config.js';
import { EventClass } from '../../engine/kernel.js';
import type { FaultService } from '../../faults/fault-service.js';
import type { ProtocolContext, ProtocolModule } from '../protocol.js';
import type { CentralMonitor, GrantSender } from './monitor.js';
import { InboxKind, PausedInbox } from './paused-inbox.js';

export class Leases implements ProtocolModule, GrantSender {
  readonly name = 'leases';
  private readonly leaseUs: number;
  /** Each node's lease expiry on its monotonic clock, and a fence owed after a pause. */
  private readonly nodeLeaseExpiryUs: Float64Array;
  private readonly nodeFencePending: Uint8Array;
  /** Per node: the highest renewal seen granted (the client's request timeouts read it). */
  readonly grantedSeq: Float64Array;
  /** Grants that reached paused nodes, read when they resume. */
  private readonly inbox = new PausedInbox();
  private grantKind = 0;
  private checkKind = 0;

  constructor(
    private readonly ctx: ProtocolContext,
    private readonly faults: FaultService,
    private readonly monitor: CentralMonitor,
    config: SimConfig,
  ) {
    this.leaseUs = config.detector.kind === 'lease' ? config.detector.leaseUs : 0;
    this.nodeLeaseExpiryUs = new Float64Array(config.nodeNames.length);
    this.nodeFencePending = new Uint8Array(config.nodeNames.length);
    this.grantedSeq = new Float64Array(config.nodeNames.length).fill(-1);
    monitor.grants = this;
  }

  install(ctx: ProtocolContext): void {
    this.grantKind = ctx.events.defineEvent('lease-grant', EventClass.deliver, (pair, seq, nodeSentUs, nowUs) => this.onGrant(pair, nodeSentUs, nowUs, seq));
    this.checkKind = ctx.events.defineEvent('lease-check', EventClass.timer, (node, expiryUs, _b, nowUs) => this.onLeaseCheck(node, expiryUs, nowUs));
  }

  /** The observer renews the lease: the grant travels back to the node. */
  sendGrant(pair: number, seq: number, nodeSentUs: number, nowUs: number): void {
    if (nowUs >= this.ctx.warmupUs) this.ctx.books.recorder.probesSent++;
    this.ctx.post(this.monitor.pairCount + pair, nowUs, this.grantKind, pair, seq, nodeSentUs);
  }

  /** The node learns its lease runs until (its send time of the renewal) + lease, on its monotonic clock. */
  private onGrant(pair: number, nodeSentUs: number, nowUs: number, seq: number): void {
    const node = pair;
    if (!this.ctx.nodes.isUp(node)) return;
    // A paused node reads the grant when it resumes (issue #13).
    if (this.faults.isPaused(node)) {
      this.inbox.push(node, this.ctx.nodes.epoch(node), InboxKind.grant, pair, seq, nodeSentUs);
      return;
    }
    // The renewing client sees its request answered.
    if (seq > this.grantedSeq[node]!) this.grantedSeq[node] = seq;
    const expiryUs = nodeSentUs + this.leaseUs;
    if (expiryUs <= this.nodeLeaseExpiryUs[node]!) return;
    const clocks = this.ctx.clocks;
    const nodeNowUs = clocks.isIdentity ? nowUs : clocks.reading(node, nowUs, false);
    if (expiryUs <= nodeNowUs) return; // granted too late to matter
    this.nodeLeaseExpiryUs[node] = expiryUs;
    this.nodeFencePending[node] = 0;
    this.ctx.books.recorder.onLeaseHeld(pair, true, nowUs);
    const checkUs = clocks.isIdentity ? expiryUs : clocks.trueInstantOf(node, expiryUs, false, nowUs);
    this.ctx.events.schedule(checkUs, this.checkKind, node, expiryUs);
  }

  /** The node's own timer: its lease has run out, so it stops acting (fences itself). */
  private onLeaseCheck(node: number, expiryUs: number, nowUs: number): void {
    if (expiryUs !== this.nodeLeaseExpiryUs[node] || !this.ctx.nodes.isUp(node)) return;
    // A paused episode cannot look at its timer: it fences only when it resumes.
    if (this.faults.isPaused(node)) {
      this.nodeFencePending[node] = 1;
      return;
    }
    this.fence(node, nowUs);
  }

  private fence(node: number, nowUs: number): void {
    this.nodeFencePending[node] = 0;
    this.ctx.books.recorder.onLeaseHeld(node, false, nowUs);
  }

  onNodeDown(node: number): void {
    this.nodeLeaseExpiryUs[node] = 0;
    this.nodeFencePending[node] = 0;
  }

  /**
   * The node resumes from a pause. It first reads the grants that waited in its socket
   * (one may still extend its lease), then looks at its timer: the fence it owes, now,
   * if the lease did run out.
   */
  resumed(node: number, nowUs: number): void {
    const inbox = this.inbox;
    if (inbox.length > 0) {
      const epoch = this.ctx.nodes.epoch(node);
      for (let i = 0; i < inbox.length; i++) {
        if (inbox.node[i] === node && inbox.epoch[i] === epoch) this.onGrant(inbox.pair[i]!, inbox.sentUs[i]!, nowUs, inbox.seq[i]!);
      }
      inbox.removeNode(node);
    }
    if (this.nodeFencePending[node] === 1) {
      const clocks = this.ctx.clocks;
      const nodeNowUs = clocks.isIdentity ? nowUs : clocks.reading(node, nowUs, false);
      if (this.nodeLeaseExpiryUs[node]! <= nodeNowUs) this.fence(node, nowUs);
      else this.nodeFencePending[node] = 0;
    }
  }
}
