/**
 * `csv:` fields: the one thing the schema reads from outside the document is a CSV
 * file of delay samples (`dist: empirical, csv: …`). The loader, which alone reads
 * files, lends the schema a reader for the duration of one validation
 * (`withSampleFileReader`).
 */
import { z } from 'zod';
import { expects, meta } from './leaves.js';

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

export const csvSource = z
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
