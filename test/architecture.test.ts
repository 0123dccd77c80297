/**
 * The layering of src/, checked on the import statements themselves:
 *   cli → {check, report, sweep} → scenarios → sim;  stats, io and analysis are leaves.
 * src/sim is pure: no Node APIs, no wall clock, no global randomness.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
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
  sim: [],
  stats: [],
  io: [],
  results: ['sim', 'stats'],
  analysis: ['results', 'stats'],
  scenarios: ['sim', 'results', 'io'],
  sweep: ['sim', 'results', 'stats', 'scenarios', 'analysis', 'check'],
  report: ['results', 'analysis', 'stats', 'io'],
  check: ['results', 'analysis', 'stats', 'io', 'scenarios'],
  replay: ['sim', 'results', 'stats', 'io'],
  api: ['sim', 'results', 'stats', 'scenarios', 'sweep', 'check', 'analysis'],
  cli: ['sim', 'results', 'stats', 'scenarios', 'sweep', 'report', 'check', 'analysis', 'io', 'replay'],
  index: ['sim', 'results', 'sweep', 'scenarios', 'stats', 'analysis', 'api'],
};

const files = sourceFiles(root);

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

  it('the architecture check sees the source tree (it would pass vacuously otherwise)', () => {
    expect(files.length).toBeGreaterThan(15);
    expect(files.filter((f) => layerOf(f) === 'sim').length).toBeGreaterThan(5);
  });
});
