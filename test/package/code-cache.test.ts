/**
 * #12 start-up: bin/hbsim.js runs the command line from dist/bundle/hbsim.cjs compiled
 * with a V8 code cache (bin/code-cache.js). The cache is an optimisation only: every way
 * it can be missing, stale, corrupt, refused by V8 or unwritable gives the same output,
 * exit code and files as the ES bundle (HBSIM_CODE_CACHE=off), and so does a missing or
 * broken CommonJS bundle. HBSIM_CODE_CACHE=trace says which case a run was in.
 *
 * A throw-away package root (bin/, package.json, a copy of dist/bundle/, the presets,
 * node_modules linked) lets the tests break its bundle without touching the checkout's;
 * no src/cli/main.ts there, so bin/hbsim.js never rebuilds it.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain JS module without declarations
import * as codeCacheModule from '../../bin/code-cache.js';
// @ts-expect-error plain JS module without declarations
import * as buildModule from '../../bin/build-dist.js';

type Cache = { data: Buffer; simulated: boolean } | 'corrupt' | undefined;
const codeCache = codeCacheModule as {
  readCodeCache(path: string, into?: Buffer): Cache;
  readWhole(path: string, into?: Buffer, room?: number): Buffer;
  writeCodeCache(path: string, data: Buffer, simulated: boolean): void;
  codeCacheDir(root: string, env: Record<string, string | undefined>): string;
};
const { asciiOnly } = buildModule as { asciiOnly(text: string): string };

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'hbsim-code-cache-'));
const pkg = join(work, 'pkg');
const CJS = join(pkg, 'dist', 'bundle', 'hbsim.cjs');

beforeAll(() => {
  mkdirSync(join(pkg, 'src', 'scenarios'), { recursive: true });
  cpSync(join(ROOT, 'bin'), join(pkg, 'bin'), { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(pkg, 'package.json'));
  cpSync(join(ROOT, 'dist', 'bundle'), join(pkg, 'dist', 'bundle'), { recursive: true });
  cpSync(join(ROOT, 'src', 'scenarios', 'presets'), join(pkg, 'src', 'scenarios', 'presets'), { recursive: true });
  // vega, vega-lite and vega-embed: the report inlines their browser bundles from node_modules.
  symlinkSync(join(ROOT, 'node_modules'), join(pkg, 'node_modules'), 'dir');
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Run {
  code: number;
  stdout: string;
  /** stderr without the trace lines. */
  stderr: string;
  /** The trace lines' verdicts: none, used, corrupt, refused by V8, wrote, not written, failed to load. */
  trace: string[];
}

function hbsim(args: readonly string[], env: Record<string, string>, nodeFlags: readonly string[] = []): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [...nodeFlags, join(pkg, 'bin', 'hbsim.js'), ...args], { cwd: work, env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      const lines = stderr.split('\n');
      const trace = lines.filter((l) => l.startsWith('hbsim: code cache: ')).map((l) => /^hbsim: code cache: (.*?)(?::| \()/.exec(l)![1]!);
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr: lines.filter((l) => !l.startsWith('hbsim: code cache: ')).join('\n'), trace });
    });
  });
}

const SMALL = ['--set', 'duration=10m', '--set', 'warmup=0s', '--set', 'replications=1', '--set', 'sweep.detector.timeout=[3x]', '--set', 'sweep.heartbeat.interval=[1s]', '--no-pause-survival'];
let outs = 0;
/** A small db-ha run and what it wrote: results JSON and, unless --no-report, the HTML report. */
async function smallRun(env: Record<string, string>, report = false): Promise<Run & { files: Record<string, string> }> {
  const out = join(work, `out-${outs++}`);
  const run = await hbsim(['run', 'db-ha', '--out', out, ...SMALL, ...(report ? [] : ['--no-report'])], env);
  const files = Object.fromEntries((existsSync(out) ? readdirSync(out) : []).map((f) => [f, readFileSync(join(out, f), 'utf8')]));
  // The run's own `wrote <out>/… (0.4 s)` line carries its output folder and wall time.
  const plain = (text: string) => text.replaceAll(out, '<out>').replace(/\(\d+(\.\d+)? s\)/g, '(… s)');
  return { ...run, stdout: plain(run.stdout), stderr: plain(run.stderr), files };
}
const same = (a: { code: number; stdout: string; stderr: string }, b: typeof a) => expect({ code: a.code, stdout: a.stdout, stderr: a.stderr }).toEqual({ code: b.code, stdout: b.stdout, stderr: b.stderr });

