/**
 * The scenario file format, declared once. Each field's type, range, default (as a
 * user would write it), unit and meaning live here; from this schema come the
 * TypeScript types (`ScenarioInput` as written, `Scenario` with units resolved),
 * the reference table in docs/scenarios.md (see ./reference.ts) and, through zod's
 * codecs, the normalised form written into results files (`normalizeScenario`).
 *
 * Units are parsed while validating (durations become integer µs, "1%" becomes
 * 0.01, "6/h" a rate). Values relative to another field ("timeout: 3x") stay
 * relative here and are resolved by build.ts, so that a swept heartbeat interval
 * carries its timeout along. Cross-field rules are refinements with a path, so the
 * loader can point at the offending line; softer problems are warnings
 * (`scenarioWarnings`).
 *
 * The one thing read from outside the document is a CSV file of delay samples
 * (`dist: empirical, csv: …`): the loader, which alone reads files, lends the schema
 * a reader for the duration of one validation (`withSampleFileReader`).
 *
 * Adding a detector family or a fault kind: add a variant to `detectorSchema` (a
 * union on `kind`) or a key to `faultSchema` (one key per entry), then teach
 * build.ts to map it onto the engine's configuration.
 */
import { z } from 'zod';
import { akkaCrossingSilenceUs } from '../analytic/phi-akka.js';
import { boundPhrase, METRIC_PATHS, METRIC_UNITS, parseThreshold, THRESHOLD_EXAMPLES, type Threshold } from './expect.js';
import { gilbertFromAverage, parseQuantileKey } from './laws.js';
import { closest } from './suggest.js';
import { protocolRules, protocolSchema } from './protocol-schema.js';
import { MAX_SWEEP_VALUES, RANGE_EXAMPLE, rangeValues } from './sweep.js';
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
  MAX_DURATION_TEXT,
  MAX_DURATION_US,
  resolveRelativeUs,
  type Rate,
  type Relative,
} from './units.js';

export const MAX_NODES = 100_000;
export const MAX_REPLICATIONS = 10_000;
/** Names become file names (`<name>.json`) and stream keys: keep them plain. */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const NAME_PHRASE = 'a name of letters, digits, ".", "_" or "-" (at most 64, not starting with "." "_" or "-")';

const DURATION_PHRASE = `a duration such as ${DURATION_EXAMPLES}`;
const PROBABILITY_PHRASE = 'a probability in [0, 1], such as 0.01 or 1%';

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

const meta = (m: FieldMeta) => m as FieldMeta & Record<string, unknown>;
const expects = (phrase: string) => ({ error: () => `expected ${phrase}` });
/**
 * Cross-field rules run only on values that passed every other check: zod would
 * otherwise run them after non-aborting failures (a count above its maximum, say).
 */
const onlyIfValid = { when: (payload: z.core.ParsePayload) => payload.issues.length === 0 };
const scalarInput = (phrase: string) => z.union([z.string(), z.number()], expects(phrase));

// ---------------------------------------------------------------- leaf types

