/**
 * hbsim as a library: run a configuration from a user's own code or test.
 *
 *   import { simulate } from 'hbsim';
 *   const { metrics } = simulate(config, { replications: 5 });
 *   expect(metrics.false_suspicions.ci95_high).toBeLessThan(0.1);
 */
export type { SimConfig, CrashFault, DetectorConfig, HeartbeatConfig, LinkConfig, NodeSelector } from './sim/config.js';
export type { DelayDistribution, LinkDelay } from './sim/random/distributions.js';
export type { CellMetrics } from './results/cell-metrics.js';
export type { Timeline, TimelineEntry } from './results/timeline.js';
export { runReplications as simulate, type ConfigResult, type ReplicateOptions } from './sweep/replicate.js';
