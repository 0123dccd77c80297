/**
 * Which unit a log's numeric times are in. A log in milliseconds read as seconds turns a
 * 1 s heartbeat into "16.7 min" and every verdict into nonsense, silently; so the unit is
 * either given (--unit) or inferred from two things a log cannot hide — the size of its
 * timestamps (epoch seconds, milliseconds, microseconds and nanoseconds differ by 10^3)
 * and the heartbeat interval it implies — and an implausible reading is refused.
 */
import type { TimeUnit } from './parse-csv.js';

export const US_PER: Readonly<Record<TimeUnit, number>> = { s: 1e6, ms: 1e3, us: 1, ns: 1e-3 };

/**
 * Heartbeat intervals seen in practice: from 50 µs (HPC interconnects) to 5 min (the
 * longest AWS ALB HealthCheckIntervalSeconds is 300). Outside it, the unit is wrong.
 */
export const PLAUSIBLE_INTERVAL_US = { min: 50, max: 300_000_000 } as const;

/** Epoch timestamps of 2001..5138 in each unit (10^9..10^11 seconds). */
const EPOCH_RANGE: readonly (readonly [TimeUnit, number, number])[] = [
  ['s', 1e9, 1e11],
  ['ms', 1e12, 1e14],
  ['us', 1e15, 1e17],
  ['ns', 1e18, 1e20],
];

export type UnitChoice =
  | { readonly ok: true; readonly unit: TimeUnit; readonly how: string }
  | { readonly ok: false; readonly message: string };

/**
 * Chooses the unit of numeric times written as `values` (as written in the log) with a
 * median gap between a node's consecutive heartbeats of `medianGap` (same unit as
 * written). `given` is the --unit option when the user passed one.
 */
export function chooseUnit(firstValue: number, medianGap: number | null, given: TimeUnit | undefined, fallback: TimeUnit): UnitChoice {
  const interval = (unit: TimeUnit) => (medianGap === null ? null : medianGap * US_PER[unit]);
  const plausible = (unit: TimeUnit) => {
    const us = interval(unit);
    return us === null || (us >= PLAUSIBLE_INTERVAL_US.min && us <= PLAUSIBLE_INTERVAL_US.max);
  };
  const readings = () =>
    (['s', 'ms', 'us', 'ns'] as const)
      .filter((u) => plausible(u))
      .map((u) => `--unit ${u} (median interval ${describeUs(interval(u)!)})`)
      .join(' or ');
  if (given !== undefined) {
    if (plausible(given)) return { ok: true, unit: given, how: `${unitWord(given)} (--unit ${given})` };
    return { ok: false, message: `with --unit ${given} the median interval between heartbeats is ${describeUs(interval(given)!)}, not a plausible heartbeat interval (${describeUs(PLAUSIBLE_INTERVAL_US.min)} to ${describeUs(PLAUSIBLE_INTERVAL_US.max)}); ${readings() || 'check the time column'}` };
  }
  const epoch = EPOCH_RANGE.find(([, lo, hi]) => Math.abs(firstValue) >= lo && Math.abs(firstValue) < hi);
  if (epoch !== undefined && plausible(epoch[0])) return { ok: true, unit: epoch[0], how: `epoch ${unitWord(epoch[0])}, from the size of the timestamps (--unit to say otherwise)` };
  if (plausible(fallback)) return { ok: true, unit: fallback, how: `${unitWord(fallback)}, the default (--unit to say otherwise)` };
  return {
    ok: false,
    message: `read as ${unitWord(fallback)}, the median interval between heartbeats is ${describeUs(interval(fallback)!)}, not a plausible heartbeat interval; say which unit the log is in: ${readings() || '--unit s|ms|us|ns'}`,
  };
}

export function unitWord(unit: TimeUnit): string {
  return { s: 'seconds', ms: 'milliseconds', us: 'microseconds', ns: 'nanoseconds' }[unit];
}

function describeUs(us: number): string {
  const a = Math.abs(us);
  const fmt = (v: number) => String(Number(v.toPrecision(3)));
  if (a >= 3_600_000_000) return `${fmt(us / 3_600_000_000)} h`;
  if (a >= 60_000_000) return `${fmt(us / 60_000_000)} min`;
  if (a >= 1_000_000) return `${fmt(us / 1_000_000)} s`;
  if (a >= 1000) return `${fmt(us / 1000)} ms`;
  return `${fmt(us)} µs`;
}

/** The median gap between consecutive values per node (values as written), or null with no gap. */
export function medianGap(perNode: readonly (readonly number[])[]): number | null {
  const gaps: number[] = [];
  for (const values of perNode) {
    const sorted = [...values].sort((a, b) => a - b);
    for (let i = 1; i < sorted.length; i++) gaps.push(sorted[i]! - sorted[i - 1]!);
  }
  if (gaps.length === 0) return null;
  gaps.sort((a, b) => a - b);
  return gaps[Math.floor(gaps.length / 2)]!;
}
