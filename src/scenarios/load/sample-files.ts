/** The sample files of empirical delay laws (`csv:`), read relative to the scenario file, each once per load. */
import { isAbsolute, join } from 'node:path';
import { FileReadError, readBoundedText } from '../../io/bounded-read.js';
import { parseSampleCsv } from '../samples-csv.js';
import type { SampleFileResult, SampleFileSpec } from '../schema/index.js';
import type { ScenarioOrigin } from './origin.js';

/** Reads sample files relative to the scenario's folder, each once per load. */
export function sampleFileReader(origin: ScenarioOrigin): (spec: SampleFileSpec) => SampleFileResult {
  return (spec) => {
    const path = isAbsolute(spec.file) ? spec.file : join(origin.dir, spec.file);
    const key = `${path}\u0000${spec.column ?? ''}\u0000${spec.unit ?? ''}`;
    const cached = origin.sampleFiles.get(key);
    if (cached !== undefined) return cached;
    const result = readSampleFile(path, spec);
    origin.sampleFiles.set(key, result);
    return result;
  };
}

const MAX_SAMPLE_FILE_BYTES = 50_000_000;

function readSampleFile(path: string, spec: SampleFileSpec): SampleFileResult {
  let text: string;
  try {
    text = readBoundedText(path, MAX_SAMPLE_FILE_BYTES, 'a sample file');
  } catch (e) {
    if (e instanceof FileReadError) return { ok: false, message: `cannot read the sample file ${path}: ${e.message}` };
    throw e;
  }
  return parseSampleCsv(text, spec, path);
}
