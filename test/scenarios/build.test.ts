import { describe, expect, it } from 'vitest';
import { build } from '../../src/scenarios/build.js';
import { loadScenarioText } from '../../src/scenarios/load.js';
import { nodeNamesOf } from '../../src/scenarios/schema/index.js';

const plan = (text: string) => build(loadScenarioText(text, 'b.yaml').scenario);

describe('building the engine configuration', () => {
  it('maps every field of the example onto SimConfig in integer µs', () => {
    const p = plan(`seed: 42
duration: 1d
warmup: 1m
replications: 5
timeline_limit: 10
cluster: { nodes: 3, monitor: mon }
heartbeat: { interval: 1s, jitter: { dist: uniform, max: 20ms } }
link: { loss: 1%, duplicate: 0.5%, delay: { base: 1ms, dist: exponential, mean: 2ms } }
faults:
  - crash: { mttf: 2h, mttr: 10m }
  - crash: { at: 30s, nodes: [node-02], down: 1m }
detector: { kind: timeout, timeout: 3x, check_interval: 500ms, dead_after: 6s }
`);
    expect(p.replications).toBe(5);
    expect(p.timelineLimit).toBe(10);
    expect(p.config).toEqual({
      seed: '42',
      replication: 0,
      durationUs: 86_400_000_000,
      warmupUs: 60_000_000,
      nodeNames: ['node-01', 'node-02', 'node-03'],
      monitorName: 'mon',
      heartbeat: { intervalUs: 1_000_000, jitter: { kind: 'uniform', minUs: 0, maxUs: 20_000 } },
      link: { lossProbability: 0.01, duplicateProbability: 0.005, delay: { baseUs: 1000, random: { kind: 'exponential', meanUs: 2000 } } },
      crashes: [
        { kind: 'crashRecover', nodes: { kind: 'all' }, mttfUs: 7_200_000_000, mttrUs: 600_000_000 },
        { kind: 'crashAt', nodes: { kind: 'named', names: ['node-02'] }, atUs: 30_000_000, downUs: 60_000_000 },
      ],
      faults: [],
      detector: { kind: 'timeout', timeoutUs: 3_000_000, deadAfterUs: 6_000_000, checkIntervalUs: 500_000 },
      flapWindowUs: 60_000_000,
      transitionLogLimit: 10,
    });
  });

  it('resolves dead_after as a multiple of the resolved timeout, and never as no DEAD state', () => {
    expect(plan('heartbeat: { interval: 2s }\ndetector: { kind: timeout, timeout: 1.5x, dead_after: 2x }').config.detector).toMatchObject({ timeoutUs: 3_000_000, deadAfterUs: 6_000_000 });
    expect(plan('detector: { kind: timeout, dead_after: never }').config.detector).toMatchObject({ deadAfterUs: Number.POSITIVE_INFINITY });
  });

  it('maps every delay law', () => {
    const law = (yaml: string) => plan(`link: { delay: ${yaml} }`).config.link.delay.random;
    expect(law('{ dist: constant, value: 3ms }')).toEqual({ kind: 'constant', valueUs: 3000 });
    expect(law('{ dist: normal, mean: 3ms, sd: 1ms }')).toEqual({ kind: 'normal', meanUs: 3000, sdUs: 1000 });
    expect(law('{ dist: lognormal, median: 2ms, sigma: 0.5 }')).toEqual({ kind: 'lognormal', medianUs: 2000, sigma: 0.5 });
    expect(law('{ dist: pareto, scale: 1ms, shape: 1.5 }')).toEqual({ kind: 'pareto', scaleUs: 1000, shape: 1.5 });
  });

  it('names counted nodes so that they sort, and sorts listed names', () => {
    expect(nodeNamesOf(3)).toEqual(['node-01', 'node-02', 'node-03']);
    expect(nodeNamesOf(100)[0]).toBe('node-001');
    expect(nodeNamesOf(100).at(-1)).toBe('node-100');
    expect(nodeNamesOf(['b', 'a', 'c'])).toEqual(['a', 'b', 'c']);
  });

  it('is a pure function of the scenario', () => {
    const s = loadScenarioText('faults:\n  - crash: { at: 1s }\n', 'b.yaml').scenario;
    const before = JSON.stringify(s);
    expect(build(s)).toEqual(build(s));
    expect(JSON.stringify(s)).toBe(before);
  });
});
