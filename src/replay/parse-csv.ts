/**
 * Reads a heartbeat log as CSV (csv-parse): one row per received heartbeat,
 *   node, arrival[, seq, sent]
 * with an optional header row naming those columns (in any order). Times are numbers
 * in the given unit (seconds by default, as most exports write epoch seconds) or
 * ISO-8601 timestamps — one kind or the other throughout. Every problem is reported with its line.
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

/**
 * The records, and whether the arrival times were written as ISO-8601 timestamps (then no unit applies).
 * `lenient`: the unit is a first guess (the caller picks the real one from the times read), so a
 * numeric time is refused only when it is out of range in every unit; the caller must check the
 * range again in the unit it settles on (see `outOfRange`).
 */
export function parseHeartbeatCsvDetailed(text: string, file: string, unit: TimeUnit = 's', lenient = false): { readonly records: HeartbeatRecord[]; readonly iso: boolean } {
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
  if (start >= rows.length) throw new TraceInputError(file, lineOf[0] ?? 1, 'a header row and no heartbeat records after it');
  const records: HeartbeatRecord[] = [];
  // Numeric and ISO-8601 times do not share an origin (a number is not "seconds since the
  // epoch" unless the log says so): the first time written fixes the kind for the whole log.
  let kind: TimeKind | null = null;
  const sameKind = (text: string, line: number, column: string) => {
    const k: TimeKind = ISO_START.test(text) ? 'iso' : 'numeric';
    if (kind === null) kind = k;
    else if (k !== kind)
      throw new TraceInputError(file, line, kind === 'numeric' ? `${column} is an ISO-8601 timestamp, but the log's earlier times are numeric; write every time one way` : `${column} is a number, but the log's earlier times are ISO-8601 timestamps; write every time one way`);
  };
  for (let i = start; i < rows.length; i++) {
    const row = rows[i]!;
    const line = lineOf[i] ?? i + 1;
    const cell = (c: number) => (c >= 0 && c < row.length ? row[c]! : '');
    const node = cell(columns.node);
    if (node === '') throw new TraceInputError(file, line, 'missing node name in the first column');
    const arrivalText = cell(columns.arrival);
    const arrivalUs = timeUs(arrivalText, unit, file, line, 'arrival', lenient);
    sameKind(arrivalText, line, 'arrival');
    const seqText = cell(columns.seq);
    const seq = seqText === '' ? null : Number(seqText);
    if (seq !== null && !Number.isSafeInteger(seq)) throw new TraceInputError(file, line, `seq must be a whole number, got "${seqText}"`);
    const sentText = cell(columns.sent);
    const sentUs = sentText === '' ? null : timeUs(sentText, unit, file, line, 'sent', lenient);
    if (sentText !== '') sameKind(sentText, line, 'sent');
    records.push({ node, arrivalUs, seq, sentUs });
  }
  return { records, iso: kind === 'iso' };
}

type TimeKind = 'numeric' | 'iso';

const ISO_START = /^\d{4}-\d\d-\d\dT/;
/** A plain decimal number: Number() would also take 0x10, 0b1, 0o7, Infinity and "" (as 0). */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
/**
 * Times become whole microseconds in a double, exact only below 2^53 (about 285 years);
 * beyond it, differences between heartbeats are rounded away (and 1e308 s is Infinity µs).
 */
export const MAX_TIME_US = Number.MAX_SAFE_INTEGER;
const MAX_TIME_TEXT = '2^53 µs (about 285 years): times are whole microseconds, exact only below 2^53';

/** Whether a record's times (in µs) are beyond what the engine represents exactly. */
export function outOfRange(r: HeartbeatRecord): boolean {
  return !(Math.abs(r.arrivalUs) <= MAX_TIME_US) || (r.sentUs !== null && !(Math.abs(r.sentUs) <= MAX_TIME_US));
}

function timeUs(text: string, unit: TimeUnit, file: string, line: number, column: string, lenient: boolean): number {
  if (text === '') throw new TraceInputError(file, line, `missing ${column} time`);
  if (DECIMAL.test(text)) {
    const n = Number(text);
    const us = Math.round(n * US_PER[unit]);
    if (lenient) {
      if (!(Math.abs(n * US_PER.ns) <= MAX_TIME_US)) throw new TraceInputError(file, line, `${column} ${text} is out of range in any unit (even ns); a time must be below ${MAX_TIME_TEXT}`);
    } else if (!(Math.abs(us) <= MAX_TIME_US)) {
      throw new TraceInputError(file, line, `${column} ${text} ${unit} is out of range; a time must be below ${MAX_TIME_TEXT}`);
    }
    return us;
  }
  // An ISO-8601 timestamp (only differences between records are kept).
  if (ISO_START.test(text)) {
    const ms = Date.parse(text);
    if (Number.isFinite(ms)) {
      const us = Math.round(ms * 1000) + isoFractionBeyondMsUs(text);
      if (!(Math.abs(us) <= MAX_TIME_US)) throw new TraceInputError(file, line, `${column} ${text} is out of range; a time must be below ${MAX_TIME_TEXT}`);
      return us;
    }
  }
  // Number() would read these (0x10 as 16); say why they are refused.
  const hint = !Number.isNaN(Number(text)) || /^[+-]?NaN$/.test(text) ? '; numbers are written in decimal (no 0x, 0b, 0o, Infinity or NaN)' : '';
  throw new TraceInputError(file, line, `${column} must be a number of ${unit} or an ISO-8601 timestamp, got "${text}"${hint}`);
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
