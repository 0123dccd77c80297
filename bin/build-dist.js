// In a source checkout (src/cli/main.ts beside bin/), dist/ is built from src/ on
// demand: on the first `npm start` after `npm ci`, and again whenever a file under
// src/ (or tsconfig.build.json) is newer than the last build, so a stale build never
// runs. An installed package ships dist/ and no src/*.ts, and never builds.
// Why not a `prepare` script: npm 11 warns every consumer of the package about it
// ("npm warn install-scripts"), and it would not catch edits made after `npm ci`.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
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

/** Builds dist/ when `root` is a checkout whose build is stale (or always, with force). Resolves to true if it built. */
export async function buildIfStale(root, { force = false, log = (line) => process.stderr.write(`${line}\n`) } = {}) {
  if (!force && !isStale(root)) return false;
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  if (!existsSync(tsc)) throw new Error('hbsim: dist/ is missing or older than src/, and TypeScript is not installed to build it; run `npm ci` first');
  log('hbsim: building dist/ from src/ (tsc -p tsconfig.build.json)…');
  // A file removed from src/ must not live on in dist/.
  rmSync(join(root, 'dist'), { recursive: true, force: true });
  execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: ['ignore', 'inherit', 'inherit'] });
  await bundle(root);
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
/**
 * zod's `z` namespace re-exports all of its ~45 message locales (`z.locales`), which
 * the bundle cannot tree-shake away: 0.37 MB, a sixth of what `hbsim run` parses at
 * start-up. hbsim uses English only (zod's default, which zod's schemas import
 * directly), so the bundle's `locales` holds `en` alone; the compiled test checks the
 * bundle's scenario errors read exactly as the unbundled program's.
 */
const englishZodOnly = {
  name: 'hbsim-english-zod-only',
  setup(build) {
    build.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, (args) => ({
      contents: 'export { default as en } from "./en.js";\n',
      resolveDir: dirname(args.path),
      loader: 'js',
    }));
  },
};

async function bundle(root) {
  const esbuild = createRequire(join(root, 'package.json'))('esbuild');
  // The asynchronous API: the synchronous one takes no plugins.
  const built = await esbuild.build({
    absWorkingDir: root,
    // The report's chart thread (src/cli/chart-worker.ts) is an entry of its own, found beside its starter.
    entryPoints: { main: 'dist/cli/main.js', worker: 'dist/sweep/worker.js', 'chart-worker-thread': 'dist/cli/chart-worker-thread.js' },
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
    plugins: [englishZodOnly],
  });
  // Beside the build stamp, not in dist/: it is for the tests, not for the package.
  mkdirSync(join(stampOf(root), '..'), { recursive: true });
  writeFileSync(bundleMetaOf(root), JSON.stringify(built.metafile));
}

// `npm run build` (and `npm pack`, through prepack): node bin/build-dist.js --force
if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildIfStale(fileURLToPath(new URL('..', import.meta.url)), { force: process.argv.includes('--force'), log: () => {} });
}
