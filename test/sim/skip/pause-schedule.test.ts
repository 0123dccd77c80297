/**
 * The walk's pause and starvation windows (src/sim/skip/pause-schedule.ts) against a
 * reference written from the fault service's rules in the plainest way: every process's
 * episodes drawn from its own stream (first onset; at each onset ≤ the end, the next
 * onset and max(1, duration)), merged within the process, then the union per node,
 * sorted. pause-schedule.ts writes one rule's windows straight into its arrays (one
 * process a node: already sorted and merged) and unions only where a node has several;
 * both must give these windows, draw for draw.
 */
import { setFlagsFromString } from 'node:v8';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Fault, NodeSelector, Onset, SimConfig } from '../../../src/sim/config.js';
import type { DelayDistribution } from '../../../src/sim/random/distributions.js';
import { compileFaults, firstOnsetUs, nextOnsetUs, ProcessKind } from '../../../src/sim/faults/faults.js';
import { StreamBank, type SeedRoot } from '../../../src/sim/random/streams.js';
import { pauseSchedule, starvationSchedule } from '../../../src/sim/skip/pause-schedule.js';
import { WalkShared } from '../../../src/sim/skip/walk-shared.js';
import { walkConfig, S } from './walk-vs-engine.js';

/** Each node's windows as [start, end) pairs, from the fault service's rules (see the header). */
function referenceWindows(config: SimConfig, root: SeedRoot, kind: number): [number, number][][] {
  const processes = compileFaults(config.faults ?? [], config.nodeNames, root, new StreamBank(8)).filter((p) => p.kind === kind);
  const perNode: [number, number][][] = config.nodeNames.map(() => []);
  for (const p of processes) {
    const episodes: [number, number][] = [];
    for (let at = firstOnsetUs(p.onset!, p.stream); at !== null && at <= config.durationUs; ) {
      const next = nextOnsetUs(p.onset!, p.stream, at);
      const end = at + Math.max(1, p.duration!.sampleUs(p.stream.index));
      const last = episodes[episodes.length - 1];
      if (last !== undefined && at <= last[1]) last[1] = Math.max(last[1], end);
      else episodes.push([at, end]);
      at = next;
    }
    perNode[p.nodes[0]!]!.push(...episodes);
  }
  return perNode.map((windows) => {
    const union: [number, number][] = [];
    for (const [s, e] of [...windows].sort((a, b) => a[0] - b[0])) {
      const last = union[union.length - 1];
      if (last !== undefined && s <= last[1]) last[1] = Math.max(last[1], e);
      else union.push([s, e]);
    }
    return union;
  });
}

function windowsOfSchedule(s: { first: Int32Array; startUs: Float64Array; endUs: Float64Array }, n: number): [number, number][][] {
  expect(s.first.length).toBe(n + 1);
  return Array.from({ length: n }, (_, node) => {
    const out: [number, number][] = [];
    for (let i = s.first[node]!; i < s.first[node + 1]!; i++) out.push([s.startUs[i]!, s.endUs[i]!]);
    return out;
  });
}

const onsetArb: fc.Arbitrary<Onset> = fc.oneof(
  fc.integer({ min: 5, max: 400 }).map((gapS) => ({ kind: 'poisson', meanGapUs: gapS * S }) as const),
  fc.integer({ min: 10, max: 300 }).map((periodS) => ({ kind: 'periodic', periodUs: periodS * S }) as const),
  fc.integer({ min: 0, max: 900 }).map((atS) => ({ kind: 'at', atUs: atS * S }) as const),
  fc.integer({ min: 0, max: 600 }).map((fromS) => ({ kind: 'uniformOnce', fromUs: fromS * S, toUs: (fromS + 60) * S }) as const),
);
const durationArb: fc.Arbitrary<DelayDistribution> = fc.oneof(
  fc.integer({ min: 1, max: 200 }).map((ms) => ({ kind: 'lognormal', medianUs: ms * 10_000, sigma: 1 }) as const),
  fc.integer({ min: 0, max: 30_000 }).map((ms) => ({ kind: 'constant', valueUs: ms * 1_000 }) as const),
  fc.integer({ min: 1, max: 60 }).map((s) => ({ kind: 'exponential', meanUs: s * S }) as const),
);

