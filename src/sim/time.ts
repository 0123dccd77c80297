/**
 * Simulated time. Every instant and duration in the engine is an integer number of
 * microseconds held in a JS number (exact up to 2^53 µs ≈ 285 years). Brands keep
 * true instants, a node's clock readings and lengths apart at module boundaries;
 * inside hot loops plain numbers named `…Us` are used.
 */

declare const simTimeBrand: unique symbol;
declare const durationBrand: unique symbol;

/** A true instant of simulated time (what metrics use). */
export type SimTimeUs = number & { readonly [simTimeBrand]: true };
/** A length of simulated time. */
export type DurationUs = number & { readonly [durationBrand]: true };

/** Marks "no such instant" (a detector that never changes its mind without news). */
export const NEVER = Number.POSITIVE_INFINITY;

export const US_PER_MS = 1_000;
export const US_PER_S = 1_000_000;
export const US_PER_HOUR = 3_600 * US_PER_S;
export const US_PER_DAY = 24 * US_PER_HOUR;

function assertWholeUs(value: number, what: string): void {
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`${what} must be a whole number of microseconds, got ${value}`);
  }
}

export function us(value: number): DurationUs {
  assertWholeUs(value, 'duration');
  return value as DurationUs;
}

export function ms(value: number): DurationUs {
  return us(Math.round(value * US_PER_MS));
}

export function s(value: number): DurationUs {
  return us(Math.round(value * US_PER_S));
}

export function at(valueUs: number): SimTimeUs {
  assertWholeUs(valueUs, 'instant');
  return valueUs as SimTimeUs;
}
