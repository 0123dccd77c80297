/**
 * Heartbeat records read from a log, and the arrival trace the engine replays. Times
 * in a log are relative to its first record, so no wall-clock value reaches results.
 */
import type { ArrivalTrace } from '../sim/config.js';

export interface HeartbeatRecord {
  readonly node: string;
  /** Arrival at the observer, µs (any origin; the trace is shifted to start at 0). */
  readonly arrivalUs: number;
  readonly seq: number | null;
  readonly sentUs: number | null;
}

export interface RecordedLog {
  /** Node names, sorted. */
  readonly nodes: readonly string[];
  readonly trace: ArrivalTrace;
  /** Time of the last arrival after the shift (µs). */
  readonly lastArrivalUs: number;
  /** The shift that was subtracted from every time (µs). */
  readonly originUs: number;
}

export function toTrace(records: readonly HeartbeatRecord[]): RecordedLog {
  const nodes = [...new Set(records.map((r) => r.node))].sort();
  const origin = records.reduce((m, r) => Math.min(m, r.arrivalUs), Number.POSITIVE_INFINITY);
  const byNode = new Map<string, HeartbeatRecord[]>(nodes.map((n) => [n, []]));
  for (const r of records) byNode.get(r.node)!.push(r);
  let last = 0;
  const arrivalsUs: Float64Array[] = [];
  const seqs: (Float64Array | null)[] = [];
  const sentUs: (Float64Array | null)[] = [];
  for (const node of nodes) {
    // Stable sort by arrival: the log may interleave nodes or be slightly out of order.
    const list = byNode.get(node)!.slice().sort((a, b) => a.arrivalUs - b.arrivalUs);
    arrivalsUs.push(Float64Array.from(list, (r) => r.arrivalUs - origin));
    seqs.push(list.every((r) => r.seq !== null) ? Float64Array.from(list, (r) => r.seq!) : null);
    sentUs.push(list.every((r) => r.sentUs !== null) ? Float64Array.from(list, (r) => r.sentUs! - origin) : null);
    last = Math.max(last, list[list.length - 1]!.arrivalUs - origin);
  }
  return { nodes, trace: { arrivalsUs, seqs, sentUs }, lastArrivalUs: last, originUs: origin };
}
