/**
 * The threshold lemmas of src/sim/skip/thresholds.ts, checked on the real detector
 * classes: when every heartbeat is ordinary (delivered, lateness ≤ θ) no verdict can
 * change — not even on a tie at one instant — wherever the lemma's window lies among
 * sent heartbeats; and θ cannot be raised: one heartbeat at θ + 1 with ordinary
 * neighbours can open a gap. Small cases exhaustively, larger ones by fast-check.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FixedTimeoutDetector } from '../../../src/sim/detectors/fixed-timeout.js';
import { NfdSDetector } from '../../../src/sim/detectors/nfd-s.js';
import { Status } from '../../../src/sim/status.js';
import { nfdSThresholdUs, skipRefusal, timeoutThresholdUs } from '../../../src/sim/skip/thresholds.js';

interface Beat {
  readonly sentUs: number;
  readonly arrivalUs: number;
  readonly seq: number;
}

/**
 * Walks t over [fromUs, toUs]; before asking the verdict at t, the detector has seen the
 * arrivals up to t − 1 (strict: a wake-up at t may precede an arrival at t), or up to t
 * (`inclusive`). Returns the first t with a verdict other than ALIVE, or null.
 */
function firstChange(
  beats: readonly Beat[],
  detector: { onHeartbeat(pair: number, arrivalUs: number, sentUs: number, seq: number, healthy: boolean): void; statusAt(pair: number, t: number): number },
  fromUs: number,
  toUs: number,
  inclusive: boolean,
): number | null {
  const sorted = [...beats].sort((a, b) => a.arrivalUs - b.arrivalUs || a.seq - b.seq);
  let next = 0;
  for (let t = fromUs; t <= toUs; t++) {
    const seen = inclusive ? t : t - 1;
    while (next < sorted.length && sorted[next]!.arrivalUs <= seen) {
      const b = sorted[next++]!;
      detector.onHeartbeat(0, b.arrivalUs, b.sentUs, b.seq, true);
    }
    if (detector.statusAt(0, t) !== Status.alive) return t;
  }
  return null;
}

/** All vectors of `length` values in [0, max]. */
function* vectors(length: number, max: number): Generator<number[]> {
  const v = new Array<number>(length).fill(0);
  for (;;) {
    yield v;
    let i = 0;
    while (i < length && v[i] === max) v[i++] = 0;
    if (i === length) return;
    v[i]!++;
  }
}

interface TimeoutCase {
  intervalUs: number;
  timeoutUs: number;
  baseUs: number;
  phaseUs: number;
}

/** Fixed timeout: heartbeats k = 0…K−1 with lateness L (jitter J ≤ L); the window where the lemma applies. */
function timeoutChange(c: TimeoutCase, lateness: readonly number[], jitter: readonly number[], inclusive: boolean): number | null {
  const n = (k: number) => c.phaseUs + k * c.intervalUs;
  const beats = lateness.map((l, k) => ({ sentUs: n(k) + jitter[k]!, arrivalUs: n(k) + c.baseUs + l, seq: k }));
  const theta = timeoutThresholdUs(c.timeoutUs, c.intervalUs);
  const detector = new FixedTimeoutDetector(1, c.timeoutUs, 10 * c.timeoutUs, n(0));
  return firstChange(beats, detector, n(0) + c.timeoutUs + c.baseUs, n(lateness.length - 1) + c.baseUs + theta + 1, inclusive);
}

interface NfdsCase {
  intervalUs: number;
  shiftUs: number;
  baseUs: number;
  phaseUs: number;
}

function nfdsChange(c: NfdsCase, lateness: readonly number[], jitter: readonly number[], inclusive: boolean): number | null {
  const n = (k: number) => c.phaseUs + k * c.intervalUs;
  const beats = lateness.map((l, k) => ({ sentUs: n(k) + jitter[k]!, arrivalUs: n(k) + c.baseUs + l, seq: k }));
  const theta = nfdSThresholdUs(c.shiftUs, c.baseUs);
  const detector = new NfdSDetector(1, c.intervalUs, c.shiftUs, Number.POSITIVE_INFINITY, n(0));
  return firstChange(beats, detector, n(0) + c.intervalUs + c.shiftUs - 1, n(lateness.length - 1) + 1 + c.baseUs + theta, inclusive);
}

const zeros = (k: number) => new Array<number>(k).fill(0);

