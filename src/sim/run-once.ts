/**
 * One replication of a configuration: the per-node timeout kernel where it applies
 * (identical tallies, no transition log; see src/sim/fast), else the general engine.
 * Lives above both, so neither imports the other.
 */
import type { SimConfig } from './config.js';
import { Simulation } from './engine/simulation.js';
import type { RunHooks, RunResult } from './engine/run-result.js';
import { fastPathApplies, runTimeoutKernel } from './fast/index.js';
import { runProtocol } from './run-protocol.js';

export type { RunHooks, RunResult };

/** `hooks.onProgress` hears the fraction of simulated time done, from within the run. */
export function runOnce(config: SimConfig, hooks?: RunHooks): RunResult {
  // A decentralised protocol (src/sim/protocols): every node is a member.
  if (config.protocol) return runProtocol(config, config.protocol);
  return fastPathApplies(config) ? runTimeoutKernel(config, hooks) : new Simulation(config).run(hooks);
}
