/**
 * The pause search's probe configurations have the shape of the replications' own
 * (src/sweep/pause-survival.ts probeConfig): the same keys in the same order, so V8 gives
 * both one hidden class and the walk's set-up code (link classes, validation, the walk's
 * constructor), first run by the search and then by the replication, meets one shape of
 * configuration instead of two. Asked of V8 directly (%HaveSameMap), as
 * test/sim/skip/double-fields.test.ts does; and the probe's link overrides are still the
 * cell's "all nodes" ones, or absent when the cell has none.
 */
import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { build } from '../../src/scenarios/build.js';
import { loadPreset, loadScenarioFile } from '../../src/scenarios/load.js';
import type { SimConfig } from '../../src/sim/config.js';
import { probeConfig, probeNodeNames } from '../../src/sweep/pause-survival.js';

setFlagsFromString('--allow-natives-syntax');
const haveSameMap = new Function('a', 'b', 'return %HaveSameMap(a, b);') as (a: object, b: object) => boolean;

/** A replication's configuration as src/sweep/tasks.ts runTask builds it. */
const replicationOf = (cell: SimConfig): SimConfig => ({ ...cell, replication: 0, transitionLogLimit: 2_000 });

describe('pause-search probes have the replications’ hidden class', () => {
  it.each([
    ['workload B', () => loadScenarioFile('bench/scenarios/workload-b.yaml')],
    ['workload B + faults', () => loadScenarioFile('bench/scenarios/workload-b-faults.yaml')],
    ['db-ha', () => loadPreset('db-ha')],
  ])('%s: a probe and a replication share one map (no key the cell lacks)', (_name, load) => {
    const cell = build(load().scenario).config;
    expect(cell.linkOverrides).toBeUndefined();
    const probe = probeConfig(cell, 500_000, probeNodeNames());
    expect(Object.keys(probe)).toEqual(Object.keys(replicationOf(cell)));
    expect(haveSameMap(probe, replicationOf(cell))).toBe(true);
    // The parts' configurations (pause-survival.ts `probe`) keep it.
    expect(haveSameMap({ ...probe, nodeNames: probe.nodeNames.slice(0, 30) }, replicationOf(cell))).toBe(true);
  });

  it('a cell with link overrides: the probe keeps the "all nodes" ones only, under the same key', () => {
    const base = build(loadScenarioFile('bench/scenarios/workload-b.yaml').scenario).config;
    const all = { nodes: { kind: 'all' }, toObserver: base.link, fromObserver: base.link } as const;
    const some = { nodes: { kind: 'named', names: [base.nodeNames[0]!] }, toObserver: base.link, fromObserver: base.link } as const;
    const cell: SimConfig = { ...base, linkOverrides: [all, some] };
    const probe = probeConfig(cell, 500_000, probeNodeNames());
    expect(probe.linkOverrides).toEqual([all]);
    expect(Object.keys(probe)).toEqual(Object.keys(replicationOf(cell)));
  });
});
