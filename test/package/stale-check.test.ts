/**
 * bin/build-dist.js's staleness check, which every `hbsim` command in a source checkout
 * runs before anything else: an edit anywhere under src/ (however deep), or to either
 * tsconfig, makes the build stale; nothing else does. Checked on a fake checkout with
 * mtimes set by hand, and `newestMtime` against a plain recursive listing.
 */
import { mkdirSync, mkdtempSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain JS module without declarations
import * as buildModule from '../../bin/build-dist.js';

const { isStale, newestMtime } = buildModule as { isStale: (root: string) => boolean; newestMtime: (dir: string) => number };

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Seconds since the epoch: a fixed past instant for every file, so only the files a test touches move. */
const PAST = 1_700_000_000;

function file(path: string, at = PAST): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, '');
  utimesSync(path, at, at);
}

/** A checkout whose dist/ was built (stamp at PAST + 10) after all its sources (PAST). */
function builtCheckout(): string {
  const root = mkdtempSync(join(tmpdir(), 'hbsim-stale-'));
  for (const f of ['src/cli/main.ts', 'src/sim/skip/deep/er/walk.ts', 'src/a.ts', 'tsconfig.json', 'tsconfig.build.json']) file(join(root, f));
  file(join(root, 'dist/cli/main.js'), PAST + 10);
  file(join(root, 'node_modules/.cache/hbsim/build-stamp'), PAST + 10);
  return root;
}

/** The newest mtime under `dir` the plain way: a recursive listing and one stat each. */
function reference(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const s = statSync(join(dir, name));
    if (s.isFile()) newest = Math.max(newest, s.mtimeMs);
  }
  return newest;
}

describe('the build staleness check', () => {
  it('finds the newest file under src/ as a recursive listing does, in this checkout', () => {
    expect(newestMtime(join(ROOT, 'src'))).toBe(reference(join(ROOT, 'src')));
  });

  it('is fresh after a build, and stale after an edit at any depth of src/ or to a tsconfig', () => {
    for (const edited of ['src/a.ts', 'src/cli/main.ts', 'src/sim/skip/deep/er/walk.ts', 'tsconfig.json', 'tsconfig.build.json', null]) {
      const root = builtCheckout();
      expect(isStale(root)).toBe(false);
      if (edited !== null) file(join(root, edited), PAST + 20);
      // A file outside src/ changes nothing.
      file(join(root, 'README.md'), PAST + 30);
      expect(isStale(root), `${edited}`).toBe(edited !== null);
      expect(newestMtime(join(root, 'src'))).toBe(reference(join(root, 'src')));
    }
  });

  it('is stale without a stamp or without dist/, and never in an installed package (no src/cli/main.ts)', () => {
    const noStamp = builtCheckout();
    file(join(noStamp, 'node_modules/.cache/hbsim/build-stamp'), PAST - 10);
    expect(isStale(noStamp)).toBe(true);
    const installed = mkdtempSync(join(tmpdir(), 'hbsim-stale-'));
    file(join(installed, 'dist/cli/main.js'));
    expect(isStale(installed)).toBe(false);
  });
});
