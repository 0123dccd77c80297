/**
 * Runs one benchmark workload in this process and prints one JSON line. Each
 * workload gets a fresh process so that its peak memory is its own.
 */
import { runOnce } from '../src/sim/simulation.js';
import { WORKLOADS, workloadConfig } from './workloads.js';

const id = process.argv[2];
const workload = WORKLOADS.find((w) => w.id === id);
if (!workload) {
  console.error(`unknown workload ${id}; expected one of ${WORKLOADS.map((w) => w.id).join(', ')}`);
  process.exit(2);
}
const config = workloadConfig(workload);
const rssBeforeKb = process.resourceUsage().maxRSS;
const started = performance.now();
const result = runOnce(config);
const wallS = (performance.now() - started) / 1000;
console.log(
  JSON.stringify({
    id: workload.id,
    nodes: workload.nodes,
    durationS: workload.durationS,
    wallS,
    events: result.events,
    heartbeats: result.tallies.heartbeatsSent,
    falseSuspicions: result.tallies.falseSuspicions,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    startRssMb: rssBeforeKb / 1024,
  }),
);
