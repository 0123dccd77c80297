/**
 * The TCP walk's RTT record (src/sim/skip/rtt-record.ts): its bounds hold whatever the
 * undrawn samples are (fast-check: random exact samples and runs, the runs' values drawn
 * anywhere in [lo, hi], including their ends), its exact state is tcp.ts's EWMA, and a
 * materialisation that draws only the latest MEMORY samples of a run gives the same RTO
 * as the full history.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TCP_DEFAULTS, type TcpSettings } from '../../../src/sim/config.js';
import { LOST, TcpConnections, type TcpHost } from '../../../src/sim/network/tcp.js';
import { MEMORY, RttRecord } from '../../../src/sim/skip/rtt-record.js';

/** tcp.ts itself as the reference: one link fed samples through a host (each send arrives, its RTT is the next value). */
function engineRto(settings: TcpSettings, samples: readonly number[]): number {
  let next = 0;
  const host: TcpHost = {
    attempt: (_l, departUs) => departUs + samples[next]!,
    ackDelayUs: () => 0,
    setTimer: () => {},
    deliver: () => {},
  };
  const tcp = new TcpConnections(host, [settings], [0]);
  for (next = 0; next < samples.length; next++) tcp.send(0, next * 1e7, 0, 0, 0, 0);
  return tcp.rtoUs(0);
}
void LOST;

describe('RttRecord', () => {
  it('bounds contain the exact RTO whatever the skipped samples are, and materialising gives the exact EWMA (property)', () => {
    fc.assert(
      fc.property(
        fc.record({
          lo: fc.integer({ min: 100, max: 5_000 }),
          width: fc.integer({ min: 0, max: 400_000 }),
          rtoMinUs: fc.constantFrom(200_000, 1_000, 20_000),
          steps: fc.array(
            fc.oneof(
              fc.record({ exact: fc.integer({ min: 0, max: 2_000_000 }) }),
              fc.record({ run: fc.integer({ min: 1, max: 80 }), pick: fc.constantFrom('lo', 'hi', 'mid', 'random', 'alternate') }),
            ),
            { minLength: 1, maxLength: 12 },
          ),
          seed: fc.integer({ min: 1, max: 1e9 }),
        }),
        ({ lo, width, rtoMinUs, steps, seed }) => {
          const settings = { ...TCP_DEFAULTS, rtoMinUs };
          const hi = lo + width;
          let u = seed;
          const rand = () => ((u = (u * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
          // The values the runs "really" had; the record sees them only when it materialises.
          const truth: number[] = [];
          const queue: number[] = [];
          const record = new RttRecord(settings, lo, hi, () => queue.shift()!);
          for (const step of steps) {
            if ('exact' in step) {
              truth.push(step.exact);
              record.exact(step.exact);
              continue;
            }
            const upper = record.rtoUpperAfter(step.run);
            const lower = record.rtoLowerAfter(step.run);
            const run: number[] = [];
            for (let i = 0; i < step.run; i++) {
              const v = step.pick === 'lo' ? lo : step.pick === 'hi' ? hi : step.pick === 'mid' ? Math.round((lo + hi) / 2) : step.pick === 'alternate' ? (i % 2 === 0 ? lo : hi) : lo + Math.floor(rand() * (width + 1));
              run.push(v);
            }
            truth.push(...run);
            // The bounds announced before the run hold for the values it had.
            const exact = engineRto(settings, truth);
            expect(exact).toBeLessThanOrEqual(upper);
            expect(exact).toBeGreaterThanOrEqual(lower);
            record.ordinary(step.run);
            queue.push(...run);
          }
          // Materialising replays the runs with their values: tcp.ts's RTO exactly.
          expect(record.rto()).toBe(engineRto(settings, truth));
          expect(record.pending).toBe(false);
        },
      ),
      { seed: 1414, numRuns: 300 },
    );
  });

  it('a run longer than MEMORY: drawing only its latest samples gives the full history’s RTO', () => {
    let u = 7;
    const rand = () => ((u = (u * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let trial = 0; trial < 200; trial++) {
      const n = MEMORY + 1 + Math.floor(rand() * 5_000);
      const values = Array.from({ length: n }, () => 1_000 + Math.round(rand() * rand() * 300_000));
      const before = 50_000 + Math.round(rand() * 2_000_000);
      const record = new RttRecord(TCP_DEFAULTS, 1_000, 301_000, () => values[values.length - MEMORY + drawn++]!);
      let drawn = 0;
      record.exact(before);
      record.ordinary(n);
      const rto = record.rto();
      expect(drawn).toBe(MEMORY);
      expect(rto).toBe(engineRto(TCP_DEFAULTS, [before, ...values]));
    }
  });

  it('no sample yet: rto_initial, exactly, with nothing to draw', () => {
    const record = new RttRecord(TCP_DEFAULTS, 1_000, 2_000, () => {
      throw new Error('nothing to draw');
    });
    expect(record.rtoUpperAfter(0)).toBe(TCP_DEFAULTS.rtoInitialUs);
    expect(record.rto()).toBe(TCP_DEFAULTS.rtoInitialUs);
    record.exact(3_000);
    record.reset();
    expect(record.rto()).toBe(TCP_DEFAULTS.rtoInitialUs);
  });
});
