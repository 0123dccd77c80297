/** `tune:`: the targets a setting must meet, the metric to optimise and the parameters to search. */
import { z } from 'zod';
import { METRIC_PATHS, METRIC_UNITS, THRESHOLD_EXAMPLES } from '../expect.js';
import { RANGE_EXAMPLE } from '../sweep.js';
import { closest } from '../suggest.js';
import { builtOnFirstUse, expects, meta, onlyIfValid } from './leaves.js';
import { sweepRangeSchema, sweepValuesSchema } from './sweep.js';
import { expectSchema } from './targets.js';

export const TUNE_DEFAULT_STEPS = 9;
export const MAX_TUNE_REPLICATIONS = 1000;

const tuneParamsSchema = () =>
  z
    .record(
      z.string(),
      z
        .union([sweepValuesSchema, sweepRangeSchema], expects(`a list of values such as [100ms, 1s], or a range such as ${RANGE_EXAMPLE}`))
        .meta(meta({ description: 'The values `hbsim tune` may choose for one path (the key, e.g. `detector.timeout`): a list, or a range whose `steps` set how fine the search may go (the lattice it searches, not a grid it runs).', type: 'list or range' })),
    )
    .meta(meta({ description: 'Parameters to tune, written like `sweep:` entries: a field path to a list of values or a range. Their cartesian product is the lattice searched; only the candidates the search visits are simulated.', type: 'map path: values' }))
    .prefault({});

/**
 * The `tune:` section, built on first use (sections.ts: optionalOnFirstUse): only a
 * scenario written for `hbsim tune` has one, and its zod schemas were part of every start-up.
 */
export const tuneSchema = builtOnFirstUse(() =>
  z
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
      params: tuneParamsSchema(),
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
    ),
);
