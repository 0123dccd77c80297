// In a source checkout (src/cli/main.ts beside bin/), dist/ is built from src/ on
// demand: on the first `npm start` after `npm ci`, and again whenever a file under
// src/ (or tsconfig.build.json) is newer than the last build, so a stale build never
// runs. An installed package ships dist/ and no src/*.ts, and never builds.
// Why not a `prepare` script: npm 11 warns every consumer of the package about it
// ("npm warn install-scripts"), and it would not catch edits made after `npm ci`.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
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
/** esbuild's metafile of the last bundle: which output file holds which inputs. */
export const bundleMetaOf = (root) => join(root, 'node_modules', '.cache', 'hbsim', 'bundle-meta.json');

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
  bundle(root);
  mkdirSync(join(stampOf(root), '..'), { recursive: true });
  writeFileSync(stampOf(root), '');
  return true;
}

/**
 * The command line as one bundle (dist/bundle/: main.js, worker.js and chunks), built
 * from the compiled dist/ by esbuild: node then loads a few dozen files instead of ~190
 * of ours and several hundred of yaml, zod, yargs, @stdlib and vega, which cuts the
 * start-up of `hbsim` and of each worker thread (bin/hbsim.js runs the bundle when it
 * is there). vega, vega-lite and vega-embed land in chunks that only the report's
 * dynamic import loads (esbuild's metafile, bundleMetaOf, says which: the compiled test
 * checks that a run without a report never loads them); the report still inlines their
 * browser bundles from node_modules. The chunks sit two levels below the package root,
 * as dist/<folder>/<file>.js do, so the paths they resolve from import.meta.url
 * (package.json, the presets, worker.js beside the worker pool) are the same.
 */
function bundle(root) {
  const esbuild = createRequire(join(root, 'package.json'))('esbuild');
  const built = esbuild.buildSync({
    absWorkingDir: root,
    entryPoints: { main: 'dist/cli/main.js', worker: 'dist/sweep/worker.js' },
    outdir: 'dist/bundle',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    metafile: true,
    // CommonJS dependencies (yaml, @stdlib) call require() for node's own modules.
    banner: { js: "import { createRequire as __hbsimCreateRequire } from 'node:module'; const require = __hbsimCreateRequire(import.meta.url);" },
    logLevel: 'error',
  });
  // Beside the build stamp, not in dist/: it is for the tests, not for the package.
  mkdirSync(join(stampOf(root), '..'), { recursive: true });
  writeFileSync(bundleMetaOf(root), JSON.stringify(built.metafile));
}

// `npm run build` (and `npm pack`, through prepack): node bin/build-dist.js --force
if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  buildIfStale(fileURLToPath(new URL('..', import.meta.url)), { force: process.argv.includes('--force'), log: () => {} });
}
