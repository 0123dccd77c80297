/**
 * The judge: which interval each metric is judged by, the three outcomes for every
 * comparison, point-only and missing metrics, and how much simulated time an
 * undecided rate would need.
 */
import { describe, expect, it } from 'vitest';
import { judge, poissonDaysToDecide } from '../../src/check/judge.js';
import { measure } from '../../src/check/measure.js';
import { poissonRateInterval } from '../../src/stats/index.js';
import { expectation, metricsWith, spread } from './support.js';

describe('judge', () => {
  // 0 false suspicions in 240 node-hours (10 node-days): the 95 % interval is [0, 0.3689].
  const quiet = metricsWith({ nodeHours: 240, falseSuspicions: 0 });
  // 20 in 10 node-days: rate 2, interval about [1.22, 3.09].
  const noisy = metricsWith({ nodeHours: 240, falseSuspicions: 20 });

  it('judges a rate by its exact Poisson interval: pass when the upper end meets a <= bound', () => {
    const v = judge(expectation('false_suspicions.per_node_day', '<= 0.5'), quiet);
    expect(v).toMatchObject({ outcome: 'pass', basis: 'interval', intervalKind: 'exact Poisson', value: 0 });
    expect(v.interval![1]).toBeCloseTo(0.36889, 4);
    expect(v.reason).toBe('the whole exact Poisson 95 % interval (0–0.369) is ≤ 0.5');
  });

  it('fails a rate only when the whole interval is beyond the bound', () => {
    expect(judge(expectation('false_suspicions.per_node_day', '<= 1'), noisy)).toMatchObject({ outcome: 'fail' });
    expect(judge(expectation('false_suspicions.per_node_day', '<= 1'), noisy).reason).toMatch(/^the whole exact Poisson 95 % interval \(1\.2\d*–3\.0\d*\) is above 1$/);
  });

  it('says "not enough simulated time to tell" when the interval straddles the bound, with the node-hours needed', () => {
    const v = judge(expectation('false_suspicions.per_node_day', '<= 0.1'), quiet);
    expect(v.outcome).toBe('inconclusive');
    expect(v.reason).toMatch(/^not enough simulated time to tell: the exact Poisson 95 % interval \(0–0\.369\) straddles 0\.1; the estimate 0 meets it; about 885 node-hours \(×3\.7 this run\) would tell/);
    // Zero events: 3.689 / bound node-days, the two-sided interval's upper end.
    expect(v.needed!.nodeHours).toBeCloseTo((-Math.log(0.025) / 0.1) * 24, 6);
    expect(v.needed!.approximate).toBe(false);
  });

  it('mirrors the rule for >= and >, and treats < and > strictly at the interval ends', () => {
    // P_A interval from per-node fractions: about [0.99984, 0.99996].
    const m = metricsWith({ nodeHours: 240, suspectedFraction: 1e-4 });
    const [low, high] = m.query_accuracy_ci95!;
    expect(low).toBeLessThan(0.9999);
    expect(high).toBeGreaterThan(0.9999);
    expect(judge(expectation('query_accuracy', '>= 99.9%'), m).outcome).toBe('pass');
    expect(judge(expectation('query_accuracy', '>= 99.999%'), m).outcome).toBe('fail');
    expect(judge(expectation('query_accuracy', '>= 99.99%'), m).outcome).toBe('inconclusive');
    expect(judge({ ...expectation('query_accuracy', '> 0.5'), bound: low }, m).outcome).toBe('inconclusive');
    expect(judge({ ...expectation('query_accuracy', '>= 0.5'), bound: low }, m).outcome).toBe('pass');
    expect(judge({ ...expectation('query_accuracy', '< 0.5'), bound: high }, m).outcome).toBe('inconclusive');
    expect(judge({ ...expectation('query_accuracy', '<= 0.5'), bound: high }, m).outcome).toBe('pass');
    expect(judge({ ...expectation('query_accuracy', '< 0.5'), bound: low }, m).outcome).toBe('fail');
    expect(judge({ ...expectation('query_accuracy', '<= 0.5'), bound: low }, m).outcome).toBe('inconclusive');
  });

  it('scales the per-node-day interval to per-node-hour', () => {
    const day = measure('false_suspicions.per_node_day', noisy);
    const hour = measure('false_suspicions.per_node_hour', noisy);
    expect(hour.interval![0]).toBeCloseTo(day.interval![0] / 24, 12);
    expect(hour.interval![1]).toBeCloseTo(day.interval![1] / 24, 12);
    expect(judge(expectation('false_suspicions.per_node_hour', '<= 0.2'), noisy).outcome).toBe('pass');
    expect(judge(expectation('false_suspicions.per_node_hour', '<= 0.01'), noisy).outcome).toBe('fail');
  });

  it('judges detection p99 by its order-statistic interval when the results have one, else on the point value, and says so', () => {
    const many = metricsWith({ latenciesMs: spread(1000, 2000, 3000) });
    const v = judge(expectation('detection_latency_ms.p99', '<= 5s'), many);
    expect(v).toMatchObject({ outcome: 'pass', basis: 'interval', intervalKind: 'order-statistic' });
    const few = metricsWith({ latenciesMs: spread(20, 2000, 3000) });
    const w = judge(expectation('detection_latency_ms.p99', '<= 5s'), few);
    expect(w).toMatchObject({ outcome: 'pass', basis: 'point', interval: null });
    expect(w.reason).toBe('2.99 s is ≤ 5 s (judged on the point value: too few samples for an interval of the 99th percentile)');
    expect(judge(expectation('detection_latency_ms.p99', '<= 1s'), few)).toMatchObject({ outcome: 'fail', basis: 'point' });
  });

  it('judges counts and other quantiles on the point value', () => {
    const m = metricsWith({ latenciesMs: spread(100, 2000, 3000) });
    expect(judge(expectation('detection_latency_ms.p50', '<= 2.4s'), m)).toMatchObject({ outcome: 'fail', basis: 'point' });
    expect(judge(expectation('crashes.count', '>= 100'), m)).toMatchObject({ outcome: 'pass', basis: 'point', reason: '100 is ≥ 100 (judged on the point value: a count has no interval)' });
    expect(judge(expectation('false_suspicions.ci95_high', '<= 1'), quiet).reason).toMatch(/itself an end of a 95 % interval/);
  });

  it('is inconclusive, saying why, when the metric has no value', () => {
    const v = judge(expectation('detection_latency_ms.p99', '<= 5s'), quiet);
    expect(v).toMatchObject({ outcome: 'inconclusive', basis: 'missing', value: null });
    expect(v.reason).toBe('cannot tell: no crash was detected, so there is no detection latency');
    expect(judge(expectation('longest_pause_survived_ms', '>= 2s'), quiet).reason).toBe('cannot tell: the longest survivable pause was not computed');
  });

  it('judges mistake recurrence with no false suspicion by the interval [low, ∞)', () => {
    const v = judge(expectation('mistake_recurrence_s.mean', '>= 1h'), quiet);
    expect(v.interval![1]).toBe(Number.POSITIVE_INFINITY);
    expect(v.outcome).toBe('pass'); // 86 400 / 0.369 s ≈ 65 h
    const w = judge(expectation('mistake_recurrence_s.mean', '>= 1000h'), quiet);
    expect(w.outcome).toBe('inconclusive');
    // ≥ 1000 h between mistakes is a rate ≤ 0.024 per node-day.
    expect(w.needed!.nodeHours).toBeCloseTo((-Math.log(0.025) / (86_400 / 3_600_000)) * 24, 3);
  });

  it('uses the exact binomial interval for the fraction of pauses that caused a false suspicion', () => {
    const m = metricsWith({ pauses: 200, pausesWithSuspicion: 2 });
    expect(judge(expectation('pauses.fraction', '<= 5%'), m)).toMatchObject({ outcome: 'pass', intervalKind: 'exact binomial' });
    const v = judge(expectation('pauses.fraction', '<= 2%'), m);
    expect(v.outcome).toBe('inconclusive');
    expect(v.needed!.approximate).toBe(true);
  });
});

describe('poissonDaysToDecide', () => {
  it('returns an exposure at which the interval of the same rate clears the bound, and not much less', () => {
    for (const [count, days, bound] of [
      [1, 1.5, 0.5],
      [3, 10, 0.5],
      [20, 10, 2.5],
      [50, 10, 4],
    ] as const) {
      const rate = count / days;
      const needed = poissonDaysToDecide(count, days, bound)!;
      const clears = (d: number) => {
        const i = poissonRateInterval(Math.round(rate * d), d);
        return rate < bound ? i.high < bound : i.low > bound;
      };
      expect(clears(needed), `${count}/${days} vs ${bound}`).toBe(true);
      expect(clears(needed * 0.9), `${count}/${days} vs ${bound}`).toBe(false);
    }
  });

  it('has no answer when the rate sits on the bound', () => {
    expect(poissonDaysToDecide(5, 10, 0.5)).toBeUndefined();
    expect(poissonDaysToDecide(0, 10, 0)).toBeUndefined();
  });
});
