/**
 * HeartbeatSkipper against plain per-heartbeat sampling. The reference draws every
 * heartbeat as the engine does — the loss decision of ../../../src/sim/loss.ts (LinkLoss,
 * Bernoulli or Gilbert–Elliott), then the jitter and the delay from DurationSampler —
 * and classifies it with the same split of θ. Both paths must agree on: how many
 * heartbeats are interesting (and the closed-form stationary rate), how many of those are
 * lost, how the interesting ones cluster (gaps for Bernoulli, runs for bursty loss), the
 * law of a late heartbeat's parts and the law of an ordinary heartbeat's parts.
 */
import { describe, expect, it } from 'vitest';
import { namedStreamKey } from '../../../src/sim/random/stream-keys.js';
import { DurationSampler, type DelayDistribution } from '../../../src/sim/random/distributions.js';
import { LinkLoss, type LossModel } from '../../../src/sim/network/loss.js';
import { StreamBank } from '../../../src/sim/random/streams.js';
import { HeartbeatSkipper, NONE, stationaryInterestingRate, type SkipLaws } from '../../../src/sim/skip/heartbeat-skipper.js';
import { chiSquareCritical, chiSquareTwoSample, ksCritical, ksTwoSample, meanAndSe } from './stats.js';

const Z = 4;
const root = { seed: 'skipper', replication: 0 };

interface Sample {
  /** Interesting messages per stream. */
  counts: number[];
  lost: number;
  interesting: number;
  /** Delivered interesting heartbeats late on the jitter, and late on both parts. */
  jitterLate: number;
  bothLate: number;
  /** Gaps (ordinary messages) between consecutive interesting ones, capped bins. */
  gaps: number[];
  /** Lengths of runs of consecutive interesting messages. */
  runs: number[];
  lateJitter: number[];
  lateDelay: number[];
  lostJitter: number[];
  ordinaryJitter: number[];
  ordinaryDelay: number[];
}

const GAP_BINS = 40;
const RUN_BINS = 12;

function emptySample(): Sample {
  return {
    counts: [],
    lost: 0,
    interesting: 0,
    jitterLate: 0,
    bothLate: 0,
    gaps: new Array<number>(GAP_BINS).fill(0),
    runs: new Array<number>(RUN_BINS).fill(0),
    lateJitter: [],
    lateDelay: [],
    lostJitter: [],
    ordinaryJitter: [],
    ordinaryDelay: [],
  };
}

const SAMPLE_CAP = 5_000;
const push = (xs: number[], x: number) => {
  if (xs.length < SAMPLE_CAP) xs.push(x);
};

/** Bins gaps geometrically by the expected gap so both samples share the bins. */
function gapBin(gap: number, meanGap: number): number {
  return Math.min(GAP_BINS - 1, Math.floor((gap / meanGap) * 8));
}

/** Per-stream interesting indices → statistics; `record(index, lost, jitter, delay)` per interesting message. */
class Recorder {
  readonly s = emptySample();
  private last = -1;
  private run = 0;
  private count = 0;
  constructor(
    private readonly meanGap: number,
    private readonly jitterThresholdUs: number,
    private readonly delayThresholdUs: number,
  ) {}
  interesting(index: number, lost: boolean, jitter: number, delay: number): void {
    const s = this.s;
    if (!lost && jitter > this.jitterThresholdUs) {
      s.jitterLate++;
      if (delay > this.delayThresholdUs) s.bothLate++;
    }
    this.count++;
    s.interesting++;
    if (lost) {
      s.lost++;
      push(s.lostJitter, jitter);
    } else {
      push(s.lateJitter, jitter);
      push(s.lateDelay, delay);
    }
    if (this.last >= 0) {
      const gap = index - this.last - 1;
      s.gaps[gapBin(gap, this.meanGap)]!++;
      if (gap === 0) this.run++;
      else {
        s.runs[Math.min(RUN_BINS - 1, this.run)]!++;
        this.run = 1;
      }
    } else this.run = 1;
    this.last = index;
  }
  endStream(): void {
    this.s.counts.push(this.count);
    this.count = 0;
    this.last = -1;
    this.run = 0;
  }
}

