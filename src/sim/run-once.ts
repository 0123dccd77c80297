/**
 * One replication of a configuration: the per-node timeout kernel where it applies
 * (identical tallies, no transition log; see src/sim/fast), else the general engine.
 * Lives above both, so neither imports the other.
 */
import type { SimConfig } from './config.js';
import { Simulation } from './engine/simulation.js';
import type { RunResult } from './engine/run-result.js';
import { fastPathApplies, runTimeoutKernel } from './fast/index.js';

export type { RunResult };

export function runOnce(config: SimConfig): RunResult {
  return fastPathApplies(config) ? runTimeoutKernel(config) : new Simulation(config).run();
}
