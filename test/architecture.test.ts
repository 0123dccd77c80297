/**
 * The layering of src/, checked on the import statements themselves:
 *   cli → {check, report, sweep} → scenarios → sim;  stats, io, analytic and analysis are leaves.
 * src/sim is pure: no Node APIs, no wall clock, no global randomness. Inside src/sim,
 * the kernel knows no protocol, protocols see the kernel only through its interface,
 * the fast path never imports the engine, and there is no import cycle anywhere
 * (test/fixtures/architecture shows the cycle check failing on a deliberate cycle).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|mjs)$/.test(name) ? [path] : [];
  });
}

interface Import {
  readonly file: string;
  readonly specifier: string;
  readonly typeOnly: boolean;
}

function importsOf(file: string): Import[] {
  const text = readFileSync(file, 'utf8');
  const found: Import[] = [];
  const pattern = /^\s*(import|export)\s+(type\s+)?(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;
  for (const m of text.matchAll(pattern)) found.push({ file, specifier: m[3]!, typeOnly: Boolean(m[2]) });
  for (const m of text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push({ file, specifier: m[1]!, typeOnly: false });
  return found;
}

/** The top-level folder under src/ that a relative import lands in. */
function layerOf(file: string): string {
  return relative(root, file).split('/')[0]!.replace(/\.(ts|mjs)$/, '');
}

function targetLayer(imp: Import): string | null {
  if (!imp.specifier.startsWith('.')) return null;
  return layerOf(join(imp.file, '..', imp.specifier));
}

/** Which layers each layer may import (besides itself). Type-only imports of results types are allowed upward. */
const allowed: Record<string, readonly string[]> = {
  sim: ['analytic'],
  analytic: [],
  stats: [],
  io: [],
  results: ['sim', 'stats'],
  analysis: ['results', 'stats'],
  scenarios: ['sim', 'analytic', 'results', 'io'],
  sweep: ['sim', 'analytic', 'results', 'stats', 'scenarios', 'analysis', 'check'],
  report: ['results', 'analysis', 'stats', 'io'],
  check: ['results', 'analysis', 'stats', 'io', 'scenarios'],
  tune: ['sim', 'analytic', 'results', 'stats', 'scenarios', 'analysis', 'sweep', 'check', 'rare'],
  rare: ['sim', 'analytic', 'stats', 'results'],
  replay: ['sim', 'results', 'stats', 'io'],
  api: ['sim', 'results', 'stats', 'scenarios', 'sweep', 'check', 'analysis'],
  cli: ['sim', 'analytic', 'results', 'stats', 'scenarios', 'sweep', 'report', 'check', 'analysis', 'io', 'replay', 'tune', 'rare'],
  index: ['sim', 'results', 'sweep', 'scenarios', 'stats', 'analysis', 'api'],
};

const files = sourceFiles(root);

/** The file a relative import names (`./x.js` → `./x.ts`), or null for a package. */
function resolveImport(imp: Import): string | null {
  if (!imp.specifier.startsWith('.')) return null;
  const target = resolve(dirname(imp.file), imp.specifier);
  return target.replace(/\.js$/, '.ts');
}

/**
 * Every import cycle among `sources`, each as the list of files around it (Tarjan's
 * strongly connected components; a component of two or more files, or a file that
 * imports itself, is a cycle). Type-only imports count: a cycle of types is still a
 * knot a reader has to untie.
 */
export function importCycles(sources: readonly string[]): string[][] {
  const graph = new Map<string, string[]>();
  for (const file of sources) {
    const targets = importsOf(file).map(resolveImport).filter((t): t is string => t !== null && sources.includes(t));
    graph.set(file, targets);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)!) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || graph.get(v)!.includes(v)) cycles.push(component.sort());
    }
  };
  for (const file of sources) if (!index.has(file)) visit(file);
  return cycles;
}

/** The folder of a file inside src/sim ('engine', 'protocols', …; '.' for files at its root). */
function simFolderOf(file: string): string | null {
  const parts = relative(join(root, 'sim'), file).split('/');
  if (parts[0] === '..') return null;
  return parts.length === 1 ? '.' : parts[0]!;
}

