/**
 * Distributions of durations (`dist:` and its parameters): the named laws of
 * src/sim/random/distributions.ts as written in a file, for jitter, link delays
 * (with a fixed `base` in front) and the lengths of faults.
 */
import { z } from 'zod';
import { parseQuantileKey } from '../laws.js';
import { formatDuration } from '../units.js';
import { csvSource } from './sample-files.js';
import { builtOnFirstUse, DURATION_PHRASE, duration, durationCodec, expects, meta, onlyIfValid, positiveDuration, type FieldMeta } from './leaves.js';

const PARETO_SHAPE = 'a number above 1 and at most 100 (for a shape ≤ 1 the mean is infinite, and rates and means could never converge)';

const DIST_KINDS = ['constant', 'uniform', 'exponential', 'normal', 'lognormal', 'pareto', 'empirical'] as const;
export type DistKind = (typeof DIST_KINDS)[number];

/** The named delay laws of src/sim/random/distributions.ts, with their parameters as written. */
const law = <D extends DistKind, S extends z.core.$ZodLooseShape>(dist: D, description: string, shape: S) =>
  z.strictObject({ dist: z.literal(dist).meta(meta({ description })), ...shape });

const buildLawShapes = () => ({
  constant: law('constant', 'Always the same value.', { value: duration('The value.').prefault(0) }),
  uniform: law('uniform', 'Uniform between min and max.', {
    min: duration('Smallest value.').prefault(0),
    max: duration('Largest value.'),
  }),
  exponential: law('exponential', 'Exponential: memoryless, many small values and a thin tail.', { mean: duration('Mean.') }),
  normal: law('normal', 'Normal, truncated at 0 (values below 0 are redrawn, not clamped).', {
    mean: duration('Mean before truncation.'),
    sd: duration('Standard deviation before truncation.'),
  }),
  lognormal: law('lognormal', 'Log-normal: ln X is normal. Right-skewed, with a heavier tail than the exponential.', {
    median: positiveDuration('Median (e^μ).'),
    sigma: z.number(expects('a number ≥ 0')).min(0).max(20).meta(meta({ description: 'σ of ln X (no unit); 0 is constant, 1 is very skewed.', type: 'number ≥ 0' })),
  }),
  pareto: law('pareto', 'Pareto: heavy tail, Pr(X > x) = (scale / x)^shape for x ≥ scale.', {
    scale: positiveDuration('Smallest value.'),
    shape: z
      .number(expects(PARETO_SHAPE))
      .gt(1, expects(PARETO_SHAPE))
      .max(100, expects(PARETO_SHAPE))
      .meta(meta({ description: 'Tail index α (no unit), above 1: the mean is infinite for α ≤ 1, and hbsim\'s means, intervals and closed forms need a finite one.', type: 'number in (1, 100]' })),
  }),
  empirical: law('empirical', 'Your own measurements: give exactly one of `samples`, `quantiles` or `csv`; values are drawn by linear interpolation between them.', {
    samples: z
      .array(duration('One sample.'), expects('a list of durations'))
      .min(2, expects('at least 2 samples'))
      .max(1_000_000)
      .meta(meta({ description: 'Measured values (e.g. one-way delays); sorted, they are equally spaced quantiles of the law.', type: 'list of durations' }))
      .optional(),
    quantiles: z
      .record(z.string(), duration('A quantile.'), expects('a map of quantiles such as { p50: 2ms, p99: 20ms }'))
      .meta(
        meta({
          description:
            'Quantiles by name, p0 to p100 with up to 2 decimals (p50, p99.9): at least two. The law is piecewise linear between them; without p0 it starts at 0 (put a fixed minimum in `base`), without p100 the last segment\'s slope continues to probability 1.',
          type: 'map pN: duration',
        }),
      )
      .optional(),
    csv: csvSource.optional(),
  }),
});

/**
 * The seven laws, built once and shared by every field that takes a distribution
 * (jitter, link delays, seven durations of faults): zod schemas are immutable, and
 * building them afresh for each field cost ~4 ms of CPU a field at start-up.
 */
const lawShapes = builtOnFirstUse(buildLawShapes);

/** The fixed part of a link delay, in front of each law's own fields. */
const withBase = <S extends z.core.$ZodLooseShape>(lawSchema: z.ZodObject<S, z.core.$strict>) =>
  z.strictObject({ base: duration('Fixed part of every one-way delay (propagation, serialisation), added to the random part.').prefault(0), ...lawSchema.shape });

interface LawDraft {
  readonly dist: DistKind;
  readonly min?: number;
  readonly max?: number;
  readonly samples?: readonly number[] | undefined;
  readonly quantiles?: Readonly<Record<string, number>> | undefined;
  readonly csv?: unknown;
}

