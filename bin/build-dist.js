// In a source checkout (src/cli/main.ts beside bin/), dist/ is built from src/ on
// demand: on the first `npm start` after `npm ci`, and again whenever a file under
// src/ (or tsconfig.build.json) is newer than the last build, so a stale build never
// runs. An installed package ships dist/ and no src/*.ts, and never builds.
// Why not a `prepare` script: npm 11 warns every consumer of the package about it
// ("npm warn install-scripts"), and it would not catch edits made after `npm ci`.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

const stampOf = (root) => join(root, 'node_modules', '.cache', 'hbsim', 'build-stamp');

/** True when `root` is a checkout whose dist/ is missing or older than its sources. */
export function isStale(root) {
  if (!existsSync(join(root, 'src', 'cli', 'main.ts'))) return false;
  const stamp = stampOf(root);
  const sources = Math.max(newestMtime(join(root, 'src')), statSync(join(root, 'tsconfig.build.json')).mtimeMs, statSync(join(root, 'tsconfig.json')).mtimeMs);
  return !(existsSync(stamp) && existsSync(join(root, 'dist', 'cli', 'main.js')) && statSync(stamp).mtimeMs >= sources);
}

/** Builds dist/ when `root` is a checkout whose build is stale (or always, with force). Returns true if it built. */
export function buildIfStale(root, { force = false, log = (line) => process.stderr.write(`${line}\n`) } = {}) {
  if (!force && !isStale(root)) return false;
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  if (!existsSync(tsc)) throw new Error('hbsim: dist/ is missing or older than src/, and TypeScript is not installed to build it; run `npm ci` first');
  log('hbsim: building dist/ from src/ (tsc -p tsconfig.build.json)…');
  // A file removed from src/ must not live on in dist/.
  rmSync(join(root, 'dist'), { recursive: true, force: true });
  execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: ['ignore', 'inherit', 'inherit'] });
  mkdirSync(join(stampOf(root), '..'), { recursive: true });
  writeFileSync(stampOf(root), '');
  return true;
}

// `npm run build` (and `npm pack`, through prepack): node bin/build-dist.js --force
if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  buildIfStale(fileURLToPath(new URL('..', import.meta.url)), { force: process.argv.includes('--force'), log: () => {} });
}
