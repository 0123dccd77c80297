import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { closest, editDistance } from '../../src/scenarios/suggest.js';

describe('did you mean', () => {
  const keys = ['interval', 'jitter', 'loss', 'duplicate', 'delay', 'check_interval', 'dead_after', 'timeout'];

  it.each([
    ['intervl', 'interval'],
    ['intreval', 'interval'],
    ['checkInterval', 'check_interval'],
    ['check-interval', 'check_interval'],
    ['los', 'loss'],
    ['Timeout', 'timeout'],
    ['deadafter', 'dead_after'],
  ])('suggests %s → %s', (typo, expected) => {
    expect(closest(typo, keys)).toBe(expected);
  });

  it('suggests a unique prefix, such as "expo" for "exponential"', () => {
    expect(closest('expo', ['constant', 'uniform', 'exponential', 'normal', 'lognormal', 'pareto'])).toBe('exponential');
  });

  it('suggests nothing for a word that is not close to any name', () => {
    expect(closest('banana', keys)).toBeUndefined();
    expect(closest('x', keys)).toBeUndefined();
  });

  it('measures edit distance symmetrically, with zero only for equal strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), (a, b) => {
        expect(editDistance(a, b)).toBe(editDistance(b, a));
        expect(editDistance(a, b) === 0).toBe(a === b);
        expect(editDistance(a, b)).toBeLessThanOrEqual(Math.max(a.length, b.length));
      }),
    );
    expect(editDistance('ab', 'ba')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });
});
