/**
 * What results must achieve: `targets:` (what the recommended cell of a sweep must
 * meet), `expect:` (the CI gate's thresholds) and `expect_options:`.
 */
import { z } from 'zod';
import { boundPhrase, METRIC_PATHS, METRIC_UNITS, parseThreshold, THRESHOLD_EXAMPLES, type Threshold } from '../expect.js';
import { closest } from '../suggest.js';
import { expects, meta, positiveDuration, probability } from './leaves.js';

export const targetsSchema = z
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

export const expectSchema = z
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

export const expectOptionsSchema = z
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