function runSkipper(laws: SkipLaws, streams: number, messages: number, tag: string): { sample: Sample; skipper: HeartbeatSkipper } {
  const bank = new StreamBank();
  let skipper: HeartbeatSkipper | null = null;
  let rec: Recorder | null = null;
  for (let k = 0; k < streams; k++) {
    skipper = new HeartbeatSkipper(laws, bank, bank.add(root, namedStreamKey(`${tag}/skip/${k}/fate`)), bank.add(root, namedStreamKey(`${tag}/skip/${k}/parts`)));
    if (rec === null) rec = new Recorder(1 / Math.max(1e-9, stationaryInterestingRate(laws, skipper.split)), skipper.split.jitterThresholdUs, skipper.split.delayThresholdUs + (skipper.split.extraThresholdUs ?? 0));
    for (;;) {
      const at = skipper.nextInteresting();
      if (at === NONE || at >= messages) break;
      rec.interesting(at, skipper.lost, skipper.jitterUs, skipper.delayUs);
    }
    rec.endStream();
    for (let i = 0; i < 200; i++) {
      skipper.drawOrdinary();
      push(rec.s.ordinaryJitter, skipper.ordinaryJitterUs);
      push(rec.s.ordinaryDelay, skipper.ordinaryDelayUs);
    }
  }
  return { sample: rec!.s, skipper: skipper! };
}

function runReference(laws: SkipLaws, jitterThresholdUs: number, delayThresholdUs: number, streams: number, messages: number, tag: string, meanGap: number, extraThresholdUs = 0): Sample {
  const bank = new StreamBank();
  const jitter = new DurationSampler(laws.jitter, bank);
  const delay = new DurationSampler(laws.delay, bank);
  // Slow I/O: the extra delay X of every send, a third part (recorded in the delay as X + D, as the skipper reports it).
  const extra = laws.extra === undefined ? null : new DurationSampler(laws.extra, bank);
  const rec = new Recorder(meanGap, jitterThresholdUs, delayThresholdUs + extraThresholdUs);
  for (let k = 0; k < streams; k++) {
    const loss = new LinkLoss(1, bank);
    loss.configure(0, laws.loss, (purpose) => bank.add(root, namedStreamKey(`${tag}/ref/${k}/${purpose}`)));
    const js = bank.add(root, namedStreamKey(`${tag}/ref/${k}/jitter`));
    const ds = bank.add(root, namedStreamKey(`${tag}/ref/${k}/delay`));
    const xs = bank.add(root, namedStreamKey(`${tag}/ref/${k}/extra`));
    for (let i = 0; i < messages; i++) {
      const j = jitter.sampleUs(js);
      if (loss.shouldDrop(0)) {
        rec.interesting(i, true, j, Number.NaN);
        continue;
      }
      const d = delay.sampleUs(ds);
      const x = extra === null ? 0 : extra.sampleUs(xs);
      if (j > jitterThresholdUs || d > delayThresholdUs || x > extraThresholdUs) rec.interesting(i, false, j, d + x);
      else {
        push(rec.s.ordinaryJitter, j);
        push(rec.s.ordinaryDelay, d + x);
      }
    }
    rec.endStream();
  }
  return rec.s;
}

interface Case {
  name: string;
  laws: SkipLaws;
  streams: number;
  messages: number;
}

const bernoulli = (p: number): LossModel => ({ kind: 'bernoulli', probability: p });
const exp2ms: DelayDistribution = { kind: 'exponential', meanUs: 2_000 };
const noJitter: DelayDistribution = { kind: 'constant', valueUs: 0 };

