/**
 * The scenario file format, declared once. Each field's type, range, default (as a
 * user would write it), unit and meaning live here; from this schema come the
 * TypeScript types (`ScenarioInput` as written, `Scenario` with units resolved),
 * the reference table in docs/scenarios.md (see ./reference.ts) and, through zod's
 * codecs, the normalised form written into results files (`normalizeScenario`).
 *
 * Units are parsed while validating (durations become integer µs, "1%" becomes
 * 0.01). Values relative to another field ("timeout: 3x") stay relative here and
 * are resolved by build.ts, so that a swept heartbeat interval carries its timeout
 * along. Cross-field rules are refinements with a path, so the loader can point at
 * the offending line; softer problems are warnings (`scenarioWarnings`).
 *
 * Adding a detector family or a fault kind: add a variant to `detectorSchema` (a
 * union on `kind`) or a key to `faultSchema` (one key per entry), then teach
 * build.ts to map it onto the engine's configuration.
 */
import { z } from 'zod';
import {
  DURATION_EXAMPLES,
  formatDuration,
  formatRelative,
  parseDurationUs,
  parseProbability,
  parseRelative,
  resolveRelativeUs,
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
const duration = (description: string) => durationCodec(false).meta(meta({ description, type: 'duration' }));
/** A length of time > 0. */
const positiveDuration = (description: string) => durationCodec(true).meta(meta({ description, type: 'duration > 0' }));

const probability = (description: string) =>
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
    .meta(meta({ description, type: 'probability' }));

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

const deadAfterCodec = (description: string) => {
  const phrase = `${DURATION_PHRASE}, a multiple of the timeout such as 2x, or never`;
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
    .meta(meta({ description, type: 'duration, Nx (× timeout) or never' }));
};

const name = (description: string) => z.string(expects(NAME_PHRASE)).regex(NAME_PATTERN, expects(NAME_PHRASE)).meta(meta({ description, type: 'name' }));

const seedSchema = z
  .union([z.int().min(0), z.string().min(1).max(200)], expects('a whole number ≥ 0 or a non-empty string'))
  .meta(meta({ description: 'Root of every random stream. The same scenario and seed give byte-identical results.', type: 'integer or string' }));

// ------------------------------------------------------------ distributions

const DIST_KINDS = ['constant', 'uniform', 'exponential', 'normal', 'lognormal', 'pareto'] as const;
export type DistKind = (typeof DIST_KINDS)[number];

/** The named delay laws of src/sim/distributions.ts, with their parameters as written. */
const law = <D extends DistKind, S extends z.core.$ZodLooseShape>(dist: D, description: string, shape: S) =>
  z.strictObject({ dist: z.literal(dist).meta(meta({ description })), ...shape });

const constantLaw = law('constant', 'Always the same value.', { value: duration('The value.').prefault(0) });
const uniformLaw = law('uniform', 'Uniform between min and max.', {
  min: duration('Smallest value.').prefault(0),
  max: duration('Largest value.'),
});
const exponentialLaw = law('exponential', 'Exponential: memoryless, many small values and a thin tail.', { mean: duration('Mean.') });
const normalLaw = law('normal', 'Normal, truncated at 0 (values below 0 are redrawn, not clamped).', {
  mean: duration('Mean before truncation.'),
  sd: duration('Standard deviation before truncation.'),
});
const lognormalLaw = law('lognormal', 'Log-normal: ln X is normal. Right-skewed, with a heavier tail than the exponential.', {
  median: positiveDuration('Median (e^μ).'),
  sigma: z.number(expects('a number ≥ 0')).min(0).max(20).meta(meta({ description: 'σ of ln X (no unit); 0 is constant, 1 is very skewed.', type: 'number ≥ 0' })),
});
const paretoLaw = law('pareto', 'Pareto: heavy tail, Pr(X > x) = (scale / x)^shape for x ≥ scale.', {
  scale: positiveDuration('Smallest value.'),
  shape: z.number(expects('a number > 0')).positive().max(100).meta(meta({ description: 'Tail index α (no unit); the mean is infinite for α ≤ 1.', type: 'number > 0' })),
});

/** The fixed part of a link delay, in front of each law's own fields. */
const withBase = <S extends z.core.$ZodLooseShape>(lawSchema: z.ZodObject<S, z.core.$strict>) =>
  z.strictObject({ base: duration('Fixed part of every one-way delay (propagation, serialisation), added to the random part.').prefault(0), ...lawSchema.shape });

function checkDistribution(d: { dist: DistKind; min?: number; max?: number }, ctx: z.RefinementCtx): void {
  if (d.dist === 'uniform' && d.min !== undefined && d.max !== undefined && d.max < d.min) {
    ctx.addIssue({ code: 'custom', path: ['max'], message: `max (${formatDuration(d.max)}) must not be below min (${formatDuration(d.min)})` });
  }
}

const jitterSchema = z
  .discriminatedUnion('dist', [constantLaw, uniformLaw, exponentialLaw, normalLaw, lognormalLaw, paretoLaw])
  .superRefine(checkDistribution, onlyIfValid)
  .meta(meta({ description: 'Extra delay added to each nominal send instant (not cumulative: the schedule does not drift). Models a sender\'s timer and scheduling slack; more jitter means later heartbeats, so more false suspicions for a given timeout.', type: 'distribution' }));

const linkDelaySchema = z
  .discriminatedUnion('dist', [withBase(constantLaw), withBase(uniformLaw), withBase(exponentialLaw), withBase(normalLaw), withBase(lognormalLaw), withBase(paretoLaw)])
  .superRefine(checkDistribution, onlyIfValid)
  .meta(meta({ description: 'One-way delay of each message: base + a draw from the distribution `dist`, independently per message (messages may overtake each other). Longer or heavier-tailed delays need longer timeouts.', type: 'distribution + base' }));

// ---------------------------------------------------------------- sections

const nodeListSchema = z.array(name('A node name.'), expects('a list of node names')).min(1, expects('at least one node name')).max(MAX_NODES);

const clusterSchema = z.strictObject({
  nodes: z
    .union([z.int().min(1).max(MAX_NODES), nodeListSchema], expects(`a node count (1 to ${MAX_NODES}) or a list of node names`))
    .meta(meta({ description: 'Monitored nodes: a count (named node-01, node-02, … zero-padded so they sort) or a list of names. Each node sends heartbeats over its own link to the monitor.', type: 'integer or list of names' }))
    .prefault(10),
  monitor: name('Name of the observer that receives the heartbeats and runs the detector.').prefault('monitor'),
});

const heartbeatSchema = z.strictObject({
  interval: positiveDuration('Nominal time between two heartbeats of one node. Shorter intervals detect sooner and send more messages.').prefault('1s'),
  jitter: jitterSchema.prefault({ dist: 'constant', value: 0 }),
});

const linkSchema = z.strictObject({
  loss: probability('Each message is lost independently with this probability (Bernoulli, per message). More loss means more false suspicions for a given timeout.').prefault(0),
  duplicate: probability('Each delivered message is delivered a second time, with its own delay, with this probability.').prefault(0),
  delay: linkDelaySchema.prefault({ dist: 'constant', value: 0 }),
});

const nodeSelectorSchema = z
  .union([z.literal('all'), nodeListSchema], expects('"all" or a list of node names'))
  .meta(meta({ description: 'Which nodes the fault applies to: `all` or a list of names from `cluster`.', type: '"all" or list of names' }));

const crashSchema = z
  .strictObject({
    nodes: nodeSelectorSchema.prefault('all'),
    at: duration('One crash: simulated time at which the nodes crash. Use either `at` or `mttf` + `mttr`.').optional(),
    down: positiveDuration('With `at`: how long the nodes stay down before recovering. Omit to keep them down.').optional(),
    mttf: positiveDuration('Crash/recover cycles: mean time to failure (exponential up-times, per node).').optional(),
    mttr: positiveDuration('Crash/recover cycles: mean time to repair (exponential down-times, per node).').optional(),
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
    }
  }, onlyIfValid)
  .meta(meta({ description: 'Crash-stop faults: the node stops sending until it recovers. Crashes give the detection-latency samples.', type: 'map' }));

