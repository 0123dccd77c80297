import { describe, expect, it } from 'vitest';
import { namedStreamKey } from '../../../src/sim/random/stream-keys.js';
import { LinkLoss, type LossModel } from '../../../src/sim/network/loss.js';
import { StreamBank } from '../../../src/sim/random/streams.js';

const Z = 4;

function drops(model: LossModel, n: number, links = 1): Uint8Array[] {
  const bank = new StreamBank();
  const loss = new LinkLoss(links, bank);
  for (let link = 0; link < links; link++) loss.configure(link, model, (purpose) => bank.add({ seed: 'loss', replication: 0 }, namedStreamKey(`link/${link}/${purpose}`)));
  return Array.from({ length: links }, (_, link) => Uint8Array.from({ length: n }, () => (loss.shouldDrop(link) ? 1 : 0)));
}

const outcomes = (p: number, n: number, links = 1) => drops({ kind: 'bernoulli', probability: p }, n, links);

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

describe('Gilbert–Elliott bursty loss', () => {
  // netem-style parameters: p = Pr(good → bad), r = Pr(bad → good), loss 0.1 % in good and 60 % in bad.
  const model: LossModel = { kind: 'gilbertElliott', enterBadProbability: 0.005, leaveBadProbability: 0.2, lossInGoodProbability: 0.001, lossInBadProbability: 0.6 };

  it('loses the stationary average fraction (lossGood·r + lossBad·p)/(p + r)', () => {
    const n = 2_000_000;
    const [xs] = drops(model, n);
    let lost = 0;
    for (const x of xs!) lost += x;
    const expected = (0.001 * 0.2 + 0.6 * 0.005) / 0.205;
    // Losses cluster, so the binomial standard error is too small: use batch means over
    // 200 blocks of 10 000 messages (each block spans ~50 bursts, so blocks are nearly independent).
    const blocks = 200;
    const size = n / blocks;
    const rates = Array.from({ length: blocks }, (_, b) => {
      let k = 0;
      for (let i = b * size; i < (b + 1) * size; i++) k += xs![i]!;
      return k / size;
    });
    const mean = rates.reduce((a, b) => a + b, 0) / blocks;
    const sd = Math.sqrt(rates.reduce((a, r) => a + (r - mean) ** 2, 0) / (blocks - 1));
    expect(Math.abs(lost / n - expected)).toBeLessThan(Z * (sd / Math.sqrt(blocks)));
  });

  it('with the simple Gilbert model, loss runs have mean length 1/r', () => {
    const gilbert: LossModel = { kind: 'gilbertElliott', enterBadProbability: 0.01, leaveBadProbability: 0.25, lossInGoodProbability: 0, lossInBadProbability: 1 };
    const [xs] = drops(gilbert, 1_000_000);
    const runs: number[] = [];
    let current = 0;
    for (const x of xs!) {
      if (x === 1) current++;
      else if (current > 0) {
        runs.push(current);
        current = 0;
      }
    }
    // Each bad sojourn is Geometric(r): mean 1/r = 4, variance (1 − r)/r² = 12.
    const mean = runs.reduce((a, b) => a + b, 0) / runs.length;
    expect(runs.length).toBeGreaterThan(5_000);
    expect(Math.abs(mean - 4)).toBeLessThan(Z * Math.sqrt(12 / runs.length));
  });
});
