/** `sweep:`: the parameters to vary, each a list of values as written or a range. */
import { z } from 'zod';
import { MAX_SWEEP_VALUES, RANGE_EXAMPLE, rangeValues } from '../sweep.js';
import { expects, meta, onlyIfValid, scalarInput, wholeNumber } from './leaves.js';

const SWEEP_VALUE_PHRASE = 'a value as in the file (a duration, 3x, 1%, a number, true or false)';
export const sweepRangeSchema = z
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

export const sweepValuesSchema = z
  .array(z.union([z.string(), z.number(), z.boolean()], expects(SWEEP_VALUE_PHRASE)), expects(`a list of values, or a range such as ${RANGE_EXAMPLE}`))
  .min(1, expects('at least one value'))
  .max(MAX_SWEEP_VALUES)
  .meta(meta({ description: 'The values, as they would be written in the file.', variant: 'list', type: 'list of values' }));

export const sweepSchema = z
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
