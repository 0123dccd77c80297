import fc from 'fast-check';
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { streamFor, streamKey } from '../../../src/sim/random/streams.js';

describe('random streams', () => {
  it('reproduce seedrandom alea bit for bit (the inlined step is seedrandom\'s own)', () => {
    fc.assert(
      fc.property(fc.string(), fc.nat(50), fc.string({ minLength: 1 }), (seed, replication, key) => {
        const ours = streamFor({ seed, replication }, key);
        const reference = seedrandom.alea(streamKey({ seed, replication }, key));
        for (let i = 0; i < 50; i++) expect(ours.next()).toBe(reference());
      }),
      { numRuns: 100 },
    );
  });

  it('depend on the key, the seed and the replication, not on creation order', () => {
    const first = (seed: string, replication: number, key: string) => streamFor({ seed, replication }, key).next();
    const a = first('s', 0, 'link/n1>monitor/loss');
    streamFor({ seed: 's', replication: 0 }, 'link/n0>monitor/loss').next(); // another entity in between
    expect(first('s', 0, 'link/n1>monitor/loss')).toBe(a);
    expect(first('s', 0, 'link/n2>monitor/loss')).not.toBe(a);
    expect(first('t', 0, 'link/n1>monitor/loss')).not.toBe(a);
    expect(first('s', 1, 'link/n1>monitor/loss')).not.toBe(a);
  });

  it('draw uniforms in [0, 1) with the right mean and variance', () => {
    const stream = streamFor({ seed: 'uniform', replication: 0 }, 'check');
    const n = 200_000;
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < n; i++) {
      const u = stream.next();
      expect(u >= 0 && u < 1).toBe(true);
      sum += u;
      sumSq += u * u;
    }
    const mean = sum / n;
    // z = 4 on the standard errors of a U(0,1) mean (1/√(12n)) and second moment.
    expect(Math.abs(mean - 0.5)).toBeLessThan(4 / Math.sqrt(12 * n));
    expect(Math.abs(sumSq / n - 1 / 3)).toBeLessThan(4 * Math.sqrt(4 / 45 / n));
  });
});