const cases: Case[] = [
  // Workload B's link with θ = 12 ms: 1 % loss plus Pr(D > 12 ms) = e^−6.
  { name: 'Bernoulli 1 %, exponential delay, no jitter', laws: { loss: bernoulli(0.01), jitter: noJitter, delay: exp2ms, thresholdUs: 12_000 }, streams: 200, messages: 5_000 },
  {
    name: 'Gilbert–Elliott bursts, lognormal delay',
    laws: {
      loss: { kind: 'gilbertElliott', enterBadProbability: 0.005, leaveBadProbability: 0.3, lossInGoodProbability: 0.002, lossInBadProbability: 0.7 },
      jitter: noJitter,
      delay: { kind: 'lognormal', medianUs: 3_000, sigma: 0.6 },
      thresholdUs: 15_000,
    },
    streams: 200,
    messages: 5_000,
  },
  {
    name: 'uniform jitter, Pareto delay, no loss',
    laws: { loss: bernoulli(0), jitter: { kind: 'uniform', minUs: 0, maxUs: 20_000 }, delay: { kind: 'pareto', scaleUs: 1_000, shape: 2 }, thresholdUs: 30_000 },
    streams: 200,
    messages: 5_000,
  },
  {
    name: 'exponential jitter and delay of one scale: late on either part or both',
    laws: { loss: bernoulli(0.02), jitter: { kind: 'exponential', meanUs: 4_000 }, delay: { kind: 'exponential', meanUs: 4_000 }, thresholdUs: 12_000 },
    streams: 100,
    messages: 2_000,
  },
  {
    name: 'unbounded normal jitter and normal delay (θ split by search), 0.5 % loss',
    laws: { loss: bernoulli(0.005), jitter: { kind: 'normal', meanUs: 2_000, sdUs: 1_500 }, delay: { kind: 'normal', meanUs: 5_000, sdUs: 2_000 }, thresholdUs: 16_000 },
    streams: 200,
    messages: 5_000,
  },
  {
    // Slow I/O: three parts of lateness (jitter, the extra delay X, the link delay D), θ split three ways.
    name: 'slow I/O: exponential jitter, lognormal extra delay and exponential link delay, 1 % loss',
    laws: { loss: bernoulli(0.01), jitter: { kind: 'exponential', meanUs: 2_000 }, delay: { kind: 'exponential', meanUs: 3_000 }, extra: { kind: 'lognormal', medianUs: 3_000, sigma: 0.7 }, thresholdUs: 20_000 },
    streams: 150,
    messages: 4_000,
  },
];

describe('HeartbeatSkipper agrees with per-heartbeat sampling', () => {
  for (const c of cases) {
    it(c.name, () => {
      const { sample: skip, skipper } = runSkipper(c.laws, c.streams, c.messages, c.name);
      const split = skipper.split;
      const rate = stationaryInterestingRate(c.laws, split);
      const extraThresholdUs = split.extraThresholdUs ?? 0;
      const ref = runReference(c.laws, split.jitterThresholdUs, split.delayThresholdUs, c.streams, c.messages, c.name, 1 / rate, extraThresholdUs);
      expect(split.jitterThresholdUs + split.delayThresholdUs + extraThresholdUs).toBe(c.laws.thresholdUs);

      // Counts per stream: each path against the closed-form rate, and against each other.
      const a = meanAndSe(skip.counts);
      const b = meanAndSe(ref.counts);
      const expected = rate * c.messages;
      expect(Math.abs(a.mean - expected)).toBeLessThan(Z * a.se);
      expect(Math.abs(b.mean - expected)).toBeLessThan(Z * b.se);
      expect(Math.abs(a.mean - b.mean)).toBeLessThan(Z * Math.hypot(a.se, b.se));

      // Shares of the interesting ones: lost; late on the jitter; late on both parts (two-proportion tests).
      const sameShare = (x: number, nx: number, y: number, ny: number) => {
        if (nx === 0 || ny === 0) return;
        const pooled = (x + y) / (nx + ny);
        expect(Math.abs(x / nx - y / ny)).toBeLessThanOrEqual(Z * Math.sqrt(pooled * (1 - pooled) * (1 / nx + 1 / ny)) + 1e-12);
      };
      sameShare(skip.lost, skip.interesting, ref.lost, ref.interesting);
      sameShare(skip.jitterLate, skip.interesting - skip.lost, ref.jitterLate, ref.interesting - ref.lost);
      sameShare(skip.bothLate, skip.interesting - skip.lost, ref.bothLate, ref.interesting - ref.lost);

      // Clustering: the gap histogram and the run-length histogram.
      for (const [x, y] of [
        [skip.gaps, ref.gaps],
        [skip.runs, ref.runs],
      ] as const) {
        const chi = chiSquareTwoSample(x, y);
        if (chi.df > 0) expect(chi.statistic).toBeLessThan(chiSquareCritical(chi.df));
      }

      // Laws of the parts: late, lost, ordinary.
      const ks = (x: number[], y: number[]) => {
        if (x.length < 50 || y.length < 50) return;
        expect(ksTwoSample(x, y)).toBeLessThan(ksCritical(x.length, y.length));
      };
      ks(skip.lateJitter, ref.lateJitter);
      ks(skip.lateDelay, ref.lateDelay);
      ks(skip.lostJitter, ref.lostJitter);
      ks(skip.ordinaryJitter, ref.ordinaryJitter);
      ks(skip.ordinaryDelay, ref.ordinaryDelay);
      expect(skip.ordinaryJitter.every((j, i) => j <= split.jitterThresholdUs && skip.ordinaryDelay[i]! <= split.delayThresholdUs + extraThresholdUs)).toBe(true);
    });
  }
});