function checkDistribution(d: LawDraft, ctx: z.RefinementCtx): void {
  if (d.dist === 'uniform' && d.min !== undefined && d.max !== undefined && d.max < d.min) {
    ctx.addIssue({ code: 'custom', path: ['max'], message: `max (${formatDuration(d.max)}) must not be below min (${formatDuration(d.min)})` });
  }
  if (d.dist !== 'empirical') return;
  const given = (['samples', 'quantiles', 'csv'] as const).filter((k) => d[k] !== undefined);
  if (given.length !== 1) {
    ctx.addIssue({
      code: 'custom',
      path: given.length > 1 ? [given[1]!] : [],
      message: given.length > 1 ? `give only one of samples, quantiles or csv (found ${given.join(' and ')})` : 'an empirical law needs one of samples, quantiles or csv',
    });
    return;
  }
  if (d.quantiles === undefined) return;
  const points: { key: string; p: number; us: number }[] = [];
  for (const [key, us] of Object.entries(d.quantiles)) {
    const parsed = parseQuantileKey(key);
    if (!parsed.ok) {
      ctx.addIssue({ code: 'custom', path: ['quantiles', key], message: `"${key}" is not a quantile name; write p0 to p100, e.g. p50, p99 or p99.9` });
      return;
    }
    points.push({ key, p: parsed.probability, us });
  }
  if (points.length < 2) {
    ctx.addIssue({ code: 'custom', path: ['quantiles'], message: 'give at least 2 quantiles, e.g. { p50: 2ms, p99: 20ms }' });
    return;
  }
  points.sort((a, b) => a.p - b.p);
  for (let i = 1; i < points.length; i++) {
    if (points[i]!.p === points[i - 1]!.p) {
      ctx.addIssue({ code: 'custom', path: ['quantiles', points[i]!.key], message: `${points[i - 1]!.key} and ${points[i]!.key} name the same quantile` });
      return;
    }
    if (points[i]!.us < points[i - 1]!.us) {
      ctx.addIssue({
        code: 'custom',
        path: ['quantiles', points[i]!.key],
        message: `${points[i]!.key} (${formatDuration(points[i]!.us)}) is below ${points[i - 1]!.key} (${formatDuration(points[i - 1]!.us)}); quantiles must not decrease`,
      });
      return;
    }
  }
}

const JITTER_DESCRIPTION =
  'Extra delay added to each nominal send instant (not cumulative: the schedule does not drift). Models a sender\'s timer and scheduling slack; more jitter means later heartbeats, so more false suspicions for a given timeout.';

/** A distribution of durations (`dist:` and its parameters). */
export function lawUnion(description: string, extra: Partial<FieldMeta> = {}) {
  return lawUnionBuilt().meta(meta({ description, type: 'distribution', ...extra }));
}

const lawUnionBuilt = builtOnFirstUse(() => {
  const s = lawShapes();
  return z.discriminatedUnion('dist', [s.constant, s.uniform, s.exponential, s.normal, s.lognormal, s.pareto, s.empirical]).superRefine(checkDistribution, onlyIfValid);
});

export function linkDelayUnion(description: string, extra: Partial<FieldMeta> = {}) {
  const s = lawShapes();
  return z
    .discriminatedUnion('dist', [
      withBase(s.constant),
      withBase(s.uniform),
      withBase(s.exponential),
      withBase(s.normal),
      withBase(s.lognormal),
      withBase(s.pareto),
      withBase(s.empirical),
    ])
    .superRefine(checkDistribution, onlyIfValid)
    .meta(meta({ description, type: 'distribution + base', ...extra }));
}

export const jitterSchema = lawUnion(JITTER_DESCRIPTION);

export const LINK_DELAY_DESCRIPTION =
  'One-way delay of each message: base + a draw from the distribution `dist`, independently per message (messages may overtake each other). Longer or heavier-tailed delays need longer timeouts.';

/**
 * A random length of time: a plain duration (always that long) or a distribution as
 * in `heartbeat.jitter` (`{ dist: lognormal, median: 200ms, sigma: 1 }`).
 */
export const durationLaw = (description: string) => durationOrLaw().meta(meta({ description, type: 'duration or distribution', sameAs: 'heartbeat.jitter' }));

/** What every durationLaw field parses with, built once (each field adds only its own description). */
const durationOrLaw = builtOnFirstUse(() =>
  z.union([durationCodec(true), lawUnion('')], expects(`${DURATION_PHRASE}, or a distribution such as { dist: lognormal, median: 200ms, sigma: 1 }`)),
);
