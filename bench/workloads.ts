/**
 * The benchmark workloads of issue 2, as engine configurations: 1 s heartbeats, 1 %
 * loss, 1 ms + exponential(2 ms) delay, timeout 3 s, checks every 500 ms — the same
 * workload the SimPy peer (../shared/peers/simpy_heartbeat.py) runs.
 */
import type { SimConfig } from '../src/sim/config.js';

export interface Workload {
  readonly id: string;
  readonly nodes: number;
  readonly durationS: number;
}

export const WORKLOADS: readonly Workload[] = [
  { id: 'A', nodes: 10, durationS: 86_400 },
  { id: 'B', nodes: 1_000, durationS: 3_600 },
  { id: 'C', nodes: 10_000, durationS: 600 },
];

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