/** Imports inside src/sim that break its internal layering, as readable strings. */
function simLayerLeaks(): string[] {
  const leaks: string[] = [];
  const kernelFiles = ['engine/kernel.ts', 'engine/scheduler.ts'].map((f) => join(root, 'sim', f));
  for (const file of files) {
    const folder = simFolderOf(file);
    if (folder === null) continue;
    for (const imp of importsOf(file)) {
      const target = resolveImport(imp);
      if (target === null) continue;
      const to = simFolderOf(target);
      const name = `${relative(root, file)} imports ${imp.specifier}`;
      if (kernelFiles.includes(file) && to !== null && !kernelFiles.includes(target)) leaks.push(`${name} (the kernel knows no protocol, service or model)`);
      if (folder === 'protocols' && to === 'engine' && !kernelFiles.includes(target) && !target.endsWith('run-result.ts')) {
        leaks.push(`${name} (protocols see the engine only through the kernel interface)`);
      }
      if (folder === 'fast' && to === 'engine' && !target.endsWith('run-result.ts')) leaks.push(`${name} (the fast path never imports the engine)`);
      if ((folder === 'random' || folder === 'network' || folder === 'metrics' || folder === 'detectors') && (to === 'engine' || to === 'protocols' || to === 'fast')) {
        leaks.push(`${name} (models and books sit below the engine, protocols and fast path)`);
      }
    }
  }
  return leaks;
}

describe('architecture', () => {
  it('every import crosses layers only downward', () => {
    const violations: string[] = [];
    for (const file of files) {
      const from = layerOf(file);
      for (const imp of importsOf(file)) {
        const to = targetLayer(imp);
        if (to === null || to === from) continue;
        const ok = allowed[from]?.includes(to) ?? false;
        if (!ok) violations.push(`${relative(root, file)} imports ${imp.specifier} (${from} → ${to})`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('src/sim imports nothing from outside but seedrandom, and never touches Node, the wall clock or Math.random', () => {
    const violations: string[] = [];
    for (const file of files.filter((f) => layerOf(f) === 'sim')) {
      for (const imp of importsOf(file)) {
        if (!imp.specifier.startsWith('.') && imp.specifier !== 'seedrandom') violations.push(`${relative(root, file)}: ${imp.specifier}`);
      }
      const code = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
      for (const banned of ['process.', 'console.', 'Date.', 'new Date', 'performance.', 'Math.random', 'require(']) {
        if (code.includes(banned)) violations.push(`${relative(root, file)} uses ${banned}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('only src/cli sets exit codes or draws progress bars', () => {
    const offenders = files
      .filter((f) => layerOf(f) !== 'cli')
      .filter((f) => /process\.exit|process\.exitCode|cli-progress|from 'yargs'/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(root, f));
    expect(offenders).toEqual([]);
  });

  it('has no import cycle anywhere in src/', () => {
    expect(importCycles(files).map((c) => c.map((f) => relative(root, f)))).toEqual([]);
  });

  it('the cycle check fails on a deliberate cycle (test/fixtures/architecture/cycle) and passes on a tree', () => {
    const fixtures = join(import.meta.dirname, 'fixtures', 'architecture');
    const cyclic = sourceFiles(join(fixtures, 'cycle'));
    const cycles = importCycles(cyclic);
    expect(cycles.map((c) => c.map((f) => relative(fixtures, f)))).toEqual([['cycle/a.ts', 'cycle/b.ts', 'cycle/c.ts']]);
    expect(importCycles(sourceFiles(join(fixtures, 'tree')))).toEqual([]);
  });

  it('inside src/sim: the kernel imports no model, protocols and the fast path do not reach into the engine, models sit below', () => {
    expect(simLayerLeaks()).toEqual([]);
  });

  it('the scenarios and the CLI use the engine through its surface, never its models (no Akka maths from sim/detectors, no sim/network)', () => {
    const surface = ['config.ts', 'time.ts', 'status.ts', 'run-once.ts'].map((f) => join(root, 'sim', f));
    const leaks: string[] = [];
    for (const file of files.filter((f) => ['scenarios', 'cli'].includes(layerOf(f)))) {
      for (const imp of importsOf(file)) {
        const target = resolveImport(imp);
        if (target === null || simFolderOf(target) === null || imp.typeOnly || surface.includes(target)) continue;
        leaks.push(`${relative(root, file)} imports ${imp.specifier}`);
      }
    }
    expect(leaks).toEqual([]);
  });

  it('closed forms live in src/analytic, beside src/sim, and stream keys are spelled in one file', () => {
    expect(existsSync(join(root, 'sim', 'analytic'))).toBe(false);
    expect(existsSync(join(root, 'analytic', 'index.ts'))).toBe(true);
    const keyFile = join(root, 'sim', 'random', 'stream-keys.ts');
    const spelled = files.filter((f) => f !== keyFile && /`(link|node|pair|crash|fault)\/\$\{/.test(readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '')));
    expect(spelled.map((f) => relative(root, f))).toEqual([]);
  });

  it('the architecture check sees the source tree (it would pass vacuously otherwise)', () => {
    expect(files.length).toBeGreaterThan(15);
    expect(files.filter((f) => layerOf(f) === 'sim').length).toBeGreaterThan(5);
  });
});
