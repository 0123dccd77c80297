/**
 * The compiled package (#12 item 3): bin/hbsim.js and its worker threads run dist/
 * with no TypeScript compiled at run time, and the heavy report modules (vega,
 * vega-lite, vega-embed, ~160 ms) load only when a report is written. A module hook
 * (loader-spy.mjs) records every package the process imports.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'hbsim.js');
const SPY = fileURLToPath(new URL('./loader-spy.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'hbsim-compiled-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
/** Runs hbsim in `dir`; returns the exit code and the packages it imported. */
function spawnSpied(args: readonly string[], env: Record<string, string> = {}): Promise<{ code: number; stderr: string; packages: Set<string> }> {
  const file = join(dir, `spy-${n++}.txt`);
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', SPY, BIN, ...args], { cwd: dir, env: { PATH: process.env.PATH ?? '', HBSIM_SPY_FILE: file, NO_COLOR: '1', HBSIM_CODE_CACHE_DIR: join(dir, 'code-cache'), ...env }, timeout: 60_000 }, (error, _stdout, stderr) => {
      const packages = new Set(existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);
      resolve({ code: error ? Number(error.code ?? 1) : 0, stderr, packages });
    });
  });
}

const SMALL = ['--set', 'duration=10m', '--set', 'warmup=0s', '--set', 'replications=1', '--set', 'sweep.detector.timeout=[3x]', '--set', 'sweep.heartbeat.interval=[1s]', '--no-pause-survival'];
/** The files of dist/bundle/ that hold vega, vega-lite or vega-embed code (or only `pkg`'s), from esbuild's metafile. */
function vegaChunks(pkg?: string): string[] {
  const meta = JSON.parse(readFileSync(join(ROOT, 'node_modules', '.cache', 'hbsim', 'bundle-meta.json'), 'utf8')) as { outputs: Record<string, { inputs: Record<string, unknown> }> };
  const holds = pkg === undefined ? /node_modules\/vega(-lite|-embed)?\// : new RegExp(`node_modules/${pkg}/`);
  return Object.entries(meta.outputs)
    .filter(([, o]) => Object.keys(o.inputs).some((input) => holds.test(input)))
    .map(([path]) => `bundle:${path.split('/').pop()!}`);
}
/** What of vega a process loaded: the packages themselves, or the bundle's chunks of them. */
const vega = (p: Set<string>) => [...p].filter((name) => name.startsWith('vega') || vegaChunks().includes(name));