/** One entry of `faults`: a map with exactly one key naming the fault kind. */
export const FAULT_KINDS = ['crash'] as const;

const faultSchema = z
  .strictObject({ crash: crashSchema.optional() })
  .superRefine((f, ctx) => {
    const kinds = Object.keys(f).filter((k) => (f as Record<string, unknown>)[k] !== undefined);
    if (kinds.length !== 1) {
      ctx.addIssue({ code: 'custom', path: [], message: `each fault is a map with exactly one key naming its kind (${FAULT_KINDS.join(', ')}), found ${kinds.length}` });
    }
  }, onlyIfValid);

const timeoutDetectorSchema = z.strictObject({
  kind: z.literal('timeout').meta(meta({ description: 'Fixed timeout: SUSPECTED once the silence since the last arrival exceeds `timeout`, DEAD once it exceeds `dead_after`, ALIVE again on the next arrival.' })),
  timeout: relative('Silence (on the monitor\'s clock) after which a node is SUSPECTED. Longer timeouts mean fewer false suspicions and slower detection.', 'heartbeat.interval').prefault('3x'),
  dead_after: deadAfterCodec('Silence after which a node is declared DEAD: a duration, a multiple of `timeout` (2x = twice the timeout, as in the seed), or `never` for no DEAD state.').prefault('2x'),
  check_interval: duration('How often the monitor checks all nodes; 0 means exact per-node timers. A coarse check delays detection by up to one check and hides silences shorter than a check.').prefault(0),
  allow_short_timeout: z.boolean(expects('true or false')).meta(meta({ description: 'Allow a timeout no longer than the heartbeat interval. Such a detector suspects every node between two heartbeats, so it is refused unless this is true.', type: 'boolean' })).prefault(false),
});

