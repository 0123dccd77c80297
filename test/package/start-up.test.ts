/**
 * #12 start-up: what the command line's bundle does as it loads. string-width (yargs'
 * and cliui's copies) builds an Intl.Segmenter and Unicode-property regexes as its
 * module loads (~25-30 ms of every start, ICU's data); bin/build-dist.js moves each
 * copy's body into its first call (lazyStringWidth). These tests check that the bundle
 * then builds no Segmenter unless a text is measured, that the texts which are measured
 * (help, usage errors) read exactly as the unbundled program's, and that the moved
 * module measures every string as the original does.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain JS module without declarations
import * as buildModule from '../../bin/build-dist.js';

const { stringWidthOnFirstCall, LAZY_DEBUG } = buildModule as { stringWidthOnFirstCall(text: string, path?: string): string; LAZY_DEBUG: string };
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'hbsim.js');
const work = mkdtempSync(join(tmpdir(), 'hbsim-start-up-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Counts the Intl.Segmenter objects a process builds and prints the count on stderr as it exits. */
const SEGMENTER_SPY = `data:text/javascript,${encodeURIComponent(`
let built = 0;
const Original = Intl.Segmenter;
Intl.Segmenter = class extends Original { constructor(...a) { super(...a); built++; } };
process.on('exit', () => process.stderr.write('segmenters built: ' + built + '\\n'));
`)}`;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  segmenters: number;
}

function hbsim(main: string, args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', SEGMENTER_SPY, main, ...args], { cwd: work, env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', HBSIM_CODE_CACHE_DIR: join(work, 'cache'), ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      const count = /segmenters built: (\d+)\n$/.exec(stderr);
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr: stderr.replace(/segmenters built: \d+\n$/, ''), segmenters: count ? Number(count[1]) : -1 });
    });
  });
}

describe('the command line as it starts', () => {
  it('builds no Intl.Segmenter to validate or run a scenario, from the cached CommonJS bundle or the ES bundle', async () => {
    const out = join(work, 'out');
    for (const env of [{}, { HBSIM_CODE_CACHE: 'off' }] as Record<string, string>[]) {
      // Twice: the first run writes the code cache, the second uses it.
      for (const args of [['validate', 'k8s'], ['validate', 'k8s'], ['run', 'db-ha', '--no-report', '--out', out, '--set', 'duration=1m', '--set', 'warmup=0s', '--set', 'replications=1', '--set', 'sweep.detector.timeout=[3x]', '--set', 'sweep.heartbeat.interval=[1s]', '--no-pause-survival']]) {
        const run = await hbsim(BIN, args, env);
        expect(run.code, run.stderr).toBe(0);
        expect(run.segmenters).toBe(0);
      }
    }
  });

  it('measures its texts only when it prints help, and help and usage errors read exactly as the unbundled program prints them', async () => {
    const unbundled = join(ROOT, 'dist', 'cli', 'main.js');
    for (const args of [['--help'], ['run', '--help'], ['tune', '--help'], ['run', '--nonsense'], ['nonsense']]) {
      const original = await hbsim(unbundled, args);
      // The unbundled program loads string-width as it is: a Segmenter per copy, whatever the command.
      expect(original.segmenters).toBeGreaterThan(0);
      for (const env of [{}, { HBSIM_CODE_CACHE: 'off' }] as Record<string, string>[]) {
        const bundled = await hbsim(BIN, args, env);
        expect({ code: bundled.code, stdout: bundled.stdout, stderr: bundled.stderr }).toEqual({ code: original.code, stdout: original.stdout, stderr: original.stderr });
        // A help text lays out columns by width; a usage error is one line.
        if (args.includes('--help')) expect(bundled.segmenters).toBeGreaterThan(0);
      }
    }
  });
});

