/**
 * Turns a validated scenario into what the engine runs: a `SimConfig` in integer
 * microseconds (replication 0; the runner sets the others), plus how many
 * replications to pool and how much timeline to keep. Relative values are
 * resolved here ("timeout: 3x" against the heartbeat interval, "dead_after: 2x"
 * against the timeout), after any overrides, so a swept interval carries its
 * timeout along.
 *
 * A pure function of its argument: a sweep builds one plan per cell. Knows no
 * files, YAML or zod.
 */
import type { CrashFault, NodeSelector, SimConfig } from '../sim/config.js';
import type { DelayDistribution } from '../sim/distributions.js';
import { deadAfterUsOf, nodeNamesOf, timeoutUsOf, type CrashSpec, type DistributionSpec, type Scenario } from './schema.js';

export interface RunPlan {
  readonly config: SimConfig;
  readonly replications: number;
  /** Transitions kept for the sample timeline (replication 0). */
  readonly timelineLimit: number;
}

export function build(scenario: Scenario): RunPlan {
  const timeoutUs = timeoutUsOf(scenario);
  const config: SimConfig = {
    seed: String(scenario.seed),
    replication: 0,
    durationUs: scenario.duration,
    warmupUs: scenario.warmup,
    nodeNames: nodeNamesOf(scenario.cluster.nodes),
    monitorName: scenario.cluster.monitor,
    heartbeat: { intervalUs: scenario.heartbeat.interval, jitter: distributionOf(scenario.heartbeat.jitter) },
    link: {
      lossProbability: scenario.link.loss,
      duplicateProbability: scenario.link.duplicate,
      delay: { baseUs: scenario.link.delay.base, random: distributionOf(scenario.link.delay) },
    },
    crashes: scenario.faults.flatMap((fault) => (fault.crash === undefined ? [] : [crashOf(fault.crash)])),
    detector: {
      kind: 'timeout',
      timeoutUs,
      deadAfterUs: deadAfterUsOf(scenario),
      checkIntervalUs: scenario.detector.check_interval,
    },
    transitionLogLimit: scenario.timeline_limit,
  };
  return { config, replications: scenario.replications, timelineLimit: scenario.timeline_limit };
}

function distributionOf(d: DistributionSpec): DelayDistribution {
  switch (d.dist) {
    case 'constant':
      return { kind: 'constant', valueUs: d.value };
    case 'uniform':
      return { kind: 'uniform', minUs: d.min, maxUs: d.max };
    case 'exponential':
      return { kind: 'exponential', meanUs: d.mean };
    case 'normal':
      return { kind: 'normal', meanUs: d.mean, sdUs: d.sd };
    case 'lognormal':
      return { kind: 'lognormal', medianUs: d.median, sigma: d.sigma };
    case 'pareto':
      return { kind: 'pareto', scaleUs: d.scale, shape: d.shape };
  }
}

function crashOf(c: CrashSpec): CrashFault {
  const nodes: NodeSelector = c.nodes === 'all' ? { kind: 'all' } : { kind: 'named', names: [...c.nodes] };
  if (c.at !== undefined) return { kind: 'crashAt', nodes, atUs: c.at, downUs: c.down ?? null };
  // The schema guarantees mttf and mttr together when `at` is absent.
  return { kind: 'crashRecover', nodes, mttfUs: c.mttf!, mttrUs: c.mttr! };
}
