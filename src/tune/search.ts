/**
 * The search of `hbsim tune` over a lattice of parameter values (the cartesian product
 * of each tuned path's values), independent of how a candidate is simulated: the
 * evaluator is passed in, so the strategy is tested on its own and the order of
 * evaluation is a pure function of the outcomes (same inputs, same path).
 *
 * 1. Where the closed forms point (when they apply): the cheapest setting they predict
 *    meets the targets.
 * 2. A coarse lattice: each path's ends and its middle (every `stride`-th value,
 *    `stride` half the path's span rounded up), 3^D candidates for D paths.
 * 3. Refinement along the feasible frontier: the lattice neighbours, at the current
 *    stride, of the best two candidates meeting every target (or, while none does, of
 *    every candidate simulated: without a feasible point nothing says where to look, so
 *    the lattice is densified evenly); when every such neighbour has been simulated the
 *    stride halves, down to 1. A neighbour on the far side of the frontier breaches a
 *    target; one on the near side is feasible but costlier and is dropped after one
 *    look (`dominated`) — so the search walks the frontier and stops where it cannot
 *    improve at the finest spacing.
 *
 * 4. A runner-up with its own evidence: when only one candidate meets every target,
 *    the best ones dropped as costlier are taken up again (their replications continue)
 *    until one meets them all.
 *
 * Terminates: every round simulates at least one new lattice cell or shrinks the stride.
 */
import type { TuneOutcome } from '../results/tune-summary.js';

export type Phase = 'analytic' | 'coarse' | 'refine' | 'runner-up';

export interface Proposal {
  readonly index: readonly number[];
  readonly phase: Phase;
  readonly stride: number;
}

export interface Evaluated {
  readonly index: readonly number[];
  readonly outcome: TuneOutcome;
  /** The objective's point estimate; null when the results have none. */
  readonly objective: number | null;
  /** Targets breached and still undecided. */
  readonly breached: number;
  readonly undecided: number;
}

/** Simulates a batch of candidates (in the order given); `incumbent` is the best meeting every target so far. */
export type Evaluate = (batch: readonly Proposal[], incumbent: Evaluated | null) => Promise<readonly Evaluated[]>;

export type Direction = 'minimise' | 'maximise';

/** Flat position of a lattice index (first path outermost, as a sweep orders its cells). */
export function flatIndex(index: readonly number[], sizes: readonly number[]): number {
  let flat = 0;
  for (let d = 0; d < sizes.length; d++) flat = flat * sizes[d]! + index[d]!;
  return flat;
}

export function coarseStride(size: number): number {
  return Math.max(1, Math.ceil((size - 1) / 2));
}

function coarseValues(size: number): number[] {
  const stride = coarseStride(size);
  const values: number[] = [];
  for (let i = 0; i < size; i += stride) values.push(i);
  if (values.at(-1) !== size - 1) values.push(size - 1);
  return values;
}

function product(lists: readonly (readonly number[])[]): number[][] {
  let out: number[][] = [[]];
  for (const list of lists) out = out.flatMap((t) => list.map((v) => [...t, v]));
  return out;
}

/** Negative when `a` is the better candidate: objective first (null last), then lattice order. */
export function compareCandidates(a: Evaluated, b: Evaluated, sizes: readonly number[], direction: Direction): number {
  if (a.objective !== b.objective) {
    if (a.objective === null) return 1;
    if (b.objective === null) return -1;
    return direction === 'minimise' ? a.objective - b.objective : b.objective - a.objective;
  }
  return flatIndex(a.index, sizes) - flatIndex(b.index, sizes);
}

/** Candidates meeting every target, best first. */
export function ranked(evaluated: Iterable<Evaluated>, sizes: readonly number[], direction: Direction): Evaluated[] {
  return [...evaluated].filter((e) => e.outcome === 'meets').sort((a, b) => compareCandidates(a, b, sizes, direction));
}

/** While nothing meets every target: the candidates closest to it (fewest breached, then fewest undecided, then objective). */
function closestToFeasible(evaluated: Iterable<Evaluated>, sizes: readonly number[], direction: Direction): Evaluated[] {
  return [...evaluated].filter((e) => e.outcome !== 'dominated').sort((a, b) => a.breached - b.breached || a.undecided - b.undecided || compareCandidates(a, b, sizes, direction));
}

const ANCHORS = 2;
/** Candidates tried for a runner-up before giving up. */
const RUNNER_UP_TRIES = 3;

/** Runs the search; returns every candidate evaluated, in evaluation order. */
export async function searchLattice(
  sizes: readonly number[],
  direction: Direction,
  evaluate: Evaluate,
  start: readonly number[] | null,
  /** False for lattice cells that cannot be simulated (invalid combinations): never proposed. */
  valid: (index: readonly number[]) => boolean = () => true,
): Promise<Evaluated[]> {
  const seen = new Map<number, Evaluated>();
  const order: Evaluated[] = [];
  const run = async (proposals: readonly Proposal[]): Promise<boolean> => {
    const fresh: Proposal[] = [];
    const keys = new Set<number>();
    for (const p of proposals) {
      const key = flatIndex(p.index, sizes);
      if (seen.has(key) || keys.has(key) || !valid(p.index)) continue;
      keys.add(key);
      fresh.push(p);
    }
    if (fresh.length === 0) return false;
    const incumbent = ranked(seen.values(), sizes, direction)[0] ?? null;
    const results = await evaluate(fresh, incumbent);
    for (const r of results) {
      seen.set(flatIndex(r.index, sizes), r);
      order.push(r);
    }
    return true;
  };
  if (start !== null) await run([{ index: start, phase: 'analytic', stride: 0 }]);
  await run(product(sizes.map(coarseValues)).map((index) => ({ index, phase: 'coarse' as const, stride: 0 })));
  let strides = sizes.map(coarseStride);
  for (;;) {
    const feasible = ranked(seen.values(), sizes, direction);
    // Until something meets every target, nothing says where to look: densify around every candidate.
    const anchors = feasible.length > 0 ? feasible.slice(0, ANCHORS) : closestToFeasible(seen.values(), sizes, direction);
    const offsets = product(sizes.map(() => [-1, 0, 1])).filter((o) => o.some((x) => x !== 0));
    const proposals: Proposal[] = [];
    for (const anchor of anchors) {
      for (const offset of offsets) {
        const index = anchor.index.map((v, d) => v + offset[d]! * strides[d]!);
        if (index.every((v, d) => v >= 0 && v < sizes[d]!)) proposals.push({ index, phase: 'refine', stride: Math.max(...strides) });
      }
    }
    if (await run(proposals)) continue;
    if (strides.every((s) => s === 1)) break;
    strides = strides.map((s) => Math.max(1, Math.floor(s / 2)));
  }
  // A runner-up with evidence: candidates dropped as costlier (no target breached) are
  // taken up again, best objective first, until one meets every target.
  const chosen = ranked(seen.values(), sizes, direction)[0];
  if (chosen !== undefined && ranked(seen.values(), sizes, direction).length < 2) {
    const dropped = [...seen.values()].filter((e) => e.outcome === 'dominated' && e.breached === 0).sort((a, b) => compareCandidates(a, b, sizes, direction));
    for (const candidate of dropped.slice(0, RUNNER_UP_TRIES)) {
      const [result] = await evaluate([{ index: candidate.index, phase: 'runner-up', stride: 0 }], null);
      seen.set(flatIndex(result!.index, sizes), result!);
      order.push(result!);
      if (result!.outcome === 'meets') break;
    }
  }
  return order;
}