export const DETECTOR_KINDS = ['timeout'] as const;

/** Detector families, a union on `kind`. Later: phi_accrual, nfd_s, lease, pull, swim. */
const detectorSchema = z
  .discriminatedUnion('kind', [timeoutDetectorSchema])
  .meta(meta({ description: 'The failure detector run by the monitor; `kind` selects the family.', type: 'map' }));

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
  cluster: clusterSchema.prefault({}),
  heartbeat: heartbeatSchema.prefault({}),
  link: linkSchema.prefault({}),
  faults: z.array(faultSchema, expects('a list of faults')).max(100).meta(meta({ description: 'Faults injected into the run, each a map with one key naming its kind.', type: 'list' })).prefault([]),
  detector: detectorSchema.prefault({ kind: 'timeout' }),
});

export const scenarioSchema = scenarioObject.superRefine(crossFieldRules, onlyIfValid);

/** A scenario as written in a file (units as strings, defaults optional). */
export type ScenarioInput = z.input<typeof scenarioSchema>;
/** A validated scenario: every default filled in, durations in integer µs, probabilities in [0, 1]. */
export type Scenario = z.output<typeof scenarioSchema>;
export type DetectorSpec = Scenario['detector'];
export type CrashSpec = NonNullable<Scenario['faults'][number]['crash']>;
export type DistributionSpec = Scenario['heartbeat']['jitter'];
export type LinkDelaySpec = Scenario['link']['delay'];

/** The node names a `cluster.nodes` value stands for, sorted (their order fixes the engine's indices). */
export function nodeNamesOf(nodes: number | readonly string[]): string[] {
  if (typeof nodes !== 'number') return [...nodes].sort();
  const width = Math.max(2, String(nodes).length);
  return Array.from({ length: nodes }, (_, i) => `node-${String(i + 1).padStart(width, '0')}`);
}

