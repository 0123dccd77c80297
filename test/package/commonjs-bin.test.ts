/**
 * The `hbsim` command is bin/hbsim.cjs, CommonJS like everything it loads on its way to
 * the code-cached bundle, so node never sets its ES module loader up for a command that
 * needs no ES module (~10-18 ms of CPU of every start). Checked through node's own list
 * of the internal modules it loaded: bin/hbsim.js, an ES module, does set it up (so the
 * check can fail).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'hbsim-cjs-bin-'));
const SPY = join(work, 'spy.cjs');
writeFileSync(SPY, "process.on('exit', () => require('node:fs').writeFileSync(process.env.HBSIM_LOADED_FILE, process.moduleLoadList.join('\\n')));\n");
/** The module record of node's ES module loader: loaded only once an ES module is. */
const ES_LOADER = 'NativeModule internal/modules/esm/module_job';

function loadedBy(bin: string, args: readonly string[], env: Record<string, string> = {}): Promise<{ code: number; loaded: string[]; stdout: string }> {
  const file = join(work, `loaded-${Math.random().toString(36).slice(2)}.txt`);
  return new Promise((resolve) => {
    execFile(process.execPath, ['--require', SPY, join(ROOT, 'bin', bin), ...args], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HBSIM_LOADED_FILE: file, NO_COLOR: '1', ...env } }, (error, stdout) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, loaded: readFileSync(file, 'utf8').split('\n'), stdout });
    });
  });
}

describe('bin/hbsim.cjs', () => {
  it('is the package bin, and `npm start` runs it', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string>; scripts: Record<string, string> };
    expect(pkg.bin.hbsim).toBe('bin/hbsim.cjs');
    expect(pkg.scripts.start).toBe('node bin/hbsim.cjs run');
    expect(readFileSync(join(ROOT, 'bin', 'hbsim.cjs'), 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  it('runs and validates without setting up the ES module loader; bin/hbsim.js does, and prints the same', async () => {
    const scenario = join(ROOT, 'bench', 'scenarios', 'workload-b.yaml');
    const runArgs = ['run', scenario, '--no-report', '--json', '--set', 'duration=2m', '--no-pause-survival', '--out', join(work, 'out')];
    for (const args of [runArgs, ['validate', scenario], ['presets']]) {
      const cjs = await loadedBy('hbsim.cjs', args);
      const esm = await loadedBy('hbsim.js', args);
      expect(cjs.code, args.join(' ')).toBe(0);
      expect(cjs.loaded).not.toContain(ES_LOADER);
      expect(esm.loaded).toContain(ES_LOADER);
      expect(cjs.stdout).toBe(esm.stdout);
    }
  }, 120_000);
});

describe('what a run on the main thread loads', () => {
  it('no node:worker_threads (no pool, no chart thread, no code cache to write); a run that starts a thread does', async () => {
    const env = { HBSIM_CODE_CACHE_DIR: join(work, 'cache') };
    const scenario = join(ROOT, 'bench', 'scenarios', 'workload-b.yaml');
    const inline = ['run', scenario, '--no-report', '--set', 'duration=2m', '--no-pause-survival', '--out', join(work, 'inline')];
    // The first run writes the code cache (which names its temporary file by thread id); the second only reads it.
    expect((await loadedBy('hbsim.cjs', inline, env)).code).toBe(0);
    for (const args of [inline, ['validate', scenario]]) {
      const run = await loadedBy('hbsim.cjs', args, env);
      expect(run.code, args.join(' ')).toBe(0);
      expect(run.loaded, args.join(' ')).not.toContain('NativeModule worker_threads');
    }
    // The same run with its report, its charts forced onto the chart thread: that thread needs the module.
    const threaded = await loadedBy('hbsim.cjs', inline.filter((a) => a !== '--no-report'), { ...env, HBSIM_CHART_THREAD: '1' });
    expect(threaded.code).toBe(0);
    expect(threaded.loaded).toContain('NativeModule worker_threads');
  }, 120_000);
});
