/** Builds the detector a configuration names. New families register here. */
import type { DetectorConfig } from '../config.js';
import type { Detector } from './detector.js';
import { FixedTimeoutDetector } from './fixed-timeout.js';
import { LivenessReadinessDetector } from './liveness-readiness.js';
import { NfdEDetector } from './nfd-e.js';
import { NfdSDetector } from './nfd-s.js';
import { PhiAkkaDetector } from './phi-akka.js';
import { PhiCassandraDetector } from './phi-cassandra.js';
import { PullCheckDetector } from './pull-check.js';

export interface DetectorContext {
  readonly pairCount: number;
  readonly startLocalUs: number;
  /** The heartbeat (or probe) period. */
  readonly intervalUs: number;
  /** First probe instant of a pair (pull detectors): a uniformly random phase within `periodUs` (default: the interval). */
  readonly firstProbeUs: (pair: number, periodUs?: number) => number;
}

export function createDetector(config: DetectorConfig, ctx: DetectorContext): Detector {
  const { pairCount, startLocalUs, intervalUs } = ctx;
  switch (config.kind) {
    case 'timeout':
      return new FixedTimeoutDetector(pairCount, config.timeoutUs, config.deadAfterUs, startLocalUs);
    case 'lease':
      // The observer's side of a lease is a timeout on renewals; the node's side is in the engine.
      return new FixedTimeoutDetector(pairCount, config.leaseUs, config.deadAfterUs, startLocalUs);
    case 'phiAkka':
      return new PhiAkkaDetector(pairCount, config, startLocalUs);
    case 'phiCassandra':
      return new PhiCassandraDetector(pairCount, config, startLocalUs);
    case 'nfdS':
      return new NfdSDetector(pairCount, intervalUs, config.shiftUs, config.confirmAfterUs, startLocalUs);
    case 'nfdE':
      return new NfdEDetector(pairCount, { ...config, intervalUs }, startLocalUs);
    case 'pullCheck':
      return new PullCheckDetector(pairCount, { ...config, intervalUs }, (pair) => ctx.firstProbeUs(pair));
    case 'livenessReadiness':
      return new LivenessReadinessDetector(pairCount, config, startLocalUs, (pair) => ctx.firstProbeUs(pair, config.readinessIntervalUs));
  }
}

/** How far ahead a detector's timers reach: sizes the scheduler's calendar window. */
export function detectorHorizonUs(config: DetectorConfig, intervalUs: number): number {
  switch (config.kind) {
    case 'timeout':
      return config.timeoutUs;
    case 'lease':
      return config.leaseUs;
    case 'phiAkka':
      return config.acceptablePauseUs + 2 * config.firstHeartbeatEstimateUs;
    case 'phiCassandra':
      return Math.ceil(config.convictThreshold * Math.LN10 * config.initialIntervalUs);
    case 'nfdS':
      return intervalUs + config.shiftUs;
    case 'nfdE':
      return intervalUs + config.marginUs;
    case 'pullCheck':
      return config.probeTimeoutUs + intervalUs;
    case 'livenessReadiness':
      return Math.max(config.timeoutUs, config.probeTimeoutUs);
  }
}

/** Does this family compare timestamps across clocks (wall clocks), or use the observer's monotonic clock? */
export function detectorUsesWallClock(config: DetectorConfig): boolean {
  if (config.kind === 'nfdS') return true;
  if (config.kind === 'timeout') return config.clock === 'wall';
  return false;
}