let cacheDirs = 0;
const freshCacheDir = () => join(work, `cache-${cacheDirs++}`);
const cacheFiles = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((f) => f.startsWith('code-cache-')) : []);

describe('the V8 code cache of the command line', () => {
  it('is written by the first run and used by the next; both print and write exactly what the ES bundle does', async () => {
    const dir = freshCacheDir();
    // The charts render on this thread (the chart thread's own cache: the next test).
    const env = { HBSIM_CODE_CACHE_DIR: dir, HBSIM_CODE_CACHE: 'trace', HBSIM_CHART_THREAD: '0' };
    const plain = await smallRun({ HBSIM_CODE_CACHE: 'off', HBSIM_CHART_THREAD: '0' }, true);
    expect(plain.code).toBe(0);
    expect(Object.keys(plain.files).sort()).toEqual(['db-ha.html', 'db-ha.json']);
    const first = await smallRun(env, true);
    // hbsim.cjs's cache, then report.cjs's (vega: loaded when the charts render), written in the reverse order.
    expect(first.trace).toEqual(['none', 'none', 'wrote', 'wrote']);
    expect(cacheFiles(dir).map((f) => f.replace(/-v\d.*$/, '')).sort()).toEqual(['code-cache-hbsim', 'code-cache-report']);
    for (const f of cacheFiles(dir)) expect(f).toContain(process.version);
    const second = await smallRun(env, true);
    expect(second.trace).toEqual(['used', 'used']);
    for (const run of [first, second]) {
      same(run, plain);
      // The page's modules come from the ES bundle, through the import function code-cache.js passes
      // in; vega's side (report-svg.js) from report.cjs: the same bytes.
      expect(run.files).toEqual(plain.files);
    }
  });

  it("vega's side of the report (report.cjs) has a cache of its own on the chart thread too; broken or missing, the ES bundle's runs; the same report", async () => {
    const plain = await smallRun({ HBSIM_CODE_CACHE: 'off', HBSIM_CHART_THREAD: '0' }, true);
    const threadLines = (run: Run) => run.stderr.split('\n').filter((l) => l.startsWith('hbsim: code cache (worker): '));
    const dir = freshCacheDir();
    const onThread = { HBSIM_CODE_CACHE_DIR: dir, HBSIM_CODE_CACHE: 'trace', HBSIM_CHART_THREAD: '1' };
    const first = await smallRun(onThread, true);
    expect(threadLines(first)).toEqual([expect.stringMatching(/^hbsim: code cache \(worker\): none: .*code-cache-report-/), expect.stringMatching(/^hbsim: code cache \(worker\): wrote: .*code-cache-report-/)]);
    // hbsim.cjs's cache only: the main thread never loaded report.cjs (the charts came from the thread).
    expect(first.trace).toEqual(['none', 'wrote']);
    const second = await smallRun(onThread, true);
    expect(threadLines(second)).toEqual([expect.stringMatching(/^hbsim: code cache \(worker\): used: .*code-cache-report-/)]);
    expect(second.trace).toEqual(['used']);
    const bundle = join(pkg, 'dist', 'bundle', 'report.cjs');
    const original = readFileSync(bundle);
    const runs = [first, second];
    try {
      writeFileSync(bundle, original.toString('latin1').replace('{', "{throw new Error('a broken report bundle');"), 'latin1');
      const brokenThread = await smallRun(onThread, true);
      expect(threadLines(brokenThread).at(-1)).toMatch(/^hbsim: code cache \(worker\): failed to load .*report\.cjs \(a broken report bundle\); running the ES bundle/);
      const brokenHere = await smallRun({ ...onThread, HBSIM_CHART_THREAD: '0' }, true);
      expect(brokenHere.trace).toContainEqual(expect.stringMatching(/^failed to load .*report\.cjs$/));
      rmSync(bundle);
      const missing = await smallRun({ ...onThread, HBSIM_CHART_THREAD: '0' }, true);
      const missingThread = await smallRun(onThread, true);
      expect(threadLines(missingThread)).toEqual([]);
      runs.push(brokenThread, brokenHere, missing, missingThread);
    } finally {
      writeFileSync(bundle, original);
    }
    for (const run of runs) {
      expect(run.code).toBe(0);
      expect(run.files).toEqual(plain.files);
    }
  });

  it('a scenario error reads the same (file, line, field; exit 2) with and without the cache', async () => {
    const bad = join(work, 'bad.yaml');
    writeFileSync(bad, 'name: bad\nseed: 1\nduration: -5m\nreplications: 0\ncluster: { nodes: many, extra: 1 }\nlink: { loss: 200%, delay: { dist: lognormal } }\ndetector: { kind: phi }\n');
    const env = { HBSIM_CODE_CACHE_DIR: freshCacheDir(), HBSIM_CODE_CACHE: 'trace' };
    const plain = await hbsim(['validate', bad], { HBSIM_CODE_CACHE: 'off' });
    expect(plain.code).toBe(2);
    expect(plain.stderr).toMatch(/bad\.yaml:3/);
    for (const run of [await hbsim(['validate', bad], env), await hbsim(['validate', bad], env)]) same(run, plain);
    // --help and an unknown option: yargs' texts, with their non-ASCII characters (escaped in hbsim.cjs).
    for (const args of [['--help'], ['run', '--help'], ['run', '--nonsense']]) same(await hbsim(args, env), await hbsim(args, { HBSIM_CODE_CACHE: 'off' }));
  });

  it('a corrupt or truncated cache is never given to V8: the run compiles, prints the same and rewrites it', async () => {
    const dir = freshCacheDir();
    const env = { HBSIM_CODE_CACHE_DIR: dir, HBSIM_CODE_CACHE: 'trace' };
    const plain = await smallRun({ HBSIM_CODE_CACHE: 'off' });
    expect((await smallRun(env)).trace).toEqual(['none', 'wrote']);
    const path = join(dir, cacheFiles(dir)[0]!);
    const whole = readFileSync(path);
    const flipped = Buffer.from(whole);
    flipped[Math.floor(whole.length / 2)]! ^= 0x55;
    for (const broken of [flipped, whole.subarray(0, Math.floor(whole.length / 2)), Buffer.alloc(0)]) {
      writeFileSync(path, broken);
      expect(codeCache.readCodeCache(path)).toBe('corrupt');
      const run = await smallRun(env);
      expect(run.trace).toEqual(['corrupt', 'wrote']);
      same(run, plain);
      expect(run.files).toEqual(plain.files);
      expect(typeof codeCache.readCodeCache(path)).toBe('object');
    }
  });

  it("a cache V8 refuses (another node's V8, other flags) is compiled around, and rewritten", async () => {
    const dir = freshCacheDir();
    const env = { HBSIM_CODE_CACHE_DIR: dir, HBSIM_CODE_CACHE: 'trace' };
    const plain = await smallRun({ HBSIM_CODE_CACHE: 'off' });
    await smallRun(env);
    const path = join(dir, cacheFiles(dir)[0]!);
    const cache = codeCache.readCodeCache(path);
    if (typeof cache !== 'object') throw new Error('no cache written');
    // V8's header: magic number, then the hash of V8's version (then source, flags...):
    // what a cache made by another node has. Signed again, so only V8 can refuse it.
    const otherV8 = Buffer.from(cache.data);
    otherV8.writeUInt32LE(otherV8.readUInt32LE(4) ^ 0xffff, 4);
    codeCache.writeCodeCache(path, otherV8, true);
    const refused = await smallRun(env);
    expect(refused.trace).toEqual(['refused by V8', 'wrote']);
    same(refused, plain);
    expect(refused.files).toEqual(plain.files);
    // Made under other V8 flags: refused too, the same way.
    rmSync(path);
    expect((await hbsim(['run', 'db-ha', '--out', join(work, 'flags'), ...SMALL, '--no-report'], env, ['--no-opt'])).trace).toEqual(['none', 'wrote']);
    const otherFlags = await smallRun(env);
    expect(otherFlags.trace).toEqual(['refused by V8', 'wrote']);
    same(otherFlags, plain);
    expect((await smallRun(env)).trace).toEqual(['used']);
  });

  it('a rebuilt bundle never meets the old cache (keyed by its SHA-256), and the old one is removed', async () => {
    const dir = freshCacheDir();
    const env = { HBSIM_CODE_CACHE_DIR: dir, HBSIM_CODE_CACHE: 'trace' };
    await hbsim(['validate', 'k8s'], env);
    const before = cacheFiles(dir);
    expect(before).toHaveLength(1);
    const original = readFileSync(CJS);
    try {
      // Same length as before (V8 checks only the source's length): a cache for the old bytes must not be used.
      const rebuilt = original.toString('latin1').replace('Simulate heartbeat failure detectors', 'Simulate heartbeat failure DETECTORS');
      expect(rebuilt).not.toBe(original.toString('latin1'));
      writeFileSync(CJS, rebuilt, 'latin1');
      const run = await hbsim(['--help'], env);
      expect(run.trace).toEqual(['none', 'wrote']);
      expect(run.stdout).toContain('DETECTORS');
      const after = cacheFiles(dir);
      expect(after).toHaveLength(1);
      expect(after[0]).not.toBe(before[0]);
    } finally {
      writeFileSync(CJS, original);
    }
  });

  it('a cache written by a command that does not simulate is rewritten once by the first run', async () => {
    const dir = freshCacheDir();
    const env = { HBSIM_CODE_CACHE_DIR: dir, HBSIM_CODE_CACHE: 'trace' };
    expect((await hbsim(['validate', 'db-ha'], env)).trace).toEqual(['none', 'wrote']);
    const small = codeCache.readCodeCache(join(dir, cacheFiles(dir)[0]!));
    expect((await hbsim(['validate', 'db-ha'], env)).trace).toEqual(['used']);
    expect((await smallRun(env)).trace).toEqual(['used', 'wrote']);
    const big = codeCache.readCodeCache(join(dir, cacheFiles(dir)[0]!));
    if (typeof small !== 'object' || typeof big !== 'object') throw new Error('no cache');
    expect(small.simulated).toBe(false);
    expect(big.simulated).toBe(true);
    // It holds the simulator's functions now: more compiled code.
    expect(big.data.length).toBeGreaterThan(small.data.length);
    expect((await smallRun(env)).trace).toEqual(['used']);
    expect((await hbsim(['validate', 'db-ha'], env)).trace).toEqual(['used']);
  });

  it('a cache that cannot be written changes nothing but the speed', async () => {
    const notADirectory = join(work, 'a-file');
    writeFileSync(notADirectory, '');
    const plain = await smallRun({ HBSIM_CODE_CACHE: 'off' });
    const run = await smallRun({ HBSIM_CODE_CACHE_DIR: join(notADirectory, 'cache'), HBSIM_CODE_CACHE: 'trace' });
    expect(run.trace).toEqual(['none', 'not written']);
    same(run, plain);
    expect(run.files).toEqual(plain.files);
  });

  it('without dist/bundle/hbsim.cjs, or with one that fails to load, bin/hbsim.js runs the ES bundle', async () => {
    const env = { HBSIM_CODE_CACHE_DIR: freshCacheDir(), HBSIM_CODE_CACHE: 'trace' };
    const plain = await smallRun({ HBSIM_CODE_CACHE: 'off' });
    const original = readFileSync(CJS);
    try {
      // Throws as it evaluates (after the cache was looked up), inside the module wrapper build-dist.js writes.
      writeFileSync(CJS, original.toString('latin1').replace('{', "{throw new Error('a broken bundle');"), 'latin1');
      const broken = await smallRun(env);
      expect(broken.trace).toEqual(['none', 'failed to load']);
      expect(broken.stderr).toBe(plain.stderr);
      same(broken, plain);
      expect(broken.files).toEqual(plain.files);
      // Not even a function: a file of another format (a plain CommonJS module) is refused before V8 sees it.
      writeFileSync(CJS, original.toString('latin1').slice(original.indexOf('{') + 1, -3), 'latin1');
      const unwrapped = await smallRun(env);
      expect(unwrapped.trace).toEqual(['failed to load']);
      same(unwrapped, plain);
      expect(unwrapped.files).toEqual(plain.files);
      rmSync(CJS);
      const missing = await smallRun(env);
      expect(missing.trace).toEqual([]);
      same(missing, plain);
      expect(missing.files).toEqual(plain.files);
    } finally {
      writeFileSync(CJS, original);
    }
  });

  it('worker threads load worker.cjs with a cache of their own, written after their first task; or the ES bundle; same results', async () => {
    // Big enough for a worker thread (as in compiled.test.ts): B for 2 h, on the engine through a monitor pause.
    const onEngine = join(work, 'engine-b.yaml');
    writeFileSync(onEngine, `${readFileSync(join(ROOT, 'bench', 'scenarios', 'workload-b.yaml'), 'utf8')}faults:\n  - monitor_pause: { every: 1h, duration: 200ms }\n`);
    const pooled = async (env: Record<string, string>) => {
      const out = join(work, `out-${outs++}`);
      const run = await hbsim(['run', onEngine, '--no-report', '--workers', '2', '--set', 'duration=2h', '--no-pause-survival', '--out', out], env);
      expect(run.code, run.stderr).toBe(0);
      return { ...run, json: readFileSync(join(out, 'workload-b.json'), 'utf8'), worker: run.stderr.split('\n').filter((l) => l.startsWith('hbsim: code cache (worker): ')) };
    };
    const dir = freshCacheDir();
    const env = { HBSIM_CODE_CACHE_DIR: dir, HBSIM_CODE_CACHE: 'trace' };
    const plain = await pooled({ HBSIM_CODE_CACHE: 'off' });
    expect(plain.worker).toEqual([]);
    const first = await pooled(env);
    expect(first.worker[0]).toMatch(/^hbsim: code cache \(worker\): none/);
    expect(cacheFiles(dir).filter((f) => f.startsWith('code-cache-worker-'))).toHaveLength(1);
    const second = await pooled(env);
    expect(second.worker[0]).toMatch(/^hbsim: code cache \(worker\): used/);
    const original = readFileSync(join(pkg, 'dist', 'bundle', 'worker.cjs'));
    try {
      writeFileSync(join(pkg, 'dist', 'bundle', 'worker.cjs'), original.toString('latin1').replace('{', "{throw new Error('a broken worker bundle');"), 'latin1');
      const broken = await pooled(env);
      expect(broken.worker.at(-1)).toMatch(/^hbsim: code cache \(worker\): failed to load: a broken worker bundle; running the ES bundle/);
      for (const run of [first, second, broken]) expect(run.json).toEqual(plain.json);
    } finally {
      writeFileSync(join(pkg, 'dist', 'bundle', 'worker.cjs'), original);
    }
  });

  it('lives in node_modules/.cache/hbsim of the project hbsim is installed in, or of the checkout', () => {
    expect(codeCache.codeCacheDir('/p/node_modules/hbsim', {})).toBe(join('/p', 'node_modules', '.cache', 'hbsim'));
    expect(codeCache.codeCacheDir('/src/hbsim', {})).toBe(join('/src', 'hbsim', 'node_modules', '.cache', 'hbsim'));
    expect(codeCache.codeCacheDir('/src/hbsim', { HBSIM_CODE_CACHE_DIR: '/elsewhere' })).toBe('/elsewhere');
  });
});