describe('HeartbeatSkipper: worked cases, exactly', () => {
  const make = (laws: SkipLaws, key: string) => {
    const bank = new StreamBank();
    return new HeartbeatSkipper(laws, bank, bank.add(root, namedStreamKey(`${key}/fate`)), bank.add(root, namedStreamKey(`${key}/parts`)));
  };

  it('no loss and a constant delay within θ: nothing is ever interesting; ordinary heartbeats carry the constant', () => {
    const s = make({ loss: bernoulli(0), jitter: { kind: 'constant', valueUs: 300 }, delay: { kind: 'constant', valueUs: 1_000 }, thresholdUs: 1_300 }, 'none');
    expect(s.split).toEqual({ jitterThresholdUs: 300, delayThresholdUs: 1_000, pJitterLate: 0, pDelayLate: 0 });
    expect(s.nextInteresting()).toBe(NONE);
    s.drawOrdinary();
    expect([s.ordinaryJitterUs, s.ordinaryDelayUs]).toEqual([300, 1_000]);
  });

  it('a constant delay beyond θ: every heartbeat is interesting, late by exactly the constant', () => {
    const s = make({ loss: bernoulli(0), jitter: noJitter, delay: { kind: 'constant', valueUs: 1_001 }, thresholdUs: 1_000 }, 'all-late');
    for (let i = 0; i < 50; i++) {
      expect(s.nextInteresting()).toBe(i);
      expect([s.lost, s.jitterUs, s.delayUs]).toEqual([false, 0, 1_001]);
    }
  });

  it('loss 1: every heartbeat is lost', () => {
    const s = make({ loss: bernoulli(1), jitter: noJitter, delay: exp2ms, thresholdUs: 10_000 }, 'all-lost');
    for (let i = 0; i < 50; i++) {
      expect(s.nextInteresting()).toBe(i);
      expect(s.lost).toBe(true);
    }
  });

  it('a Gilbert chain that alternates every message (p = r = 1), losing all in bad and none in good: every other message', () => {
    const s = make(
      {
        loss: { kind: 'gilbertElliott', enterBadProbability: 1, leaveBadProbability: 1, lossInGoodProbability: 0, lossInBadProbability: 1 },
        jitter: noJitter,
        delay: { kind: 'constant', valueUs: 5 },
        thresholdUs: 10,
      },
      'alternate',
    );
    const first = s.nextInteresting();
    expect(first === 0 || first === 1).toBe(true);
    for (let i = 1; i < 50; i++) {
      expect(s.nextInteresting()).toBe(first + 2 * i);
      expect(s.lost).toBe(true);
    }
  });

  it('uniform jitter within θ takes its whole range; the delay gets the rest: Pr(late) = e^(−(θ − 500 + ½)/mean)', () => {
    const s = make({ loss: bernoulli(0.01), jitter: { kind: 'uniform', minUs: 0, maxUs: 500 }, delay: exp2ms, thresholdUs: 2_000 }, 'split');
    expect(s.split.jitterThresholdUs).toBe(500);
    expect(s.split.pJitterLate).toBe(0);
    expect(s.split.pDelayLate).toBe(Math.exp(-1_500.5 / 2_000));
    expect(stationaryInterestingRate({ loss: bernoulli(0.01), jitter: noJitter, delay: exp2ms, thresholdUs: 1_500 }, s.split)).toBe(
      0.01 + 0.99 * Math.exp(-1_500.5 / 2_000),
    );
  });

  it('is deterministic: the same streams give the same interesting heartbeats', () => {
    const laws: SkipLaws = { loss: bernoulli(0.05), jitter: noJitter, delay: exp2ms, thresholdUs: 6_000 };
    const seq = () => {
      const s = make(laws, 'det');
      return Array.from({ length: 30 }, () => [s.nextInteresting(), s.lost ? -1 : s.delayUs]);
    };
    expect(seq()).toEqual(seq());
  });
});
