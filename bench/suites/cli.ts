/**
 * The command line as users meet it, whole processes: `hbsim --version`, `npm start`'s
 * command (the default db-ha sweep with its HTML report), and the default sweep on one
 * worker against two (the speed-up of the second core).
 */
import { fixed, ratio } from '../lib/format.js';
import { runHbsimProcess } from '../lib/hbsim.js';
import { bestOf, measureProcess } from '../lib/measure.js';
import type { BenchSuite } from '../lib/suite.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const suite: BenchSuite = {
  id: 'cli',
  title: 'The command line — start-up, the default run, workers',
  order: 40,
  async run(context) {
    const repo = context.repo;
    const bin = resolve(repo, 'bin/hbsim.js');
    context.progress('hbsim --version');
    const version = bestOf(context.repeat, () => measureProcess(process.execPath, [bin, '--version'], { cwd: repo }));
    context.progress('npm start (hbsim run: db-ha with its report)');
    const start = bestOf(context.repeat, () => {
      const out = mkdtempSync(join(tmpdir(), 'hbsim-bench-'));
      try {
        return measureProcess(process.execPath, [bin, 'run', '--out', out], { cwd: repo, env: { ...process.env, NO_COLOR: '1' } });
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    });
    context.progress('default sweep on 1 and 2 workers');
    const one = bestOf(context.repeat, () => runHbsimProcess(repo, 'db-ha', ['--workers', '1']));
    const two = bestOf(context.repeat, () => runHbsimProcess(repo, 'db-ha', ['--workers', '2']));
    const row = (name: string, m: { wallS: number; cpuS: number; peakRssMb: number }, extra = '') => [name, fixed(m.wallS, 3), fixed(m.cpuS, 3), fixed(m.peakRssMb, 0), extra];
    return {
      title: suite.title,
      header: ['command (whole process)', 'wall s', 'cpu s', 'peak MB', 'note'],
      rows: [
        row('hbsim --version', version),
        row('hbsim run (npm start: db-ha sweep + report)', start),
        row('hbsim run db-ha --no-report --workers 1', one),
        row('hbsim run db-ha --no-report --workers 2', two, `2 workers: ${ratio(one.wallS, two.wallS)} faster`),
      ],
      notes: ['targets (issue 12): --version < 150 ms; npm start < 1.5 s; 2 workers ≥ 1.7× faster than 1 (needs an otherwise idle 2-core machine).'],
    };
  },
};

export default suite;
