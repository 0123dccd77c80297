/**
 * Reads a heartbeat log as CSV (csv-parse): one row per received heartbeat,
 *   node, arrival[, seq, sent]
 * with an optional header row naming those columns (in any order). Times are numbers
 * in the given unit (seconds by default, as most exports write epoch seconds) or
 * ISO-8601 timestamps. Every problem is reported with its line.
 */
import { parse } from 'csv-parse/sync';
import { TraceInputError } from './errors.js';
import type { HeartbeatRecord } from './records.js';

export type TimeUnit = 's' | 'ms' | 'us' | 'ns';

const US_PER: Record<TimeUnit, number> = { s: 1e6, ms: 1e3, us: 1, ns: 1e-3 };
const COLUMNS = ['node', 'arrival', 'seq', 'sent'] as const;

export function parseHeartbeatCsv(text: string, file: string, unit: TimeUnit = 's'): HeartbeatRecord[] {
  return parseHeartbeatCsvDetailed(text, file, unit).records;
}

/** The records, and whether the arrival times were written as ISO-8601 timestamps (then no unit applies). */
export function parseHeartbeatCsvDetailed(text: string, file: string, unit: TimeUnit = 's'): { readonly records: HeartbeatRecord[]; readonly iso: boolean } {
  let rows: string[][];
  try {
    rows = parse(text, { comment: '#', skip_empty_lines: true, trim: true, relax_column_count: true }) as string[][];
  } catch (error) {
    const e = error as { lines?: number; message: string };
    throw new TraceInputError(file, e.lines ?? null, `not valid CSV: ${e.message}`);
  }
  if (rows.length === 0) throw new TraceInputError(file, null, 'no heartbeat records found');
  // Line numbers: csv-parse drops comments and blank lines, so count them back in.
  const lineOf = lineNumbers(text);
  let columns: Record<(typeof COLUMNS)[number], number> = { node: 0, arrival: 1, seq: 2, sent: 3 };
  let start = 0;
  const first = rows[0]!.map((c) => c.toLowerCase());
  if (first.includes('node') && first.includes('arrival')) {
    const unknown = first.filter((c) => !(COLUMNS as readonly string[]).includes(c));
    if (unknown.length > 0) throw new TraceInputError(file, lineOf[0] ?? 1, `unknown column "${unknown[0]}"; expected node, arrival, seq, sent`);
    columns = { node: first.indexOf('node'), arrival: first.indexOf('arrival'), seq: first.indexOf('seq'), sent: first.indexOf('sent') };
    start = 1;
  }
  const records: HeartbeatRecord[] = [];
  let isoArrivals = 0;
  for (let i = start; i < rows.length; i++) {
    const row = rows[i]!;
    const line = lineOf[i] ?? i + 1;
    const cell = (c: number) => (c >= 0 && c < row.length ? row[c]! : '');
    const node = cell(columns.node);
    if (node === '') throw new TraceInputError(file, line, 'missing node name in the first column');
    const arrivalText = cell(columns.arrival);
    const arrivalUs = timeUs(arrivalText, unit, file, line, 'arrival');
    if (ISO_START.test(arrivalText)) isoArrivals++;
    const seqText = cell(columns.seq);
    const seq = seqText === '' ? null : Number(seqText);
    if (seq !== null && !Number.isSafeInteger(seq)) throw new TraceInputError(file, line, `seq must be a whole number, got "${seqText}"`);
    const sentText = cell(columns.sent);
    const sentUs = sentText === '' ? null : timeUs(sentText, unit, file, line, 'sent');
    records.push({ node, arrivalUs, seq, sentUs });
  }
  return { records, iso: records.length > 0 && isoArrivals === records.length };
}

const ISO_START = /^\d{4}-\d\d-\d\dT/;

function timeUs(text: string, unit: TimeUnit, file: string, line: number, column: string): number {
  if (text === '') throw new TraceInputError(file, line, `missing ${column} time`);
  const n = Number(text);
  if (Number.isFinite(n)) return Math.round(n * US_PER[unit]);
  // An ISO-8601 timestamp (only differences between records are kept).
  if (ISO_START.test(text)) {
    const ms = Date.parse(text);
    if (Number.isFinite(ms)) return Math.round(ms * 1000) + isoFractionBeyondMsUs(text);
  }
  throw new TraceInputError(file, line, `${column} must be a number of ${unit} or an ISO-8601 timestamp, got "${text}"`);
}

/** Date.parse keeps milliseconds only; recover microseconds written in the timestamp. */
function isoFractionBeyondMsUs(text: string): number {
  const m = /\.(\d+)/.exec(text);
  if (!m || m[1]!.length <= 3) return 0;
  return Number((m[1]! + '000').slice(3, 6));
}

/** The 1-based line of each non-blank, non-comment line, in order. */
function lineNumbers(text: string): number[] {
  const out: number[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const t = line.trim();
    if (t !== '' && !t.startsWith('#')) out.push(i + 1);
  });
  return out;
}
