/**
 * The rare-event estimator (src/rare) against plain simulation where both are feasible
 * (~10⁻² false suspicions per node-day: 4 000 simulated node-days with 60 s heartbeats
 * see a few dozen), and against the closed forms at ~10⁻⁴ per node-day (where plain
 * simulation would need ~10⁵ node-days). Agreement means within 4 standard errors of
 * the difference: the Poisson error of the simulated count (√count / node-days) and the
 * estimator's own standard error, combined. Fixed seeds.
 *
 * Mechanisms: i.i.d. (Bernoulli) loss with jittered, exponential delays; Gilbert–Elliott
 * bursts; independent sender pauses (lognormal) on a lossless link; and polling checks.
 */
import { describe, expect, it } from 'vitest';
import { estimateRareFalseSuspicions, lossOnsetsPerNodeDay, pauseOnsetsPerNodeDay, rareModelOf, type RareModel } from '../../src/rare/index.js';
import { build } from '../../src/scenarios/build.js';
import { loadScenarioText } from '../../src/scenarios/load.js';
import type { SimConfig } from '../../src/sim/config.js';
import { runReplications } from '../../src/sweep/replicate.js';

function configOf(lines: string): SimConfig {
  return build(loadScenarioText(`name: rare\nseed: 7\nduration: 20d\ncluster: { nodes: 200 }\n${lines.includes('heartbeat:') ? '' : 'heartbeat: { interval: 60s }\n'}${lines}\n`, 'rare.yaml').scenario).config;
}

function modelOf(config: SimConfig): RareModel {
  const m = rareModelOf(config);
  if (!m.ok) throw new Error(m.reason);
  return m.model;
}

describe('rare-event estimates agree with plain simulation at ~1e-2 per node-day', () => {
  const cases: [string, string][] = [
    ['Bernoulli loss, jitter and exponential delays', 'heartbeat: { interval: 60s, jitter: { dist: uniform, max: 2s } }\nlink: { loss: 5.2%, delay: { base: 5ms, dist: exponential, mean: 20ms } }\ndetector: { kind: timeout, timeout: 270s }'],
    ['Gilbert–Elliott bursts', 'link: { loss: { average: 0.1%, burst: 1.25 }, delay: { dist: constant, value: 10ms } }\ndetector: { kind: timeout, timeout: 270s }'],
    ['independent sender pauses', 'link: { loss: 0, delay: { dist: constant, value: 10ms } }\nfaults:\n  - pause: { every: 1h, duration: { dist: lognormal, median: 30s, sigma: 0.6 } }\ndetector: { kind: timeout, timeout: 270s }'],
    ['Bernoulli loss with a polling check', 'link: { loss: 5%, delay: { dist: constant, value: 10ms } }\ndetector: { kind: timeout, timeout: 250s, check_interval: 45s }'],
  ];
  for (const [name, lines] of cases) {
    it(name, () => {
      const config = configOf(lines);
      const plain = runReplications(config, { replications: 1, timelineLimit: 0 }).metrics;
      const nodeDays = plain.node_hours / 24;
      const count = plain.false_suspicions.count;
      expect(count).toBeGreaterThanOrEqual(10); // enough events for the comparison to mean something
      const rare = estimateRareFalseSuspicions(modelOf(config), { seed: 'agree', samples: 60_000 });
      const se = Math.sqrt(count / nodeDays ** 2 + rare.standardError ** 2);
      const z = (count / nodeDays - rare.perNodeDay) / se;
      expect(Math.abs(z), `simulated ${count}/${nodeDays.toFixed(0)} node-days, estimated ${rare.perNodeDay} ± ${rare.standardError}`).toBeLessThan(4);
    });
  }
});

describe('rare-event estimates agree with the closed forms at ~1e-4 per node-day', () => {
  const base = { intervalUs: 1_000_000, timeoutUs: 4_500_000, checkIntervalUs: 0, jitter: { kind: 'constant', valueUs: 0 }, delay: { baseUs: 10_000, random: { kind: 'constant', valueUs: 0 } }, pauses: [] } as const;
  const cases: [string, RareModel, () => number][] = [];
  const bernoulli: RareModel = { ...base, loss: { kind: 'bernoulli', probability: 0.0059 } };
  cases.push(['Bernoulli', bernoulli, () => lossOnsetsPerNodeDay(bernoulli.loss, base.intervalUs, base.timeoutUs)]);
  const ge: RareModel = { ...base, loss: { kind: 'gilbertElliott', enterBadProbability: 0.00002, leaveBadProbability: 0.95, lossInGoodProbability: 0.001, lossInBadProbability: 0.9 } };
  cases.push(['Gilbert–Elliott', ge, () => lossOnsetsPerNodeDay(ge.loss, base.intervalUs, base.timeoutUs)]);
  const pause: RareModel = { ...base, loss: { kind: 'bernoulli', probability: 0 }, pauses: [{ meanGapUs: 3_600e6, duration: { kind: 'lognormal', medianUs: 200_000, sigma: 0.62 } }] };
  cases.push(['sender pauses', pause, () => pauseOnsetsPerNodeDay(3_600e6, pause.pauses[0]!.duration, base.intervalUs, base.timeoutUs)]);
  for (const [name, model, closedForm] of cases) {
    it(name, () => {
      const expected = closedForm();
      expect(expected).toBeGreaterThan(2e-5);
      expect(expected).toBeLessThan(5e-4);
      const rare = estimateRareFalseSuspicions(model, { seed: 'closed-form', samples: 60_000 });
      expect(rare.standardError / rare.perNodeDay).toBeLessThan(0.05); // the method, not luck: a tight estimate
      expect(Math.abs(rare.perNodeDay - expected) / rare.standardError, `estimated ${rare.perNodeDay} ± ${rare.standardError}, closed form ${expected}`).toBeLessThan(4);
      expect(rare.ci95[0]).toBeLessThan(expected * 1.2);
      expect(rare.ci95[1]).toBeGreaterThan(expected * 0.8);
    });
  }

  it('never reports zero as zero: no hit gives an upper bound above 0', () => {
    const never: RareModel = { ...base, loss: { kind: 'bernoulli', probability: 0 } };
    const rare = estimateRareFalseSuspicions(never, { seed: 'zero', samples: 1000 });
    expect(rare.perNodeDay).toBe(0);
    expect(rare.ci95[1]).toBeGreaterThan(0);
  });

  it('same seed, same estimate', () => {
    const a = estimateRareFalseSuspicions(bernoulli, { seed: 's', samples: 5000 });
    const b = estimateRareFalseSuspicions(bernoulli, { seed: 's', samples: 5000 });
    expect(b).toEqual(a);
  });
});

describe('rareModelOf', () => {
  it('says why a configuration is out of reach', () => {
    const phi = rareModelOf(configOf('detector: { kind: phi_akka }'));
    expect(phi.ok).toBe(false);
    const partition = rareModelOf(configOf('faults:\n  - partition: { every: 1d, duration: 10s }\ndetector: { kind: timeout, timeout: 270s }'));
    expect(partition.ok ? '' : partition.reason).toMatch(/partition faults/);
  });
});
