import { describe, expect, it } from 'vitest';
import { Simulation } from '../../../src/sim/engine/simulation.js';
import { runTimeoutKernel } from '../../../src/sim/fast/index.js';
import { mergeTallies, TALLY_FIELDS, zeroTallies, type RunTallies } from '../../../src/sim/metrics/tallies.js';
import { simConfig } from '../../support/sim-config.js';

const declared = Object.keys(TALLY_FIELDS).sort();

function tallyWith(k: number): RunTallies {
  const t = zeroTallies();
  const record = t as unknown as Record<string, number | Float64Array>;
  for (const f of declared) record[f] = TALLY_FIELDS[f as keyof typeof TALLY_FIELDS] === 'samples' ? Float64Array.of(k, k + 1) : k;
  return t;
}

describe('tallies declared once (src/sim/metrics/tallies.ts)', () => {
  it('the engine, the fast path and the zero tallies produce exactly the declared fields', () => {
    const config = simConfig({ nodes: 4, crashes: [{ kind: 'crashAt', nodes: { kind: 'named', names: ['n2'] }, atUs: 20_000_000, downUs: 5_000_000 }] });
    const engine = new Simulation(config).run().tallies;
    const fast = runTimeoutKernel(config).tallies;
    expect(Object.keys(engine).sort()).toEqual(declared);
    expect(Object.keys(fast).sort()).toEqual(declared);
    expect(Object.keys(zeroTallies()).sort()).toEqual(declared);
    expect(fast).toEqual(engine);
  });

  it('pools every field by its declared rule: sums, maxima, samples concatenated in order', () => {
    const merged = mergeTallies([tallyWith(2), tallyWith(5)]) as unknown as Record<string, number | Float64Array>;
    for (const f of declared) {
      const how = TALLY_FIELDS[f as keyof typeof TALLY_FIELDS];
      if (how === 'samples') expect(Array.from(merged[f] as Float64Array)).toEqual([2, 3, 5, 6]);
      else expect(merged[f]).toBe(how === 'max' ? 5 : 7);
    }
    expect('readiness' in merged).toBe(false);
  });
});
