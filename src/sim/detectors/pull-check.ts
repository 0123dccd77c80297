/**
 * Pull health checks: the observer probes, the target replies. AWS ALB target-group
 * checks and Kubernetes probes probe at a fixed rate; Elasticsearch's follower checks
 * schedule the next check one interval after the previous one completed (success or
 * timeout). A probe succeeds when a healthy reply arrives within the probe timeout and
 * fails otherwise (no reply, a late one, or an "unhealthy" one). Consecutive counts
 * drive the verdict: SUSPECTED after `unhealthyThreshold` failures (ALB's unhealthy
 * threshold, ES's retry_count, Kubernetes' failureThreshold), DEAD after
 * `deadThreshold`, trusted again after `healthyThreshold` successes (reference §4.9,
 * §4.11). Outcomes are applied in probe order.
 */
import { Status, type StatusCode } from '../status.js';
import { NEVER } from '../time.js';
import type { PullDetector } from './detector.js';

export interface PullCheckSettings {
  readonly intervalUs: number;
  readonly probeTimeoutUs: number;
  readonly unhealthyThreshold: number;
  readonly healthyThreshold: number;
  readonly deadThreshold: number;
  readonly schedule: 'fixedRate' | 'afterCompletion';
}

/** Probes in flight per pair; more would mean a timeout many times the interval. */
const WINDOW = 64;

export class PullCheckDetector implements PullDetector {
  readonly family = 'pull-check';
  readonly pull = true;
  private readonly s: PullCheckSettings;
  /** Send instant of probe seq at [pair·WINDOW + seq % WINDOW]; NaN once resolved. */
  private readonly sentUs: Float64Array;
  /** Oldest unresolved probe and the next probe number, per pair. */
  private readonly oldest: Float64Array;
  private readonly nextSeq: Float64Array;
  private readonly failures: Int32Array;
  private readonly successes: Int32Array;
  private readonly status: Uint8Array;
  private readonly nextProbeAtUs: Float64Array;

  constructor(pairCount: number, settings: PullCheckSettings, firstProbeUs: (pair: number) => number) {
    const whole = (v: number, what: string) => {
      if (!(Number.isInteger(v) && v >= 1)) throw new RangeError(`${what} must be a whole number ≥ 1, got ${v}`);
    };
    whole(settings.unhealthyThreshold, 'the unhealthy threshold');
    whole(settings.healthyThreshold, 'the healthy threshold');
    if (!(settings.deadThreshold >= settings.unhealthyThreshold)) throw new RangeError('the dead threshold must be ≥ the unhealthy threshold');
    if (!(settings.probeTimeoutUs > 0)) throw new RangeError('the probe timeout must be > 0');
    if (settings.probeTimeoutUs > (WINDOW - 2) * settings.intervalUs) throw new RangeError('the probe timeout is too many intervals long');
    this.s = settings;
    this.sentUs = new Float64Array(pairCount * WINDOW).fill(NaN);
    this.oldest = new Float64Array(pairCount);
    this.nextSeq = new Float64Array(pairCount);
    this.failures = new Int32Array(pairCount);
    this.successes = new Int32Array(pairCount);
    this.status = new Uint8Array(pairCount);
    this.nextProbeAtUs = new Float64Array(pairCount);
    for (let pair = 0; pair < pairCount; pair++) this.nextProbeAtUs[pair] = firstProbeUs(pair);
  }

  nextProbeUs(pair: number): number {
    return this.nextProbeAtUs[pair]!;
  }

  onProbeSent(pair: number, seq: number, localUs: number): void {
    this.sentUs[pair * WINDOW + (seq % WINDOW)] = localUs;
    this.nextSeq[pair] = seq + 1;
    this.nextProbeAtUs[pair] = this.s.schedule === 'fixedRate' ? this.nextProbeAtUs[pair]! + this.s.intervalUs : NEVER;
  }

  /** Resolves, in order, the probes whose timeout has passed by `localUs`. */
  private expire(pair: number, localUs: number): void {
    let seq = this.oldest[pair]!;
    while (seq < this.nextSeq[pair]!) {
      const sent = this.sentUs[pair * WINDOW + (seq % WINDOW)]!;
      if (sent === sent) {
        if (localUs <= sent + this.s.probeTimeoutUs) break; // still waiting for this one
        this.resolve(pair, seq, false, sent + this.s.probeTimeoutUs);
      }
      seq++;
    }
    this.oldest[pair] = seq;
  }

  private resolve(pair: number, seq: number, success: boolean, completedUs: number): void {
    this.sentUs[pair * WINDOW + (seq % WINDOW)] = NaN;
    if (success) {
      this.failures[pair] = 0;
      this.successes[pair]!++;
      if (this.status[pair] !== Status.alive && this.successes[pair]! >= this.s.healthyThreshold) this.status[pair] = Status.alive;
    } else {
      this.successes[pair] = 0;
      const failures = ++this.failures[pair]!;
      if (failures >= this.s.deadThreshold) this.status[pair] = Status.dead;
      else if (failures >= this.s.unhealthyThreshold && this.status[pair] === Status.alive) this.status[pair] = Status.suspected;
    }
    if (this.s.schedule === 'afterCompletion' && seq === this.nextSeq[pair]! - 1) this.nextProbeAtUs[pair] = completedUs + this.s.intervalUs;
  }

  onHeartbeat(pair: number, arrivalLocalUs: number, _sentLocalUs: number, seq: number, healthy: boolean): void {
    this.expire(pair, arrivalLocalUs);
    const slot = pair * WINDOW + (seq % WINDOW);
    const sent = this.sentUs[slot]!;
    if (seq < this.oldest[pair]! || sent !== sent) return; // already timed out (or a duplicate)
    this.resolve(pair, seq, healthy && arrivalLocalUs - sent <= this.s.probeTimeoutUs, arrivalLocalUs);
    // Resolved out of order: advance past it if it was the oldest.
    while (this.oldest[pair]! < this.nextSeq[pair]! && Number.isNaN(this.sentUs[pair * WINDOW + (this.oldest[pair]! % WINDOW)]!)) {
      this.oldest[pair]!++;
    }
  }

  statusAt(pair: number, localUs: number): StatusCode {
    this.expire(pair, localUs);
    return this.status[pair] as StatusCode;
  }

  nextChangeUs(pair: number): number {
    // The next outcome not yet known: the oldest unresolved probe's timeout.
    for (let seq = this.oldest[pair]!; seq < this.nextSeq[pair]!; seq++) {
      const sent = this.sentUs[pair * WINDOW + (seq % WINDOW)]!;
      if (sent === sent) return sent + this.s.probeTimeoutUs + 1;
    }
    return NEVER;
  }
}
