/**
 * The schema's leaf types: the builders every section uses for a field (durations,
 * probabilities, rates, counts, names, "Nx" relative values), the field metadata the
 * reference generator reads, and the phrases of the "expected …" errors.
 *
 * Units are parsed while validating (durations become integer µs, "1%" becomes
 * 0.01, "6/h" a rate). Values relative to another field ("timeout: 3x") stay
 * relative here and are resolved later (./timings.ts), so that a swept heartbeat
 * interval carries its timeout along.
 */
import { z } from 'zod';
import {
  DURATION_EXAMPLES,
  formatDuration,
  formatRate,
  formatRelative,
  formatSignedDuration,
  parseDurationUs,
  parseProbability,
  parseRate,
  parseRelative,
  parseSignedDurationUs,
  RATE_EXAMPLES,
  type Rate,
  type Relative,
} from '../units.js';

export const MAX_NODES = 100_000;
export const MAX_REPLICATIONS = 10_000;
/** Names become file names (`<name>.json`) and stream keys: keep them plain. */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const NAME_PHRASE = 'a name of letters, digits, ".", "_" or "-" (at most 64, not starting with "." "_" or "-")';

export const DURATION_PHRASE = `a duration such as ${DURATION_EXAMPLES}`;
export const PROBABILITY_PHRASE = 'a probability in [0, 1], such as 0.01 or 1%';

/** Field metadata read by the reference generator. */
export interface FieldMeta {
  readonly description: string;
  /** How the type reads in the docs ("duration", "probability"); derived from zod when absent. */
  readonly type?: string;
  /** A default that is not a fixed value (e.g. "the file name"). */
  readonly defaultText?: string;
  /** For one map of a union without a discriminator: how the docs name this form ("{ average, burst }"). */
  readonly variant?: string;
  /**
   * The fields inside are those of another field (e.g. `heartbeat.jitter`): the docs
   * say so in one row instead of repeating them, while "did you mean" still knows them.
   */
  readonly sameAs?: string;
}

export const meta = (m: FieldMeta) => m as FieldMeta & Record<string, unknown>;

/**
 * A schema built on first use, for sections most scenarios leave out (used inside
 * `z.lazy`): zod builds every schema object eagerly, and with V8's code cache
 * (bin/code-cache.js) building the scenario schemas was the largest part of `hbsim`'s
 * start-up left (links.ts and sections.ts most: three partial links per link class,
 * reverse_link, protocol). Building link_classes, reverse_link and protocol on first use
 * took ~45 ms of CPU off `hbsim run` workload B's start-up (medians of 8, loaded
 * machine; test/cli/lazy-schema.test.ts). `built()` says whether it has been.
 */
export function builtOnFirstUse<T>(build: () => T): { (): T; built(): boolean } {
  let schema: T | undefined;
  const get = () => (schema ??= build());
  return Object.assign(get, { built: () => schema !== undefined });
}

/**
 * An optional section built on first use: `z.lazy(section).optional()`, with one thing
 * zod would otherwise do at every parse of the scenario object: ask the lazy whether its
 * schema takes "defaulted" input (`optin`: the optional's parse of an absent key does),
 * which builds it. A section (an object) does not, so the lazy answers undefined, as
 * the own property zod itself memoises it in (zod is pinned; test/cli/lazy-schema.test.ts
 * fails should that change).
 */
export function optionalOnFirstUse<T extends z.ZodType>(section: () => T) {
  const lazy = z.lazy(section);
  Object.defineProperty(lazy._zod, 'optin', { value: undefined, configurable: true, writable: true });
  return lazy.optional();
}
export const expects = (phrase: string) => ({ error: () => `expected ${phrase}` });
/**
 * Cross-field rules run only on values that passed every other check: zod would
 * otherwise run them after non-aborting failures (a count above its maximum, say).
 */
export const onlyIfValid = { when: (payload: z.core.ParsePayload) => payload.issues.length === 0 };
export const scalarInput = (phrase: string) => z.union([z.string(), z.number()], expects(phrase));

export function durationCodec(positive: boolean) {
  const phrase = positive ? `${DURATION_PHRASE}, greater than 0` : DURATION_PHRASE;
  return z.codec(scalarInput(phrase), z.int().min(0), {
    decode: (input, ctx) => {
      const parsed = parseDurationUs(input);
      if (!parsed.ok || (positive && parsed.value === 0)) {
        const note = parsed.ok ? 'it must be greater than 0' : parsed.reason;
        ctx.issues.push({ code: 'custom', message: `expected ${phrase}`, input, params: { note } });
        return z.NEVER;
      }
      return parsed.value;
    },
    encode: (us) => formatDuration(us),
  });
}

/** A length of time ≥ 0, written with a unit ("250ms", "1.5s", "1h30m") or as 0. */
export const duration = (description: string, extra: Partial<FieldMeta> = {}) => durationCodec(false).meta(meta({ description, type: 'duration', ...extra }));
/** A length of time > 0. */
export const positiveDuration = (description: string, extra: Partial<FieldMeta> = {}) => durationCodec(true).meta(meta({ description, type: 'duration > 0', ...extra }));

