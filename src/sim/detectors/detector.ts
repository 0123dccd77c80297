/**
 * The detector interface. A detector holds the state of many (observer, target)
 * pairs, indexed densely, and sees only the observer's local clock. It never
 * schedules anything: the engine asks when the answer could next change without news
 * (`nextChangeUs`) and keeps one wake-up per pair there, re-checking when it fires.
 * Families that solve for their crossing time (phi accrual) fit the same shape.
 *
 * `statusAt` is called with non-decreasing local times per pair and may update the
 * detector's own bookkeeping (a probe that timed out, a conviction); it is the only
 * place where time passing changes a verdict.
 *
 * Pull detectors (health checks, follower checks) also say when the observer sends
 * its next probe (`nextProbeUs`); the engine carries the probe to the target and the
 * reply back, and reports both ends here.
 */
import type { StatusCode } from '../status.js';

export interface Detector {
  /** Short family name used in results ("timeout", "phi-akka", ...). */
  readonly family: string;
  /**
   * A heartbeat (push) or a probe reply (pull) from the pair's target reached the
   * observer. `sentLocalUs` is the sender's wall-clock send time for a heartbeat, or
   * the observer's own send time of the probe for a reply; `seq` numbers them.
   */
  onHeartbeat(pair: number, arrivalLocalUs: number, sentLocalUs: number, seq: number, healthy: boolean): void;
  /** The detector's verdict on the pair at local time `localUs` (≥ the last call's). */
  statusAt(pair: number, localUs: number): StatusCode;
  /**
   * Earliest local instant after `localUs` at which `statusAt` may change if no new
   * heartbeat arrives; +Infinity (NEVER) when it cannot.
   */
  nextChangeUs(pair: number, localUs: number): number;
  /** Called at the start of every polling round (check_interval > 0), before the pairs are evaluated. */
  beginRound?(localUs: number): void;
  /**
   * The target restarted: the heartbeat about to be reported is the first the observer
   * sees from its new process (a new Akka UID, a new incarnation). Families that learn
   * from the old process's timing forget it here.
   */
  onNewIncarnation?(pair: number, localUs: number): void;
}

/**
 * A detector that probes its targets (pull). Without `push`, probes replace pushed
 * heartbeats and their replies arrive through `onHeartbeat`; with `push: true` the
 * nodes push heartbeats as well (reported through `onHeartbeat`) and probe replies are
 * reported apart, through `onProbeReply`.
 */
export interface PullDetector extends Detector {
  readonly pull: true;
  /** The nodes push heartbeats too (the engine then runs both paths). */
  readonly push?: true;
  /** A reply to probe `seq` (sent at the observer's `sentLocalUs`) arrived; required with `push`. */
  onProbeReply?(pair: number, arrivalLocalUs: number, sentLocalUs: number, seq: number, healthy: boolean): void;
  /** Local instant of the pair's next probe (after `localUs`), or NEVER while one must complete first. */
  nextProbeUs(pair: number, localUs: number): number;
  /** The observer sent probe `seq` to the pair's target at `localUs`. */
  onProbeSent(pair: number, seq: number, localUs: number): void;
}

export function isPullDetector(detector: Detector): detector is PullDetector {
  return (detector as Partial<PullDetector>).pull === true;
}

/**
 * A detector with a second verdict per pair, readiness (READY / NOT_READY), beside
 * liveness. Like `statusAt`, `readyAt` is called with non-decreasing local times and
 * may resolve timed-out probes; its changes without news are covered by `nextChangeUs`.
 */
export interface ReadinessDetector extends Detector {
  readyAt(pair: number, localUs: number): boolean;
}

export function isReadinessDetector(detector: Detector): detector is ReadinessDetector {
  return typeof (detector as Partial<ReadinessDetector>).readyAt === 'function';
}
