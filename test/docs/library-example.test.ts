import { describe, expect, it } from 'vitest';
import { check, loadScenario, run } from 'hbsim';

// Our failover manager: 1 s heartbeats, a node is declared failed after 5 s of
// silence; 1 % packet loss and rare GC pauses of the watched database.
const OUR_CLUSTER = `
name: failover-timeout
seed: 7
duration: 6h
replications: 4
cluster: { nodes: 10 }
heartbeat: { interval: 1s, jitter: { dist: uniform, max: 20ms } }
link: { loss: 1%, delay: { base: 1ms, dist: exponential, mean: 2ms } }
faults:
  - crash: { mttf: 2h, mttr: 10m }
  - pause: { every: 1h, duration: { dist: lognormal, median: 200ms, sigma: 1 } }
detector: { kind: timeout, timeout: 5s, check_interval: 500ms }
`;

const TARGETS = {
  'false_suspicions.per_node_day': '< 1', // the whole 95 % interval must be below 1
  'detection_latency_ms.p99': '<= 6s',
};

describe('our failover timeout', () => {
  it('keeps false suspicions under 1 per node-day and detects a crash within 6 s', async () => {
    const results = await run(loadScenario(OUR_CLUSTER), { pauseSurvival: false });
    const verdict = check(results, TARGETS);
    expect(verdict.passed, verdict.summary).toBe(true);
  });

  it('would not hold at 1.5 s: GC pauses and lost heartbeats then look like failures', async () => {
    const results = await run(loadScenario(OUR_CLUSTER, { set: { 'detector.timeout': '1.5s' } }), { pauseSurvival: false });
    const verdict = check(results, TARGETS);
    expect(verdict.passed).toBe(false);
    expect(verdict.verdicts.find((v) => v.metric === 'false_suspicions.per_node_day')?.outcome).toBe('fail');
  });
});