/** A duration that may be negative ("-500ms"): a clock step. */
export const signedDuration = (description: string) => {
  const phrase = `a duration such as 500ms or -2s`;
  return z
    .codec(scalarInput(phrase), z.int(), {
      decode: (input, ctx) => {
        const parsed = parseSignedDurationUs(input);
        if (!parsed.ok) {
          ctx.issues.push({ code: 'custom', message: `expected ${phrase}`, input, params: { note: parsed.reason } });
          return z.NEVER;
        }
        return parsed.value;
      },
      encode: (us) => formatSignedDuration(us),
    })
    .meta(meta({ description, type: 'signed duration' }));
};

export const probability = (description: string, extra: Partial<FieldMeta> = {}) =>
  z
    .codec(scalarInput(PROBABILITY_PHRASE), z.number().min(0).max(1), {
      decode: (input, ctx) => {
        const parsed = parseProbability(input);
        if (!parsed.ok) {
          ctx.issues.push({ code: 'custom', message: `expected ${PROBABILITY_PHRASE}`, input, params: { note: parsed.reason } });
          return z.NEVER;
        }
        return parsed.value;
      },
      encode: (p) => p,
    })
    .meta(meta({ description, type: 'probability', ...extra }));

const relativeOutput = z.union([
  z.object({ kind: z.literal('absolute'), us: z.int().min(0) }),
  z.object({ kind: z.literal('multiple'), factor: z.number().positive() }),
]);

/** A duration, or "Nx": N times a reference length named in the description. */
export const relative = (description: string, reference: string) => {
  const phrase = `${DURATION_PHRASE}, or a multiple of ${reference} such as 3x`;
  return z
    .codec(scalarInput(phrase), relativeOutput, {
      decode: (input, ctx): Relative => {
        const parsed = parseRelative(input);
        if (!parsed.ok || (parsed.value.kind === 'absolute' && parsed.value.us === 0)) {
          const note = parsed.ok ? 'it must be greater than 0' : parsed.reason;
          ctx.issues.push({ code: 'custom', message: `expected ${phrase}`, input, params: { note } });
          return z.NEVER;
        }
        return parsed.value;
      },
      encode: (value) => formatRelative(value),
    })
    .meta(meta({ description, type: `duration or Nx (× ${reference})` }));
};

export type DeadAfter = Relative | { readonly kind: 'never' };

export const deadAfterCodec = (description: string, reference = 'timeout') => {
  const phrase = `${DURATION_PHRASE}, a multiple of the ${reference} such as 2x, or never`;
  return z
    .codec(scalarInput(phrase), z.union([relativeOutput, z.object({ kind: z.literal('never') })]), {
      decode: (input, ctx): DeadAfter => {
        if (input === 'never') return { kind: 'never' };
        const parsed = parseRelative(input);
        if (!parsed.ok) {
          ctx.issues.push({ code: 'custom', message: `expected ${phrase}`, input, params: { note: parsed.reason } });
          return z.NEVER;
        }
        return parsed.value;
      },
      encode: (value) => (value.kind === 'never' ? 'never' : formatRelative(value)),
    })
    .meta(meta({ description, type: `duration, Nx (× ${reference}) or never` }));
};

/** A duration, or `never` (null). */
export const durationOrNever = (description: string) => {
  const phrase = `${DURATION_PHRASE}, or never`;
  return z
    .codec(scalarInput(phrase), z.union([z.int().min(0), z.null()]), {
      decode: (input, ctx): number | null => {
        if (input === 'never') return null;
        const parsed = parseDurationUs(input);
        if (!parsed.ok) {
          ctx.issues.push({ code: 'custom', message: `expected ${phrase}`, input, params: { note: parsed.reason } });
          return z.NEVER;
        }
        return parsed.value;
      },
      encode: (value) => (value === null ? 'never' : formatDuration(value)),
    })
    .meta(meta({ description, type: 'duration or never' }));
};

/** Events per unit of time ("6/h"). */
export const rate = (description: string) => {
  const phrase = `a rate such as ${RATE_EXAMPLES}`;
  return z
    .codec(scalarInput(phrase), z.object({ count: z.number().positive(), unit: z.string() }), {
      decode: (input, ctx): Rate => {
        const parsed = parseRate(input);
        if (!parsed.ok) {
          ctx.issues.push({ code: 'custom', message: `expected ${phrase}`, input, params: { note: parsed.reason } });
          return z.NEVER;
        }
        return parsed.value;
      },
      encode: (value) => formatRate(value),
    })
    .meta(meta({ description, type: 'rate (count/unit)' }));
};

export const wholeNumber = (min: number, max: number, description: string) => {
  const phrase = `a whole number from ${min} to ${max}`;
  return z
    .int(expects(phrase))
    .min(min, expects(phrase))
    .max(max, expects(phrase))
    .meta(meta({ description, type: `integer ≥ ${min}` }));
};

export const name = (description: string) => z.string(expects(NAME_PHRASE)).regex(NAME_PATTERN, expects(NAME_PHRASE)).meta(meta({ description, type: 'name' }));

export const seedSchema = z
  .union([z.int().min(0), z.string().min(1).max(200)], expects('a whole number ≥ 0 or a non-empty string'))
  .meta(meta({ description: 'Root of every random stream. The same scenario and seed give byte-identical results.', type: 'integer or string' }));
