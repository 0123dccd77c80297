/**
 * The on-demand build (bin/build-dist.js buildIfStale: the first `npm start` in a fresh
 * clone, or after an edit) emits without type-checking (`tsc --noCheck`), which takes
 * about half of tsc's CPU; `npm run build` (--force) still checks. Both claims on
 * the bytes: the emitted dist/ is the same file for file, and each path passes tsc
 * the arguments it says.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain JS module without declarations
import * as buildModule from '../../bin/build-dist.js';

const { buildIfStale, tscArguments } = buildModule as {
  buildIfStale: (root: string, options?: { force?: boolean; check?: boolean; log?: (line: string) => void }) => Promise<boolean>;
  tscArguments: (root: string, options: { check: boolean }) => string[];
};

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function filesUnder(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.set(relative(dir, path), readFileSync(path));
    }
  };
  walk(dir);
  return out;
}

describe('the on-demand build', () => {
  it('emits with tsc --noCheck exactly the files the checked build emits', () => {
    const out = mkdtempSync(join(tmpdir(), 'hbsim-build-'));
    for (const [name, check] of [['checked', true], ['unchecked', false]] as const) {
      execFileSync(process.execPath, [...tscArguments(ROOT, { check }), '--outDir', join(out, name)], { stdio: 'pipe' });
    }
    const checked = filesUnder(join(out, 'checked'));
    const unchecked = filesUnder(join(out, 'unchecked'));
    expect(checked.size).toBeGreaterThan(200);
    expect([...unchecked.keys()].sort()).toEqual([...checked.keys()].sort());
    expect([...checked].filter(([path, bytes]) => !bytes.equals(unchecked.get(path)!)).map(([path]) => path)).toEqual([]);
  }, 120_000);

  it('type-checks only when forced (npm run build) or asked', async () => {
    expect(tscArguments('/r', { check: true })).not.toContain('--noCheck');
    expect(tscArguments('/r', { check: false })).toContain('--noCheck');
    // A checkout whose tsc only writes down its arguments: the build then stops at the bundler, which it lacks.
    const seen = async (options: { force?: boolean; check?: boolean }) => {
      const root = mkdtempSync(join(tmpdir(), 'hbsim-fake-checkout-'));
      mkdirSync(join(root, 'src', 'cli'), { recursive: true });
      mkdirSync(join(root, 'node_modules', 'typescript', 'bin'), { recursive: true });
      writeFileSync(join(root, 'src', 'cli', 'main.ts'), '');
      writeFileSync(join(root, 'tsconfig.json'), '{}');
      writeFileSync(join(root, 'tsconfig.build.json'), '{}');
      writeFileSync(join(root, 'package.json'), '{"type":"module"}');
      writeFileSync(join(root, 'node_modules', 'typescript', 'bin', 'tsc'), "require('node:fs').writeFileSync(require('node:path').join(__dirname, 'argv.json'), JSON.stringify(process.argv.slice(2)));\n");
      writeFileSync(join(root, 'node_modules', 'typescript', 'package.json'), '{"type":"commonjs"}');
      utimesSync(join(root, 'src', 'cli', 'main.ts'), new Date(), new Date());
      await expect(buildIfStale(root, { ...options, log: () => {} })).rejects.toThrow();
      return JSON.parse(readFileSync(join(root, 'node_modules', 'typescript', 'bin', 'argv.json'), 'utf8')) as string[];
    };
    expect(await seen({})).toEqual(['-p', expect.stringMatching(/tsconfig\.build\.json$/), '--noCheck']);
    expect(await seen({ force: true })).toEqual(['-p', expect.stringMatching(/tsconfig\.build\.json$/)]);
    expect(await seen({ check: true })).toEqual(['-p', expect.stringMatching(/tsconfig\.build\.json$/)]);
  });
});
