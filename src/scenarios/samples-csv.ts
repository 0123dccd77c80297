/**
 * Reads the text of a CSV file of delay samples (`dist: empirical, csv: pings.csv`):
 * one duration per line ("2.5ms"), or one column of a table, with bare numbers in a
 * stated unit. Problems name the file, line and column. Pure: load.ts reads the file
 * and hands the text over.
 */
import type { SampleFileResult, SampleFileSpec } from './schema/index.js';
import { parseDurationUs, unitUs } from './units.js';

export const MAX_SAMPLES = 1_000_000;

const NUMBER = /^[+-]?(\d+(?:\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;

/**
 * A field as it may be shown in an error: only what could plausibly be a value or a
 * column name (short, letters, digits, units, "/" as in n/a). The file can be anything
 * the user pointed at (`csv: /etc/passwd`), and an error must not print its content:
 * a line with ":" or "," or over 24 characters is never shown.
 */
function shown(field: string): string {
  return /^[\p{L}\p{N} ._%+\-/µμ]{1,24}$/u.test(field) ? JSON.stringify(field) : `a field of ${field.length} characters`;
}

/** A field with surrounding blanks and one pair of double quotes removed. */
function unquote(field: string): string {
  const t = field.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1).trim() : t;
}

/** The sample a field holds, in µs, or why it holds none. */
function sampleOf(text: string, unit: SampleFileSpec['unit']): { ok: true; us: number } | { ok: false; reason: string } {
  if (NUMBER.test(text)) {
    if (unit === undefined) return { ok: false, reason: `${text.slice(0, 24)} has no unit; write it with one (${text}ms) or say which with unit: us, ms or s` };
    const value = Number(text) * unitUs(unit)!;
    if (!(Number.isFinite(value) && value >= 0)) return { ok: false, reason: `${text.slice(0, 24)} is not a duration ≥ 0` };
    return { ok: true, us: value };
  }
  const d = parseDurationUs(text);
  if (d.ok) return { ok: true, us: d.value };
  return { ok: false, reason: `expected a duration such as 2.5ms${unit === undefined ? '' : ' or a number'}, got ${shown(text)}${d.reason === '' || shown(text) !== JSON.stringify(text) ? '' : ` (${d.reason})`}` };
}

/**
 * The samples of `text`. Blank lines and lines starting with # are skipped; fields
 * are separated by commas. `column` picks a field by header name (the first line is
 * then the header) or by number from 1; without it the file must have one column. A
 * first line whose field is not a value is taken as a header.
 */
export function parseSampleCsv(text: string, spec: SampleFileSpec, file: string): SampleFileResult {
  const fail = (message: string, line: number, column = 1): SampleFileResult => ({ ok: false, message, at: { file, line, column } });
  const lines = text.split(/\r\n|\r|\n/);
  let index: number | undefined = typeof spec.column === 'number' ? spec.column - 1 : undefined;
  let sawFirst = false;
  const samples: number[] = [];
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    if (raw.trim() === '' || raw.trimStart().startsWith('#')) continue;
    const fields = raw.split(',');
    const lineNo = i + 1;
    if (!sawFirst) {
      sawFirst = true;
      if (typeof spec.column === 'string') {
        const names = fields.map(unquote);
        const at = names.indexOf(spec.column);
        if (at < 0) return fail(`no column named "${spec.column}" in the header (${names.length > 20 ? `${names.length} columns` : names.map(shown).join(', ')})`, lineNo);
        index = at;
        continue;
      }
      if (index === undefined && fields.length > 1) return fail(`the file has ${fields.length} columns; say which holds the samples with column: (a header name or a number from 1)`, lineNo);
      const first = unquote(fields[index ?? 0] ?? '');
      if (!sampleOf(first, spec.unit).ok && !NUMBER.test(first) && !/^\d/.test(first)) continue; // a header
    }
    const at = index ?? 0;
    if (at >= fields.length) return fail(`line has ${fields.length} column${fields.length === 1 ? '' : 's'}; column ${at + 1} is missing`, lineNo);
    const column = fields.slice(0, at).reduce((n, f) => n + f.length + 1, 1);
    const sample = sampleOf(unquote(fields[at]!), spec.unit);
    if (!sample.ok) return fail(sample.reason, lineNo, column);
    samples.push(sample.us);
    if (samples.length > MAX_SAMPLES) return fail(`more than ${MAX_SAMPLES} samples; keep a random subset`, lineNo);
  }
  if (samples.length < 2) return { ok: false, message: `the sample file ${file} holds ${samples.length} sample${samples.length === 1 ? '' : 's'}; an empirical law needs at least 2` };
  return { ok: true, samplesUs: samples };
}