describe('pause-schedule windows: one rule written straight, several unioned, both as the fault service draws them', () => {
  it('workload B + faults (1000 nodes, Poisson lognormal GC pauses): the reference windows, draw for draw', () => {
    const config = walkConfig('bench-faults', {
      nodes: 1_000,
      faults: [{ kind: 'senderPause', nodes: { kind: 'all' }, onset: { kind: 'poisson', meanGapUs: 3_600 * S }, duration: { kind: 'lognormal', medianUs: 200_000, sigma: 1 }, afterPause: 'skip' }],
    });
    const root = { seed: config.seed, replication: 0 };
    const reference = referenceWindows(config, root, ProcessKind.senderPause);
    const schedule = pauseSchedule(config, root, new StreamBank(8));
    expect(windowsOfSchedule(schedule, 1_000)).toEqual(reference);
    // Some nodes pause twice or more in the hour, some never: the per-node bookkeeping is exercised.
    expect(reference.some((w) => w.length >= 2)).toBe(true);
    expect(reference.some((w) => w.length === 0)).toBe(true);
  });

  it('property: one or more pause rules (all or some nodes), overlapping or not, and a starvation rule (fixed fast-check seed)', () => {
    let unioned = 0;
    let straight = 0;
    fc.assert(
      fc.property(
        fc.record({
          nodes: fc.integer({ min: 1, max: 12 }),
          durationS: fc.integer({ min: 60, max: 1_800 }),
          rules: fc.array(fc.record({ onset: onsetArb, duration: durationArb, some: fc.option(fc.array(fc.nat(11), { minLength: 1, maxLength: 4 })) }), { minLength: 1, maxLength: 3 }),
          starvation: fc.option(fc.record({ onset: onsetArb, duration: durationArb })),
          seed: fc.integer({ min: 1, max: 1_000_000 }),
        }),
        (p) => {
          const names = Array.from({ length: p.nodes }, (_, i) => `n${i}`);
          const selector = (some: number[] | null): NodeSelector => (some === null ? { kind: 'all' } : { kind: 'named', names: [...new Set(some.map((i) => names[i % p.nodes]!))] });
          const faults: Fault[] = p.rules.map((r) => ({ kind: 'senderPause', nodes: selector(r.some), onset: r.onset, duration: r.duration, afterPause: 'skip' }) as const);
          if (p.starvation !== null) faults.push({ kind: 'cpuStarvation', nodes: { kind: 'all' }, onset: p.starvation.onset, duration: p.starvation.duration, extraDelay: { kind: 'constant', valueUs: 5_000 } });
          const config = walkConfig(String(p.seed), { nodes: p.nodes, durationUs: p.durationS * S, faults });
          const root = { seed: config.seed, replication: 0 };
          const reference = referenceWindows(config, root, ProcessKind.senderPause);
          expect(windowsOfSchedule(pauseSchedule(config, root, new StreamBank(8)), p.nodes)).toEqual(reference);
          if (p.starvation !== null) expect(windowsOfSchedule(starvationSchedule(config, root, new StreamBank(8)), p.nodes)).toEqual(referenceWindows(config, root, ProcessKind.cpuStarvation));
          const processesOf = new Map<number, number>();
          for (const q of compileFaults(faults, names, root, new StreamBank(8))) if (q.kind === ProcessKind.senderPause) processesOf.set(q.nodes[0]!, (processesOf.get(q.nodes[0]!) ?? 0) + 1);
          if ([...processesOf.values()].some((c) => c > 1)) unioned++;
          else straight++;
        },
      ),
      { numRuns: 150, seed: 1214 },
    );
    // Both paths of pause-schedule.ts ran: a node with several pause processes (the union) and one process a node at most (straight).
    expect(unioned).toBeGreaterThan(20);
    expect(straight).toBeGreaterThan(20);
  });
});

setFlagsFromString('--allow-natives-syntax');
const haveSameMap = new Function('a', 'b', 'return %HaveSameMap(a, b);') as (a: object, b: object) => boolean;

describe('pause schedules keep one hidden class', () => {
  it('a replication’s schedule (pauseSchedule) and a search probe’s (WalkShared.pauseSchedule) share their map, as the walk’s window code sees both', () => {
    const replication = walkConfig('shape', { nodes: 5, faults: [{ kind: 'senderPause', nodes: { kind: 'all' }, onset: { kind: 'poisson', meanGapUs: 600 * S }, duration: { kind: 'lognormal', medianUs: 200_000, sigma: 1 }, afterPause: 'skip' }] });
    const probe = walkConfig('shape', { nodes: 5, faults: [{ kind: 'senderPause', nodes: { kind: 'all' }, onset: { kind: 'uniformOnce', fromUs: 20 * S, toUs: 30 * S }, duration: { kind: 'constant', valueUs: 2 * S }, afterPause: 'burst' }] });
    const root = { seed: 'shape', replication: 0 };
    const fromProbe = new WalkShared().pauseSchedule(probe, root);
    expect(fromProbe).not.toBeNull();
    expect(haveSameMap(pauseSchedule(replication, root, new StreamBank(8)), fromProbe!)).toBe(true);
    expect(haveSameMap(pauseSchedule(probe, root, new StreamBank(8)), fromProbe!)).toBe(true);
  });
});
