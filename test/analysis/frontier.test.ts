import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dominates, paretoFrontier, tradeOffPoint, type TradeOffPoint } from '../../src/analysis/frontier.js';
import { cellWith } from '../report/fixtures.js';

const ids = (cells: { id: string }[]) => cells.map((c) => c.id);

describe('paretoFrontier', () => {
  it('keeps exactly the cells no other cell beats on both p99 and false suspicions, in increasing false-suspicion order', () => {
    const cells = [
      cellWith('slow-clean', 5000, 0),
      cellWith('fast-noisy', 500, 40),
      cellWith('dominated', 2500, 3), // beaten by 'middle' on both
      cellWith('middle', 2000, 1),
      cellWith('quick', 1000, 8),
      cellWith('slower-and-noisier', 6000, 0.5), // beaten by 'slow-clean'
    ];
    expect(ids(paretoFrontier(cells))).toEqual(['slow-clean', 'middle', 'quick', 'fast-noisy']);
  });

  it('keeps cells that tie on both coordinates, and drops a cell that ties on one and loses on the other', () => {
    const cells = [cellWith('a', 1000, 2), cellWith('b', 1000, 2), cellWith('c', 1000, 3), cellWith('d', 1200, 2)];
    expect(ids(paretoFrontier(cells))).toEqual(['a', 'b']);
  });

  it('leaves out cells without a detection latency (no crash detected)', () => {
    const cells = [cellWith('no-crash', null, 0), cellWith('x', 3000, 1), cellWith('y', 1000, 5)];
    expect(ids(paretoFrontier(cells))).toEqual(['x', 'y']);
  });

  it('among several zero-rate cells keeps only the fastest', () => {
    const cells = [cellWith('z1', 4000, 0), cellWith('z2', 3000, 0), cellWith('z3', 5000, 0), cellWith('noisy', 100, 9)];
    expect(ids(paretoFrontier(cells))).toEqual(['z2', 'noisy']);
  });

  it('is empty for no cells', () => {
    expect(paretoFrontier([])).toEqual([]);
  });

  it('agrees with the quadratic definition on random cells (fast-check)', () => {
    const coordinate = fc.record({
      p99: fc.option(fc.integer({ min: 1, max: 20 }), { nil: null, freq: 8 }),
      rate: fc.integer({ min: 0, max: 20 }).map((n) => n / 4),
    });
    fc.assert(
      fc.property(fc.array(coordinate, { maxLength: 40 }), (coords) => {
        const cells = coords.map((c, i) => cellWith(`c${i}`, c.p99 === null ? null : c.p99 * 100, c.rate));
        const points = cells.map(tradeOffPoint);
        const expected = cells
          .filter((_, i) => points[i] !== null && !points.some((q) => q !== null && dominates(q, points[i]!)))
          .map((c) => c.id);
        const got = paretoFrontier(cells);
        expect(new Set(ids(got))).toEqual(new Set(expected));
        expect(got).toHaveLength(expected.length);
        const rates = got.map((c) => c.metrics.false_suspicions.per_node_day);
        expect(rates).toEqual([...rates].sort((x, y) => x - y));
      }),
    );
  });
});

describe('dominates', () => {
  const p = (detectionP99Ms: number, falseSuspicionsPerNodeDay: number): TradeOffPoint => ({ detectionP99Ms, falseSuspicionsPerNodeDay });

  it('needs no worse on both and better on one', () => {
    expect(dominates(p(1, 1), p(2, 2))).toBe(true);
    expect(dominates(p(1, 2), p(2, 2))).toBe(true);
    expect(dominates(p(1, 1), p(1, 1))).toBe(false);
    expect(dominates(p(1, 3), p(2, 2))).toBe(false);
  });
});
