/**
 * Akka's phi accrual failure detector, as coded in akka-remote
 * PhiAccrualFailureDetector.scala (akka/akka @ 9892c5e; reference §2.2):
 *
 * - A history of at most `maxSampleSize` inter-arrival intervals with running Σx and
 *   Σx²: mean = Σx/n, variance = Σx²/n − mean² (population).
 * - The first heartbeat seeds the history with two intervals, estimate ± estimate/4.
 *   Here every pair starts as if that first heartbeat arrived at the start (membership
 *   is known), as Akka's cluster heartbeat sender does after expected-response-after.
 * - A later heartbeat appends its interval only if the target is available at that
 *   moment (φ < threshold), so the first heartbeat after a failure does not skew the
 *   statistics.
 * - φ(Δ) with σ' = max(σ, minStd), μ' = mean + acceptable pause, y = (Δ − μ')/σ',
 *   e = exp(−y(1.5976 + 0.070566 y²)): −log10(e/(1+e)) if Δ > μ', else
 *   −log10(1 − 1/(1+e)). The logistic approximation of the normal CDF is used exactly
 *   as Akka does; its relative error in the deep tail is large, and fidelity to Akka
 *   means keeping it.
 * - Suspected ⇔ φ ≥ threshold. Since φ grows with Δ, the crossing instant is solved
 *   for (Newton on the cubic in y) instead of polled.
 *
 * Times are integer µs (Akka uses ms; φ is scale-free, and the thresholds in µs are
 * the same instants).
 */
import { akkaCrossingSilenceUs, akkaCrossingY, akkaPhi } from '../../analytic/phi-akka.js';
import type { DetectorConfig } from '../config.js';
import type { StatusCode } from '../status.js';
import { confirmedNextChange, confirmedStatus } from './confirm.js';
import type { Detector } from './detector.js';

/** The `phiAkka` detector configuration (declared once, in config.ts), less what the engine handles. */
export type PhiAkkaSettings = Omit<Extract<DetectorConfig, { kind: 'phiAkka' }>, 'kind' | 'checkIntervalUs'>;

export { akkaCrossingSilenceUs, akkaPhi };

export class PhiAkkaDetector implements Detector {
  readonly family = 'phi-akka';
  private readonly s: PhiAkkaSettings;
  private readonly capacity: number;
  private readonly intervals: Float64Array;
  private readonly count: Int32Array;
  private readonly head: Int32Array;
  private readonly sum: Float64Array;
  private readonly sumSq: Float64Array;
  private readonly lastUs: Float64Array;
  /** Local instant φ reaches the threshold for the current history and last arrival. */
  private readonly crossUs: Float64Array;
  /** `akkaCrossingY(threshold)`, solved once (it was ~15 % of a run, solved per heartbeat). */
  private readonly crossingY: number;

  constructor(pairCount: number, settings: PhiAkkaSettings, startLocalUs: number) {
    if (!(settings.threshold > 0)) throw new RangeError(`phi threshold must be > 0, got ${settings.threshold}`);
    if (!(Number.isInteger(settings.maxSampleSize) && settings.maxSampleSize >= 2)) throw new RangeError('max-sample-size must be a whole number ≥ 2');
    if (!(settings.firstHeartbeatEstimateUs > 0)) throw new RangeError('the first-heartbeat estimate must be > 0');
    this.s = settings;
    this.crossingY = akkaCrossingY(settings.threshold);
    this.capacity = settings.maxSampleSize;
    this.intervals = new Float64Array(pairCount * this.capacity);
    this.count = new Int32Array(pairCount);
    this.head = new Int32Array(pairCount);
    this.sum = new Float64Array(pairCount);
    this.sumSq = new Float64Array(pairCount);
    this.lastUs = new Float64Array(pairCount).fill(startLocalUs);
    this.crossUs = new Float64Array(pairCount);
    const estimate = settings.firstHeartbeatEstimateUs;
    for (let pair = 0; pair < pairCount; pair++) {
      // Akka's firstHeartbeat: mean ± mean/4.
      this.record(pair, estimate - estimate / 4);
      this.record(pair, estimate + estimate / 4);
      this.updateCrossing(pair);
    }
  }

  private record(pair: number, intervalUs: number): void {
    const base = pair * this.capacity;
    let count = this.count[pair]!;
    if (count === this.capacity) {
      // Drop the oldest, as HeartbeatHistory does.
      const oldest = this.intervals[base + this.head[pair]!]!;
      this.sum[pair]! -= oldest;
      this.sumSq[pair]! -= oldest * oldest;
      this.intervals[base + this.head[pair]!] = intervalUs;
      this.head[pair] = (this.head[pair]! + 1) % this.capacity;
    } else {
      this.intervals[base + ((this.head[pair]! + count) % this.capacity)] = intervalUs;
      this.count[pair] = ++count;
    }
    this.sum[pair]! += intervalUs;
    this.sumSq[pair]! += intervalUs * intervalUs;
  }

  private meanUs(pair: number): number {
    return this.sum[pair]! / this.count[pair]!;
  }

  private stdDeviationUs(pair: number): number {
    const mean = this.meanUs(pair);
    return Math.sqrt(Math.max(0, this.sumSq[pair]! / this.count[pair]! - mean * mean));
  }

  /** φ of the pair at a local instant. */
  phi(pair: number, localUs: number): number {
    return akkaPhi(localUs - this.lastUs[pair]!, this.meanUs(pair), this.stdDeviationUs(pair), this.s);
  }

  private updateCrossing(pair: number): void {
    const last = this.lastUs[pair]!;
    let t = last + Math.ceil(akkaCrossingSilenceUs(this.meanUs(pair), this.stdDeviationUs(pair), this.s, this.crossingY));
    // Make the integer instant exact against φ itself (rounding of the solve).
    while (t > last && this.phi(pair, t - 1) >= this.s.threshold) t--;
    while (this.phi(pair, t) < this.s.threshold) t++;
    this.crossUs[pair] = t;
  }

  /** A restarted node is a new resource to Akka (new UID): its history starts again from the estimate. */
  onNewIncarnation(pair: number, localUs: number): void {
    this.count[pair] = 0;
    this.head[pair] = 0;
    this.sum[pair] = 0;
    this.sumSq[pair] = 0;
    const estimate = this.s.firstHeartbeatEstimateUs;
    this.record(pair, estimate - estimate / 4);
    this.record(pair, estimate + estimate / 4);
    // This heartbeat is the resource's first: it sets the timestamp, records no interval.
    this.lastUs[pair] = localUs;
    this.updateCrossing(pair);
  }

  onHeartbeat(pair: number, arrivalLocalUs: number): void {
    const last = this.lastUs[pair]!;
    if (arrivalLocalUs <= last) return; // a duplicate or reordered copy: no new interval
    // Akka records the interval only if the resource is available right now.
    if (arrivalLocalUs < this.crossUs[pair]!) this.record(pair, arrivalLocalUs - last);
    this.lastUs[pair] = arrivalLocalUs;
    this.updateCrossing(pair);
  }

  statusAt(pair: number, localUs: number): StatusCode {
    return confirmedStatus(this.crossUs[pair]!, this.s.confirmAfterUs, localUs);
  }

  nextChangeUs(pair: number, localUs: number): number {
    return confirmedNextChange(this.crossUs[pair]!, this.s.confirmAfterUs, localUs);
  }
}
