/**
 * Input checks shared by the analytic oracles (arrival-timeout.ts, nfd-s.ts), plus the one
 * geometric helper both need. Every check throws RangeError with the name of the offending
 * field, so a bad scenario fails at the boundary instead of as a NaN later. No results here.
 */

export function requireWholePositiveUs(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`${what} must be a whole number of microseconds ≥ 1, got ${String(value)}`);
  }
}

export function requireProbability(value: number, what: string): void {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    throw new RangeError(`${what} must be a probability in [0, 1], got ${String(value)}`);
  }
}

export function requirePositiveSeconds(value: number, what: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${what} must be a finite number of seconds > 0, got ${String(value)}`);
  }
}

/** Points p + shift reduced modulo `period` into the open interval (0, period). */
export function phasesWithin(points: readonly number[], shift: number, period: number): number[] {
  const out: number[] = [];
  for (const p of points) {
    let r = (p + shift) % period;
    if (r < 0) r += period;
    if (r > 0 && r < period) out.push(r);
  }
  return out;
}
