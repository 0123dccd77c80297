/**
 * Cost per heartbeat as the cluster grows, in-process: the engine at 1 k (B) and 100 k
 * nodes, and the fast path (runOnce) from 10 nodes to 1 M, with set-up time (streams
 * seeded, state laid out) and peak RSS of the process (the TypeScript loader included,
 * ~60–90 MB). `--quick` skips the 1 M-node run.
 *
 * The figure — the engine's cost per heartbeat at 100 k within 2× of 1 k — is
 * the median over interleaved fresh-process pairs (B, B-100k, B, B-100k, …; at least 5,
 * `--repeat` more), with and without set-up, and its range (bench/scale-ratio.ts): the
 * table's best-of rows compare runs minutes apart on a machine whose speed drifts.
 */
import { cached } from '../lib/cache.js';
import { fixed } from '../lib/format.js';
import { runInProcess, type InProcessPath, type InProcessRun } from '../lib/hbsim.js';
import { bestOf } from '../lib/measure.js';
import type { BenchSuite } from '../lib/suite.js';
import { describeSpread, LARGE, measureEngineRatio, SMALL } from '../scale-ratio.js';

/** Interleaved pairs for the engine ratio (the brief's minimum). */
const MIN_PAIRS = 5;

const suite: BenchSuite = {
  id: 'scale',
  title: 'Scale — cost per heartbeat from 10 nodes to 1 M (in-process)',
  order: 30,
  async run(context) {
    const repo = context.repo;
    const plan: [string, InProcessPath, number][] = [
      ['A', 'engine', context.repeat],
      ['A', 'fast', context.repeat],
      ['B', 'engine', context.repeat],
      ['B', 'fast', context.repeat],
      ['B', 'walk', context.repeat],
      ['C', 'engine', context.repeat],
      ['C', 'fast', context.repeat],
      ['B-100k', 'engine', context.repeat],
      ['engine-100k', 'engine', 1],
      ['scale-100k', 'fast', 1],
      ['scale-100k', 'walk', 1],
    ];
    if (!context.quick) plan.push(['scale-1M', 'fast', 1], ['scale-1M', 'walk', 1]);
    const runs: InProcessRun[] = [];
    for (const [id, path, repeat] of plan) {
      context.progress(`in-process ${id} (${path})`);
      runs.push(cached(context, `in-process:${id}:${path}`, () => bestOf(repeat, () => runInProcess(repo, id, path))));
    }
    const pairCount = Math.max(MIN_PAIRS, context.repeat);
    const ratio = cached(context, `scale:engine-ratio:${pairCount}`, () => measureEngineRatio(repo, pairCount, (m) => context.progress(m)));
    const engineB = runs.find((r) => r.id === 'B' && r.path === 'engine');
    const perBeatNs = (r: InProcessRun) => (r.cpuS * 1e9) / r.heartbeats;
    const runPerBeatNs = (r: InProcessRun) => ((r.cpuS - r.setupCpuS) * 1e9) / r.heartbeats;
    const versusB = (r: InProcessRun, cost: (r: InProcessRun) => number) =>
      r.path.startsWith('engine') && engineB ? `${fixed(cost(r) / cost(engineB), 2)}×` : '';
    return {
      title: suite.title,
      header: ['workload', 'path', 'nodes', 'sim time', 'heartbeats', 'wall s', 'cpu s', 'set-up cpu s', 'ns/heartbeat (cpu)', 'vs engine@1k', 'run ns/heartbeat (no set-up)', 'vs engine@1k', 'peak MB'],
      rows: runs.map((r) => [
        r.id,
        r.path,
        String(r.nodes),
        r.durationS >= 3_600 ? `${r.durationS / 3_600} h` : r.durationS >= 60 ? `${r.durationS / 60} min` : `${r.durationS} s`,
        `${fixed(r.heartbeats / 1e6, 1)} M`,
        fixed(r.wallS, 3),
        fixed(r.cpuS, 3),
        fixed(r.setupCpuS, 3),
        fixed(perBeatNs(r), 0),
        versusB(r, perBeatNs),
        fixed(runPerBeatNs(r), 0),
        versusB(r, runPerBeatNs),
        fixed(r.peakRssMb, 0),
      ]),
      notes: [
        `engine at 100 k against 1 k (${LARGE} against ${SMALL}, CPU per heartbeat), median of ${ratio.pairs.length} interleaved fresh-process pairs: ${describeSpread(ratio.withSetup)} with set-up, ${describeSpread(ratio.withoutSetup)} without. The "vs engine@1k" columns above compare best-of runs taken minutes apart: read the median.`,
        'targets (issue 12): 1 M nodes × 10 min on the fast path < 400 MB RSS, set-up < 2 s; engine ns/heartbeat at 100 k within 2× of 1 k (B-100k: B\'s 3.6 M heartbeats at 100 k nodes, against B).',
        'set-up cpu s is the construction alone (the skipping walk seeds as it goes: 0); "run" excludes it.',
        context.quick ? '--quick: the 1 M-node run was skipped.' : '',
      ].filter((n) => n !== ''),
    };
  },
};

export default suite;
