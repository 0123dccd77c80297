// In a source checkout (src/cli/main.ts beside bin/), dist/ is built from src/ on
// demand: on the first `npm start` after `npm ci`, and again whenever a file under
// src/ (or tsconfig.build.json) is newer than the last build, so a stale build never
// runs. An installed package ships dist/ and no src/*.ts, and never builds.
// Why not a `prepare` script: npm 11 warns every consumer of the package about it
// ("npm warn install-scripts"), and it would not catch edits made after `npm ci`.
// That on-demand build emits without type-checking (tsc --noCheck: the same files,
// byte for byte, in about half tsc's CPU — 2.6 s instead of 5.0 s, the larger part of
// the first `npm start` in a fresh clone); type errors are `npm run typecheck`'s and
// `npm test`'s to report, as with `npm run dev`. `npm run build` (and prepack) checks.
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import stale from './stale.cjs';
import { basename, dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

// The staleness check runs at every `hbsim` command, from the CommonJS bin: bin/stale.cjs.
const { stampOf } = stale;
export const { isStale, newestMtime } = stale;
/** esbuild's metafile of the last bundle: which output file holds which inputs. */
export const bundleMetaOf = (root) => join(root, 'node_modules', '.cache', 'hbsim', 'bundle-meta.json');

/**
 * tsc's arguments for the build of `root`: with `check` false (the on-demand build), it
 * emits without type-checking (--noCheck; the emitted files are the same).
 */
export function tscArguments(root, { check }) {
  return [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json'), ...(check ? [] : ['--noCheck'])];
}

/**
 * Builds dist/ when `root` is a checkout whose build is stale (or always, with force).
 * Resolves to true if it built. Type-checks only when forced (`npm run build`), or with `check`.
 */
export async function buildIfStale(root, { force = false, check = force, log = (line) => process.stderr.write(`${line}\n`) } = {}) {
  if (!force && !isStale(root)) return false;
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  if (!existsSync(tsc)) throw new Error('hbsim: dist/ is missing or older than src/, and TypeScript is not installed to build it; run `npm ci` first');
  log('hbsim: building dist/ from src/ (tsc -p tsconfig.build.json)…');
  // A file removed from src/ must not live on in dist/.
  rmSync(join(root, 'dist'), { recursive: true, force: true });
  // Imported here, not at the top: every `hbsim` command imports this file, few build (node:child_process is ~7 ms to load).
  const { execFileSync } = await import('node:child_process');
  execFileSync(process.execPath, tscArguments(root, { check }), { stdio: ['ignore', 'inherit', 'inherit'] });
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

/**
 * string-width (yargs', cliui's and wrap-ansi's copies) builds an Intl.Segmenter and Unicode-property
 * regexes (\p{RGI_Emoji}...) as its module loads: ICU's segmentation data and those
 * property sets cost ~25-30 ms of every start here (measured with per-module markers in
 * the bundle), though only a help or usage text ever measures a string. Bundled, each
 * copy's body runs on its first call instead; the module must still look as it did
 * (imports, then one `export default function stringWidth(`), or the build fails rather
 * than silently keeping the cost (test/package/start-up.test.ts checks that validate and run
 * build no Intl.Segmenter).
 */
export const lazyStringWidth = {
  name: 'hbsim-lazy-string-width',
  setup(build) {
    build.onLoad({ filter: /[\\/]node_modules[\\/]string-width[\\/]index\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      // string-width 4 (CommonJS, cli-progress's) builds nothing as it loads.
      if (!text.includes('new Intl.Segmenter(')) return undefined;
      return { contents: stringWidthOnFirstCall(text, args.path), loader: 'js' };
    });
  },
};

/** string-width's module with its body moved into a function that its default export runs once (lazyStringWidth). */
export function stringWidthOnFirstCall(text, path = 'string-width') {
  const imports = /^(?:import [^\n]*;\n|[ \t]*\n)*/.exec(text)[0];
  const body = text.slice(imports.length);
  const exportsOf = body.match(/^\s*export\b.*$/gm) ?? [];
  const declaration = 'export default function stringWidth(';
  if (exportsOf.length !== 1 || !exportsOf[0].trim().startsWith(declaration) || /\bimport\b\s*[{*\w'"]/.test(body.replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, ''))) {
    throw new Error(`hbsim build: ${path} is no longer imports + one \`${declaration}\`; update lazyStringWidth in bin/build-dist.js`);
  }
  return `${imports}let stringWidthOnceLoaded;
export default function stringWidth(string, options) {
  return (stringWidthOnceLoaded ??= loadStringWidth())(string, options);
}
function loadStringWidth() {
${body.replace(declaration, 'function stringWidth(')}
return stringWidth;
}
`;
}

/**
 * @stdlib's gamma-quantile inverse (gammaincinv, which every results file's Poisson and t
 * intervals reach) makes two `debug` loggers as it loads, and writes to them only when its
 * iteration fails to converge. Loading `debug` (2.x: tty, util, ms, its environment scan)
 * is a few ms of every start for that. Bundled, `require('debug')` from @stdlib gets
 * LAZY_DEBUG instead: the same call, `debug(namespace)`, returning a logger that loads the
 * real `debug` on its first message (then as enabled by DEBUG as before, the environment
 * being the process's own). test/package/start-up.test.ts checks the shim and that
 * validate/run no longer load tty.
 */
export const LAZY_DEBUG = `let createDebug;
module.exports = function debugOnFirstMessage(namespace) {
  let log;
  return function debug(...args) {
    log ??= (createDebug ??= require('debug/src/index.js'))(namespace);
    return log.apply(this, args);
  };
};
`;
export const lazyStdlibDebug = {
  name: 'hbsim-lazy-stdlib-debug',
  setup(build) {
    // One shim per importing folder, so that the real `debug` resolves from where @stdlib would have found it.
    // (Named by the folder relative to the build's root: the name lands in the bundle, which must not hold the builder's paths.)
    build.onResolve({ filter: /^debug$/ }, (args) => {
      if (!/[\\/]@stdlib[\\/]/.test(args.importer)) return undefined;
      const dir = dirname(args.importer);
      return { path: relative(build.initialOptions.absWorkingDir ?? process.cwd(), dir).split(sep).join('/'), namespace: 'hbsim-lazy-debug', pluginData: { dir } };
    });
    build.onLoad({ filter: /.*/, namespace: 'hbsim-lazy-debug' }, (args) => ({ contents: LAZY_DEBUG, loader: 'js', resolveDir: args.pluginData.dir }));
  },
};

/**
 * vega-canvas probes for the optional `canvas` package with a top-level
 * `await import('canvas')`, which a CommonJS file cannot hold, and hbsim never draws on
 * a canvas: the static SVG is rendered with renderer 'none', where vega measures text
 * with a canvas only if one exists and estimates it otherwise. Every bundle gets
 * vega-canvas's answer when `canvas` is not installed (no canvas, no image), so the
 * report is the same bytes whether or not some other package pulled `canvas` in; the
 * report's CommonJS file (report.cjs, below) can then be compiled with a code cache.
 */
export const noNodeCanvas = {
  name: 'hbsim-no-node-canvas',
  setup(build) {
    build.onResolve({ filter: /^vega-canvas$/ }, () => ({ path: 'vega-canvas', namespace: 'hbsim-no-node-canvas' }));
    build.onLoad({ filter: /.*/, namespace: 'hbsim-no-node-canvas' }, () => ({
      contents: 'export const canvas = () => null, domCanvas = () => null, nodeCanvas = () => null, image = () => null;\n',
      loader: 'js',
    }));
  },
};

async function bundle(root) {
  const esbuild = createRequire(join(root, 'package.json'))('esbuild');
  // First the CommonJS files (commonJsBundle, below): they say which report modules the ES bundle must hold as entries.
  const reportModules = new Set();
  await commonJsBundle(root, esbuild, { contents: "export { runCli } from './cli/cli.js';\nexport { processIo } from './cli/io.js';\n", outfile: COMMONJS_BUNDLE, reportModules });
  await commonJsBundle(root, esbuild, { contents: "import './sweep/worker.js';\n", outfile: join('dist', 'bundle', 'worker.cjs'), reportModules });
  // The report and the chart thread's work as one CommonJS file too (REPORT_BUNDLE, below).
  await commonJsBundle(root, esbuild, { contents: REPORT_BUNDLE_ENTRY, outfile: REPORT_BUNDLE, reportModules, holdsReport: true });
  // The asynchronous API: the synchronous one takes no plugins.
  const built = await esbuild.build({
    absWorkingDir: root,
    // worker-es.js: the worker thread's ES bundle, which dist/bundle/worker.js (WORKER_ENTRY, below) runs
    // when the CommonJS one cannot be. report-<module>.js: the report's modules the CommonJS files import.
    // chart-worker-thread.js: the report's chart thread (src/cli/chart-worker.ts), found beside its starter.
    entryPoints: {
      main: 'dist/cli/main.js',
      'worker-es': 'dist/sweep/worker.js',
      'chart-worker-thread': 'dist/cli/chart-worker-thread.js',
      ...Object.fromEntries([...reportModules].sort().map((m) => [reportEntry(m), `dist/report/${m}.js`])),
    },
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
    plugins: [englishZodOnly, lazyStringWidth, lazyStdlibDebug, noNodeCanvas],
  });
  // Beside the build stamp, not in dist/: it is for the tests, not for the package.
  mkdirSync(join(stampOf(root), '..'), { recursive: true });
  writeFileSync(bundleMetaOf(root), JSON.stringify(built.metafile));
  writeFileSync(join(root, 'dist', 'bundle', 'worker.js'), WORKER_ENTRY);
}

/**
 * dist/bundle/worker.js, what the worker pool starts (src/sweep/worker-pool.ts): the
 * worker thread's code from worker.cjs with its own V8 code cache (bin/code-cache.js),
 * written once its first task has run (the worker's own listener, registered first, runs
 * the task: the cache then holds the simulator's functions); else the ES bundle's.
 */
const WORKER_ENTRY = `// Written by bin/build-dist.js: the worker thread's entry (see WORKER_ENTRY there).
import { parentPort } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';

let loaded;
if (process.env.HBSIM_CODE_CACHE !== 'off') {
  try {
    const { loadWithCodeCache } = await import('../../bin/code-cache.js');
    loaded = loadWithCodeCache(fileURLToPath(new URL('../..', import.meta.url)), fileURLToPath(new URL('./worker.cjs', import.meta.url)), ['run']);
  } catch (error) {
    if (process.env.HBSIM_CODE_CACHE === 'trace') process.stderr.write(\`hbsim: code cache (worker): failed to load: \${error instanceof Error ? error.message : String(error)}; running the ES bundle\\n\`);
  }
}
if (loaded !== undefined) parentPort.once('message', () => loaded.finish());
else await import('./worker-es.js');
`;

/** The ES bundle's entry (dist/bundle/<name>.js) of the report module src/report/<module>.ts. */
const reportEntry = (module) => `report-${module}`;
/** The one CommonJS file of the command line, which bin/code-cache.js compiles with a V8 code cache. */
export const COMMONJS_BUNDLE = join('dist', 'bundle', 'hbsim.cjs');
/** What the CommonJS bundle calls instead of `import()`: bin/code-cache.js passes it in. */
const IMPORT_FUNCTION = '__hbsimImport';
/** The first line of a CommonJS bundle: bin/code-cache.js checks it (MODULE_WRAPPER there). */
const MODULE_WRAPPER = `(function (exports, require, module, __filename, __dirname, ${IMPORT_FUNCTION}) {`;
const ES_BUNDLE = 'hbsim-es-bundle:';

/**
 * The command line as ONE CommonJS file, dist/bundle/hbsim.cjs (worker threads:
 * worker.cjs), for bin/code-cache.js: node 20 can cache V8's compiled code only for
 * scripts it compiles through node:vm (there is no code cache for ES modules before node
 * 22's module.enableCompileCache), and compiling the ~2 MB that `hbsim run` parses is
 * ~60-130 ms of every start.
 * It holds everything except the report: vega has a top-level await, which CommonJS
 * cannot load, so every module of src/report/ that code outside it imports (only ever
 * dynamically: lazy-report.ts) stays in the ES bundle, as entry report-<module>.js (added
 * to `reportModules`), and the file imports it from there through the import function
 * bin/code-cache.js passes in (code compiled by node:vm cannot call import() on node 20
 * without --experimental-vm-modules). A static import of a report module would fail the build.
 * The file is pure ASCII, so it reads as a one-byte string (reading it as UTF-8 with
 * its ~120 non-ASCII characters, µ, ≤, — in regexes and comments, took ~50 ms; esbuild
 * escapes them in strings but not in regexes).
 */
async function commonJsBundle(root, esbuild, { contents, outfile, reportModules, holdsReport = false }) {
  const reportFromEsBundle = {
    name: 'hbsim-report-from-es-bundle',
    setup(build) {
      if (holdsReport) return; // report.cjs holds the report's modules itself
      build.onResolve({ filter: /^(\.\.\/)+report\/[^/]+\.js$/ }, (args) => {
        const module = basename(args.path, '.js');
        reportModules.add(module);
        return { path: `${ES_BUNDLE}./${reportEntry(module)}.js`, external: true };
      });
    },
  };
  const built = await esbuild.build({
    absWorkingDir: root,
    stdin: { contents, resolveDir: join(root, 'dist'), sourcefile: 'hbsim-cjs-entry.js', loader: 'js' },
    outfile,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    charset: 'ascii',
    // Every byte of it is read, copied and (with the cache) deserialised at each start, ~15 ms
    // a MB here: whitespace and syntax minified, 2.4 → 1.6 MB. Names are kept (no
    // minifyIdentifiers), so a stack trace (HBSIM_DEBUG=1) still names its functions;
    // HBSIM_CODE_CACHE=off runs the unminified ES bundle.
    minifyWhitespace: true,
    minifySyntax: true,
    write: false,
    // Paths the modules take from import.meta.url (package.json, the presets, worker.js
    // beside the worker pool) resolve as from a file of dist/bundle/, as in the ES bundle.
    define: { 'import.meta.url': '__hbsimModuleUrl' },
    banner: { js: "var __hbsimModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
    logLevel: 'error',
    plugins: [englishZodOnly, lazyStringWidth, lazyStdlibDebug, noNodeCanvas, reportFromEsBundle],
  });
  let text = built.outputFiles[0].text.replaceAll(`import("${ES_BUNDLE}`, `${IMPORT_FUNCTION}("`);
  if (text.includes(ES_BUNDLE)) throw new Error(`hbsim build: ${outfile} imports a report module statically; only import() can reach the ES bundle`);
  // Inside its module wrapper already (bin/code-cache.js), so that node:vm compiles the file's own
  // string rather than a 1.6 MB concatenated copy of it (~10 ms of every start here).
  text = `${MODULE_WRAPPER}${asciiOnly(text)}\n})`;
  mkdirSync(dirname(join(root, outfile)), { recursive: true });
  writeFileSync(join(root, outfile), text);
}

/**
 * dist/bundle/report.cjs: vega's side of the report — src/report/svg.ts (vega-lite spec →
 * static SVG) and the chart thread's work (src/cli/chart-worker-jobs.ts) — as one
 * CommonJS file that bin/code-cache.js compiles with a V8 code cache, like hbsim.cjs:
 * loading vega as ES modules costs ~0.15–0.37 s of every report (~2 MB to parse and
 * compile; node 20 has no code cache for ES modules), and its first charts compile
 * vega's functions as they go. bin/code-cache.js hands its svg module to hbsim.cjs in
 * place of the ES bundle's report-svg.js; src/cli/chart-worker-thread.ts runs the thread's
 * work from it. The page's own modules (html.js, index.js: no vega) stay in the ES bundle,
 * so a run whose charts render on the chart thread never loads this file on its main
 * thread. vega-lite stays unevaluated until a chart needs compiling (svg.ts imports it
 * on demand).
 */
export const REPORT_BUNDLE = join('dist', 'bundle', 'report.cjs');
const REPORT_BUNDLE_ENTRY = "export * as svg from './report/svg.js';\nexport { runChartThread } from './cli/chart-worker-jobs.js';\n";

/**
 * Escapes every non-ASCII character as \uXXXX (UTF-16 code units): the same string in a
 * string literal, a regex literal (with or without the u flag), a comment or an identifier.
 * Only a tagged template's raw text would differ; the check below refuses one.
 */
export function asciiOnly(text) {
  return text.replace(/[^\x00-\x7f]+/g, (run, at) => {
    const line = text.slice(text.lastIndexOf('\n', at) + 1, text.indexOf('\n', at));
    if (/String\.raw`/.test(line)) throw new Error(`hbsim build: non-ASCII text in a raw template literal: ${line.trim().slice(0, 120)}`);
    return run.split('').map((unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
  });
}

// `npm run build` (and `npm pack`, through prepack): node bin/build-dist.js --force
if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildIfStale(fileURLToPath(new URL('..', import.meta.url)), { force: process.argv.includes('--force'), log: () => {} });
}
