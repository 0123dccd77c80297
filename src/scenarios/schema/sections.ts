/**
 * The top-level scenario object: its sections in the order the docs list them.
 * Cross-field rules (./rules.ts) are applied on top of it in ./scenario.ts.
 */
import { z } from 'zod';
import { clusterSchema, heartbeatSchema } from './cluster.js';
import { detectorSchema } from './detectors.js';
import { faultSchema } from './faults.js';
import { knobsSchema } from './knobs.js';
import { builtOnFirstUse, duration, optionalOnFirstUse, expects, MAX_REPLICATIONS, meta, NAME_PATTERN, NAME_PHRASE, positiveDuration, seedSchema, wholeNumber } from './leaves.js';
import { className, linkClassSchema, linkSchema, partialLink } from './links.js';
import { protocolSchema } from './protocol.js';
import { sweepSchema } from './sweep.js';
import { expectOptionsSchema, expectSchema, targetsSchema } from './targets.js';
import { tuneSchema } from './tune.js';

/** `reverse_link` and `protocol`, built on first use (builtOnFirstUse): most scenarios have neither (so are `tune` and `knobs`: tune.ts, knobs.ts). */
const reverseLinkSchema = builtOnFirstUse(() =>
  partialLink('link').meta(meta({ description: 'The monitor → node direction (probes, lease grants) where it differs from `link`: fields not given are `link`\'s.', type: 'map' })),
);
const protocolSection = builtOnFirstUse(() => protocolSchema({ positiveDuration, wholeNumber, meta, expects }).unwrap());
/** Whether the sections built on first use have been (test/cli/lazy-schema.test.ts). */
export const lazySectionsBuilt = () => ({ reverse_link: reverseLinkSchema.built(), link_classes: linkClassSchema.built(), protocol: protocolSection.built(), tune: tuneSchema.built(), knobs: knobsSchema.built() });

export const scenarioObject = z.strictObject({
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
  reverse_link: optionalOnFirstUse(reverseLinkSchema),
  link_classes: z
    .record(className, z.lazy(linkClassSchema), expects('a map of class name: { nodes, preset, loss, delay, … }'))
    .meta(
      meta({
        description:
          'Named classes of links for heterogeneous clusters: each gives the links of its `nodes` a preset and/or their own loss, duplication and delay, in both directions or per direction. Fields not given come from the preset, else from `link` (node → monitor) and `reverse_link` (monitor → node). Classes apply in the order written.',
        type: 'map name: class',
      }),
    )
    .prefault({}),
  faults: z.array(z.lazy(faultSchema), expects('a list of faults')).max(100).meta(meta({ description: 'Faults injected into the run, each a map with one key naming its kind.', type: 'list' })).prefault([]),
  detector: detectorSchema.prefault({ kind: 'timeout' }),
  protocol: optionalOnFirstUse(protocolSection),
  sweep: sweepSchema,
  targets: targetsSchema,
  expect: expectSchema,
  expect_options: expectOptionsSchema,
  tune: optionalOnFirstUse(tuneSchema),
  knobs: optionalOnFirstUse(knobsSchema),
});

/** The scenario before its cross-field rules ran (every section valid on its own). */
export type ScenarioDraft = z.output<typeof scenarioObject>;