describe('fixed timeout: θ = T − I', () => {
  const cases: TimeoutCase[] = [
    { intervalUs: 4, timeoutUs: 9, baseUs: 0, phaseUs: 0 },
    { intervalUs: 4, timeoutUs: 9, baseUs: 3, phaseUs: 2 },
    { intervalUs: 3, timeoutUs: 7, baseUs: 1, phaseUs: 1 },
  ];
  for (const c of cases) {
    const theta = timeoutThresholdUs(c.timeoutUs, c.intervalUs);
    it(`I = ${c.intervalUs}, T = ${c.timeoutUs}, b = ${c.baseUs}: no lateness vector in [0, ${theta}]⁶ lets a wake-up fire, even on a tie`, () => {
      let checked = 0;
      for (const l of vectors(6, theta)) {
        expect(timeoutChange(c, l, zeros(6), false)).toBeNull();
        checked++;
      }
      expect(checked).toBe((theta + 1) ** 6);
    });

    it(`I = ${c.intervalUs}, T = ${c.timeoutUs}, b = ${c.baseUs}: one heartbeat at θ + 1 can tie a wake-up, at θ + 2 it can suspect`, () => {
      const found = (extra: number, inclusive: boolean) => {
        for (let k = 1; k < 5; k++) {
          for (const l of vectors(6, theta)) {
            const v = [...l];
            v[k] = theta + extra;
            if (timeoutChange(c, v, zeros(6), inclusive) !== null) return true;
          }
        }
        return false;
      };
      expect(found(1, false)).toBe(true);
      expect(found(1, true)).toBe(false); // θ + 1 only ties: the arrival lands on the wake-up's instant
      expect(found(2, true)).toBe(true);
    });
  }

  it('holds for larger intervals, timeouts, bases and any split of lateness into jitter and delay (property)', () => {
    fc.assert(
      fc.property(
        fc.record({ intervalUs: fc.integer({ min: 2, max: 40 }), extra: fc.integer({ min: 0, max: 100 }), baseUs: fc.integer({ min: 0, max: 60 }), phase: fc.double({ min: 0, max: 0.999, noNaN: true }) }),
        fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), fc.boolean()), { minLength: 12, maxLength: 12 }),
        ({ intervalUs, extra, baseUs, phase }, draws) => {
          const c: TimeoutCase = { intervalUs, timeoutUs: intervalUs + extra, baseUs, phaseUs: Math.floor(phase * intervalUs) };
          const theta = timeoutThresholdUs(c.timeoutUs, c.intervalUs);
          // Lateness biased to the extremes 0 and θ, where gaps are widest.
          const lateness = draws.map(([u, , edge]) => (edge ? (u < 0.5 ? 0 : theta) : Math.round(u * theta)));
          const jitter = draws.map(([, v], k) => Math.min(Math.round(v * lateness[k]!), intervalUs - 1));
          expect(timeoutChange(c, lateness, jitter, false)).toBeNull();
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('NFD-S: θ = δ − b − 1', () => {
  const cases: NfdsCase[] = [
    { intervalUs: 4, shiftUs: 8, baseUs: 0, phaseUs: 0 },
    { intervalUs: 4, shiftUs: 8, baseUs: 2, phaseUs: 3 },
    { intervalUs: 3, shiftUs: 5, baseUs: 1, phaseUs: 1 },
  ];
  for (const c of cases) {
    const theta = nfdSThresholdUs(c.shiftUs, c.baseUs);
    it(`I = ${c.intervalUs}, δ = ${c.shiftUs}, b = ${c.baseUs}: no lateness vector in [0, ${theta}]⁵ (jitter 0, the worst case) loses trust`, () => {
      for (const l of vectors(5, theta)) expect(nfdsChange(c, l, zeros(5), false)).toBeNull();
    });

    it(`I = ${c.intervalUs}, δ = ${c.shiftUs}, b = ${c.baseUs}: one heartbeat at θ + 1 can tie, at θ + 2 it can suspect`, () => {
      const found = (extra: number, inclusive: boolean) => {
        for (let k = 1; k < 4; k++) {
          for (const l of vectors(5, theta)) {
            const v = [...l];
            v[k] = theta + extra;
            if (nfdsChange(c, v, zeros(5), inclusive) !== null) return true;
          }
        }
        return false;
      };
      expect(found(1, false)).toBe(true);
      expect(found(1, true)).toBe(false);
      expect(found(2, true)).toBe(true);
    });
  }

  it('holds for larger parameters and any split into jitter (which only helps: it moves σ later) and delay (property)', () => {
    fc.assert(
      fc.property(
        fc.record({ intervalUs: fc.integer({ min: 2, max: 40 }), shiftExtra: fc.integer({ min: 1, max: 100 }), baseUs: fc.integer({ min: 0, max: 30 }), phase: fc.double({ min: 0, max: 0.999, noNaN: true }) }),
        fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), fc.boolean()), { minLength: 12, maxLength: 12 }),
        ({ intervalUs, shiftExtra, baseUs, phase }, draws) => {
          const c: NfdsCase = { intervalUs, shiftUs: baseUs + shiftExtra, baseUs, phaseUs: Math.floor(phase * intervalUs) };
          const theta = nfdSThresholdUs(c.shiftUs, c.baseUs);
          const lateness = draws.map(([u, , edge]) => (edge ? (u < 0.5 ? 0 : theta) : Math.round(u * theta)));
          const jitter = draws.map(([, v], k) => Math.min(Math.round(v * lateness[k]!), intervalUs - 1));
          expect(nfdsChange(c, lateness, jitter, false)).toBeNull();
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('skipRefusal', () => {
  it('refuses duplication, a negative threshold and a jitter that can reach the interval; accepts the rest', () => {
    const none = { kind: 'constant', valueUs: 0 } as const;
    expect(skipRefusal(none, 1_000_000, 0, 2_000_000)).toBeNull();
    expect(skipRefusal({ kind: 'uniform', minUs: 0, maxUs: 999_999 }, 1_000_000, 0, 0)).toBeNull();
    expect(skipRefusal(none, 1_000_000, 0.01, 2_000_000)).toMatch(/duplicated/);
    expect(skipRefusal(none, 1_000_000, 0, -1)).toMatch(/below zero/);
    expect(skipRefusal({ kind: 'uniform', minUs: 0, maxUs: 1_000_000 }, 1_000_000, 0, 5)).toMatch(/reach the interval/);
    expect(skipRefusal({ kind: 'exponential', meanUs: 10 }, 1_000_000, 0, 5)).toMatch(/reach the interval/);
  });
});
