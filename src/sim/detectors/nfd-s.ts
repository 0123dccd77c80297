/**
 * Chen, Toueg & Aguilera's NFD-S (reference §1.2): heartbeat m_i is sent at σ_i and the
 * observer's freshness points are τ_i = σ_i + δ. At t ∈ [τ_i, τ_{i+1}) the observer
 * trusts the target iff it has received some m_j with j ≥ i. With ℓ the largest
 * sequence number received, that is: trust iff t < σ_ℓ + η + δ.
 *
 * σ_ℓ is the send time the heartbeat carries, on the sender's wall clock, compared
 * with the observer's wall clock: NFD-S assumes synchronized clocks, and a skewed or
 * stepped sender clock shifts every freshness point (which is the point of modelling
 * clocks). Before any heartbeat, the pair is trusted until η + δ after the start.
 */
import type { StatusCode } from '../status.js';
import { confirmedNextChange, confirmedStatus } from './confirm.js';
import type { Detector } from './detector.js';

export class NfdSDetector implements Detector {
  readonly family = 'nfd-s';
  readonly usesWallClock = true;
  private readonly intervalUs: number;
  private readonly shiftUs: number;
  private readonly confirmAfterUs: number;
  private readonly highestSeq: Float64Array;
  /** τ_{ℓ+1}: from this local instant on, the pair is suspected. */
  private readonly freshUntilUs: Float64Array;

  constructor(pairCount: number, intervalUs: number, shiftUs: number, confirmAfterUs: number, startLocalUs: number) {
    if (!(shiftUs > 0)) throw new RangeError(`the NFD-S shift δ must be > 0, got ${shiftUs}`);
    this.intervalUs = intervalUs;
    this.shiftUs = shiftUs;
    this.confirmAfterUs = confirmAfterUs;
    this.highestSeq = new Float64Array(pairCount).fill(-1);
    this.freshUntilUs = new Float64Array(pairCount).fill(startLocalUs + intervalUs + shiftUs);
  }

  onHeartbeat(pair: number, _arrivalLocalUs: number, sentLocalUs: number, seq: number): void {
    if (seq <= this.highestSeq[pair]!) return; // an older heartbeat brings no news
    this.highestSeq[pair] = seq;
    this.freshUntilUs[pair] = sentLocalUs + this.intervalUs + this.shiftUs;
  }

  statusAt(pair: number, localUs: number): StatusCode {
    return confirmedStatus(this.freshUntilUs[pair]!, this.confirmAfterUs, localUs);
  }

  nextChangeUs(pair: number, localUs: number): number {
    return confirmedNextChange(this.freshUntilUs[pair]!, this.confirmAfterUs, localUs);
  }
}
