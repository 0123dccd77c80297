/**
 * The search strategy on its own, with synthetic evaluators (no simulation): it finds
 * the optimum of a lattice whose feasible region and objective are known, visits fewer
 * cells than the lattice holds, follows the same path for the same outcomes, and
 * terminates on any outcome pattern (property test). The look schedule doubles.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { coarseStride, flatIndex, lookSchedule, searchLattice, type Evaluate, type Evaluated } from '../../src/tune/index.js';

/** An evaluator from a feasibility predicate and an objective (minimised). */
function synthetic(feasible: (i: readonly number[]) => boolean, objective: (i: readonly number[]) => number): { evaluate: Evaluate; visited: string[] } {
  const visited: string[] = [];
  const evaluate: Evaluate = async (batch, incumbent) =>
    batch.map((p): Evaluated => {
      visited.push(p.index.join(','));
      const ok = feasible(p.index);
      const value = objective(p.index);
      const outcome = ok ? 'meets' : incumbent !== null && value > incumbent.objective! ? 'dominated' : 'breaches';
      return { index: p.index, outcome, objective: value, breached: outcome === 'breaches' ? 1 : 0, undecided: 0 };
    });
  return { evaluate, visited };
}

describe('searchLattice', () => {
  it('finds the optimum of a monotone frontier on a 9 × 9 lattice without visiting every cell', async () => {
    // Cost falls with i (a longer interval) and j does not matter; feasible iff j ≥ i + 1 and j ≤ i + 3
    // (the timeout must exceed the interval but detection must stay bounded): optimum i = 7, j = 8.
    const { evaluate, visited } = synthetic(
      ([i, j]) => j! >= i! + 1 && j! <= i! + 3,
      ([i, j]) => 100 - 10 * i! + j! * 0.01,
    );
    const order = await searchLattice([9, 9], 'minimise', evaluate, null);
    const best = order.filter((e) => e.outcome === 'meets').sort((a, b) => a.objective! - b.objective!)[0]!;
    expect(best.index).toEqual([7, 8]);
    expect(new Set(visited).size).toBeLessThan(81);
    expect(new Set(visited).size).toBe(visited.length); // never the same cell twice
  });

  it('starts at the closed form’s point when given one', async () => {
    const { evaluate, visited } = synthetic(([i, j]) => j! > i!, ([i]) => -i!);
    await searchLattice([5, 5], 'minimise', evaluate, [3, 4]);
    expect(visited[0]).toBe('3,4');
  });

  it('same outcomes, same path; terminates on arbitrary outcome patterns', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 7 }), fc.integer(), async (n, m, seed) => {
        const hash = (i: readonly number[]) => Math.abs(Math.imul(seed ^ (i[0]! * 7919), 2654435761) ^ (i[1]! * 104729)) % 5;
        const a = synthetic((i) => hash(i) < 2, (i) => hash(i) + i[0]!);
        const b = synthetic((i) => hash(i) < 2, (i) => hash(i) + i[0]!);
        await searchLattice([n, m], 'minimise', a.evaluate, null);
        await searchLattice([n, m], 'minimise', b.evaluate, null);
        expect(a.visited).toEqual(b.visited);
        expect(a.visited.length).toBeLessThanOrEqual(n * m + 3);
      }),
      { seed: 15, numRuns: 60 },
    );
  });

  it('coarse strides and flat indices', () => {
    expect([1, 2, 3, 4, 5, 9, 20].map(coarseStride)).toEqual([1, 1, 1, 2, 2, 4, 10]);
    expect(flatIndex([2, 3], [5, 7])).toBe(17);
  });
});

describe('lookSchedule', () => {
  it('doubles up to the cap, then takes the cap', () => {
    expect(lookSchedule(1)).toEqual([1]);
    expect(lookSchedule(16)).toEqual([1, 2, 4, 8, 16]);
    expect(lookSchedule(20)).toEqual([1, 2, 4, 8, 16, 20]);
  });
});
