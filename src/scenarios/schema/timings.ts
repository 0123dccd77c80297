/**
 * The detector's timings in µs: the nominal timeout, the silence before DEAD, the
 * check interval; and the one place a relative duration ("timeout: 3x") becomes µs.
 *
 * The schema keeps "Nx" as written (a multiple, not a length), so that a swept or
 * overridden heartbeat interval carries its timeout along; `relativeUs` resolves it
 * when a length is needed: by the cross-field rules (./rules.ts), by ../build.ts for
 * the engine, by ../knobs.ts for the system's settings, by the warnings. Nothing else
 * multiplies a factor: grep for `relativeUs(` to see every caller.
 */
import { akkaCrossingSilenceUs } from '../../analytic/phi-akka.js';
import type { DetectorSpec } from './detectors.js';
import type { DeadAfter } from './leaves.js';

/** What the timings depend on: a scenario's `heartbeat` and `detector`. */
export interface TimingSpec {
  readonly heartbeat: { readonly interval: number };
  readonly detector: DetectorSpec;
}

/**
 * The fields that may be written "Nx" (all in `detector`), and the length their x
 * multiplies: `dead_after` a multiple of the detector's timeout (its lease for
 * `lease`), the others of `heartbeat.interval`. Every other duration refuses "Nx"
 * when the file is validated ("expected a duration such as …").
 */
export const RELATIVE_FIELDS = {
  timeout: 'heartbeat.interval',
  lease: 'heartbeat.interval',
  shift: 'heartbeat.interval',
  margin: 'heartbeat.interval',
  dead_after: 'timeout',
} as const;

export type RelativeField = keyof typeof RELATIVE_FIELDS;

export const isRelativeField = (key: string): key is RelativeField => Object.hasOwn(RELATIVE_FIELDS, key);

/**
 * `detector.<field>` in µs: an absolute length as it is, "Nx" as N times its
 * reference (RELATIVE_FIELDS) rounded to the nearest µs, `dead_after: never` as
 * +Infinity. Throws a RangeError when the detector has no such field (a `lease`
 * has no `shift`): a caller asking for it has a bug, not the scenario.
 */
export function relativeUs(scenario: TimingSpec, field: RelativeField): number {
  const d = scenario.detector;
  const value = Object.hasOwn(d, field) ? (d as unknown as Record<RelativeField, DeadAfter | undefined>)[field] : undefined;
  if (value === undefined) throw new RangeError(`a ${d.kind} detector has no ${field}`);
  if (value.kind === 'never') return Number.POSITIVE_INFINITY;
  if (value.kind === 'absolute') return value.us;
  const referenceUs = RELATIVE_FIELDS[field] === 'timeout' ? timeoutUsOf(scenario) : scenario.heartbeat.interval;
  return Math.round(value.factor * referenceUs);
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
      return relativeUs(scenario, 'timeout');
    case 'lease':
      return relativeUs(scenario, 'lease');
    case 'phi_akka': {
      const estimateUs = d.first_heartbeat_estimate ?? intervalUs;
      const settings = { threshold: d.threshold, acceptablePauseUs: d.acceptable_pause, minStdDeviationUs: d.min_std_deviation, maxSampleSize: d.max_sample_size, firstHeartbeatEstimateUs: estimateUs, confirmAfterUs: 0 };
      // Nominal: to the millisecond.
      return Math.round(akkaCrossingSilenceUs(estimateUs, estimateUs / 4, settings) / 1000) * 1000;
    }
    case 'phi_cassandra':
      return Math.round((d.phi_convict_threshold * Math.LN10 * Math.min(intervalUs, d.max_interval)) / 1000) * 1000;
    case 'nfd_s':
      return intervalUs + relativeUs(scenario, 'shift');
    case 'nfd_e':
      return intervalUs + relativeUs(scenario, 'margin');
    case 'pull_check':
      return failedProbesUs(d, d.unhealthy_threshold, intervalUs);
  }
}

/** Silence before DEAD in µs (`dead_after` resolved), or +Infinity for none; nominal like `timeoutUsOf`. */
export function deadAfterUsOf(scenario: TimingSpec): number {
  const d = scenario.detector;
  const intervalUs = scenario.heartbeat.interval;
  switch (d.kind) {
    case 'timeout':
    case 'liveness_readiness':
    case 'lease':
      return relativeUs(scenario, 'dead_after');
    case 'pull_check': {
      const threshold = d.dead_threshold === undefined ? d.unhealthy_threshold : d.dead_threshold;
      return threshold === null ? Number.POSITIVE_INFINITY : failedProbesUs(d, threshold, intervalUs);
    }
    default:
      return d.confirm_after === null ? Number.POSITIVE_INFINITY : timeoutUsOf(scenario) + d.confirm_after;
  }
}

/** Silence until `failures` probes in a row have failed: probes `heartbeat.interval` apart (after completion: plus the probe timeout). */
function failedProbesUs(d: Extract<DetectorSpec, { kind: 'pull_check' }>, failures: number, intervalUs: number): number {
  const spacingUs = d.schedule === 'fixed_rate' ? intervalUs : intervalUs + d.probe_timeout;
  return (failures - 1) * spacingUs + d.probe_timeout;
}

/** The check interval of families that evaluate in rounds (0: exact timers; pull checks have none). */
export function checkIntervalUsOf(detector: DetectorSpec): number {
  return detector.kind === 'pull_check' ? 0 : detector.check_interval;
}