/** The detector's timeout in µs, with "Nx" resolved against the heartbeat interval. */
export function timeoutUsOf(scenario: Pick<Scenario, 'heartbeat' | 'detector'>): number {
  return resolveRelativeUs(scenario.detector.timeout, scenario.heartbeat.interval);
}

/** Silence before DEAD in µs ("Nx" of the timeout), or +Infinity for `never`. */
export function deadAfterUsOf(scenario: Pick<Scenario, 'heartbeat' | 'detector'>): number {
  const deadAfter = scenario.detector.dead_after;
  if (deadAfter.kind === 'never') return Number.POSITIVE_INFINITY;
  return resolveRelativeUs(deadAfter, timeoutUsOf(scenario));
}

type ScenarioDraft = z.output<typeof scenarioObject>;

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
  s.faults.forEach((fault, i) => {
    const selector = fault.crash?.nodes;
    if (selector === undefined || selector === 'all') return;
    selector.forEach((nodeName, j) => {
      if (!known.has(nodeName)) {
        ctx.addIssue({
          code: 'custom',
          path: ['faults', i, 'crash', 'nodes', j],
          message: `no node named "${nodeName}" in cluster.nodes`,
          params: { candidates: names.length <= 1000 ? names : [] },
        });
      }
    });
  });
  const timeoutUs = timeoutUsOf(s);
  const detector = s.detector;
  if (timeoutUs === 0) {
    ctx.addIssue({ code: 'custom', path: ['detector', 'timeout'], message: 'the timeout resolves to 0; it must be at least 1us' });
  } else if (timeoutUs <= s.heartbeat.interval && !detector.allow_short_timeout) {
    ctx.addIssue({
      code: 'custom',
      path: ['detector', 'timeout'],
      message:
        `the timeout (${formatDuration(timeoutUs)}) is not longer than heartbeat.interval (${formatDuration(s.heartbeat.interval)}), ` +
        'so every node would be suspected between two heartbeats; set detector.allow_short_timeout: true if that is what you want',
    });
  }
  const deadUs = deadAfterUsOf(s);
  if (deadUs < timeoutUs) {
    ctx.addIssue({ code: 'custom', path: ['detector', 'dead_after'], message: `dead_after (${formatDuration(deadUs)}) must not be shorter than the timeout (${formatDuration(timeoutUs)})` });
  }
}

/** A soft problem: the scenario runs, but probably not as intended. */
export interface ScenarioWarning {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** Engine throughput is a few million events per second; about 2.5 events per heartbeat. */
const HEARTBEATS_WARN = 300_000_000;

export function scenarioWarnings(s: Scenario): ScenarioWarning[] {
  const out: ScenarioWarning[] = [];
  const timeoutUs = timeoutUsOf(s);
  const check = s.detector.check_interval;
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
    const at = fault.crash?.at;
    if (at === undefined) return;
    if (at >= s.duration) {
      out.push({ path: ['faults', i, 'crash', 'at'], message: `the crash at ${formatDuration(at)} is after the end of the run (${formatDuration(s.duration)}); it never happens` });
    } else if (at < s.warmup) {
      out.push({ path: ['faults', i, 'crash', 'at'], message: `the crash at ${formatDuration(at)} falls in the warm-up (${formatDuration(s.warmup)}); it is not counted` });
    }
  });
  const heartbeats = nodeNamesOf(s.cluster.nodes).length * (s.duration / s.heartbeat.interval) * s.replications;
  if (heartbeats > HEARTBEATS_WARN) {
    out.push({ path: ['duration'], message: `this scenario simulates about ${heartbeats.toExponential(1)} heartbeats; expect it to take minutes` });
  }
  return out;
}

/**
 * The scenario as a document again, every default filled in and every value in
 * its canonical spelling ("1.5s", "3x", 0.01). Loading it gives the same scenario.
 */
export function normalizeScenario(scenario: Scenario): ScenarioInput {
  return z.encode(scenarioSchema, scenario);
}
