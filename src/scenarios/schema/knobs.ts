/**
 * `knobs:` names the modelled system's own settings, so answers come out ready to
 * paste (docs/scenarios.md "Knobs"). Optional; presets carry one.
 */
import { z } from 'zod';
import { builtOnFirstUse, expects, meta } from './leaves.js';

const knobSettingSchema = () =>
  z.strictObject({
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

/** The `knobs:` section, built on first use (sections.ts: optionalOnFirstUse): presets carry one, most scenario files do not. */
export const knobsSchema = builtOnFirstUse(() =>
  z
    .strictObject({
      system: z.string(expects('the system\'s name and version')).min(1).max(200).meta(meta({ description: 'The system and version the settings belong to ("etcd 3.5", "Kafka consumer 3.x").', type: 'string' })),
      settings: z.array(knobSettingSchema(), expects('a list of settings')).min(1).max(20).meta(meta({ description: 'Its settings, in the order to print them.', type: 'list' })),
    })
    .meta(meta({ description: 'The modelled system\'s own settings: the recommendation and `hbsim configure` print the chosen cell as these, ready to paste.', type: 'map' })),
);
