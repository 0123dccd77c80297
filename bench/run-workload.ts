/**
 * Runs one benchmark workload in this process and prints one JSON line. Each
 * workload gets a fresh process so that its peak memory is its own.
 *
 *   run-workload.ts B                runOnce: the per-node timeout kernel when it applies (src/sim/fast)
 *   run-workload.ts B --engine       the general event-driven engine, forced
 *   run-workload.ts B --repeat 3     run it 3 times in this process and report the fastest
 *                                    (warm: compiled code, as in a sweep's worker)
 */
import { fastPathApplies } from '../src/sim/fast/index.js';
import { runOnce } from '../src/sim/run-once.js';
import { Simulation } from '../src/sim/engine/simulation.js';
import { WORKLOADS, workloadConfig } from './workloads.js';

const id = process.argv[2];
const forceEngine = process.argv.includes('--engine');
const repeatAt = process.argv.indexOf('--repeat');
const repeat = repeatAt > 0 ? Math.max(1, Number(process.argv[repeatAt + 1])) : 1;
const workload = WORKLOADS.find((w) => w.id === id);
if (!workload) {
  console.error(`unknown workload ${id}; expected one of ${WORKLOADS.map((w) => w.id).join(', ')}`);
  process.exit(2);
}
const config = workloadConfig(workload);
const path = forceEngine || !fastPathApplies(config) ? 'engine' : 'kernel';
const rssBeforeKb = process.resourceUsage().maxRSS;
let wallS = Number.POSITIVE_INFINITY;
let cpuS = Number.POSITIVE_INFINITY;
let result = null as ReturnType<typeof runOnce> | null;
for (let r = 0; r < repeat; r++) {
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  result = forceEngine ? new Simulation(config).run() : runOnce(config);
  wallS = Math.min(wallS, (performance.now() - started) / 1000);
  const cpu = process.cpuUsage(cpuBefore);
  cpuS = Math.min(cpuS, (cpu.user + cpu.system) / 1e6);
}
console.log(
  JSON.stringify({
    id: workload.id,
    path,
    nodes: workload.nodes,
    durationS: workload.durationS,
    repeat,
    wallS,
    cpuS,
    events: result!.events,
    heartbeats: result!.tallies.heartbeatsSent,
    falseSuspicions: result!.tallies.falseSuspicions,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    startRssMb: rssBeforeKb / 1024,
  }),
);
