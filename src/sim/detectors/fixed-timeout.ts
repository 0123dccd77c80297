/**
 * The seed's monitor: a node is SUSPECTED when the silence since its last arrival
 * (on the observer's clock) exceeds `timeoutUs`, DEAD when it exceeds `deadAfterUs`,
 * and ALIVE again as soon as any heartbeat arrives. "Exceeds" is strict, as in the
 * seed (`now - ts > timeout`). The latest arrival counts, whatever its sequence
 * number, so reordered heartbeats behave like the reference §1.7 detector.
 */
import { NEVER } from '../time.js';
import { Status, type StatusCode } from '../status.js';
import type { Detector } from './detector.js';

export class FixedTimeoutDetector implements Detector {
  readonly family = 'timeout';
  private readonly timeoutUs: number;
  private readonly deadAfterUs: number;
  private readonly lastArrivalUs: Float64Array;

  /** Every pair starts as if a heartbeat had arrived at `startLocalUs` (membership is known). */
  constructor(pairCount: number, timeoutUs: number, deadAfterUs: number, startLocalUs: number) {
    if (!(timeoutUs > 0)) throw new RangeError(`timeout must be > 0 µs, got ${timeoutUs}`);
    if (!(deadAfterUs >= timeoutUs)) {
      throw new RangeError(`dead-after (${deadAfterUs} µs) must be ≥ the timeout (${timeoutUs} µs)`);
    }
    this.timeoutUs = timeoutUs;
    this.deadAfterUs = deadAfterUs;
    this.lastArrivalUs = new Float64Array(pairCount).fill(startLocalUs);
  }

  onHeartbeat(pair: number, arrivalLocalUs: number): void {
    if (arrivalLocalUs > this.lastArrivalUs[pair]!) this.lastArrivalUs[pair] = arrivalLocalUs;
  }

  statusAt(pair: number, localUs: number): StatusCode {
    const silenceUs = localUs - this.lastArrivalUs[pair]!;
    if (silenceUs > this.deadAfterUs) return Status.dead;
    if (silenceUs > this.timeoutUs) return Status.suspected;
    return Status.alive;
  }

  nextChangeUs(pair: number, localUs: number): number {
    const lastUs = this.lastArrivalUs[pair]!;
    const silenceUs = localUs - lastUs;
    // Integer µs: the first instant at which the silence strictly exceeds a threshold.
    if (silenceUs <= this.timeoutUs) return lastUs + this.timeoutUs + 1;
    if (silenceUs <= this.deadAfterUs) return lastUs + this.deadAfterUs + 1;
    return NEVER;
  }
}
