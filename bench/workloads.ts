/**
 * The benchmark workloads. A, B and C are issue 2's (1 s heartbeats, 1 % loss,
 * 1 ms + exponential(2 ms) delay, timeout 3 s, checks every 500 ms, no crashes): the
 * workload the SimPy and JavaScript peers in ../shared/peers run. B-faults adds what
 * real scenarios have (Poisson lognormal GC pauses, Gilbert–Elliott bursty loss) and is
 * read from its scenario file, so the in-process and whole-process runs are the same
 * model. The scale workloads are B's link and detector at 100 k and 1 M nodes.
 */
import { resolve } from 'node:path';
import type { SimConfig } from '../src/sim/config.js';

export interface Workload {
  readonly id: string;
  readonly nodes: number;
  readonly durationS: number;
  /** A scenario file (relative to bench/) to build the configuration from, instead of B's settings. */
  readonly scenario?: string;
}

export const WORKLOADS: readonly Workload[] = [
  { id: 'A', nodes: 10, durationS: 86_400 },
  { id: 'B', nodes: 1_000, durationS: 3_600 },
  { id: 'C', nodes: 10_000, durationS: 600 },
  { id: 'B-faults', nodes: 1_000, durationS: 3_600, scenario: 'scenarios/workload-b-faults.yaml' },
  { id: 'engine-100k', nodes: 100_000, durationS: 60 },
  // B's heartbeat count (3.6 M) at 100 k nodes: the engine's cost per heartbeat against B's.
  { id: 'B-100k', nodes: 100_000, durationS: 36 },
  { id: 'scale-100k', nodes: 100_000, durationS: 600 },
  { id: 'scale-1M', nodes: 1_000_000, durationS: 600 },
];

export function workloadById(id: string): Workload | undefined {
  return WORKLOADS.find((w) => w.id === id);
}

/** Scenario files of the whole-process runs. */
export const SCENARIO_B = resolve(import.meta.dirname, 'scenarios/workload-b.yaml');
export const SCENARIO_B_FAULTS = resolve(import.meta.dirname, 'scenarios/workload-b-faults.yaml');

export function workloadConfig(w: Workload): SimConfig {
  const width = String(w.nodes).length;
  return {
    seed: 'bench',
    replication: 0,
    durationUs: w.durationS * 1_000_000,
    warmupUs: 0,
    nodeNames: Array.from({ length: w.nodes }, (_, i) => `node-${String(i).padStart(width, '0')}`),
    monitorName: 'monitor',
    heartbeat: { intervalUs: 1_000_000, jitter: { kind: 'constant', valueUs: 0 } },
    link: { lossProbability: 0.01, duplicateProbability: 0, delay: { baseUs: 1_000, random: { kind: 'exponential', meanUs: 2_000 } } },
    crashes: [],
    detector: { kind: 'timeout', timeoutUs: 3_000_000, deadAfterUs: 6_000_000, checkIntervalUs: 500_000 },
    transitionLogLimit: 0,
  };
}
