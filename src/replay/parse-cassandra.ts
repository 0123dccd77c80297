/**
 * Reads the file Cassandra's `FailureDetector.dumpInterArrivalTimes()` (JMX, nodetool)
 * writes: a rule of dashes, then one line per endpoint, `<endpoint> : <interval> <interval> …`,
 * then another rule (gms/FailureDetector.java, toString of FailureDetector and
 * ArrivalWindow). Intervals are System.nanoTime differences (Cassandra ≥ 2.0; older
 * versions wrote milliseconds: pass the unit). Arrivals are rebuilt as the running sum
 * of the intervals from 0.
 *
 * What a dump cannot say: Cassandra never records intervals longer than MAX_INTERVAL
 * (2 s), and its window keeps the last 1000; long silences are therefore missing, and
 * the first value may be the INITIAL_VALUE seed rather than a real interval.
 */
import { TraceInputError } from './errors.js';
import type { HeartbeatRecord } from './records.js';
import type { TimeUnit } from './parse-csv.js';

const US_PER: Record<TimeUnit, number> = { s: 1e6, ms: 1e3, us: 1, ns: 1e-3 };

export function parseCassandraDump(text: string, file: string, unit: TimeUnit = 'ns'): HeartbeatRecord[] {
  const records: HeartbeatRecord[] = [];
  const lines = text.split(/\r?\n/);
  let endpoints = 0;
  lines.forEach((raw, i) => {
    // The opening rule has no line break after it: strip rules wherever they are.
    const line = raw.replace(/-{10,}/g, '').trim();
    if (line === '') return;
    const colon = line.lastIndexOf(' : ');
    if (colon < 0) throw new TraceInputError(file, i + 1, 'expected "<endpoint> : <interval> <interval> …"');
    const node = line.slice(0, colon).trim().replace(/^\//, '');
    const values = line.slice(colon + 3).trim();
    if (node === '') throw new TraceInputError(file, i + 1, 'missing endpoint before " : "');
    endpoints++;
    let t = 0;
    records.push({ node, arrivalUs: 0, seq: 0, sentUs: null });
    values.split(/\s+/).filter((v) => v !== '').forEach((v, k) => {
      const interval = Number(v);
      if (!(Number.isFinite(interval) && interval >= 0)) throw new TraceInputError(file, i + 1, `interval ${k + 1} must be a non-negative number, got "${v}"`);
      t += interval * US_PER[unit];
      records.push({ node, arrivalUs: Math.round(t), seq: k + 1, sentUs: null });
    });
  });
  if (endpoints === 0) throw new TraceInputError(file, null, 'no endpoint lines found (is this a dumpInterArrivalTimes file?)');
  return records;
}