describe('string-width moved into its first call (bin/build-dist.js)', () => {
  const require = createRequire(join(ROOT, 'package.json'));
  const esbuild = require('esbuild') as typeof import('esbuild');
  // Every copy the command line bundles: yargs' (8.x) and cliui's and wrap-ansi's (7.x).
  const copies = ['yargs', 'cliui', 'wrap-ansi'].map((owner) => join(ROOT, 'node_modules', owner, 'node_modules', 'string-width', 'index.js'));

  /** The module `text` (in the folder of `path`, for its imports) bundled and imported. */
  async function load(text: string, path: string, name: string): Promise<(s: string, o?: object) => number> {
    const built = await esbuild.build({ stdin: { contents: text, resolveDir: dirname(path), sourcefile: 'index.js', loader: 'js' }, bundle: true, format: 'esm', platform: 'node', write: false, logLevel: 'error' });
    const file = join(work, `${name}.mjs`);
    (await import('node:fs')).writeFileSync(file, built.outputFiles[0]!.text);
    return ((await import(pathToFileURL(file).href)) as { default: (s: string, o?: object) => number }).default;
  }

  it('measures every string as the original module does (emoji, CJK, combining marks, ANSI colours, control characters)', async () => {
    const strings = fc.sample(
      fc.oneof(
        fc.string({ unit: 'grapheme', maxLength: 12 }),
        fc.string({ unit: 'binary', maxLength: 12 }),
        fc.constantFrom('', 'abc', '\u001b[31mred\u001b[39m', '古池や', '👩‍👩‍👧', '1️⃣', 'e\u0301', '\t\u0000x', 'ｶﾞ', '한국어', '≤ 5 µs — ok'),
      ),
      { numRuns: 400, seed: 12 },
    );
    for (const [k, path] of copies.entries()) {
      const text = readFileSync(path, 'utf8');
      const lazy = await load(stringWidthOnFirstCall(text, path), path, `lazy-${k}`);
      const original = await load(text, path, `original-${k}`);
      for (const s of strings) {
        expect(lazy(s), JSON.stringify(s)).toBe(original(s));
        expect(lazy(s, { ambiguousIsNarrow: false, countAnsiEscapeCodes: true }), JSON.stringify(s)).toBe(original(s, { ambiguousIsNarrow: false, countAnsiEscapeCodes: true }));
      }
    }
  });

  it('builds nothing until its first call', () => {
    for (const path of copies) {
      const lazy = stringWidthOnFirstCall(readFileSync(path, 'utf8'), path);
      const topLevel = lazy.slice(0, lazy.indexOf('function loadStringWidth()'));
      expect(topLevel).not.toContain('Intl.Segmenter');
      expect(topLevel).not.toMatch(/\\p\{/);
      expect(lazy).toContain('new Intl.Segmenter(');
    }
  });

  it('fails the build, rather than keeping the cost silently, when string-width no longer looks as it did', () => {
    expect(() => stringWidthOnFirstCall("const s = new Intl.Segmenter();\nexport const width = 1;\nexport default function stringWidth(x) { return 1; }\n")).toThrow(/lazyStringWidth/);
    expect(() => stringWidthOnFirstCall('const s = new Intl.Segmenter();\nexport default (x) => 1;\n')).toThrow(/lazyStringWidth/);
    expect(() => stringWidthOnFirstCall("import a from 'a';\nconst s = new Intl.Segmenter();\nexport default function stringWidth(x) { return a(x); }\n")).not.toThrow();
  });
});

describe("@stdlib's debug loggers load `debug` on their first message (bin/build-dist.js lazyStdlibDebug)", () => {
  /** node's list of the internal modules a process loaded, written as it exits. */
  function loaded(main: string, args: readonly string[], env: Record<string, string> = {}): Promise<{ code: number; modules: string[] }> {
    const spy = join(work, 'module-list-spy.cjs');
    writeFileSync(spy, "process.on('exit', () => require('node:fs').writeFileSync(process.env.HBSIM_LOADED_FILE, process.moduleLoadList.join('\\n')));\n");
    const file = join(work, `modules-${Math.random().toString(36).slice(2)}.txt`);
    return new Promise((resolve) => {
      execFile(process.execPath, ['--require', spy, main, ...args], { cwd: work, env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', HBSIM_CODE_CACHE_DIR: join(work, 'cache'), HBSIM_LOADED_FILE: file, ...env }, timeout: 60_000 }, (error) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, modules: readFileSync(file, 'utf8').split('\n') });
      });
    });
  }

  it('validate and run (cached CommonJS bundle or ES bundle) load no tty for it; the unbundled program does', async () => {
    const args = ['run', 'db-ha', '--no-report', '--out', join(work, 'out-debug'), '--set', 'duration=1m', '--set', 'warmup=0s', '--set', 'replications=1', '--set', 'sweep.detector.timeout=[3x]', '--set', 'sweep.heartbeat.interval=[1s]', '--no-pause-survival'];
    for (const env of [{}, { HBSIM_CODE_CACHE: 'off' }] as Record<string, string>[]) {
      for (const a of [['validate', 'k8s'], args]) {
        const run = await loaded(join(ROOT, 'bin', 'hbsim.cjs'), a, env);
        expect(run.code).toBe(0);
        expect(run.modules).not.toContain('NativeModule tty');
      }
    }
    const unbundled = await loaded(join(ROOT, 'dist', 'cli', 'main.js'), args);
    expect(unbundled.code).toBe(0);
    expect(unbundled.modules).toContain('NativeModule tty');
  }, 120_000);

  it('the shim makes loggers without loading `debug`, loads it once on the first message, and forwards every call', () => {
    const made: { namespace: string; calls: unknown[][] }[] = [];
    const self = { caller: 'gammaincinv' };
    let loads = 0;
    const realDebug = (namespace: string) => {
      const logger = { namespace, calls: [] as unknown[][] };
      made.push(logger);
      return function log(this: unknown, ...args: unknown[]) {
        logger.calls.push(this === self ? ['self', ...args] : args);
        return 'logged';
      };
    };
    const fakeRequire = (id: string) => {
      expect(id).toBe('debug/src/index.js');
      loads++;
      return realDebug;
    };
    const module = { exports: undefined as unknown as (namespace: string) => (...args: unknown[]) => unknown };
    new Function('module', 'require', LAZY_DEBUG)(module, fakeRequire);
    const a = module.exports('gammaincinv:compute');
    const b = module.exports('gammaincinv:higher_newton');
    expect(loads).toBe(0);
    expect(a.call(self, 'Warning: %d', 35)).toBe('logged');
    expect(loads).toBe(1);
    a('again');
    b('other');
    expect(loads).toBe(1);
    expect(made.map((m) => m.namespace)).toEqual(['gammaincinv:compute', 'gammaincinv:higher_newton']);
    expect(made[0]!.calls).toEqual([['self', 'Warning: %d', 35], ['again']]);
    expect(made[1]!.calls).toEqual([['other']]);
  });
});
