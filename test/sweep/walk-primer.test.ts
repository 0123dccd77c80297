/**
 * The walk primer (src/sweep/walk-primer.ts): a few of a cell's nodes walked before its
 * pause search, for V8's sake only. It must change no result (the search's, the
 * replication's), run once per thread, and only where it can pay.
 */
import { describe, expect, it } from 'vitest';
import { build } from '../../src/scenarios/build.js';
import { loadPreset, loadScenarioFile } from '../../src/scenarios/load.js';
import type { SimConfig } from '../../src/sim/config.js';
import { runOnce } from '../../src/sim/run-once.js';
import { longestPauseSurvived } from '../../src/sweep/pause-survival.js';
import { PRIMER_NODES, primerFor, primeReplicationWalk } from '../../src/sweep/walk-primer.js';

const bFaults = build(loadScenarioFile('bench/scenarios/workload-b-faults.yaml').scenario).config;
/** B + faults cut to 200 nodes × 20 min: still primed, quick to run twice. */
const small: SimConfig = { ...bFaults, nodeNames: bFaults.nodeNames.slice(0, 200), durationUs: 1_200_000_000 };

describe('the walk primer', () => {
  it('changes no result: the search and the replication are the same before and after this thread primed', () => {
    const replication = { ...small, replication: 0, transitionLogLimit: 2_000 };
    const before = { search: longestPauseSurvived(small, { primeReplication: false }), run: runOnce(replication) };
    expect(primeReplicationWalk(small)).toBe(true);
    // Once per thread.
    expect(primeReplicationWalk(small)).toBe(false);
    expect(longestPauseSurvived(small)).toEqual(before.search);
    const after = runOnce(replication);
    expect(after.tallies).toEqual(before.run.tallies);
    expect(after.log).toEqual(before.run.log);
    // The search found a real bound and the replication saw pauses and suspicions: the comparison is not of empty runs.
    expect(before.search.longest_ms).toBeGreaterThan(0);
    expect(before.run.tallies.pauses).toBeGreaterThan(20);
  });

  it('walks the cell’s first nodes as its replication does, for at most an hour', () => {
    const primer = primerFor(bFaults)!;
    expect(primer).not.toBeNull();
    expect(primer.nodeNames).toEqual(bFaults.nodeNames.slice(0, PRIMER_NODES));
    expect(primer.durationUs).toBe(3_600_000_000);
    expect(primer.faults).toBe(bFaults.faults);
    expect(primer.transitionLogLimit).toBe(bFaults.transitionLogLimit);
    expect(primerFor({ ...bFaults, durationUs: 86_400_000_000 })!.durationUs).toBe(3_600_000_000);
    expect(primerFor({ ...bFaults, durationUs: 600_000_000 })!.durationUs).toBe(600_000_000);
  });

  it('only where it pays: not for the lean plain walk (workload B), small cells (db-ha: 10 nodes) or cells off the timeout walk', () => {
    expect(primerFor(build(loadScenarioFile('bench/scenarios/workload-b.yaml').scenario).config)).toBeNull();
    expect(primerFor(build(loadPreset('db-ha').scenario).config)).toBeNull();
    expect(primerFor({ ...bFaults, nodeNames: bFaults.nodeNames.slice(0, 199) })).toBeNull();
    // A monitor pause couples every node: the replication runs on the engine.
    const engine: SimConfig = { ...bFaults, faults: [...(bFaults.faults ?? []), { kind: 'observerPause', onset: { kind: 'poisson', meanGapUs: 3_600_000_000 }, duration: { kind: 'constant', valueUs: 1_000_000 }, backlog: 'checksFirst' }] };
    expect(primerFor(engine)).toBeNull();
  });
});
