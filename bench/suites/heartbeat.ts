/**
 * Workload B (1000 nodes × 1 h) side by side, in one run: the SimPy model and the
 * hand-tuned JavaScript peer (whole processes), hbsim as a user runs it (whole
 * `hbsim run … --no-report` process, defaults included: the sample timeline and the
 * pause-survival search), and hbsim in-process (the engine, and `runOnce`, which takes
 * the per-node fast path when it applies).
 */
import { cached } from '../lib/cache.js';
import { fixed, ratio } from '../lib/format.js';
import { phasesOf, runHbsimProcess, runInProcess } from '../lib/hbsim.js';
import { bestOf, medianOf } from '../lib/measure.js';
import { jsPeerAvailable, runJsPeer, runSimpy, simpyAvailable } from '../lib/peers.js';
import { SHARED_SIMPY_B, type BenchSuite, type PeerFigure } from '../lib/suite.js';
import { SCENARIO_B } from '../workloads.js';

interface Row {
  name: string;
  scope: string;
  wallS: number;
  cpuS: number;
  peakRssMb: number;
  note?: string;
}

const suite: BenchSuite = {
  id: 'heartbeat',
  title: 'Workload B — 1000 nodes × 1 h, side by side with the peers',
  order: 10,
  async run(context) {
    const rows: Row[] = [];
    const notes: string[] = [];
    const repo = context.repo;
    let simpy: PeerFigure | null = null;
    let js: PeerFigure | null = null;
    if (context.peers && simpyAvailable(repo)) {
      context.progress(`SimPy model, workload B, ${context.simpyRuns} run${context.simpyRuns === 1 ? '' : 's'} (the slow one: ~16-24 s each on a quiet machine)`);
      // The yardstick of every ratio: the median of several runs, so that one slow or fast Python run does not move them all.
      const run = medianOf(context.simpyRuns, () => runSimpy(repo, 1_000, 3_600));
      simpy = { wallS: run.wallS, cpuS: run.cpuS };
      context.shared.set(SHARED_SIMPY_B, simpy);
      const spread = run.runs > 1 ? `median of ${run.runs} (wall ${fixed(run.wallRangeS[0])}-${fixed(run.wallRangeS[1])} s); ` : '';
      rows.push({ name: 'SimPy model (process style)', scope: 'whole process', ...run, note: `${spread}loop ${fixed(run.loopWallS)} s` });
    } else {
      notes.push(context.peers ? 'SimPy model not run: needs /usr/bin/python3 with python3-simpy3 (apt-get install -y python3-simpy3).' : 'peers not run (--no-peer).');
    }
    if (context.peers && jsPeerAvailable(repo)) {
      context.progress('hand-tuned JS peer, workload B');
      const run = bestOf(context.repeat, () => runJsPeer(repo, 1_000, 3_600));
      js = { wallS: run.wallS, cpuS: run.cpuS };
      rows.push({ name: 'hand-tuned JS peer (typed)', scope: 'whole process', ...run, note: `loop ${fixed(run.loopWallS)} s` });
    }

    context.progress('hbsim run (defaults), whole process, with its phases');
    const defaults = bestOf(context.repeat, () => runHbsimProcess(repo, SCENARIO_B, [], { HBSIM_TIMINGS: '1' }));
    rows.push({ name: 'hbsim run (defaults)', scope: 'whole process', ...defaults });
    const phases = phasesOf(defaults.stderr);
    if (phases.length > 0) {
      notes.push(`hbsim run (defaults), phase by phase (HBSIM_TIMINGS=1; wall / cpu of every thread, s): ${phases.map((p) => `${p.name} ${fixed(p.wallMs / 1000, 3)} / ${fixed(p.cpuMs / 1000, 3)}`).join('; ')}.`);
    }
    context.progress('hbsim run --no-pause-survival, whole process');
    rows.push({
      name: 'hbsim run --no-pause-survival',
      scope: 'whole process',
      ...bestOf(context.repeat, () => runHbsimProcess(repo, SCENARIO_B, ['--no-pause-survival'])),
    });
    context.progress('hbsim run --no-pause-survival, no timeline, whole process');
    rows.push({
      name: 'hbsim run, no timeline, no pause search',
      scope: 'whole process',
      ...bestOf(context.repeat, () => runHbsimProcess(repo, SCENARIO_B, ['--no-pause-survival', '--set', 'timeline_limit=0'])),
    });

    context.progress('hbsim in-process: engine, per-node kernel, runOnce (the skipping walk)');
    const engine = cached(context, 'in-process:B:engine', () => bestOf(context.repeat, () => runInProcess(repo, 'B', 'engine')));
    const fast = cached(context, 'in-process:B:fast', () => bestOf(context.repeat, () => runInProcess(repo, 'B', 'fast')));
    const kernel = cached(context, 'in-process:B:kernel', () => bestOf(context.repeat, () => runInProcess(repo, 'B', 'kernel')));
    rows.push({ name: 'hbsim engine', scope: 'in-process', ...engine });
    rows.push({ name: `hbsim runOnce (${fast.path})`, scope: 'in-process', ...fast });
    // The same call once V8 has compiled it: the gap to the row above is the first run's JIT warm-up.
    const warm = cached(context, 'in-process:B:fast:warm', () => bestOf(context.repeat, () => runInProcess(repo, 'B', 'fast', ['--repeat', '3'])));
    rows.push({ name: `hbsim runOnce (${warm.path}), warm`, scope: 'in-process', ...warm, note: 'fastest of 3 runs in one process' });
    rows.push({ name: 'hbsim per-node kernel (engine’s draws)', scope: 'in-process', ...kernel });

    notes.push(
      'whole process: the command as a user runs it, timed by GNU time (TypeScript loading, worker threads and all defaults included).',
      'in-process: the simulation call alone (construction + run), in a fresh process per run: its first run, JIT warm-up included (the warm row: the fastest of 3 runs in one process).',
      `fastest of ${context.repeat} runs by wall time; the SimPy model: the median of ${context.simpyRuns} run${context.simpyRuns === 1 ? '' : 's'} (--simpy-runs), wall and cpu each, so the ratios do not move with one Python run; cpu = user + system of all threads.`,
      'targets (issue 12): whole process ≥ 100× SimPy and faster than the JS peer; in-process ≥ 300× SimPy.',
    );
    return {
      title: suite.title,
      header: ['implementation', 'scope', 'wall s', 'cpu s', 'peak MB', '× SimPy wall', '× SimPy cpu', '× JS peer wall', 'note'],
      rows: rows.map((r) => [
        r.name,
        r.scope,
        fixed(r.wallS, 3),
        fixed(r.cpuS, 3),
        fixed(r.peakRssMb, 0),
        simpy ? ratio(simpy.wallS, r.wallS) : '–',
        simpy ? ratio(simpy.cpuS, r.cpuS) : '–',
        js ? ratio(js.wallS, r.wallS) : '–',
        r.note ?? '',
      ]),
      notes,
    };
  },
};

export default suite;
