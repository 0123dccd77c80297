/**
 * Workload B plus Poisson lognormal GC pauses and Gilbert–Elliott bursty loss
 * (bench/scenarios/workload-b-faults.yaml): hbsim as a user runs it and in-process,
 * against the SimPy model of plain B (the issue's yardstick: "whole process ≥ 50× the
 * SimPy model of plain B").
 */
import { cached } from '../lib/cache.js';
import { fixed, ratio } from '../lib/format.js';
import { phasesOf, runHbsimProcess, runInProcess } from '../lib/hbsim.js';
import { bestOf, medianOf } from '../lib/measure.js';
import { runSimpy, simpyAvailable } from '../lib/peers.js';
import { SHARED_SIMPY_B, type BenchSuite, type PeerFigure } from '../lib/suite.js';
import { SCENARIO_B_FAULTS } from '../workloads.js';

const suite: BenchSuite = {
  id: 'faults',
  title: 'Workload B + GC pauses (Poisson, lognormal) + Gilbert–Elliott loss',
  order: 20,
  async run(context) {
    const repo = context.repo;
    let simpy = (context.shared.get(SHARED_SIMPY_B) as PeerFigure | undefined) ?? null;
    if (simpy === null && context.peers && simpyAvailable(repo)) {
      context.progress('SimPy model, plain workload B');
      const run = medianOf(context.simpyRuns, () => runSimpy(repo, 1_000, 3_600));
      simpy = { wallS: run.wallS, cpuS: run.cpuS };
      context.shared.set(SHARED_SIMPY_B, simpy);
    }
    context.progress('hbsim run (defaults), B-faults, whole process');
    const whole = bestOf(context.repeat, () => runHbsimProcess(repo, SCENARIO_B_FAULTS, [], { HBSIM_TIMINGS: '1' }));
    const phases = phasesOf(whole.stderr);
    context.progress('hbsim in-process, B-faults');
    const engine = cached(context, 'in-process:B-faults:engine', () => bestOf(context.repeat, () => runInProcess(repo, 'B-faults', 'engine')));
    const fast = cached(context, 'in-process:B-faults:fast', () => bestOf(context.repeat, () => runInProcess(repo, 'B-faults', 'fast')));
    const warm = cached(context, 'in-process:B-faults:fast:warm', () => bestOf(context.repeat, () => runInProcess(repo, 'B-faults', 'fast', ['--repeat', '3'])));
    const rows = [
      { name: 'hbsim run (defaults)', scope: 'whole process', ...whole },
      { name: 'hbsim engine', scope: 'in-process', ...engine },
      { name: `hbsim runOnce (${fast.path})`, scope: 'in-process', ...fast },
      { name: `hbsim runOnce (${warm.path}), warm (fastest of 3 in one process)`, scope: 'in-process', ...warm },
    ];
    return {
      title: suite.title,
      header: ['implementation', 'scope', 'wall s', 'cpu s', 'peak MB', '× SimPy(B) wall', '× SimPy(B) cpu'],
      rows: rows.map((r) => [
        r.name,
        r.scope,
        fixed(r.wallS, 3),
        fixed(r.cpuS, 3),
        fixed(r.peakRssMb, 0),
        simpy ? ratio(simpy.wallS, r.wallS) : '–',
        simpy ? ratio(simpy.cpuS, r.cpuS) : '–',
      ]),
      notes: [
        simpy
          ? `ratios are against the SimPy model of plain workload B (it has no pauses or bursty loss): the median of ${context.simpyRuns} run${context.simpyRuns === 1 ? '' : 's'} (--simpy-runs; the heartbeat suite's when it ran).`
          : 'SimPy model not run (--no-peer, or no python3-simpy3): no ratios.',
        ...(phases.length > 0 ? [`hbsim run (defaults), phase by phase (HBSIM_TIMINGS=1; wall / cpu of every thread, s): ${phases.map((p) => `${p.name} ${fixed(p.wallMs / 1000, 3)} / ${fixed(p.cpuMs / 1000, 3)}`).join('; ')}.`] : []),
        'target (issue 12): whole process ≥ 50× SimPy(B).',
      ],
    };
  },
};

export default suite;
