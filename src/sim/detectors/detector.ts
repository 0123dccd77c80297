/**
 * The detector interface. A detector holds the state of many (observer, target)
 * pairs, indexed densely, and sees only the observer's local clock. It never
 * schedules anything: the engine asks when the answer could next change without news
 * (`nextChangeUs`) and keeps one wake-up per pair there, re-checking when it fires.
 * Families that solve for their crossing time (phi accrual) fit the same shape.
 */
import type { StatusCode } from '../status.js';

export interface Detector {
  /** Short family name used in results ("timeout", "phi-akka", ...). */
  readonly family: string;
  /** A heartbeat from the pair's target reached the observer. */
  onHeartbeat(pair: number, arrivalLocalUs: number, sentLocalUs: number, seq: number): void;
  /** The detector's verdict on the pair at local time `localUs` (≥ the last call's). */
  statusAt(pair: number, localUs: number): StatusCode;
  /**
   * Earliest local instant after `localUs` at which `statusAt` may change if no new
   * heartbeat arrives; +Infinity (NEVER) when it cannot.
   */
  nextChangeUs(pair: number, localUs: number): number;
}
