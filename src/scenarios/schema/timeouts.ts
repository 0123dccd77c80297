/**
 * The detector's timings in µs, "Nx" resolved against the heartbeat interval: the
 * nominal timeout, the silence before DEAD, the check interval.
 */
import { akkaCrossingSilenceUs } from '../../analytic/phi-akka.js';
import { resolveRelativeUs } from '../units.js';
import type { DetectorSpec } from './detectors.js';

/** What the timings depend on: a scenario's `heartbeat` and `detector`. */
export interface TimingSpec {
  readonly heartbeat: { readonly interval: number };
  readonly detector: DetectorSpec;
}

/**
 * The detector's nominal timeout in µs: how long a node that fell silent goes
 * unsuspected, for the family's settings and the heartbeat interval ("Nx" resolved).
 * Exact for `timeout` and `lease`; for the others, what their parameters give in a
 * steady state: phi accrual with the history it starts from, NFD-S and NFD-E their
 * bound of interval + shift (or margin), pull checks the failed probes needed.
 */
export function timeoutUsOf(scenario: TimingSpec): number {
  const d = scenario.detector;
  const intervalUs = scenario.heartbeat.interval;
  switch (d.kind) {
    case 'timeout':
    case 'liveness_readiness':
      return resolveRelativeUs(d.timeout, intervalUs);
    case 'lease':
      return resolveRelativeUs(d.lease, intervalUs);
    case 'phi_akka': {
      const estimateUs = d.first_heartbeat_estimate ?? intervalUs;
      const settings = { threshold: d.threshold, acceptablePauseUs: d.acceptable_pause, minStdDeviationUs: d.min_std_deviation, maxSampleSize: d.max_sample_size, firstHeartbeatEstimateUs: estimateUs, confirmAfterUs: 0 };
      // Nominal: to the millisecond.
      return Math.round(akkaCrossingSilenceUs(estimateUs, estimateUs / 4, settings) / 1000) * 1000;
    }
    case 'phi_cassandra':
      return Math.round((d.phi_convict_threshold * Math.LN10 * Math.min(intervalUs, d.max_interval)) / 1000) * 1000;
    case 'nfd_s':
      return intervalUs + resolveRelativeUs(d.shift, intervalUs);
    case 'nfd_e':
      return intervalUs + resolveRelativeUs(d.margin, intervalUs);
    case 'pull_check': {
      const spacingUs = d.schedule === 'fixed_rate' ? intervalUs : intervalUs + d.probe_timeout;
      return (d.unhealthy_threshold - 1) * spacingUs + d.probe_timeout;
    }
  }
}

/** Silence before DEAD in µs ("Nx" resolved), or +Infinity for none; nominal like `timeoutUsOf`. */
export function deadAfterUsOf(scenario: TimingSpec): number {
  const d = scenario.detector;
  const intervalUs = scenario.heartbeat.interval;
  switch (d.kind) {
    case 'timeout':
    case 'liveness_readiness':
    case 'lease': {
      const deadAfter = d.dead_after;
      if (deadAfter.kind === 'never') return Number.POSITIVE_INFINITY;
      return resolveRelativeUs(deadAfter, timeoutUsOf(scenario));
    }
    case 'pull_check': {
      const threshold = d.dead_threshold === undefined ? d.unhealthy_threshold : d.dead_threshold;
      if (threshold === null) return Number.POSITIVE_INFINITY;
      const spacingUs = d.schedule === 'fixed_rate' ? intervalUs : intervalUs + d.probe_timeout;
      return (threshold - 1) * spacingUs + d.probe_timeout;
    }
    default:
      return d.confirm_after === null ? Number.POSITIVE_INFINITY : timeoutUsOf(scenario) + d.confirm_after;
  }
}

/** The check interval of families that evaluate in rounds (0: exact timers; pull checks have none). */
export function checkIntervalUsOf(detector: DetectorSpec): number {
  return detector.kind === 'pull_check' ? 0 : detector.check_interval;
}
