import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TraceInputError } from '../../src/replay/errors.js';
import { parseCassandraDump } from '../../src/replay/parse-cassandra.js';
import { parseHeartbeatCsv } from '../../src/replay/parse-csv.js';
import { toTrace } from '../../src/replay/records.js';
import { replayLog } from '../../src/replay/replay.js';
import type { DetectorConfig } from '../../src/sim/config.js';

const S = 1_000_000;
const timeout = (timeoutUs: number): DetectorConfig => ({ kind: 'timeout', timeoutUs, deadAfterUs: 2 * timeoutUs, checkIntervalUs: 0 });

/** Two nodes beating every second for 60 s; node b falls silent from 20 s to 26 s. */
function csvLog(): string {
  const rows = ['node,arrival,seq'];
  for (let k = 0; k <= 60; k++) {
    rows.push(`a,${1000 + k + 0.01},${k}`);
    if (k <= 20 || k >= 26) rows.push(`b,${1000 + k + 0.5},${k}`);
  }
  return rows.join('\n');
}

describe('reading heartbeat logs', () => {
  it('reads node, arrival and seq columns, relative to the first record', () => {
    const log = toTrace(parseHeartbeatCsv(csvLog(), 'log.csv'));
    expect(log.nodes).toEqual(['a', 'b']);
    expect(log.trace.arrivalsUs[0]![0]).toBe(0);
    expect(log.trace.arrivalsUs[1]![0]).toBe(490_000);
    expect(log.trace.arrivalsUs[1]).toHaveLength(56);
  });

  it('accepts ISO-8601 timestamps with microseconds and a header in any column order', () => {
    const text = 'arrival,node\n2026-11-01T10:00:00.000001Z,x\n2026-11-01T10:00:01.500002Z,x\n';
    const log = toTrace(parseHeartbeatCsv(text, 'iso.csv'));
    expect(Array.from(log.trace.arrivalsUs[0]!)).toEqual([0, 1_500_001]);
  });

  it('reports a bad time with its file and line', () => {
    const text = 'node,arrival\na,1.0\n# a comment\n\na,soon\n';
    expect(() => parseHeartbeatCsv(text, 'bad.csv')).toThrow(/bad\.csv:5: arrival must be a number of s or an ISO-8601 timestamp, got "soon"/);
  });

  it('reads a Cassandra dumpInterArrivalTimes file (nanosecond intervals per endpoint)', () => {
    const dash = '-'.repeat(71);
    const text = `${dash}/10.0.0.1:7000 : 2000000000 1000000000 1000500000\n/10.0.0.2:7000 : 1000000000 999000000\n${dash}`;
    const log = toTrace(parseCassandraDump(text, 'fd.dat'));
    expect(log.nodes).toEqual(['10.0.0.1:7000', '10.0.0.2:7000']);
    expect(Array.from(log.trace.arrivalsUs[0]!)).toEqual([0, 2 * S, 3 * S, 4_000_500]);
  });

  it('never throws anything but a TraceInputError on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        for (const parse of [() => parseHeartbeatCsv(text, 'f.csv'), () => parseCassandraDump(text, 'f.dat')]) {
          try {
            parse();
          } catch (error) {
            expect(error).toBeInstanceOf(TraceInputError);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('replaying a log', () => {
  it('lists the state changes each setting would have made, at their exact times', () => {
    const log = toTrace(parseHeartbeatCsv(csvLog(), 'log.csv'));
    const [short, long] = replayLog(log, [
      { id: 'timeout=3s', params: { 'detector.timeout': '3s' }, detector: timeout(3 * S) },
      { id: 'timeout=8s', params: { 'detector.timeout': '8s' }, detector: timeout(8 * S) },
    ]);
    // b's last heartbeat before the gap landed at 20.5 s after the origin (1000.01 s).
    const lastBeforeGap = 20 * S + 490_000;
    const verdicts = short!.timeline.entries.filter((e) => e.event === 'verdict');
    expect(verdicts.map((e) => [e.node, e.event === 'verdict' ? e.to : '', e.t_ms])).toEqual([
      ['b', 'SUSPECTED', (lastBeforeGap + 3 * S + 1) / 1000],
      ['b', 'ALIVE', (lastBeforeGap + 6 * S) / 1000],
    ]);
    expect(short!.metrics.false_suspicions.count).toBe(1);
    expect(long!.metrics.false_suspicions.count).toBe(0);
  });

  it('counts a marked crash as a detection, not a false suspicion', () => {
    const log = toTrace(parseHeartbeatCsv(csvLog(), 'log.csv'));
    const [cell] = replayLog(log, [{ id: 'default', params: {}, detector: timeout(3 * S) }], { crashes: [{ node: 'b', atUs: 1020.6 * S }] });
    expect(cell!.metrics.false_suspicions.count).toBe(0);
    expect(cell!.metrics.detection_latency_ms.count).toBe(1);
    expect(cell!.metrics.detection_latency_ms.p50).toBeCloseTo(2_900, 0);
  });

  it('drives a phi detector with exact arrival times', () => {
    const rows = ['node,arrival'];
    for (let k = 0; k <= 200; k++) rows.push(`n,${k}`);
    const log = toTrace(parseHeartbeatCsv(rows.join('\n'), 'phi.csv'));
    const phi: DetectorConfig = { kind: 'phiAkka', threshold: 8, acceptablePauseUs: 3 * S, minStdDeviationUs: 100_000, maxSampleSize: 1000, firstHeartbeatEstimateUs: 1 * S, confirmAfterUs: Number.POSITIVE_INFINITY, checkIntervalUs: 0 };
    const [cell] = replayLog(log, [{ id: 'phi', params: {}, detector: phi }]);
    expect(cell!.metrics.false_suspicions.count).toBe(0);
  });
});
