/**
 * One replication of a configuration, on the cheapest path that is exact for it:
 *
 * 1. the skipping walk (src/sim/skip/timeout-walk.ts): the fixed-timeout detector on
 *    independent nodes, drawing only the heartbeats that can change a verdict — the
 *    same law as the engine with other draws (agreement is statistical, tested within
 *    4 standard errors; worked cases agree exactly);
 *    The pull walk (src/sim/skip/pull-walk.ts) does the same for fixed-rate pull checks:
 *    only the probes that can fail (a message lost, or a round trip that may exceed the
 *    probe timeout) and those next to crashes and pauses are drawn;
 *    the TCP walk (src/sim/skip/tcp-walk.ts) does it over TCP links: retransmission
 *    instants from interval bounds on SRTT/RTTVAR, the skipped RTT samples drawn only
 *    when the bounds cannot decide;
 *    the NFD-S walk (src/sim/skip/nfd-s-walk.ts) for Chen's NFD-S: only heartbeats lost
 *    or later than δ − b − 1, and those at crashes and restarts, are drawn;
 * 2. the per-node timeout kernel (src/sim/fast): the engine's own draws, tally for
 *    tally, without its global event queue — where the walk does not apply (e.g.
 *    duplication, a jitter that can reach the interval, a threshold below zero);
 * 3. the general engine for everything else (faults that couple nodes, other
 *    detectors, TCP with faults, failover), and decentralised protocols on their own runner.
 *
 * `runPathFor` says which one a configuration takes (tests use it to know what ran).
 * Lives above all of them, so none imports another.
 */
import type { SimConfig } from './config.js';
import { Simulation } from './engine/simulation.js';
import type { RunHooks, RunResult } from './engine/run-result.js';
import { fastPathApplies, runTimeoutKernel } from './fast/index.js';
import { runProtocol } from './run-protocol.js';
import { runTimeoutWalk, timeoutWalkRefusal } from './skip/timeout-walk.js';
import { pullWalkRefusal, runPullWalk } from './skip/pull-walk.js';
import { nfdSWalkRefusal, runNfdSWalk } from './skip/nfd-s-walk.js';
import { runTcpWalk, tcpWalkRefusal } from './skip/tcp-walk.js';
import { validateConfig } from './engine/validate-config.js';

export type { RunHooks, RunResult };

/** Which simulator runs a configuration: see the header for the order. */
export type RunPath = 'protocol' | 'walk' | 'tcpWalk' | 'pullWalk' | 'nfdSWalk' | 'kernel' | 'engine';

export function runPathFor(config: SimConfig): RunPath {
  if (config.protocol) return 'protocol';
  // What the engine refuses goes to the engine, so errors and their messages stay its own.
  if (!engineAccepts(config)) return 'engine';
  if (timeoutWalkRefusal(config) === null) return 'walk';
  if (tcpWalkRefusal(config) === null) return 'tcpWalk';
  if (pullWalkRefusal(config) === null) return 'pullWalk';
  if (nfdSWalkRefusal(config) === null) return 'nfdSWalk';
  return fastPathApplies(config) ? 'kernel' : 'engine';
}

function engineAccepts(config: SimConfig): boolean {
  try {
    validateConfig(config);
    return true;
  } catch {
    return false;
  }
}

/** `hooks.onProgress` hears the fraction of simulated time done, from within the run. */
export function runOnce(config: SimConfig, hooks?: RunHooks): RunResult {
  switch (runPathFor(config)) {
    case 'protocol':
      // A decentralised protocol (src/sim/protocols): every node is a member.
      return runProtocol(config, config.protocol!);
    case 'walk': {
      const result = runTimeoutWalk(config, hooks);
      hooks?.onProgress?.(1);
      return result;
    }
    case 'tcpWalk': {
      const result = runTcpWalk(config, hooks);
      hooks?.onProgress?.(1);
      return result;
    }
    case 'pullWalk': {
      const result = runPullWalk(config, hooks);
      hooks?.onProgress?.(1);
      return result;
    }
    case 'nfdSWalk': {
      const result = runNfdSWalk(config, hooks);
      hooks?.onProgress?.(1);
      return result;
    }
    case 'kernel':
      return runTimeoutKernel(config, hooks);
    case 'engine':
      return new Simulation(config).run(hooks);
  }
}
