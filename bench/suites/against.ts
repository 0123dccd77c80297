/**
 * `npm run bench -- --against DIR`: workloads A, B and C in-process on this checkout and
 * on another one (e.g. a worktree of the previous commit: `git worktree add /tmp/prev
 * HEAD~1`, with node_modules linked), interleaved run by run so both see the same load.
 * Issue 10's "no slower than before" is read here. Skipped without --against.
 *
 * Both sides run their own bench/run-workload.ts, so each measures its own code with its
 * own set-up; the engine forced, and runOnce's choice (fast path or walk).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fixed } from '../lib/format.js';
import { runInProcess, type InProcessPath, type InProcessRun } from '../lib/hbsim.js';
import type { BenchSuite } from '../lib/suite.js';

const WORKLOADS = ['A', 'B', 'C'] as const;
const PATHS: readonly { path: InProcessPath; name: string }[] = [
  { path: 'engine', name: 'engine' },
  { path: 'fast', name: 'runOnce' },
];

function best(runs: readonly InProcessRun[]): InProcessRun {
  return runs.reduce((a, b) => (b.cpuS < a.cpuS ? b : a));
}

const suite: BenchSuite = {
  id: 'against',
  title: 'Workloads A–C in-process, this checkout against another (--against)',
  order: 90,
  async run(context) {
    const other = context.against;
    if (other === undefined) {
      return { title: suite.title, header: ['note'], rows: [['not run: pass --against DIR (another checkout) to compare']], notes: [] };
    }
    const dir = resolve(other);
    if (!existsSync(resolve(dir, 'bench/run-workload.ts'))) throw new Error(`--against ${other}: no bench/run-workload.ts there`);
    const rows: string[][] = [];
    for (const workload of WORKLOADS) {
      for (const { path, name } of PATHS) {
        context.progress(`workload ${workload}, ${name}: this checkout and ${other}, interleaved`);
        const here: InProcessRun[] = [];
        const there: InProcessRun[] = [];
        for (let i = 0; i < context.repeat; i++) {
          here.push(runInProcess(context.repo, workload, path));
          there.push(runInProcess(dir, workload, path));
        }
        const h = best(here);
        const t = best(there);
        rows.push([workload, name, t.path, fixed(t.cpuS, 3), h.path, fixed(h.cpuS, 3), `${fixed((h.cpuS / t.cpuS - 1) * 100, 0)} %`]);
      }
    }
    return {
      title: suite.title,
      header: ['workload', 'call', 'other: path', 'other: cpu s', 'this: path', 'this: cpu s', 'change'],
      rows,
      notes: [
        `other = ${dir}; each figure is the lowest CPU time (user + system) of ${context.repeat} fresh processes, the two checkouts alternating.`,
        'A = 10 nodes × 1 day, B = 1 000 nodes × 1 h, C = 10 000 nodes × 10 min; construction included.',
      ],
    };
  },
};

export default suite;