describe('the compiled package', () => {
  it('dist/ is plain JavaScript importing .js files only, with declarations beside it', () => {
    const files = readdirSync(join(ROOT, 'dist'), { recursive: true, encoding: 'utf8' });
    expect(files).toContain(join('cli', 'main.js'));
    expect(files).toContain(join('sweep', 'worker.js'));
    expect(files).toContain(join('bundle', 'main.js'));
    expect(files).toContain(join('bundle', 'worker.js'));
    expect(files).toContain('index.d.ts');
    const offenders = files.filter((f) => f.endsWith('.js') && /(from\s+|import\()['"](\.[^'"]*\.ts|tsx[^'"]*)['"]/.test(readFileSync(join(ROOT, 'dist', f), 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('bin/hbsim.js loads no TypeScript loader, and --version needs neither yargs nor the simulator', async () => {
    const r = await spawnSpied(['--version']);
    expect(r.code).toBe(0);
    expect([...r.packages].filter((p) => /^(tsx|typescript|esbuild|yargs|zod|yaml|vega)/.test(p))).toEqual([]);
  });

  it('a run without a report never loads vega, on the main thread or on 2 worker threads; with the report it does', async () => {
    // Big enough for worker threads (run.ts, INLINE_BELOW_MS, priced by path: src/sweep/cost-model.ts):
    // 1000 nodes × 2 h, pushed onto the engine by a monitor pause (the walk refuses it).
    const onEngine = join(dir, 'engine-b.yaml');
    writeFileSync(onEngine, `${readFileSync(join(ROOT, 'bench', 'scenarios', 'workload-b.yaml'), 'utf8')}faults:\n  - monitor_pause: { every: 1h, duration: 200ms }\n`);
    const pooled = await spawnSpied(['run', onEngine, '--no-report', '--workers', '2', '--out', 'w', '--set', 'duration=2h', '--no-pause-survival']);
    expect(pooled.code).toBe(0);
    expect(pooled.packages.has('bundle:worker.js')).toBe(true);
    expect(vega(pooled.packages)).toEqual([]);
    // This one is small: it simulates on the main thread and starts no worker thread.
    const plain = await spawnSpied(['run', 'db-ha', '--no-report', '--workers', '2', '--out', 'a', ...SMALL], { HBSIM_CODE_CACHE: 'trace' });
    expect(plain.packages.has('bundle:worker.js')).toBe(false);
    expect(plain.stderr.replace(/^hbsim: code cache: .*\n/gm, '')).not.toMatch(/error/i);
    expect(plain.code).toBe(0);
    // bin/hbsim.js runs the command line from one CommonJS file with a V8 code cache (bin/code-cache.js;
    // read by node:vm, which the module hook does not see), or with HBSIM_CODE_CACHE=off the ES bundle
    // (dist/bundle/, bin/build-dist.js): yargs, zod and yaml are inside both, not loaded file by file from
    // node_modules, and vega sits in chunks only the report loads.
    expect(plain.stderr).toMatch(/^hbsim: code cache: (none|used)/m);
    expect(plain.packages.has('bundle:main.js')).toBe(false);
    const esBundle = await spawnSpied(['run', 'db-ha', '--no-report', '--workers', '2', '--out', 'e', ...SMALL], { HBSIM_CODE_CACHE: 'off' });
    expect(esBundle.code).toBe(0);
    expect(esBundle.packages.has('bundle:main.js')).toBe(true);
    for (const r of [plain, esBundle]) {
      expect([...r.packages].filter((p) => /^(yargs|zod|yaml)/.test(p))).toEqual([]);
      expect(vega(r.packages)).toEqual([]);
      expect([...r.packages].filter((p) => p.startsWith('tsx'))).toEqual([]);
    }
    expect(vegaChunks().length).toBeGreaterThan(0);

    // No report: report.cjs (vega for the CommonJS side, read by node:vm) is not loaded either.
    expect(plain.stderr).not.toMatch(/code-cache-report-/);
    // With the report: vega from report.cjs (the trace names its code cache), on the chart thread or
    // this one; with HBSIM_CODE_CACHE=off from the ES bundle's chunks.
    // (Each with caches of its own: a chart cache holding the finished SVGs would load no vega at all, below.)
    for (const thread of ['0', '1']) {
      const withReport = await spawnSpied(['run', 'db-ha', '--out', `b${thread}`, ...SMALL], { HBSIM_CODE_CACHE: 'trace', HBSIM_CHART_THREAD: thread, HBSIM_CODE_CACHE_DIR: join(dir, `code-cache-b${thread}`) });
      expect(withReport.code).toBe(0);
      expect(withReport.stderr).toMatch(new RegExp(`^hbsim: code cache${thread === '1' ? ' \\(worker\\)' : ''}: (none|used): .*code-cache-report-`, 'm'));
      expect(existsSync(join(dir, `b${thread}`, 'db-ha.html'))).toBe(true);
    }
    const esReport = await spawnSpied(['run', 'db-ha', '--out', 'b', ...SMALL], { HBSIM_CODE_CACHE: 'off', HBSIM_CHART_CACHE: 'off' });
    expect(esReport.code).toBe(0);
    expect(vega(esReport.packages)).toEqual(expect.arrayContaining(vegaChunks()));
    expect(existsSync(join(dir, 'b', 'db-ha.html'))).toBe(true);
    // The same charts again, from the runtime specs in the chart cache (src/cli/chart-spec-cache.ts),
    // without their finished SVGs (removed): vega renders, but vega-lite is never loaded.
    const charts = join(dir, 'code-cache-b0', 'charts');
    const svgEntries = readdirSync(charts).filter((f) => readFileSync(join(charts, f), 'utf8').includes('"format":"hbsim-chart-svg-1"'));
    expect(svgEntries.length).toBeGreaterThan(0);
    for (const f of svgEntries) rmSync(join(charts, f));
    const cached = await spawnSpied(['run', 'db-ha', '--out', 'c', ...SMALL], { HBSIM_CODE_CACHE: 'off', HBSIM_CHART_THREAD: '0', HBSIM_CODE_CACHE_DIR: join(dir, 'code-cache-b0') });
    expect(cached.code).toBe(0);
    const vegaLite = vegaChunks('vega-lite');
    expect(vegaLite.length).toBeGreaterThan(0);
    expect(vega(cached.packages).length).toBeGreaterThan(0);
    // (The bare name 'vega-lite' is resolved, never imported: bundles.ts finds its browser bundle and version by it.)
    expect([...cached.packages].filter((p) => vegaLite.includes(p))).toEqual([]);
    expect(readFileSync(join(dir, 'c', 'db-ha.html'), 'utf8')).toBe(readFileSync(join(dir, 'b', 'db-ha.html'), 'utf8'));
    // That run kept the finished SVGs again: a re-run reads every chart back whole and loads no vega
    // at all, on either bundle, with the chart thread forced on or off (it is given no job).
    expect(readdirSync(charts).filter((f) => readFileSync(join(charts, f), 'utf8').includes('"format":"hbsim-chart-svg-1"')).length).toBe(svgEntries.length);
    // (The page still resolves the three packages' names to inline their browser bundles: their code chunks
    // and report.cjs, whose code cache the trace names when it loads, are what must stay unloaded.)
    for (const [env, out] of [[{ HBSIM_CODE_CACHE: 'off', HBSIM_CHART_THREAD: '0' }, 'd0'], [{ HBSIM_CODE_CACHE: 'trace', HBSIM_CHART_THREAD: '0' }, 'd1'], [{ HBSIM_CHART_THREAD: '1', HBSIM_TIMINGS: '1' }, 'd2']] as const) {
      const kept = await spawnSpied(['run', 'db-ha', '--out', out, ...SMALL], { ...env, HBSIM_CODE_CACHE_DIR: join(dir, 'code-cache-b0') });
      expect(kept.code).toBe(0);
      if (env.HBSIM_CHART_THREAD === '0') {
        expect([...kept.packages].filter((p) => vegaChunks().includes(p))).toEqual([]);
        expect(kept.stderr).not.toMatch(/code-cache-report-/);
      }
      expect(kept.stderr).not.toMatch(/chart thread: job/);
      expect(readFileSync(join(dir, out, 'db-ha.html'), 'utf8')).toBe(readFileSync(join(dir, 'b', 'db-ha.html'), 'utf8'));
    }
  });

  it("the bundle holds zod's English messages only, and its scenario errors read as the unbundled program's", async () => {
    // bin/build-dist.js drops zod's other locales from the bundle (0.37 MB hbsim never uses).
    const meta = JSON.parse(readFileSync(join(ROOT, 'node_modules', '.cache', 'hbsim', 'bundle-meta.json'), 'utf8')) as { inputs: Record<string, unknown> };
    const locales = Object.keys(meta.inputs).filter((input) => /node_modules\/zod\/v4\/locales\//.test(input));
    expect(locales.map((l) => l.replace(/^.*\/locales\//, '')).sort()).toEqual(['en.js', 'index.js']);
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'name: bad\nseed: 1\nduration: -5m\nreplications: 0\ncluster: { nodes: many, extra: 1 }\nlink: { loss: 200%, delay: { dist: lognormal } }\ndetector: { kind: phi }\nsweep: { detector.timeout: [] }\nexpect: { nonsense: 1 }\n');
    const run = (main: string) =>
      new Promise<{ code: number; stderr: string }>((resolve) => {
        execFile(process.execPath, [main, 'validate', bad], { cwd: dir, env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' } }, (error, _stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stderr }));
      });
    const bundled = await run(join(ROOT, 'dist', 'bundle', 'main.js'));
    const unbundled = await run(join(ROOT, 'dist', 'cli', 'main.js'));
    expect(bundled.code).toBe(2);
    expect(bundled.stderr.split('\n').length).toBeGreaterThan(6);
    expect(bundled).toEqual(unbundled);
  });

  it('validate and presets never load vega', async () => {
    const r = await spawnSpied(['validate', 'k8s']);
    expect(r.code).toBe(0);
    expect(vega(r.packages)).toEqual([]);
  });
});