function durationCodec(positive: boolean) {
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
const duration = (description: string, extra: Partial<FieldMeta> = {}) => durationCodec(false).meta(meta({ description, type: 'duration', ...extra }));
/** A length of time > 0. */
const positiveDuration = (description: string, extra: Partial<FieldMeta> = {}) => durationCodec(true).meta(meta({ description, type: 'duration > 0', ...extra }));

/** A duration that may be negative ("-500ms"): a clock step. */
const signedDuration = (description: string) => {
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

const probability = (description: string, extra: Partial<FieldMeta> = {}) =>
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
const relative = (description: string, reference: string) => {
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

const deadAfterCodec = (description: string, reference = 'timeout') => {
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
const durationOrNever = (description: string) => {
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
const rate = (description: string) => {
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

const wholeNumber = (min: number, max: number, description: string) => {
  const phrase = `a whole number from ${min} to ${max}`;
  return z
    .int(expects(phrase))
    .min(min, expects(phrase))
    .max(max, expects(phrase))
    .meta(meta({ description, type: `integer ≥ ${min}` }));
};

const name = (description: string) => z.string(expects(NAME_PHRASE)).regex(NAME_PATTERN, expects(NAME_PHRASE)).meta(meta({ description, type: 'name' }));

const seedSchema = z
  .union([z.int().min(0), z.string().min(1).max(200)], expects('a whole number ≥ 0 or a non-empty string'))
  .meta(meta({ description: 'Root of every random stream. The same scenario and seed give byte-identical results.', type: 'integer or string' }));

// ------------------------------------------------------------ sample files

/** Where a CSV of samples is, and how to read it. */
export interface SampleFileSpec {
  readonly file: string;
  /** Header name, or 1-based column number; absent when the file has one column. */
  readonly column?: string | number;
  /** Unit of bare numbers in the file. */
  readonly unit?: 'us' | 'ms' | 's';
}

export type SampleFileResult =
  | { readonly ok: true; readonly samplesUs: readonly number[] }
  | { readonly ok: false; readonly message: string; readonly at?: { readonly file: string; readonly line: number; readonly column: number } };

/** Reads a sample file for the schema; the loader provides one (it alone reads files). */
export type SampleFileReader = (spec: SampleFileSpec) => SampleFileResult;

let sampleFileReader: SampleFileReader | undefined;

/** Runs `fn` (a validation) with `reader` lent to the schema for `csv:` fields. */
export function withSampleFileReader<T>(reader: SampleFileReader, fn: () => T): T {
  const previous = sampleFileReader;
  sampleFileReader = reader;
  try {
    return fn();
  } finally {
    sampleFileReader = previous;
  }
}

const CSV_PHRASE = 'a file name, or a map { file, column, unit }';
const csvSpecInput = z.union(
  [
    z.string().min(1),
    z.strictObject({
      file: z.string().min(1),
      column: z.union([z.string().min(1), z.int().min(1)]).optional(),
      unit: z.enum(['us', 'ms', 's']).optional(),
    }),
  ],
  expects(CSV_PHRASE),
);

const csvSource = z
  .codec(csvSpecInput, z.object({ file: z.string(), column: z.union([z.string(), z.int()]).optional(), unit: z.enum(['us', 'ms', 's']).optional(), samplesUs: z.array(z.number()) }), {
    decode: (input, ctx) => {
      const spec: SampleFileSpec = typeof input === 'string' ? { file: input } : input;
      const result: SampleFileResult = sampleFileReader?.(spec) ?? { ok: false, message: 'sample files can be read only when a scenario file is loaded' };
      if (!result.ok) {
        ctx.issues.push({ code: 'custom', message: result.message, input, params: result.at === undefined ? {} : { at: result.at } });
        return z.NEVER;
      }
      return { ...spec, samplesUs: [...result.samplesUs].sort((a, b) => a - b) };
    },
    encode: (value) => (value.column === undefined && value.unit === undefined ? value.file : { file: value.file, ...(value.column === undefined ? {} : { column: value.column }), ...(value.unit === undefined ? {} : { unit: value.unit }) }),
  })
  .meta(
    meta({
      description:
        'A CSV file of delay samples, relative to the scenario file: one duration per line ("2.5ms"), or a column of one (`column:` a header name or a number from 1) with bare numbers in `unit` (us, ms or s). Blank lines and lines starting with # are skipped; a first line that is not a value is a header.',
      type: 'file or { file, column, unit }',
    }),
  );

// ------------------------------------------------------------ distributions

const PARETO_SHAPE = 'a number above 1 and at most 100 (for a shape ≤ 1 the mean is infinite, and rates and means could never converge)';

const DIST_KINDS = ['constant', 'uniform', 'exponential', 'normal', 'lognormal', 'pareto', 'empirical'] as const;
export type DistKind = (typeof DIST_KINDS)[number];

/** The named delay laws of src/sim/random/distributions.ts, with their parameters as written. */
const law = <D extends DistKind, S extends z.core.$ZodLooseShape>(dist: D, description: string, shape: S) =>
  z.strictObject({ dist: z.literal(dist).meta(meta({ description })), ...shape });

const lawShapes = () => ({
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
function lawUnion(description: string, extra: Partial<FieldMeta> = {}) {
  const s = lawShapes();
  return z
    .discriminatedUnion('dist', [s.constant, s.uniform, s.exponential, s.normal, s.lognormal, s.pareto, s.empirical])
    .superRefine(checkDistribution, onlyIfValid)
    .meta(meta({ description, type: 'distribution', ...extra }));
}

function linkDelayUnion(description: string, extra: Partial<FieldMeta> = {}) {
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

const jitterSchema = lawUnion(JITTER_DESCRIPTION);

const LINK_DELAY_DESCRIPTION =
  'One-way delay of each message: base + a draw from the distribution `dist`, independently per message (messages may overtake each other). Longer or heavier-tailed delays need longer timeouts.';

/**
 * A random length of time: a plain duration (always that long) or a distribution as
 * in `heartbeat.jitter` (`{ dist: lognormal, median: 200ms, sigma: 1 }`).
 */
const durationLaw = (description: string) =>
  z
    .union([durationCodec(true), lawUnion('')], expects(`${DURATION_PHRASE}, or a distribution such as { dist: lognormal, median: 200ms, sigma: 1 }`))
    .meta(meta({ description, type: 'duration or distribution', sameAs: 'heartbeat.jitter' }));

// ---------------------------------------------------------------- links

const LOSS_DESCRIPTION =
  'Message loss. A probability: each message is lost independently (Bernoulli). Or bursty loss (Gilbert–Elliott), either `{ average, burst }` (long-run loss rate and mean burst length in messages) or netem\'s four parameters `{ enter_bad, leave_bad, loss_in_bad, loss_in_good }` (`tc qdisc … loss gemodel p r 1-h 1-k`). More loss, and burstier loss at the same average, means more false suspicions for a given timeout.';

const averageBurstLoss = () =>
  z
    .strictObject({
      average: probability('Long-run fraction of messages lost.'),
      burst: z
        .number(expects('a number ≥ 1'))
        .min(1, expects('a number ≥ 1 (a burst is at least one message)'))
        .max(1_000_000, expects('a number ≤ 1000000'))
        .meta(meta({ description: 'Mean number of consecutive messages lost in a burst. The simple Gilbert model: nothing is lost in the good state, everything in the bad one; r = 1/burst and p = average·r/(1 − average).', type: 'number ≥ 1' })),
    })
    .superRefine((l, ctx) => {
      const g = gilbertFromAverage(l.average, l.burst);
      if (!g.ok) {
        ctx.addIssue({
          code: 'custom',
          path: ['average'],
          message: `with bursts of ${l.burst} messages on average, at most ${+(100 * g.maxAverage).toPrecision(4)}% of the messages can be lost (p would exceed 1); lower the average or lengthen the bursts`,
        });
      }
    }, onlyIfValid)
    .meta(meta({ description: 'Bursty loss by average and burst length.', variant: '{ average, burst }' }));

const netemLoss = () =>
  z
    .strictObject({
      enter_bad: probability('p: per message, the chance the link turns bad (netem\'s p). The good state lasts 1/p messages on average.'),
      leave_bad: probability('r: per message, the chance a bad link recovers (netem\'s r). A burst lasts 1/r messages on average.'),
      loss_in_bad: probability('1 − h: loss probability in the bad state (netem\'s 1-h).').prefault(1),
      loss_in_good: probability('1 − k: loss probability in the good state (netem\'s 1-k).').prefault(0),
    })
    .superRefine((l, ctx) => {
      if (l.enter_bad > 0 && l.leave_bad === 0) ctx.addIssue({ code: 'custom', path: ['leave_bad'], message: 'leave_bad 0 would make the first burst last forever; give it a value > 0' });
    }, onlyIfValid)
    .meta(meta({ description: 'Gilbert–Elliott loss by netem\'s parameters.', variant: '{ enter_bad, leave_bad, … }' }));

const lossSchema = (extra: Partial<FieldMeta> = {}) =>
  z
    .union([probability(''), averageBurstLoss(), netemLoss()], expects(`${PROBABILITY_PHRASE}, or a map { average, burst } or { enter_bad, leave_bad, loss_in_bad, loss_in_good }`))
    .meta(meta({ description: LOSS_DESCRIPTION, type: 'probability or map', ...extra }));

export type LossSpec = z.output<ReturnType<typeof lossSchema>>;

const DUPLICATE_DESCRIPTION = 'Each delivered message is delivered a second time, with its own delay, with this probability.';

const TRANSPORT_DESCRIPTION =
  '`udp`: a lost message is gone (one missing heartbeat). `tcp`: messages ride one connection per direction, so a lost segment is retransmitted after the retransmission timeout (Linux: SRTT + max(4·RTTVAR, 200 ms), 1 s before the first sample, doubling per retry up to 120 s), every later message waits behind it (head-of-line blocking), and the connection breaks only after `tcp.retries2` retries or `tcp.user_timeout`; then messages are lost until it reconnects. Most production heartbeats ride TCP (Elasticsearch, ZooKeeper, Kafka, etcd/gRPC, Kubernetes, Akka Artery TCP, Cassandra). `duplicate` does not apply to TCP.';

/** TCP parameters: Linux defaults (include/net/tcp.h, net.ipv4.tcp_retries2). */
const tcpSchema = z
  .strictObject({
    rto_min: positiveDuration('Floor of the RTO\'s variance term (Linux TCP_RTO_MIN; per route with `ip route … rto_min`).').prefault('200ms'),
    rto_initial: positiveDuration('RTO before the first round-trip sample (RFC 6298 §2.1, Linux TCP_TIMEOUT_INIT).').prefault('1s'),
    rto_max: positiveDuration('Ceiling of the backed-off RTO (Linux TCP_RTO_MAX).').prefault('120s'),
    retries2: wholeNumber(0, 100, 'Retransmissions of one segment before the connection breaks (net.ipv4.tcp_retries2; 15 ≈ 924.6 s from a 200 ms RTO). Elasticsearch recommends 5 (≈ 12.6 s).').prefault(15),
    reconnect_delay: duration('From a break until a new connection carries messages (the client\'s reconnect backoff plus the handshake).').prefault('1s'),
    user_timeout: duration('Break the connection once a segment has gone unacknowledged this long (TCP_USER_TIMEOUT, or an application timeout that closes the socket); 0 for none.').prefault(0),
  })
  .superRefine((t, ctx) => {
    if (t.rto_max < t.rto_min) ctx.addIssue({ code: 'custom', path: ['rto_max'], message: `rto_max must be at least rto_min (${formatDuration(t.rto_min)})` });
    if (t.rto_max < t.rto_initial) ctx.addIssue({ code: 'custom', path: ['rto_max'], message: `rto_max must be at least rto_initial (${formatDuration(t.rto_initial)})` });
  }, onlyIfValid)
  .meta(meta({ description: 'TCP parameters, for `transport: tcp` (Linux defaults).', type: 'map' }));

export type TcpSpec = z.output<typeof tcpSchema>;

const transportSchema = (extra: Partial<FieldMeta> = {}) =>
  z.enum(['udp', 'tcp'], expects('udp or tcp')).meta(meta({ description: TRANSPORT_DESCRIPTION, type: 'udp or tcp', ...extra }));

const linkSchema = z.strictObject({
  loss: lossSchema().prefault(0),
  duplicate: probability(DUPLICATE_DESCRIPTION).prefault(0),
  delay: linkDelayUnion(LINK_DELAY_DESCRIPTION).prefault({ dist: 'constant', value: 0 }),
  // Optional rather than defaulted, so scenarios that do not mention TCP normalise as before.
  transport: transportSchema({ defaultText: '`udp`' }).optional(),
  tcp: tcpSchema.meta(meta({ description: 'TCP parameters, for `transport: tcp` (Linux defaults).', type: 'map', defaultText: 'Linux defaults' })).optional(),
});

/** Link fields that default to another link's (`reverse_link`, link classes, directions). */
const partialLink = (fallback: string) =>
  z.strictObject({
    loss: lossSchema({ sameAs: 'link.loss', defaultText: fallback === '' ? 'optional' : `${fallback}'s` }).optional(),
    duplicate: probability(DUPLICATE_DESCRIPTION, { defaultText: fallback === '' ? 'optional' : `${fallback}'s` }).optional(),
    delay: linkDelayUnion(LINK_DELAY_DESCRIPTION, { sameAs: 'link.delay', defaultText: fallback === '' ? 'optional' : `${fallback}'s` }).optional(),
    transport: transportSchema({ defaultText: fallback === '' ? 'optional' : `${fallback}'s` }).optional(),
    tcp: tcpSchema.meta(meta({ description: 'TCP parameters, for `transport: tcp`.', type: 'map', sameAs: 'link.tcp', defaultText: fallback === '' ? 'optional' : `${fallback}'s` })).optional(),
  });

export type LinkSpec = z.output<typeof linkSchema>;
export type PartialLinkSpec = z.output<ReturnType<typeof partialLink>>;

/**
 * Link classes one can start from (`preset:` in `link_classes`). Orders of magnitude
 * from reference §5.8: about 0.5 ms round trip inside a datacenter (Dean and Norvig's
 * latency numbers), about 130 ms across the continental US (etcd's tuning guide).
 * The loss rates and the spread of the delays are assumptions: §5.8 found no
 * published intra- or inter-datacenter loss rates.
 */
export const LINK_CLASS_PRESETS = {
  /** One switch hop: well under the 0.5 ms datacenter round trip. */
  'same-rack': { loss: 0.00001, duplicate: 0, delay: { dist: 'exponential', base: 50, mean: 50 } },
  /** Another datacenter of the same region: a few datacenter round trips. */
  'cross-zone': { loss: 0.0001, duplicate: 0, delay: { dist: 'exponential', base: 500, mean: 250 } },
  /** Another region: half of the 130 ms continental-US round trip, with a skewed spread. */
  'cross-region': { loss: 0.001, duplicate: 0, delay: { dist: 'lognormal', base: 65_000, median: 2_000, sigma: 1 } },
} as const satisfies Record<string, { loss: number; duplicate: number; delay: Record<string, unknown> }>;

export type LinkClassPreset = keyof typeof LINK_CLASS_PRESETS;
const LINK_CLASS_PRESET_NAMES = Object.keys(LINK_CLASS_PRESETS) as [LinkClassPreset, ...LinkClassPreset[]];

function describePreset(p: (typeof LINK_CLASS_PRESETS)[LinkClassPreset]): string {
  const d = p.delay as { dist: string; base: number; mean?: number; median?: number; sigma?: number };
  const random = d.dist === 'exponential' ? `exponential mean ${formatDuration(d.mean!)}` : `lognormal median ${formatDuration(d.median!)}, sigma ${d.sigma}`;
  return `loss ${+(p.loss * 100).toPrecision(3)}%, delay ${formatDuration(d.base)} + ${random}`;
}

const nodeListSchema = z.array(name('A node name.'), expects('a list of node names')).min(1, expects('at least one node name')).max(MAX_NODES);

const nodeSelectorSchema = (description = 'Which nodes the fault applies to: `all`, one name, or a list of names from `cluster`.') =>
  z
    .union([z.literal('all'), name('A node name.'), nodeListSchema], expects('"all", a node name or a list of node names'))
    .meta(meta({ description, type: '"all", name or list' }));

export type NodeSelectorSpec = 'all' | string | readonly string[];

const linkClassSchema = z.strictObject({
  preset: z
    .enum(LINK_CLASS_PRESET_NAMES, expects(`one of ${LINK_CLASS_PRESET_NAMES.join(', ')}`))
    .meta(
      meta({
        description: `Start from a typical link (assumed values): ${LINK_CLASS_PRESET_NAMES.map((n) => `\`${n}\`: ${describePreset(LINK_CLASS_PRESETS[n])}`).join('; ')}. The class's own fields replace the preset's.`,
        type: 'preset name',
      }),
    )
    .optional(),
  nodes: nodeSelectorSchema('Nodes whose link to the monitor is of this class: `all`, one name, or a list. A node named by a later class takes that class.'),
  ...partialLink('link').shape,
  to_monitor: partialLink('the class')
    .meta(meta({ description: 'Only the node → monitor direction (heartbeats, replies): fields that differ from the class.', type: 'map' }))
    .optional(),
  from_monitor: partialLink('the class')
    .meta(meta({ description: 'Only the monitor → node direction (probes, lease grants): fields that differ from the class.', type: 'map' }))
    .optional(),
});

export type LinkClassSpec = z.output<typeof linkClassSchema>;

const CLASS_NAME_PHRASE = `${NAME_PHRASE}, with at least one letter`;
const className = z
  .string()
  .regex(NAME_PATTERN, expects(CLASS_NAME_PHRASE))
  // All-digit keys would be reordered by JavaScript, and classes apply in order.
  .regex(/[^0-9]/, expects(CLASS_NAME_PHRASE));

// ---------------------------------------------------------------- sections

const clusterSchema = z.strictObject({
  nodes: z
    .union([z.int().min(1).max(MAX_NODES), nodeListSchema], expects(`a node count (1 to ${MAX_NODES}) or a list of node names`))
    .meta(meta({ description: 'Monitored nodes: a count (named node-01, node-02, … zero-padded so they sort) or a list of names. Each node sends heartbeats over its own link to the monitor.', type: 'integer or list of names' }))
    .prefault(10),
  monitor: name('Name of the observer that receives the heartbeats and runs the detector.').prefault('monitor'),
});

const heartbeatSchema = z.strictObject({
  interval: positiveDuration('Nominal time between two heartbeats of one node (for `pull_check`, between two probes). Shorter intervals detect sooner and send more messages.').prefault('1s'),
  jitter: jitterSchema.prefault({ dist: 'constant', value: 0 }),
});

// ---------------------------------------------------------------- faults

/** When an episodic fault strikes: exactly one of these keys. */
const ONSET_KEYS = ['at', 'every', 'rate', 'period'] as const;

const onsetShape = (whose: string) => ({
  at: duration(`Once, at this simulated time.`).optional(),
  every: positiveDuration(`Poisson onsets with this mean gap (exponential gaps), independently ${whose}.`).optional(),
  rate: rate(`Poisson onsets at this rate (6/h = a mean gap of 10m), independently ${whose}.`).optional(),
  period: positiveDuration(`Periodic onsets, this far apart, starting at a uniformly random phase ${whose}.`).optional(),
});

interface OnsetDraft {
  readonly at?: number | undefined;
  readonly every?: number | undefined;
  readonly rate?: Rate | undefined;
  readonly period?: number | undefined;
}

function checkOnset(kind: string, f: OnsetDraft, ctx: z.RefinementCtx): void {
  const given = ONSET_KEYS.filter((k) => f[k] !== undefined);
  if (given.length === 0) {
    ctx.addIssue({ code: 'custom', path: [], message: `a ${kind} needs an onset: one of \`at\` (once), \`every\` or \`rate\` (Poisson) or \`period\` (periodic)` });
  } else if (given.length > 1) {
    ctx.addIssue({ code: 'custom', path: [given[1]!], message: `give only one onset: \`${given[0]}\` or \`${given[1]}\`, not both` });
  }
}

/** `duration` (a law) or `for` (a fixed length): exactly one. */
function checkLength(kind: string, f: { duration?: unknown; for?: unknown }, ctx: z.RefinementCtx): void {
  if (f.duration === undefined && f.for === undefined) ctx.addIssue({ code: 'custom', path: [], message: `a ${kind} needs a \`duration\` (or \`for\`, a fixed length)` });
  else if (f.duration !== undefined && f.for !== undefined) ctx.addIssue({ code: 'custom', path: ['for'], message: 'give either `duration` or `for`, not both' });
}

const crashSchema = z
  .strictObject({
    nodes: nodeSelectorSchema().prefault('all'),
    at: duration('One crash: simulated time at which the nodes crash. Use either `at` or `mttf` + `mttr`.').optional(),
    down: positiveDuration('With `at`: how long the nodes stay down before recovering. Omit to keep them down.').optional(),
    mttf: positiveDuration('Crash/recover cycles: mean time to failure (exponential up-times, per node or per rack).').optional(),
    mttr: positiveDuration('Crash/recover cycles: mean time to repair (exponential down-times, per node or per rack).').optional(),
    restart_delay: duration('Crash/recover cycles: a fixed time added to every down-time (a process that takes this long to start), on top of the repair time.').optional(),
    rack_size: z
      .int(expects('a whole number ≥ 1'))
      .min(1, expects('a whole number ≥ 1'))
      .max(MAX_NODES)
      .meta(meta({ description: 'Crash/recover cycles: correlated crashes. The selected nodes, in name order, form racks of this many that crash and recover together (a top-of-rack switch, a shared host). 1 = independent nodes.', type: 'integer ≥ 1' }))
      .optional(),
  })
  .superRefine((c, ctx) => {
    const once = c.at !== undefined;
    const cycles = c.mttf !== undefined || c.mttr !== undefined;
    if (once && cycles) {
      ctx.addIssue({ code: 'custom', path: [c.mttf !== undefined ? 'mttf' : 'mttr'], message: 'use either `at` (one crash) or `mttf` and `mttr` (crash/recover cycles), not both' });
    } else if (!once && !cycles) {
      ctx.addIssue({ code: 'custom', path: [], message: 'a crash needs either `at` (one crash, optionally with `down`) or `mttf` and `mttr` (crash/recover cycles)' });
    } else if (cycles && (c.mttf === undefined || c.mttr === undefined)) {
      ctx.addIssue({ code: 'custom', path: [c.mttf === undefined ? 'mttf' : 'mttr'], message: 'crash/recover cycles need both `mttf` and `mttr`' });
    } else if (c.down !== undefined && !once) {
      ctx.addIssue({ code: 'custom', path: ['down'], message: '`down` goes with `at`; crash/recover cycles use `mttr`' });
    } else if (once && (c.restart_delay !== undefined || c.rack_size !== undefined)) {
      ctx.addIssue({ code: 'custom', path: [c.restart_delay !== undefined ? 'restart_delay' : 'rack_size'], message: '`restart_delay` and `rack_size` go with crash/recover cycles (`mttf` and `mttr`)' });
    }
  }, onlyIfValid)
  .meta(meta({ description: 'Crash-stop faults: the node stops sending until it recovers. Crashes give the detection-latency samples.', type: 'map' }));

const pauseSchema = z
  .strictObject({
    nodes: nodeSelectorSchema().prefault('all'),
    ...onsetShape('per node'),
    duration: durationLaw('How long each pause lasts: a duration, or a distribution (heavy-tailed GC pauses: lognormal or pareto). Longer pauses cause more false suspicions.'),
    after: z
      .enum(['skip', 'burst'], expects('skip or burst'))
      .meta(meta({ description: 'After a pause: `skip` the heartbeats that fell due (a fixed-delay timer), or send them all at once (`burst`, a fixed-rate timer catching up).', type: 'skip or burst' }))
      .prefault('skip'),
  })
  .superRefine((f, ctx) => checkOnset('pause', f, ctx), onlyIfValid)
  .meta(meta({ description: 'Stop-the-world pauses of senders (GC, VM steal): a paused node sends nothing but is alive, so a suspicion during a pause is a false one.', type: 'map' }));

const monitorCrashSchema = z
  .strictObject({
    ...onsetShape('for the monitor'),
    takeover: duration('From the monitor\'s crash until a standby takes over. Meanwhile nothing is judged (verdicts stay as they were: stale) and messages sent to the monitor are lost.').prefault('10s'),
    startup: z
      .enum(['empty', 'grace'], expects('empty or grace'))
      .meta(
        meta({
          description:
            'How the standby starts. `empty`: it has no last-seen times, so every node is suspect until its first message arrives (a burst of suspicions). `grace`: every node counts as heard at the takeover and gets a full timeout to report, as the Kubernetes node lifecycle controller gives each node a fresh probe timestamp (a full node-monitor-grace-period) when it starts.',
          type: 'empty or grace',
        }),
      )
      .prefault('grace'),
  })
  .superRefine((f, ctx) => checkOnset('monitor crash', f, ctx), onlyIfValid)
  .meta(
    meta({
      description:
        'The monitor is a single point of failure: it crashes and a standby takes over after `takeover`. Measured: time without a working monitor and the false suspicions the takeovers caused (`failover` in the results). For pushed heartbeats and leases (not pull checks). At most one entry.',
      type: 'map',
    }),
  );

const monitorPauseSchema = z
  .strictObject({
    ...onsetShape('for the monitor'),
    duration: durationLaw('How long each pause of the monitor lasts: a duration, or a distribution.'),
    backlog: z
      .enum(['checks_first', 'messages_first'], expects('checks_first or messages_first'))
      .meta(
        meta({
          description:
            'On resume, the monitor runs its overdue checks before reading the heartbeats that queued up (`checks_first`: every node looks silent, the case Cassandra\'s local-pause guard exists for) or after (`messages_first`).',
          type: 'checks_first or messages_first',
        }),
      )
      .prefault('checks_first'),
  })
  .superRefine((f, ctx) => checkOnset('monitor pause', f, ctx), onlyIfValid)
  .meta(meta({ description: 'Pauses of the monitor itself: it neither receives nor checks while paused, then works off its backlog; one pause can accuse every node at once.', type: 'map' }));

const partitionShape = (whose: string) => ({
  ...onsetShape(whose),
  duration: durationLaw('How long each outage lasts: a duration, or a distribution.').optional(),
  for: positiveDuration('A fixed length for each outage (`at: 5m, for: 90s`); the same as a plain `duration`.').optional(),
});

const partitionSchema = z
  .strictObject({
    nodes: nodeSelectorSchema('Nodes cut off from the monitor: `all`, one name, or a list.').prefault('all'),
    ...partitionShape('per node (scope each) or for the group'),
    scope: z
      .enum(['each', 'group'], expects('each or group'))
      .meta(meta({ description: '`group`: the selected nodes are cut off together, by one outage process; `each`: every selected node has its own independent outages.', type: 'each or group' }))
      .prefault('group'),
    direction: z
      .enum(['both', 'to_monitor', 'from_monitor'], expects('both, to_monitor or from_monitor'))
      .meta(meta({ description: 'Which direction goes down: `both`, only node → monitor (`to_monitor`: heartbeats and replies lost) or only monitor → node (`from_monitor`: probes and lease grants lost).', type: 'both, to_monitor or from_monitor' }))
      .prefault('both'),
  })
  .superRefine((f, ctx) => {
    checkOnset('partition', f, ctx);
    checkLength('partition', f, ctx);
  }, onlyIfValid)
  .meta(meta({ description: 'Network partitions between nodes and the monitor. Messages already in flight still arrive.', type: 'map' }));

const isolateSchema = z
  .strictObject({
    nodes: nodeSelectorSchema('The node (or nodes, each on its own) whose every link goes down.'),
    ...partitionShape('per node'),
  })
  .superRefine((f, ctx) => {
    checkOnset('isolation', f, ctx);
    checkLength('isolation', f, ctx);
  }, onlyIfValid)
  .meta(meta({ description: 'Shorthand for a partition of each named node in both directions: all links of a node down.', type: 'map' }));

const cpuStarvationSchema = z
  .strictObject({
    nodes: nodeSelectorSchema().prefault('all'),
    ...onsetShape('per node'),
    duration: durationLaw('How long each starvation window lasts.'),
    extra_delay: durationLaw('While a window lasts, each send waits this much longer (scheduling delay): a duration or a distribution.'),
  })
  .superRefine((f, ctx) => checkOnset('cpu_starvation window', f, ctx), onlyIfValid)
  .meta(meta({ description: 'Windows of CPU starvation on a node (a noisy neighbour, a batch job): heartbeats leave late, so a node that is fine looks slow.', type: 'map' }));

const slowIoSchema = z
  .strictObject({
    nodes: nodeSelectorSchema().prefault('all'),
    extra_delay: durationLaw('Extra delay of every send (an fsync on the heartbeat path): a duration or a distribution.'),
  })
  .meta(meta({ description: 'Slow I/O on the heartbeat path, all the time: every heartbeat waits an extra delay before it is sent (a send whose I/O has begun still goes out if the node crashes meanwhile: a simplification).', type: 'map' }));

const clockSelector = {
  nodes: nodeSelectorSchema('Nodes whose clock is affected: `all`, one name, or a list.').optional(),
  monitor: z.boolean(expects('true or false')).meta(meta({ description: 'The monitor\'s clock is affected.', type: 'boolean' })).prefault(false),
};

function checkClockTarget(kind: string, f: { nodes?: unknown; monitor: boolean }, ctx: z.RefinementCtx): void {
  if (f.nodes === undefined && !f.monitor) ctx.addIssue({ code: 'custom', path: [], message: `a ${kind} needs \`nodes\`, \`monitor: true\`, or both` });
}

const clockDriftSchema = z
  .strictObject({
    ...clockSelector,
    ppm: z
      .number(expects('a number from -100000 to 100000'))
      .min(-100_000, expects('a number from -100000 to 100000'))
      .max(100_000, expects('a number from -100000 to 100000'))
      .meta(meta({ description: 'Rate error in parts per million: +15 runs 15 µs fast per second (NTP\'s assumed tolerance). Only timers on the affected clocks drift.', type: 'number (ppm)' })),
  })
  .superRefine((f, ctx) => checkClockTarget('clock_drift', f, ctx), onlyIfValid)
  .meta(meta({ description: 'Clock rate error of nodes and/or the monitor, for the whole run.', type: 'map' }));

const clockStepSchema = z
  .strictObject({
    ...clockSelector,
    ...onsetShape('per clock'),
    step: signedDuration('How far the wall clock jumps: forward (500ms) or back (-2s), as NTP steps or a resumed VM do. Monotonic clocks do not see steps.'),
  })
  .superRefine((f, ctx) => {
    checkClockTarget('clock_step', f, ctx);
    checkOnset('clock_step', f, ctx);
  }, onlyIfValid)
  .meta(meta({ description: 'Wall-clock steps. They matter to detectors that read the wall clock (`timeout` with `clock: wall`, `nfd_s`).', type: 'map' }));

const unhealthySchema = z
  .strictObject({
    nodes: nodeSelectorSchema().prefault('all'),
    ...onsetShape('per node'),
    duration: durationLaw('How long each unhealthy window lasts.'),
  })
  .superRefine((f, ctx) => checkOnset('unhealthy window', f, ctx), onlyIfValid)
  .meta(meta({ description: 'Windows during which a node is up but unhealthy (fails its health check: its database connection is down). Pull checks see them; heartbeats do not. The metrics count a suspicion during such a window as a false one, since the node is up.', type: 'map' }));

/** One entry of `faults`: a map with exactly one key naming the fault kind. */
export const FAULT_KINDS = ['crash', 'pause', 'monitor_pause', 'monitor_crash', 'partition', 'isolate', 'cpu_starvation', 'slow_io', 'clock_drift', 'clock_step', 'unhealthy'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

const faultSchema = z
  .strictObject({
    crash: crashSchema.optional(),
    pause: pauseSchema.optional(),
    monitor_pause: monitorPauseSchema.optional(),
    monitor_crash: monitorCrashSchema.optional(),
    partition: partitionSchema.optional(),
    isolate: isolateSchema.optional(),
    cpu_starvation: cpuStarvationSchema.optional(),
    slow_io: slowIoSchema.optional(),
    clock_drift: clockDriftSchema.optional(),
    clock_step: clockStepSchema.optional(),
    unhealthy: unhealthySchema.optional(),
  })
  .superRefine((f, ctx) => {
    const kinds = Object.keys(f).filter((k) => (f as Record<string, unknown>)[k] !== undefined);
    if (kinds.length !== 1) {
      ctx.addIssue({ code: 'custom', path: [], message: `each fault is a map with exactly one key naming its kind (${FAULT_KINDS.join(', ')}), found ${kinds.length}` });
    }
  }, onlyIfValid);

export type FaultSpec = z.output<typeof faultSchema>;
export type CrashSpec = NonNullable<FaultSpec['crash']>;
export type DurationLawSpec = NonNullable<FaultSpec['pause']>['duration'];

/** The kind and settings of a fault entry (the schema guarantees exactly one). */
export function faultEntry(fault: FaultSpec): { readonly kind: FaultKind; readonly spec: Record<string, unknown> } {
  for (const kind of FAULT_KINDS) {
    const spec = fault[kind];
    if (spec !== undefined) return { kind, spec: spec as Record<string, unknown> };
  }
  throw new RangeError('a fault entry names no kind');
}

// ---------------------------------------------------------------- detectors

const checkInterval = (text: string, dflt: string | number) =>
  duration(`How often the monitor evaluates all nodes; 0 means exact per-node timers. ${text}A coarse check delays detection by up to one check and hides silences shorter than a check.`).prefault(dflt);

const confirmAfter = () =>
  durationOrNever('Time a node stays SUSPECTED before it is declared DEAD (Akka\'s downing after a stable period, an eviction delay), or `never` for no DEAD state.').prefault('never');

const timeoutDetectorSchema = z.strictObject({
  kind: z.literal('timeout').meta(meta({ description: 'Fixed timeout: SUSPECTED once the silence since the last arrival exceeds `timeout`, DEAD once it exceeds `dead_after`, ALIVE again on the next arrival.' })),
  timeout: relative('Silence (on the monitor\'s clock) after which a node is SUSPECTED. Longer timeouts mean fewer false suspicions and slower detection.', 'heartbeat.interval').prefault('3x'),
  dead_after: deadAfterCodec('Silence after which a node is declared DEAD: a duration, a multiple of `timeout` (2x = twice the timeout, as in the seed), or `never` for no DEAD state.').prefault('2x'),
  check_interval: checkInterval('', 0),
  clock: z
    .enum(['monotonic', 'wall'], expects('monotonic or wall'))
    .meta(meta({ description: 'Which clock of the monitor measures the silence: `monotonic` (immune to clock steps) or `wall` (a step forward can suspect everyone at once, a step back delays detection).', type: 'monotonic or wall' }))
    .prefault('monotonic'),
  allow_short_timeout: z.boolean(expects('true or false')).meta(meta({ description: 'Allow a timeout no longer than the heartbeat interval. Such a detector suspects every node between two heartbeats, so it is refused unless this is true.', type: 'boolean' })).prefault(false),
});

/**
 * φ = −log10 of a probability: above 300 that probability is below what a double holds
 * (10^−300), and below 1e-9 it rounds to 1; either way φ never reaches the threshold.
 */
const PHI_RANGE = 'a number from 1e-9 to 300 (φ is −log10 of a probability, which floating point holds only between 10^-300 and 1 − 10^-9)';
const phiThreshold = (description: string) => z.number(expects(PHI_RANGE)).min(1e-9, expects(PHI_RANGE)).max(300, expects(PHI_RANGE)).meta(meta({ description, type: 'number, 1e-9 to 300' }));

/** Akka cluster defaults (akka-cluster reference.conf, akka/akka @ 9892c5e, v2.10.x; reference §2.2). */
const phiAkkaDetectorSchema = z.strictObject({
  kind: z.literal('phi_akka').meta(
    meta({
      description:
        'Akka\'s phi accrual detector (akka-remote PhiAccrualFailureDetector): φ grows with the silence, against a normal law fitted to recent inter-arrival times (logistic approximation, as Akka computes it); SUSPECTED (unreachable) once φ ≥ `threshold`. Defaults are Akka cluster\'s.',
    }),
  ),
  threshold: phiThreshold('φ at which a node is SUSPECTED (akka.cluster.failure-detector.threshold 8; remote watch uses 10). Higher thresholds mean fewer false suspicions and slower detection.').prefault(8),
  acceptable_pause: duration('Added to the mean inter-arrival time: pauses this long are tolerated (acceptable-heartbeat-pause 3s in Akka cluster, 10s for remote watch). Longer means fewer false suspicions, slower detection.').prefault('3s'),
  min_std_deviation: positiveDuration('Floor of the fitted standard deviation (min-std-deviation), so very regular heartbeats do not make φ explode.').prefault('100ms'),
  max_sample_size: wholeNumber(2, 1_000_000, 'Inter-arrival times kept (max-sample-size; 1000 in Akka cluster, 200 for remote watch).').prefault(1000),
  first_heartbeat_estimate: positiveDuration('The interval the history starts with, as mean ± mean/4 (Akka\'s heartbeat-interval).', { defaultText: '`heartbeat.interval`' }).optional(),
  confirm_after: confirmAfter(),
  check_interval: checkInterval('Akka\'s unreachable-nodes-reaper-interval is 1s. ', '1s'),
});

/** Cassandra defaults (gms/FailureDetector.java, Config.java; apache/cassandra 3.x–5.x; reference §2.3). */
const phiCassandraDetectorSchema = z.strictObject({
  kind: z.literal('phi_cassandra').meta(
    meta({
      description:
        'Cassandra\'s phi detector (gms/FailureDetector.java): an exponential model, convicting once the silence exceeds phi_convict_threshold × ln 10 × the mean recorded interval (18.4 × mean at 8); evaluated once per gossip round, with a guard against the monitor\'s own pauses. Defaults are Cassandra\'s.',
    }),
  ),
  phi_convict_threshold: z
    .number(expects('a number from 5 to 16 (Cassandra refuses phi_convict_threshold outside 5–16)'))
    .min(5, expects('a number from 5 to 16 (Cassandra refuses phi_convict_threshold outside 5–16)'))
    .max(16, expects('a number from 5 to 16 (Cassandra refuses phi_convict_threshold outside 5–16)'))
    .meta(meta({ description: 'phi_convict_threshold (cassandra.yaml, default 8; DatabaseDescriptor refuses values outside 5–16). Higher means fewer false convictions, slower detection.', type: 'number, 5–16' }))
    .prefault(8),
  initial_value: positiveDuration('The interval recorded for the first heartbeat (INITIAL_VALUE = 2 × the gossip interval; cassandra.fd_initial_value_ms).').prefault('2s'),
  max_interval: positiveDuration('Longer inter-arrival times are not recorded (MAX_INTERVAL; cassandra.fd_max_interval_ms), which caps the mean and so the time to convict.').prefault('2s'),
  sample_size: wholeNumber(1, 1_000_000, 'Inter-arrival times kept (SAMPLE_SIZE).').prefault(1000),
  max_local_pause: positiveDuration('If more than this passed between two evaluation rounds, the monitor assumes it paused itself and convicts nobody for that round and the next 5 s (cassandra.max_local_pause_in_ms).').prefault('5s'),
  confirm_after: confirmAfter(),
  check_interval: checkInterval('Cassandra evaluates once per gossip round, every 1s. ', '1s'),
});

const nfdSDetectorSchema = z.strictObject({
  kind: z.literal('nfd_s').meta(
    meta({
      description:
        'Chen, Toueg & Aguilera\'s NFD-S (IEEE Trans. Computers, 2002): heartbeat i is trusted until its send time + interval + `shift`, so detection takes at most interval + shift. Reads the senders\' send times on the monitor\'s wall clock: it assumes synchronized clocks.',
    }),
  ),
  shift: relative('δ: how long after a heartbeat\'s nominal send time the monitor waits for it. Detection time ≤ interval + shift; a longer shift means fewer false suspicions. The default makes that bound 3 intervals, like the timeout\'s default (a choice, not a source).', 'heartbeat.interval').prefault('2x'),
  confirm_after: confirmAfter(),
  check_interval: checkInterval('', 0),
});

const nfdEDetectorSchema = z.strictObject({
  kind: z.literal('nfd_e').meta(
    meta({
      description:
        'NFD-E (Chen, Toueg & Aguilera 2002): no synchronized clocks; the expected arrival of the next heartbeat is estimated from the last `window` arrivals, and the node is trusted until that estimate + `margin`. With `bertier`, the margin adapts (Bertier, Marin & Sens, DSN 2002).',
    }),
  ),
  margin: relative('α: safety margin after the expected arrival. Detection time ≈ interval + mean delay + margin; a longer margin means fewer false suspicions. With `bertier`, the starting margin. The default makes the bound about 3 intervals (a choice, not a source).', 'heartbeat.interval').prefault('2x'),
  window: wholeNumber(1, 1_000_000, 'n: arrivals the expected-arrival estimate averages over (an assumption; the reference gives no default).').prefault(100),
  bertier: z
    .strictObject({
      beta: z.number(expects('a number ≥ 0')).min(0).max(1e6).meta(meta({ description: 'β: weight of the estimated delay in the margin.', type: 'number ≥ 0' })).prefault(1),
      phi: z.number(expects('a number ≥ 0')).min(0).max(1e6).meta(meta({ description: 'φ: weight of the delay\'s variation in the margin.', type: 'number ≥ 0' })).prefault(4),
      gamma: z.number(expects('a number in (0, 1]')).positive().max(1).meta(meta({ description: 'γ: gain of the estimator (Jacobson\'s RTT estimator).', type: 'number in (0, 1]' })).prefault(0.1),
    })
    .meta(meta({ description: 'Bertier\'s adaptive margin α = β·delay + φ·var, with delay and var estimated online with gain γ; `bertier: {}` takes the defaults.', type: 'map' }))
    .optional(),
  confirm_after: confirmAfter(),
  check_interval: checkInterval('', 0),
});

const thresholdOrNever = (description: string) => {
  const phrase = 'a whole number ≥ 1, or never';
  return z
    .codec(z.union([z.int(), z.string()], expects(phrase)), z.union([z.int().min(1), z.null()]), {
      decode: (input, ctx): number | null => {
        if (input === 'never') return null;
        if (typeof input === 'number' && input >= 1) return input;
        ctx.issues.push({ code: 'custom', message: `expected ${phrase}`, input, params: {} });
        return z.NEVER;
      },
      encode: (value) => (value === null ? 'never' : value),
    })
    .meta(meta({ description, type: 'integer ≥ 1 or never', defaultText: '`unhealthy_threshold`' }));
};

/** AWS ALB target-group defaults (reference §4.11). */
const pullCheckDetectorSchema = z.strictObject({
  kind: z.literal('pull_check').meta(
    meta({
      description:
        'Pull health checks (AWS ALB target groups, Kubernetes probes, Elasticsearch follower checks, Redis Sentinel PINGs): the monitor probes each node every `heartbeat.interval` and the node replies over the reverse link; a probe fails without a healthy reply within `probe_timeout`. Defaults are an AWS ALB target group\'s.',
    }),
  ),
  probe_timeout: positiveDuration('A probe fails unless a healthy reply arrives within this long (ALB 5s, Kubernetes timeoutSeconds 1s, Elasticsearch 10s). Longer means fewer failed probes under delay, slower detection.').prefault('5s'),
  unhealthy_threshold: wholeNumber(1, 10_000, 'Consecutive failed probes before the node is SUSPECTED (ALB UnhealthyThreshold 2, Kubernetes failureThreshold 3, Elasticsearch retry_count 3).').prefault(2),
  healthy_threshold: wholeNumber(1, 10_000, 'Consecutive successful probes before a suspected node is trusted again (ALB HealthyThreshold 5, Kubernetes successThreshold 1).').prefault(5),
  dead_threshold: thresholdOrNever('Consecutive failed probes before the node is DEAD; the unhealthy threshold (DEAD as soon as SUSPECTED) unless given; `never` for no DEAD state.').optional(),
  schedule: z
    .enum(['fixed_rate', 'after_completion'], expects('fixed_rate or after_completion'))
    .meta(
      meta({
        description:
          '`fixed_rate`: a probe every interval, whatever the replies (ALB, Kubernetes); `after_completion`: the next probe starts an interval after the previous one succeeded or timed out (Elasticsearch), so failing checks space out.',
        type: 'fixed_rate or after_completion',
      }),
    )
    .prefault('fixed_rate'),
});

const leaseDetectorSchema = z.strictObject({
  kind: z.literal('lease').meta(
    meta({
      description:
        'Leases: each heartbeat renews a lease that the monitor grants over the reverse link. The monitor expires the node (SUSPECTED) `lease` after the last renewal it received; the node stops acting as holder `lease` after it sent the renewal that was granted, on its own clock. Split-brain: the monitor has expired a node that still believes it holds the lease.',
    }),
  ),
  lease: relative('Length of a lease. Must exceed the renewal interval (heartbeat.interval); a longer lease means fewer false expiries, slower failover. The default is Kubernetes\' node lease: 40s renewed every 10s (kubelet nodeLeaseDurationSeconds and nodeLeaseRenewIntervalFraction 0.25).', 'heartbeat.interval').prefault('4x'),
  dead_after: deadAfterCodec('Silence after which the node is DEAD: a duration, a multiple of `lease`, or `never`.', 'lease').prefault('1x'),
  check_interval: checkInterval('', 0),
  request_timeout: duration('The renewing client\'s request timeout (0: none, renewals are fire-and-forget): a renewal whose grant has not come back within it failed, and is retried `retry_period` later, until a grant arrives. Over TCP a retry waits behind the stalled renewal it retries.').optional(),
  retry_period: duration('With `request_timeout`: the wait between a failed renewal and its retry (client-go leader election retries every `--leader-elect-retry-period`).').optional(),
});

/** Kubernetes readinessProbe defaults (periodSeconds 10, timeoutSeconds 1, failureThreshold 3, successThreshold 1). */
const livenessReadinessDetectorSchema = z.strictObject({
  kind: z.literal('liveness_readiness').meta(
    meta({
      description:
        'The seed\'s recommended combination: push heartbeats for liveness (exactly the fixed `timeout` detector: ALIVE / SUSPECTED / DEAD) plus a second verdict, readiness (READY / NOT_READY): a heartbeat whose status says unhealthy makes the node NOT_READY at once, a healthy one READY, and a slower pull readiness probe over the reverse link (Kubernetes readinessProbe semantics) catches what heartbeats do not say. Readiness defaults are Kubernetes\' readiness probe\'s.',
    }),
  ),
  timeout: relative('Liveness: silence (on the monitor\'s clock) after which a node is SUSPECTED, as for `timeout`.', 'heartbeat.interval').prefault('3x'),
  dead_after: deadAfterCodec('Liveness: silence after which a node is DEAD: a duration, a multiple of `timeout`, or `never`.').prefault('2x'),
  check_interval: checkInterval('', 0),
  readiness_interval: positiveDuration('Readiness: time between two readiness probes of one node (Kubernetes periodSeconds 10).').prefault('10s'),
  probe_timeout: positiveDuration('Readiness: a probe fails unless a healthy reply arrives within this long (Kubernetes timeoutSeconds 1).').prefault('1s'),
  failure_threshold: wholeNumber(1, 10_000, 'Readiness: consecutive failed probes before the node is NOT_READY (Kubernetes failureThreshold 3).').prefault(3),
  success_threshold: wholeNumber(1, 10_000, 'Readiness: consecutive healthy probe replies before the node is READY again (Kubernetes successThreshold 1).').prefault(1),
  heartbeat_status: z
    .boolean(expects('true or false'))
    .meta(meta({ description: 'Readiness follows the health status carried by each heartbeat (NOT_READY at once on an unhealthy one, READY on a healthy one). `false`: the status is ignored and readiness comes from the probes alone.', type: 'boolean' }))
    .prefault(true),
});

export const DETECTOR_KINDS = ['timeout', 'phi_akka', 'phi_cassandra', 'nfd_s', 'nfd_e', 'pull_check', 'lease', 'liveness_readiness'] as const;

/** Detector families, a union on `kind`. */
const detectorSchema = z
  .discriminatedUnion('kind', [timeoutDetectorSchema, phiAkkaDetectorSchema, phiCassandraDetectorSchema, nfdSDetectorSchema, nfdEDetectorSchema, pullCheckDetectorSchema, leaseDetectorSchema, livenessReadinessDetectorSchema])
  .meta(meta({ description: 'The failure detector run by the monitor; `kind` selects the family.', type: 'map' }));

// ------------------------------------------------------------ sweep, targets, expect

const SWEEP_VALUE_PHRASE = 'a value as in the file (a duration, 3x, 1%, a number, true or false)';
const sweepRangeSchema = z
  .strictObject({
    from: scalarInput('a duration, a multiple such as 2x, a percentage or a number').meta(meta({ description: 'First value.', type: 'value' })),
    to: scalarInput('a duration, a multiple such as 2x, a percentage or a number').meta(meta({ description: 'Last value (included).', type: 'value' })),
    steps: wholeNumber(2, MAX_SWEEP_VALUES, 'Number of values, ends included.'),
    scale: z
      .enum(['linear', 'log'], expects('linear or log'))
      .meta(meta({ description: '`linear`: equal differences; `log`: equal ratios (for values spanning orders of magnitude). Inner values are rounded to 3 significant digits.', type: 'linear or log' }))
      .prefault('linear'),
  })
  .superRefine((r, ctx) => {
    const values = rangeValues(r);
    if (!values.ok) ctx.addIssue({ code: 'custom', path: [], message: values.reason });
  }, onlyIfValid)
  .meta(meta({ description: 'A range of values.', variant: 'range' }));

const sweepValuesSchema = z
  .array(z.union([z.string(), z.number(), z.boolean()], expects(SWEEP_VALUE_PHRASE)), expects(`a list of values, or a range such as ${RANGE_EXAMPLE}`))
  .min(1, expects('at least one value'))
  .max(MAX_SWEEP_VALUES)
  .meta(meta({ description: 'The values, as they would be written in the file.', variant: 'list', type: 'list of values' }));

const sweepSchema = z
  .record(
    z.string(),
    z
      .union([sweepValuesSchema, sweepRangeSchema], expects(`a list of values such as [100ms, 1s], or a range such as ${RANGE_EXAMPLE}`))
      .meta(meta({ description: 'The values of one path (the key, e.g. `detector.timeout`): a list as written in the file (`[100ms, 250ms, 1s]`, `[2x, 3x]`, `[0.1%, 1%]`), or a range.', type: 'list or range' })),
  )
  .meta(
    meta({
      description:
        'Parameters to vary: a field path, dotted as `--set` writes it (`heartbeat.interval`, `detector.timeout`, `faults.0.pause.duration`), to a list of values or a range. Every combination is a cell (cartesian product, the first path outermost); each value is validated as if written at its path.',
      type: 'map path: values',
    }),
  )
  .prefault({});

export type SweepSpec = z.output<typeof sweepSchema>;

/**
 * `knobs:` names the modelled system's own settings, so answers come out ready to
 * paste (docs/scenarios.md "Knobs"). Optional; presets carry one.
 */
const knobSettingSchema = z.strictObject({
  name: z.string(expects('the setting\'s name as the system spells it')).min(1).max(200).meta(meta({ description: 'The setting as the system spells it: `--election-timeout`, `session.timeout.ms`, `acceptable-heartbeat-pause`.', type: 'string' })),
  from: z
    .string(expects('a scenario path, or "timeout"'))
    .regex(/^[A-Za-z_][\w.]*$/, expects('a dotted scenario path such as heartbeat.interval, or "timeout"'))
    .meta(meta({ description: 'Where its value comes from: a dotted path of this scenario (`heartbeat.interval`, `detector.threshold`; relative values such as 3x are resolved), or `timeout` for the detector\'s nominal timeout (a fixed-timeout equivalent for every family).', type: 'path' })),
  unit: z.enum(['ms', 's', 'us', 'integer', 'number'], expects('one of ms, s, us, integer, number')).meta(meta({ description: 'How the system reads the value: a whole number of ms, s or µs (durations), a whole number (counts), or a plain number.', type: 'ms | s | us | integer | number' })),
  round: z.enum(['nearest', 'up', 'down'], expects('one of nearest, up, down')).meta(meta({ description: 'How to round to the whole unit: `up` for a timeout (never shorter than simulated), `down` for an interval.', type: 'nearest | up | down' })).prefault('nearest'),
  format: z
    .string(expects('a template with {value}'))
    .max(200)
    .refine((t) => t.includes('{value}'), expects('a template containing {value}, e.g. "--election-timeout={value}"'))
    .meta(meta({ description: 'How to write it, with `{value}` for the number: `--election-timeout={value}`, `session.timeout.ms={value}`, `acceptable-heartbeat-pause = {value}ms`. Default `{name}={value}`.', type: 'string' }))
    .optional(),
});

const knobsSchema = z
  .strictObject({
    system: z.string(expects('the system\'s name and version')).min(1).max(200).meta(meta({ description: 'The system and version the settings belong to ("etcd 3.5", "Kafka consumer 3.x").', type: 'string' })),
    settings: z.array(knobSettingSchema, expects('a list of settings')).min(1).max(20).meta(meta({ description: 'Its settings, in the order to print them.', type: 'list' })),
  })
  .meta(meta({ description: 'The modelled system\'s own settings: the recommendation and `hbsim configure` print the chosen cell as these, ready to paste.', type: 'map' }))
  .optional();

const targetsSchema = z
  .strictObject({
    max_false_suspicions_per_node_day: z
      .number(expects('a number ≥ 0'))
      .min(0, expects('a number ≥ 0'))
      .meta(meta({ description: 'Upper bound on false suspicions per monitored node per day of up-time, checked against the upper end of its 95 % interval. When not given, the analysis applies its own default bound, so the recommendation never cries wolf.', type: 'number ≥ 0' }))
      .optional(),
    max_detection_p99: positiveDuration('Upper bound on the 99th percentile of detection latency.').optional(),
    min_query_accuracy: probability('Lower bound on P_A (the fraction of up-time a node is trusted), checked against the lower end of its 95 % interval; 99.99% is allowed.').optional(),
  })
  .meta(meta({ description: 'What the recommended cell of a sweep must achieve: the recommendation is the cell with the lowest detection p99 among those meeting every target.', type: 'map' }))
  .prefault({});

const EXPECT_PHRASE = `a map of metric: condition, such as { detection_latency_ms.p99: "<= 5s" }`;

const expectSchema = z
  // A plain-map check, not z.record: z.record copies entries into a fresh object, where
  // a "__proto__" key sets the prototype and vanishes; here it stays an own key and is
  // refused as an unknown metric like any other.
  .codec(z.custom<Record<string, unknown>>((v) => v !== null && typeof v === 'object' && !Array.isArray(v) && !ArrayBuffer.isView(v), expects(EXPECT_PHRASE)), z.array(z.object({ metric: z.string(), op: z.enum(['<=', '<', '>=', '>']), bound: z.number(), written: z.string() })), {
    decode: (input, ctx): Threshold[] => {
      const out: Threshold[] = [];
      for (const [metric, condition] of Object.entries(input)) {
        const unit = METRIC_UNITS.get(metric);
        if (unit === undefined) {
          const suggestion = closest(metric, METRIC_PATHS);
          ctx.issues.push({ code: 'custom', path: [metric], message: `unknown metric "${metric}"; metrics are named as in docs/results.md (e.g. false_suspicions.per_node_day)`, input: condition, params: suggestion === undefined ? { atKey: true } : { suggestion, atKey: true } });
          continue;
        }
        const parsed = parseThreshold(metric, unit, condition);
        if (!parsed.ok) {
          ctx.issues.push({ code: 'custom', path: [metric], message: `expected a condition such as ${THRESHOLD_EXAMPLES}, with ${boundPhrase(unit)}`, input: condition, params: { note: parsed.reason } });
          continue;
        }
        out.push(parsed.value);
      }
      return out;
    },
    encode: (thresholds) => Object.fromEntries(thresholds.map((t) => [t.metric, t.written])),
  })
  .meta(
    meta({
      description: `Thresholds the CI gate checks against the results: a metric path of the results file (docs/results.md, e.g. \`detection_latency_ms.p99\`, \`false_suspicions.per_node_day\`, \`query_accuracy\`) to a condition (${THRESHOLD_EXAMPLES}). Times take durations, fractions take percentages.`,
      type: 'map metric: condition',
    }),
  )
  .prefault({});

const expectOptionsSchema = z
  .strictObject({
    inconclusive: z
      .enum(['fail', 'warn'], expects('fail or warn'))
      .meta(
        meta({
          description:
            'What the gate does with a threshold it cannot decide: the metric has no value (no crash detected, say) or its 95 % interval straddles the bound. `warn` reports it and passes; `fail` fails the gate (strict release gates). A threshold fails only when the whole interval is on the wrong side.',
          type: 'fail or warn',
        }),
      )
      .prefault('warn'),
    cell: z
      .union([z.string().min(1), z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]))], expects('all, recommended, a cell id, or a map of swept path: value'))
      .meta(meta({ description: 'Which cells of a sweep the gate checks: `all`, `recommended` (the cell the targets recommend), a cell id (`500ms/3x`), or the swept values that pick one (`{ heartbeat.interval: 500ms }`).', type: 'all, recommended, id or map' }))
      .prefault('all'),
  })
  .meta(meta({ description: 'How the CI gate applies `expect`.', type: 'map' }))
  .prefault({});

// ---------------------------------------------------------------- tune

export const TUNE_DEFAULT_STEPS = 9;
export const MAX_TUNE_REPLICATIONS = 1000;

const tuneParamsSchema = z
  .record(
    z.string(),
    z
      .union([sweepValuesSchema, sweepRangeSchema], expects(`a list of values such as [100ms, 1s], or a range such as ${RANGE_EXAMPLE}`))
      .meta(meta({ description: 'The values `hbsim tune` may choose for one path (the key, e.g. `detector.timeout`): a list, or a range whose `steps` set how fine the search may go (the lattice it searches, not a grid it runs).', type: 'list or range' })),
  )
  .meta(meta({ description: 'Parameters to tune, written like `sweep:` entries: a field path to a list of values or a range. Their cartesian product is the lattice searched; only the candidates the search visits are simulated.', type: 'map path: values' }))
  .prefault({});

const tuneSchema = z
  .strictObject({
    targets: expectSchema.meta(
      meta({
        description: `What the chosen setting must achieve, written like \`expect:\` (a results metric to a condition, ${THRESHOLD_EXAMPLES}). A candidate meets a target when the whole 95 % interval of the metric is on the right side (as the CI gate judges), breaches it when the whole interval is on the wrong side; replications are added until every target is decided.`,
        type: 'map metric: condition',
      }),
    ),
    minimise: z
      .string(expects('a metric path such as messages_per_node_s'))
      .meta(meta({ description: 'The metric to make as small as possible among settings meeting every target (a results metric path, e.g. `messages_per_node_s` or `detection_latency_ms.p99`). Give `minimise` or `maximise`, not both.', type: 'metric path', defaultText: '`messages_per_node_s` unless `maximise` is given' }))
      .optional(),
    maximise: z
      .string(expects('a metric path such as query_accuracy'))
      .meta(meta({ description: 'The metric to make as large as possible instead (e.g. `query_accuracy`; `longest_pause_survived_ms` is not computed while tuning).', type: 'metric path' }))
      .optional(),
    params: tuneParamsSchema,
    max_replications: z
      .int(expects(`a whole number from 1 to ${MAX_TUNE_REPLICATIONS}`))
      .min(1, expects(`a whole number from 1 to ${MAX_TUNE_REPLICATIONS}`))
      .max(MAX_TUNE_REPLICATIONS, expects(`a whole number from 1 to ${MAX_TUNE_REPLICATIONS}`))
      .meta(meta({ description: 'Most replications spent on one candidate; one whose targets are still undecided then counts as not meeting them.', type: 'integer ≥ 1' }))
      .prefault(16),
  })
  .superRefine((t, ctx) => {
    if (t.minimise !== undefined && t.maximise !== undefined) ctx.addIssue({ code: 'custom', path: ['maximise'], message: 'give minimise or maximise, not both' });
    for (const key of ['minimise', 'maximise'] as const) {
      const metric = t[key];
      if (metric !== undefined && !METRIC_UNITS.has(metric)) {
        const suggestion = closest(metric, METRIC_PATHS);
        ctx.addIssue({ code: 'custom', path: [key], message: `unknown metric "${metric}"; metrics are named as in docs/results.md (e.g. messages_per_node_s)`, ...(suggestion === undefined ? {} : { params: { suggestion } }) });
      }
    }
  }, onlyIfValid)
  .meta(
    meta({
      description:
        '`hbsim tune`: the targets a setting must meet, the metric to optimise and the parameters (with their ranges) to search. `hbsim run` ignores it; `hbsim tune` ignores `sweep:`. Command-line `--target`, `--minimise`/`--maximise` and `--param` replace the matching parts.',
      type: 'map',
    }),
  )
  .optional();

// ---------------------------------------------------------------- scenario

const scenarioObject = z.strictObject({
  name: z
    .string(expects(NAME_PHRASE))
    .regex(NAME_PATTERN, expects(NAME_PHRASE))
    .meta(meta({ description: 'Scenario name; the results file is `<out>/<name>.json`.', type: 'name', defaultText: 'the file name without its extension' })),
  description: z.string(expects('a string')).max(500).meta(meta({ description: 'One line saying what the scenario models, shown by `hbsim presets` and in reports.', type: 'string' })).prefault(''),
  seed: seedSchema.prefault(1),
  duration: positiveDuration('Simulated time per replication.').prefault('1h'),
  warmup: duration('Initial simulated time not counted in any metric (the run starts with every node trusted). Must be shorter than `duration`.').prefault(0),
  replications: z
    .int(expects(`a whole number from 1 to ${MAX_REPLICATIONS}`))
    .min(1, expects(`a whole number from 1 to ${MAX_REPLICATIONS}`))
    .max(MAX_REPLICATIONS, expects(`a whole number from 1 to ${MAX_REPLICATIONS}`))
    .meta(meta({ description: 'Independent runs pooled into one result; replication r draws from its own random streams.', type: 'integer ≥ 1' }))
    .prefault(1),
  timeline_limit: z
    .int(expects('a whole number from 0 to 1000000'))
    .min(0, expects('a whole number from 0 to 1000000'))
    .max(1_000_000, expects('a whole number from 0 to 1000000'))
    .meta(meta({ description: 'State transitions of replication 0 kept as the sample timeline in the results file (0 keeps none).', type: 'integer ≥ 0' }))
    .prefault(2000),
  flap_window: positiveDuration('A false suspicion that starts within this long after the previous one of the same node ended counts as a flap (suspect → trust → suspect).').prefault('1m'),
  cluster: clusterSchema.prefault({}),
  heartbeat: heartbeatSchema.prefault({}),
  link: linkSchema.prefault({}),
  reverse_link: partialLink('link')
    .meta(meta({ description: 'The monitor → node direction (probes, lease grants) where it differs from `link`: fields not given are `link`\'s.', type: 'map' }))
    .optional(),
  link_classes: z
    .record(className, linkClassSchema, expects('a map of class name: { nodes, preset, loss, delay, … }'))
    .meta(
      meta({
        description:
          'Named classes of links for heterogeneous clusters: each gives the links of its `nodes` a preset and/or their own loss, duplication and delay, in both directions or per direction. Fields not given come from the preset, else from `link` (node → monitor) and `reverse_link` (monitor → node). Classes apply in the order written.',
        type: 'map name: class',
      }),
    )
    .prefault({}),
  faults: z.array(faultSchema, expects('a list of faults')).max(100).meta(meta({ description: 'Faults injected into the run, each a map with one key naming its kind.', type: 'list' })).prefault([]),
  detector: detectorSchema.prefault({ kind: 'timeout' }),
  protocol: protocolSchema({ positiveDuration, wholeNumber, meta, expects }),
  sweep: sweepSchema,
  targets: targetsSchema,
  expect: expectSchema,
  expect_options: expectOptionsSchema,
  tune: tuneSchema,
  knobs: knobsSchema,
});

export const scenarioSchema = scenarioObject.superRefine(crossFieldRules, onlyIfValid);

/** A scenario as written in a file (units as strings, defaults optional). */
export type ScenarioInput = z.input<typeof scenarioSchema>;
/** A validated scenario: every default filled in, durations in integer µs, probabilities in [0, 1]. */
export type Scenario = z.output<typeof scenarioSchema>;
export type DetectorSpec = Scenario['detector'];
export type DistributionSpec = Scenario['heartbeat']['jitter'];
export type LinkDelaySpec = Scenario['link']['delay'];
export type TargetsSpec = Scenario['targets'];
export type ExpectOptionsSpec = Scenario['expect_options'];
export type KnobsSpec = NonNullable<Scenario['knobs']>;

/** The node names a `cluster.nodes` value stands for, sorted (their order fixes the engine's indices). */
export function nodeNamesOf(nodes: number | readonly string[]): string[] {
  if (typeof nodes !== 'number') return [...nodes].sort();
  const width = Math.max(2, String(nodes).length);
  return Array.from({ length: nodes }, (_, i) => `node-${String(i + 1).padStart(width, '0')}`);
}

/** The names a node selector stands for, or null for `all`. */
export function selectedNames(selector: NodeSelectorSpec): readonly string[] | null {
  if (selector === 'all') return null;
  return typeof selector === 'string' ? [selector] : selector;
}

/**
 * The detector's nominal timeout in µs: how long a node that fell silent goes
 * unsuspected, for the family's settings and the heartbeat interval ("Nx" resolved).
 * Exact for `timeout` and `lease`; for the others, what their parameters give in a
 * steady state: phi accrual with the history it starts from, NFD-S and NFD-E their
 * bound of interval + shift (or margin), pull checks the failed probes needed.
 */
export function timeoutUsOf(scenario: Pick<Scenario, 'heartbeat' | 'detector'>): number {
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
export function deadAfterUsOf(scenario: Pick<Scenario, 'heartbeat' | 'detector'>): number {
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

type ScenarioDraft = z.output<typeof scenarioObject>;

/** Probes in flight per node in the engine's pull checker (src/sim/detectors/pull-check.ts). */
const PULL_WINDOW_INTERVALS = 62;

function crossFieldRules(s: ScenarioDraft, ctx: z.RefinementCtx): void {
  if (s.warmup >= s.duration) {
    ctx.addIssue({ code: 'custom', path: ['warmup'], message: `the warm-up (${formatDuration(s.warmup)}) must be shorter than the duration (${formatDuration(s.duration)})` });
  }
  const names = nodeNamesOf(s.cluster.nodes);
  if (new Set(names).size !== names.length) {
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    ctx.addIssue({ code: 'custom', path: ['cluster', 'nodes'], message: `node names must be unique; "${dup}" appears more than once` });
  }
  if (names.includes(s.cluster.monitor)) {
    ctx.addIssue({ code: 'custom', path: ['cluster', 'monitor'], message: `the monitor "${s.cluster.monitor}" must not also be a monitored node` });
  }
  const known = new Set(names);
  const checkNodes = (selector: NodeSelectorSpec | undefined, path: (string | number)[]) => {
    if (selector === undefined || selector === 'all') return;
    const list = typeof selector === 'string' ? [selector] : selector;
    list.forEach((nodeName, j) => {
      if (!known.has(nodeName)) {
        ctx.addIssue({
          code: 'custom',
          path: typeof selector === 'string' ? path : [...path, j],
          message: `no node named "${nodeName}" in cluster.nodes`,
          params: { candidates: names.length <= 1000 ? names : [] },
        });
      }
    });
  };
  s.faults.forEach((fault, i) => {
    const { kind, spec } = faultEntry(fault);
    checkNodes(spec.nodes as NodeSelectorSpec | undefined, ['faults', i, kind, 'nodes']);
  });
  for (const [className, linkClass] of Object.entries(s.link_classes)) checkNodes(linkClass.nodes, ['link_classes', className, 'nodes']);
  monitorCrashRules(s, ctx);
  detectorRules(s, ctx);
  for (const issue of protocolRules(s.protocol, names.length)) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
}

/** The field whose value sets the detector's timeout, for locating a timeout out of range. */
const TIMEOUT_FIELD: Readonly<Record<DetectorSpec['kind'], string>> = {
  timeout: 'timeout',
  liveness_readiness: 'timeout',
  lease: 'lease',
  phi_akka: 'threshold',
  phi_cassandra: 'max_interval',
  nfd_s: 'shift',
  nfd_e: 'margin',
  pull_check: 'unhealthy_threshold',
};

/** One monitor, so one `monitor_crash` entry; and a standby that probes is not modelled. */
function monitorCrashRules(s: ScenarioDraft, ctx: z.RefinementCtx): void {
  const entries = s.faults.flatMap((f, i) => (f.monitor_crash === undefined ? [] : [i]));
  if (entries.length > 1) {
    ctx.addIssue({ code: 'custom', path: ['faults', entries[1]!, 'monitor_crash'], message: 'there is one monitor: give at most one monitor_crash (its onsets may repeat: `every`, `rate`, `period`)' });
  }
  if (entries.length > 0 && (s.detector.kind === 'pull_check' || s.detector.kind === 'liveness_readiness')) {
    ctx.addIssue({ code: 'custom', path: ['faults', entries[0]!, 'monitor_crash'], message: `monitor failover is modelled for pushed heartbeats and leases, not for the ${s.detector.kind} detector (a standby that probes would rebuild its probe schedule)` });
  }
}

function detectorRules(s: ScenarioDraft, ctx: z.RefinementCtx): void {
  const d = s.detector;
  const intervalUs = s.heartbeat.interval;
  // Relative values ("1000000x") and thresholds resolve to times the engine must hold exactly.
  const timeoutUs = timeoutUsOf(s);
  if (!(timeoutUs <= MAX_DURATION_US)) {
    ctx.addIssue({ code: 'custom', path: ['detector', TIMEOUT_FIELD[d.kind]], message: `the detector's timeout resolves to ${Number.isFinite(timeoutUs) ? `${timeoutUs.toExponential(2)} µs` : 'no finite time'}; it must be at most ${MAX_DURATION_TEXT}` });
    return;
  }
  const deadUs = deadAfterUsOf(s);
  if (Number.isFinite(deadUs) && !(deadUs <= MAX_DURATION_US)) {
    ctx.addIssue({ code: 'custom', path: ['detector', 'dead_after' in d ? 'dead_after' : 'confirm_after'], message: `the silence before DEAD resolves to ${deadUs.toExponential(2)} µs; it must be at most ${MAX_DURATION_TEXT}` });
    return;
  }
  if (d.kind === 'timeout' || d.kind === 'liveness_readiness') {
    const timeoutUs = timeoutUsOf(s);
    if (timeoutUs === 0) {
      ctx.addIssue({ code: 'custom', path: ['detector', 'timeout'], message: 'the timeout resolves to 0; it must be at least 1us' });
    } else if (timeoutUs <= intervalUs && !(d.kind === 'timeout' && d.allow_short_timeout)) {
      ctx.addIssue({
        code: 'custom',
        path: ['detector', 'timeout'],
        message:
          `the timeout (${formatDuration(timeoutUs)}) is not longer than heartbeat.interval (${formatDuration(intervalUs)}), ` +
          'so every node would be suspected between two heartbeats; set detector.allow_short_timeout: true if that is what you want',
      });
    }
    const deadUs = deadAfterUsOf(s);
    if (deadUs < timeoutUs) {
      ctx.addIssue({ code: 'custom', path: ['detector', 'dead_after'], message: `dead_after (${formatDuration(deadUs)}) must not be shorter than the timeout (${formatDuration(timeoutUs)})` });
    }
    if (d.kind === 'liveness_readiness' && d.probe_timeout > PULL_WINDOW_INTERVALS * d.readiness_interval) {
      ctx.addIssue({
        code: 'custom',
        path: ['detector', 'probe_timeout'],
        message: `probe_timeout (${formatDuration(d.probe_timeout)}) is more than ${PULL_WINDOW_INTERVALS} readiness intervals (${formatDuration(d.readiness_interval)}); the simulator keeps at most that many probes in flight`,
      });
    }
  } else if (d.kind === 'lease') {
    const leaseUs = timeoutUsOf(s);
    if (leaseUs <= intervalUs) {
      ctx.addIssue({
        code: 'custom',
        path: ['detector', 'lease'],
        message: `the lease (${formatDuration(leaseUs)}) must be longer than the renewal interval, heartbeat.interval (${formatDuration(intervalUs)}), or it expires before every renewal`,
      });
    }
    const deadUs = deadAfterUsOf(s);
    if (deadUs < leaseUs) {
      ctx.addIssue({ code: 'custom', path: ['detector', 'dead_after'], message: `dead_after (${formatDuration(deadUs)}) must not be shorter than the lease (${formatDuration(leaseUs)})` });
    }
  } else if (d.kind === 'pull_check') {
    if (d.dead_threshold !== undefined && d.dead_threshold !== null && d.dead_threshold < d.unhealthy_threshold) {
      ctx.addIssue({ code: 'custom', path: ['detector', 'dead_threshold'], message: `dead_threshold (${d.dead_threshold}) must not be below unhealthy_threshold (${d.unhealthy_threshold})` });
    }
    if (d.probe_timeout > PULL_WINDOW_INTERVALS * intervalUs) {
      ctx.addIssue({
        code: 'custom',
        path: ['detector', 'probe_timeout'],
        message: `probe_timeout (${formatDuration(d.probe_timeout)}) is more than ${PULL_WINDOW_INTERVALS} probe intervals (heartbeat.interval ${formatDuration(intervalUs)}); the simulator keeps at most that many probes in flight`,
      });
    }
  } else if (d.kind === 'nfd_s' || d.kind === 'nfd_e') {
    const value = d.kind === 'nfd_s' ? d.shift : d.margin;
    if (resolveRelativeUs(value, intervalUs) === 0) {
      ctx.addIssue({ code: 'custom', path: ['detector', d.kind === 'nfd_s' ? 'shift' : 'margin'], message: 'resolves to 0; it must be at least 1us' });
    }
  }
}

/** A soft problem: the scenario runs, but probably not as intended. */
export interface ScenarioWarning {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** Engine throughput is a few million events per second; about 2.5 events per heartbeat. */
const HEARTBEATS_WARN = 300_000_000;
/** The engine's rough speed on one core (npm run bench), for the order of magnitude of a long run. */
const HEARTBEATS_PER_CORE_SECOND = 4_000_000;

/** A duration in seconds to its order of magnitude in words ("2 minutes", "3 months", "40 years"). */
export function roughTime(seconds: number): string {
  const units: [string, number][] = [['year', 365 * 86_400], ['month', 30 * 86_400], ['day', 86_400], ['hour', 3600], ['minute', 60], ['second', 1]];
  for (const [name, size] of units) {
    if (seconds >= size) {
      const n = Math.round(seconds / size);
      const shown = n >= 1000 ? n.toExponential(1) : String(n);
      return `${shown} ${name}${n === 1 ? '' : 's'}`;
    }
  }
  return 'a second';
}

export function scenarioWarnings(s: Scenario): ScenarioWarning[] {
  const out: ScenarioWarning[] = [];
  const timeoutUs = timeoutUsOf(s);
  const check = checkIntervalUsOf(s.detector);
  if (check > timeoutUs) {
    out.push({
      path: ['detector', 'check_interval'],
      message: `check_interval (${formatDuration(check)}) is longer than the timeout (${formatDuration(timeoutUs)}): detection waits for the next check, up to ${formatDuration(check)} late`,
    });
  }
  if (s.duration - s.warmup < timeoutUs) {
    out.push({ path: ['duration'], message: `the measured time (duration − warmup = ${formatDuration(s.duration - s.warmup)}) is shorter than the timeout (${formatDuration(timeoutUs)}): few or no verdicts can be counted` });
  }
  s.faults.forEach((fault, i) => {
    const { kind, spec } = faultEntry(fault);
    const at = spec.at as number | undefined;
    if (at === undefined) return;
    const what = kind === 'crash' ? 'the crash' : `the ${kind.replace(/_/g, ' ')}`;
    if (at >= s.duration) {
      out.push({ path: ['faults', i, kind, 'at'], message: `${what} at ${formatDuration(at)} is after the end of the run (${formatDuration(s.duration)}); it never happens` });
    } else if (at < s.warmup) {
      out.push({ path: ['faults', i, kind, 'at'], message: `${what} at ${formatDuration(at)} falls in the warm-up (${formatDuration(s.warmup)}); it is not counted` });
    }
  });
  const heartbeats = nodeNamesOf(s.cluster.nodes).length * (s.duration / s.heartbeat.interval) * s.replications;
  if (heartbeats > HEARTBEATS_WARN) {
    out.push({ path: ['duration'], message: `this scenario simulates about ${heartbeats.toExponential(1)} heartbeats; expect about ${roughTime(heartbeats / HEARTBEATS_PER_CORE_SECOND)} on one core` });
  }
  return out;
}

/**
 * The scenario as a document again, every default filled in and every value in
 * its canonical spelling ("1.5s", "3x", 0.01). Loading it gives the same scenario
 * (a `csv:` file is named again, relative to the scenario file, not inlined).
 */
export function normalizeScenario(scenario: Scenario): ScenarioInput {
  return z.encode(scenarioSchema, scenario);
}
