/**
 * NFD-E (Chen, Toueg & Aguilera; reference §1.6): no synchronized clocks. The observer
 * estimates the expected arrival of the next heartbeat from the n most recent ones,
 *   EA_{ℓ+1} = (1/n) Σ_{recent n} (A'_s − s·η) + (ℓ+1)·η,
 * where A'_s is the local receipt time of heartbeat s and ℓ the largest sequence
 * number received, and trusts the target until the freshness point EA_{ℓ+1} + α.
 *
 * With `bertier`, the margin α adapts as in Bertier, Marin & Sens (DSN 2002), after
 * Jacobson's RTT estimator: error = A' − EA − delay; delay += γ·error;
 * var += γ·(|error| − var); α = β·delay + φ·var.
 */
import type { StatusCode } from '../status.js';
import { confirmedNextChange, confirmedStatus } from './confirm.js';
import type { Detector } from './detector.js';

export interface NfdESettings {
  readonly intervalUs: number;
  readonly marginUs: number;
  readonly windowSize: number;
  readonly bertier: { readonly beta: number; readonly phi: number; readonly gamma: number } | null;
  readonly confirmAfterUs: number;
}

export class NfdEDetector implements Detector {
  readonly family = 'nfd-e';
  private readonly s: NfdESettings;
  private readonly offsets: Float64Array;
  private readonly count: Int32Array;
  private readonly head: Int32Array;
  private readonly sum: Float64Array;
  private readonly highestSeq: Float64Array;
  private readonly freshUntilUs: Float64Array;
  // Bertier's estimator state.
  private readonly delay: Float64Array;
  private readonly variance: Float64Array;
  private readonly marginUs: Float64Array;

  constructor(pairCount: number, settings: NfdESettings, startLocalUs: number) {
    if (!(Number.isInteger(settings.windowSize) && settings.windowSize >= 1)) throw new RangeError('the NFD-E window must be a whole number ≥ 1');
    if (!(settings.marginUs >= 0)) throw new RangeError('the NFD-E margin α must be ≥ 0');
    this.s = settings;
    this.offsets = new Float64Array(pairCount * settings.windowSize);
    this.count = new Int32Array(pairCount);
    this.head = new Int32Array(pairCount);
    this.sum = new Float64Array(pairCount);
    this.highestSeq = new Float64Array(pairCount).fill(-1);
    this.freshUntilUs = new Float64Array(pairCount).fill(startLocalUs + settings.intervalUs + settings.marginUs);
    this.delay = new Float64Array(pairCount);
    this.variance = new Float64Array(pairCount);
    this.marginUs = new Float64Array(pairCount).fill(settings.marginUs);
  }

  /** The current estimate of the next heartbeat's arrival (local µs). */
  private expectedArrivalUs(pair: number): number {
    return this.sum[pair]! / this.count[pair]! + (this.highestSeq[pair]! + 1) * this.s.intervalUs;
  }

  /** A restarted sender has a new phase: the old arrivals say nothing about the new ones. */
  onNewIncarnation(pair: number): void {
    this.count[pair] = 0;
    this.head[pair] = 0;
    this.sum[pair] = 0;
    this.delay[pair] = 0;
    this.variance[pair] = 0;
    this.marginUs[pair] = this.s.marginUs;
  }

  onHeartbeat(pair: number, arrivalLocalUs: number, _sentLocalUs: number, seq: number): void {
    if (seq <= this.highestSeq[pair]!) return;
    const b = this.s.bertier;
    if (b && this.count[pair]! > 0) {
      // Jacobson-style update of the margin from this arrival's error against EA.
      const expected = this.sum[pair]! / this.count[pair]! + seq * this.s.intervalUs;
      const error = arrivalLocalUs - expected - this.delay[pair]!;
      this.delay[pair]! += b.gamma * error;
      this.variance[pair]! += b.gamma * (Math.abs(error) - this.variance[pair]!);
      this.marginUs[pair] = Math.max(0, b.beta * this.delay[pair]! + b.phi * this.variance[pair]!);
    }
    const size = this.s.windowSize;
    const base = pair * size;
    const offset = arrivalLocalUs - seq * this.s.intervalUs;
    const count = this.count[pair]!;
    if (count === size) {
      this.sum[pair]! -= this.offsets[base + this.head[pair]!]!;
      this.offsets[base + this.head[pair]!] = offset;
      this.head[pair] = (this.head[pair]! + 1) % size;
    } else {
      this.offsets[base + ((this.head[pair]! + count) % size)] = offset;
      this.count[pair] = count + 1;
    }
    this.sum[pair]! += offset;
    this.highestSeq[pair] = seq;
    this.freshUntilUs[pair] = Math.ceil(this.expectedArrivalUs(pair) + this.marginUs[pair]!);
  }

  statusAt(pair: number, localUs: number): StatusCode {
    return confirmedStatus(this.freshUntilUs[pair]!, this.s.confirmAfterUs, localUs);
  }

  nextChangeUs(pair: number, localUs: number): number {
    return confirmedNextChange(this.freshUntilUs[pair]!, this.s.confirmAfterUs, localUs);
  }
}