describe('dist/bundle/hbsim.cjs', () => {
  it('is pure ASCII, one function expression (the module wrapper), and imports only the report from the ES bundle', () => {
    const text = readFileSync(join(ROOT, 'dist', 'bundle', 'hbsim.cjs'), 'latin1');
    expect(text.startsWith('(function (exports, require, module, __filename, __dirname, __hbsimImport) {')).toBe(true);
    expect(text.endsWith('\n})')).toBe(true);
    expect(/[^\x00-\x7f]/.test(text)).toBe(false);
    const imported = [...text.matchAll(/__hbsimImport\("\.\/([^"]*)"\)/g)].map((m) => m[1]!);
    // lazy-report.ts's imports of the report writer and renderer, at least: entries of the ES bundle.
    expect(imported).toEqual(expect.arrayContaining(['report-index.js', 'report-html.js']));
    for (const file of imported) {
      expect(file).toMatch(/^report-[a-z-]+\.js$/);
      expect(existsSync(join(ROOT, 'dist', 'bundle', file))).toBe(true);
    }
    expect(text).not.toContain('hbsim-es-bundle:');
    // No import() call of its own (code compiled by node:vm cannot make one on node 20).
    expect(/\bimport\(\s*[^)\s]/.test(text)).toBe(false);
  });

  it('asciiOnly escapes what JavaScript reads as the same text, and refuses a raw template', () => {
    const source = 'const a = /^(µs|≤)$/u.test("µs"); const b = "🙂—"; // Gilbert–Elliott\nconst c = /[µμ]/.source;';
    const escaped = asciiOnly(source);
    expect(/[^\x00-\x7f]/.test(escaped)).toBe(false);
    const evaluate = (code: string) => new Function(`${code}; return [a, b, c];`)() as unknown[];
    expect(evaluate(escaped)).toEqual([true, '🙂—', '[\\u00b5\\u03bc]']);
    expect(evaluate(source)).toEqual([true, '🙂—', '[µμ]']);
    expect(() => asciiOnly('const d = String.raw`µ`;')).toThrow(/raw template/);
  });
});

describe('reading the bundle and its cache into one allocation (readWhole)', () => {
  const file = (name: string, bytes: Buffer) => {
    const path = join(work, name);
    writeFileSync(path, bytes);
    return path;
  };
  const bytesOf = (n: number, seed: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff));

  it('reads a file whole into the memory it is given when it fits, else into its own, with the room asked for', () => {
    const big = file('whole-big', bytesOf(5000, 1));
    const small = file('whole-small', bytesOf(3000, 2));
    const first = codeCache.readWhole(big, undefined, 1.5);
    expect(first.equals(bytesOf(5000, 1))).toBe(true);
    expect(first.buffer.byteLength).toBe(7500);
    const whole = Buffer.from(first.buffer, first.byteOffset, first.buffer.byteLength - first.byteOffset);
    const second = codeCache.readWhole(small, whole);
    expect(second.buffer).toBe(first.buffer);
    expect(second.equals(bytesOf(3000, 2))).toBe(true);
    // Too small: a buffer of its own, and the one given is left alone.
    const tiny = Buffer.alloc(10, 7);
    const third = codeCache.readWhole(big, tiny);
    expect(third.buffer).not.toBe(tiny.buffer);
    expect(third.equals(bytesOf(5000, 1))).toBe(true);
    expect(tiny.equals(Buffer.alloc(10, 7))).toBe(true);
    expect(codeCache.readWhole(file('whole-empty', Buffer.alloc(0))).length).toBe(0);
  });

  it('a cache read into memory that held other bytes is checked on its own bytes only: whole, cut or damaged', () => {
    const path = join(work, 'shared-cache', 'c.bin');
    const data = bytesOf(4000, 3);
    codeCache.writeCodeCache(path, data, true);
    const shared = Buffer.alloc(20_000, 0xab);
    const read = codeCache.readCodeCache(path, shared) as { data: Buffer; simulated: boolean };
    expect(read.simulated).toBe(true);
    expect(read.data.equals(data)).toBe(true);
    expect(read.data.buffer).toBe(shared.buffer);
    // Cut short: the stale bytes after it in the shared memory must not complete it.
    const whole = readFileSync(path);
    writeFileSync(path, whole.subarray(0, whole.length - 100));
    expect(codeCache.readCodeCache(path, shared)).toBe('corrupt');
    writeFileSync(path, Buffer.concat([whole.subarray(0, 100), Buffer.from([whole[100]! ^ 1]), whole.subarray(101)]));
    expect(codeCache.readCodeCache(path, shared)).toBe('corrupt');
    expect(codeCache.readCodeCache(join(work, 'shared-cache', 'none.bin'), shared)).toBeUndefined();
  });
});
