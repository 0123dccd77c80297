/**
 * The seed's recommended combination: push heartbeats for liveness plus a slower pull
 * check for readiness, with "alive but unhealthy" coming from the heartbeats' status.
 *
 * - Liveness is exactly the fixed-timeout detector on the pushed heartbeats (SUSPECTED
 *   after `timeoutUs` of silence, DEAD after `deadAfterUs`); probe replies do not count.
 * - Readiness is a second verdict per pair, READY / NOT_READY. A heartbeat whose status
 *   says unhealthy makes the pair NOT_READY at once, a healthy one READY (unless
 *   `readinessFromHeartbeats` is off). A pull readiness probe runs every
 *   `readinessIntervalUs` at a fixed rate (Kubernetes readinessProbe): it fails without a
 *   healthy reply within `probeTimeoutUs`; `failureThreshold` consecutive failures make
 *   the pair NOT_READY, `successThreshold` consecutive successes READY. The latest news
 *   (a heartbeat, or a probe outcome reaching its threshold) wins. Every pair starts READY.
 */
import type { StatusCode } from '../status.js';
import type { PullDetector, ReadinessDetector } from './detector.js';
import { FixedTimeoutDetector } from './fixed-timeout.js';

export interface LivenessReadinessSettings {
  readonly timeoutUs: number;
  readonly deadAfterUs: number;
  readonly readinessIntervalUs: number;
  readonly probeTimeoutUs: number;
  readonly failureThreshold: number;
  readonly successThreshold: number;
  readonly readinessFromHeartbeats: boolean;
}

/** Probes in flight per pair (as in the pull checker). */
const WINDOW = 64;

export class LivenessReadinessDetector implements PullDetector, ReadinessDetector {
  readonly family = 'liveness-readiness';
  readonly pull = true;
  readonly push = true;
  private readonly liveness: FixedTimeoutDetector;
  private readonly s: LivenessReadinessSettings;
  /** Send instant of probe seq at [pair·WINDOW + seq % WINDOW]; NaN once resolved. */
  private readonly sentUs: Float64Array;
  private readonly oldest: Float64Array;
  private readonly nextSeq: Float64Array;
  private readonly failures: Int32Array;
  private readonly successes: Int32Array;
  /** 1 = READY. */
  private readonly ready: Uint8Array;
  private readonly nextProbeAtUs: Float64Array;

  constructor(pairCount: number, settings: LivenessReadinessSettings, startLocalUs: number, firstProbeUs: (pair: number) => number) {
    const whole = (v: number, what: string) => {
      if (!(Number.isInteger(v) && v >= 1)) throw new RangeError(`${what} must be a whole number ≥ 1, got ${v}`);
    };
    whole(settings.failureThreshold, 'the failure threshold');
    whole(settings.successThreshold, 'the success threshold');
    if (!(settings.readinessIntervalUs > 0)) throw new RangeError('the readiness interval must be > 0');
    if (!(settings.probeTimeoutUs > 0)) throw new RangeError('the probe timeout must be > 0');
    if (settings.probeTimeoutUs > (WINDOW - 2) * settings.readinessIntervalUs) throw new RangeError('the probe timeout is too many readiness intervals long');
    this.liveness = new FixedTimeoutDetector(pairCount, settings.timeoutUs, settings.deadAfterUs, startLocalUs);
    this.s = settings;
    this.sentUs = new Float64Array(pairCount * WINDOW).fill(NaN);
    this.oldest = new Float64Array(pairCount);
    this.nextSeq = new Float64Array(pairCount);
    this.failures = new Int32Array(pairCount);
    this.successes = new Int32Array(pairCount);
    this.ready = new Uint8Array(pairCount).fill(1);
    this.nextProbeAtUs = new Float64Array(pairCount);
    for (let pair = 0; pair < pairCount; pair++) this.nextProbeAtUs[pair] = firstProbeUs(pair);
  }

  // ---- liveness: pushed heartbeats ----------------------------------------------

  onHeartbeat(pair: number, arrivalLocalUs: number, _sentLocalUs: number, _seq: number, healthy: boolean): void {
    this.liveness.onHeartbeat(pair, arrivalLocalUs);
    if (!this.s.readinessFromHeartbeats) return;
    this.expire(pair, arrivalLocalUs); // earlier probe timeouts come first
    this.ready[pair] = healthy ? 1 : 0;
  }

  statusAt(pair: number, localUs: number): StatusCode {
    return this.liveness.statusAt(pair, localUs);
  }

  nextChangeUs(pair: number, localUs: number): number {
    const live = this.liveness.nextChangeUs(pair, localUs);
    // The next probe outcome not yet known: the oldest unresolved probe's timeout.
    for (let seq = this.oldest[pair]!; seq < this.nextSeq[pair]!; seq++) {
      const sent = this.sentUs[pair * WINDOW + (seq % WINDOW)]!;
      if (sent === sent) return Math.min(live, sent + this.s.probeTimeoutUs + 1);
    }
    return live;
  }

  // ---- readiness: pulled probes -------------------------------------------------

  readyAt(pair: number, localUs: number): boolean {
    this.expire(pair, localUs);
    return this.ready[pair] === 1;
  }

  nextProbeUs(pair: number): number {
    return this.nextProbeAtUs[pair]!;
  }

  onProbeSent(pair: number, seq: number, localUs: number): void {
    this.sentUs[pair * WINDOW + (seq % WINDOW)] = localUs;
    this.nextSeq[pair] = seq + 1;
    this.nextProbeAtUs[pair] = this.nextProbeAtUs[pair]! + this.s.readinessIntervalUs;
  }

  onProbeReply(pair: number, arrivalLocalUs: number, _sentLocalUs: number, seq: number, healthy: boolean): void {
    this.expire(pair, arrivalLocalUs);
    const slot = pair * WINDOW + (seq % WINDOW);
    const sent = this.sentUs[slot]!;
    if (seq < this.oldest[pair]! || sent !== sent) return; // already timed out (or a duplicate)
    this.resolve(pair, seq, healthy && arrivalLocalUs - sent <= this.s.probeTimeoutUs);
    while (this.oldest[pair]! < this.nextSeq[pair]! && Number.isNaN(this.sentUs[pair * WINDOW + (this.oldest[pair]! % WINDOW)]!)) {
      this.oldest[pair]!++;
    }
  }

  /** Resolves, in order, the probes whose timeout has passed by `localUs`. */
  private expire(pair: number, localUs: number): void {
    let seq = this.oldest[pair]!;
    while (seq < this.nextSeq[pair]!) {
      const sent = this.sentUs[pair * WINDOW + (seq % WINDOW)]!;
      if (sent === sent) {
        if (localUs <= sent + this.s.probeTimeoutUs) break;
        this.resolve(pair, seq, false);
      }
      seq++;
    }
    this.oldest[pair] = seq;
  }

  private resolve(pair: number, seq: number, success: boolean): void {
    this.sentUs[pair * WINDOW + (seq % WINDOW)] = NaN;
    if (success) {
      this.failures[pair] = 0;
      if (++this.successes[pair]! >= this.s.successThreshold) this.ready[pair] = 1;
    } else {
      this.successes[pair] = 0;
      if (++this.failures[pair]! >= this.s.failureThreshold) this.ready[pair] = 0;
    }
  }
}
