/**
 * Simulated time. Every instant and duration in the engine is an integer number of
 * microseconds held in a plain JS number named `…Us` (exact up to 2^53 µs ≈ 285
 * years). True instants drive metrics; a node's clock readings are local
 * (faults/clock.ts). Round 1 declared brands for instants and durations that nothing
 * used; they are gone rather than kept as decoration.
 */

/** Marks "no such instant" (a detector that never changes its mind without news). */
export const NEVER = Number.POSITIVE_INFINITY;

export const US_PER_MS = 1_000;
export const US_PER_S = 1_000_000;
export const US_PER_HOUR = 3_600 * US_PER_S;
export const US_PER_DAY = 24 * US_PER_HOUR;
