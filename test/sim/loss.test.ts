import { describe, expect, it } from 'vitest';
import { BernoulliLoss } from '../../src/sim/loss.js';
import { StreamBank } from '../../src/sim/random.js';

const Z = 4;

function outcomes(p: number, n: number, links = 1): Uint8Array[] {
  const bank = new StreamBank();
  const streams = Int32Array.from({ length: links }, (_, i) => bank.add({ seed: 'loss', replication: 0 }, `link/${i}/loss`));
  const loss = new BernoulliLoss(p, bank, streams);
  return Array.from({ length: links }, (_, link) => Uint8Array.from({ length: n }, () => (loss.shouldDrop(link) ? 1 : 0)));
}

describe('Bernoulli loss by geometric skipping', () => {
  for (const p of [0.01, 0.2, 0.5]) {
    it(`drops a fraction p = ${p} of messages, independently of the previous message`, () => {
      const n = 400_000;
      const [xs] = outcomes(p, n);
      let lost = 0;
      let pairs = 0;
      for (let i = 0; i < n; i++) {
        lost += xs![i]!;
        if (i > 0 && xs![i - 1] === 1 && xs![i] === 1) pairs++;
      }
      expect(Math.abs(lost / n - p)).toBeLessThan(Z * Math.sqrt((p * (1 - p)) / n));
      // Pr(two consecutive losses) = p² under independence. Overlapping pairs share a
      // message, so the count's variance is n·(q(1 − q) + 2(p³ − q²)), not n·q(1 − q).
      const q = p * p;
      expect(Math.abs(pairs / (n - 1) - q)).toBeLessThan(Z * Math.sqrt((q * (1 - q) + 2 * (p ** 3 - q * q)) / n));
    });
  }

  it('never drops at p = 0 and always drops at p = 1', () => {
    expect(outcomes(0, 1000)[0]!.every((x) => x === 0)).toBe(true);
    expect(outcomes(1, 1000)[0]!.every((x) => x === 1)).toBe(true);
  });

  it('gives each link its own sequence, unchanged by the other links', () => {
    const three = outcomes(0.1, 500, 3);
    const one = outcomes(0.1, 500, 1);
    expect(Array.from(three[0]!)).toEqual(Array.from(one[0]!));
    expect(Array.from(three[1]!)).not.toEqual(Array.from(three[0]!));
  });
});
