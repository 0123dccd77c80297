/**
 * Runs one benchmark workload in this process and prints one JSON line: the in-process
 * figure (the simulation call alone, construction timed apart as set-up). Each
 * workload gets a fresh process so that its peak memory is its own.
 *
 *   run-workload.ts B                runOnce's choice (runPathFor): the skipping walk, else the per-node kernel, else the engine
 *   run-workload.ts B --engine       the general event-driven engine, forced
 *   run-workload.ts B --kernel       the per-node timeout kernel (src/sim/fast), forced where it applies
 *   run-workload.ts B --walk         the skipping walk (src/sim/skip/timeout-walk.ts), forced: same law, fewer draws
 *   run-workload.ts B --repeat 3     3 runs in this process, the fastest reported (warm JIT)
 */
import { resolve } from 'node:path';
import { build } from '../src/scenarios/build.js';
import { loadScenarioFile } from '../src/scenarios/load.js';
import type { SimConfig } from '../src/sim/config.js';
import { fastPathApplies } from '../src/sim/fast/index.js';
import { TimeoutKernel } from '../src/sim/fast/timeout-kernel.js';
import { Simulation, type RunResult } from '../src/sim/engine/simulation.js';
import { runTimeoutWalk, timeoutWalkRefusal } from '../src/sim/skip/timeout-walk.js';
import { runPathFor } from '../src/sim/run-once.js';
import { WORKLOADS, workloadById, workloadConfig } from './workloads.js';

const id = process.argv[2] ?? '';
const forceEngine = process.argv.includes('--engine');
const forceKernel = process.argv.includes('--kernel');
const repeatAt = process.argv.indexOf('--repeat');
const repeat = repeatAt > 0 ? Math.max(1, Number(process.argv[repeatAt + 1])) : 1;
const workload = workloadById(id);
if (!workload) {
  console.error(`unknown workload ${id}; expected one of ${WORKLOADS.map((w) => w.id).join(', ')}`);
  process.exit(2);
}

function configOf(): SimConfig {
  if (workload!.scenario === undefined) return workloadConfig(workload!);
  const loaded = loadScenarioFile(resolve(import.meta.dirname, workload!.scenario));
  // The simulation core alone: no timeline (the whole-process run keeps the default).
  return { ...build(loaded.scenario).config, transitionLogLimit: 0 };
}

const config = configOf();
const choice = runPathFor(config);
const walk = process.argv.includes('--walk') || (!forceEngine && !forceKernel && choice === 'walk');
const fastApplies = !forceEngine && !walk && fastPathApplies(config);
const walkRefusal = walk ? timeoutWalkRefusal(config) : null;
if (walkRefusal !== null) {
  console.error(`the skipping walk does not apply to ${id}: ${walkRefusal}`);
  process.exit(2);
}
let path = walk ? 'skip walk' : forceEngine ? 'engine' : fastApplies ? 'fast' : 'engine (fast path n/a)';
let wallS = Number.POSITIVE_INFINITY;
let cpuS = Number.POSITIVE_INFINITY;
let setupS = Number.POSITIVE_INFINITY;
let setupCpuS = Number.POSITIVE_INFINITY;
let result: RunResult | null = null;
for (let r = 0; r < repeat; r++) {
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  let run: RunResult | null = null;
  let setupEnd: number;
  let setupCpu = cpuBefore;
  if (walk) {
    setupEnd = started; // set-up is not separable: streams are seeded node by node as the walk goes
    run = runTimeoutWalk(config);
  } else if (fastApplies) {
    const kernel = new TimeoutKernel(config);
    setupEnd = performance.now();
    setupCpu = process.cpuUsage(cpuBefore);
    run = kernel.run();
    if (run === null) {
      path = 'engine (fast path declined)';
      run = new Simulation(config).run();
    }
  } else {
    const sim = new Simulation(config);
    setupEnd = performance.now();
    setupCpu = process.cpuUsage(cpuBefore);
    run = sim.run();
  }
  wallS = Math.min(wallS, (performance.now() - started) / 1000);
  setupS = Math.min(setupS, (setupEnd - started) / 1000);
  const cpu = process.cpuUsage(cpuBefore);
  cpuS = Math.min(cpuS, (cpu.user + cpu.system) / 1e6);
  if (setupCpu !== cpuBefore) setupCpuS = Math.min(setupCpuS, (setupCpu.user + setupCpu.system) / 1e6);
  result = run;
}
console.log(
  JSON.stringify({
    id: workload.id,
    path,
    nodes: config.nodeNames.length,
    durationS: config.durationUs / 1e6,
    repeat,
    wallS,
    cpuS,
    setupS,
    setupCpuS: Number.isFinite(setupCpuS) ? setupCpuS : 0,
    events: result!.events,
    heartbeats: result!.tallies.heartbeatsSent,
    falseSuspicions: result!.tallies.falseSuspicions,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  }),
);
