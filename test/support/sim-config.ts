/** Builds engine configurations for tests: a lossless 1 s / 3 s cluster unless told otherwise. */
import type { SimConfig } from '../../src/sim/config.js';

export function simConfig(overrides: Partial<SimConfig> & { nodes?: number } = {}): SimConfig {
  const { nodes = 3, ...rest } = overrides;
  return {
    seed: 'test',
    replication: 0,
    durationUs: 60_000_000,
    warmupUs: 0,
    nodeNames: Array.from({ length: nodes }, (_, i) => `n${i + 1}`),
    monitorName: 'monitor',
    heartbeat: { intervalUs: 1_000_000, jitter: { kind: 'constant', valueUs: 0 } },
    link: { lossProbability: 0, duplicateProbability: 0, delay: { baseUs: 0, random: { kind: 'constant', valueUs: 0 } } },
    crashes: [],
    detector: { kind: 'timeout', timeoutUs: 3_000_000, deadAfterUs: 6_000_000, checkIntervalUs: 0 },
    transitionLogLimit: 0,
    ...rest,
  };
}
