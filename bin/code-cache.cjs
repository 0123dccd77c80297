// Runs the command line from dist/bundle/hbsim.cjs (one CommonJS file, built by
// build-dist.js) compiled with a V8 code cache: V8 then deserialises the bytecode it
// compiled on an earlier run instead of parsing and compiling ~2 MB of JavaScript again
// (node 20 has no code cache for ES modules: module.enableCompileCache is node 22).
//
// The cache is an optimisation only, never a source of a wrong or failed run:
// - it is keyed by node's version and architecture and by the SHA-256 of the file it
//   was made from, so a rebuilt bundle or another node never meets an old cache;
// - its own SHA-256 is stored in its header and checked before V8 sees it (V8 checks
//   only its version, flags and the source's length: a truncated or corrupt file could
//   otherwise crash it);
// - V8 may still refuse it (other V8 flags): the run then compiles as without a cache;
// - a cache that is missing, refused or corrupt is (re)written after the command ran,
//   so it holds what that command compiled; one written by a command that does not
//   simulate (validate, --help…) is rewritten once by the first `run` or `check`, so the
//   simulator's functions are in it too; a cache that cannot be written (read-only
//   install) is skipped silently.
// Where: node_modules/.cache/hbsim/ of the project hbsim is installed in (of the
// checkout, for a source checkout), or HBSIM_CODE_CACHE_DIR. A cache is code hbsim runs,
// and its digest is no signature: it belongs where only the user can write, as
// node_modules itself (whoever can write there can change hbsim anyway); never a shared
// temporary directory. A global install in a directory the user cannot write gets none. HBSIM_CODE_CACHE=off runs
// the ES bundle instead (bin/hbsim.js); HBSIM_CODE_CACHE=trace says on stderr what
// happened to the cache.
//
// CommonJS (bin/hbsim.cjs requires it; code-cache.js re-exports it for ES modules: the
// worker threads' entry, the chart thread, the tests).
'use strict';
const { hash } = require('node:crypto');
const { closeSync, existsSync, fstatSync, mkdirSync, openSync, readdirSync, readSync, renameSync, rmSync, writeFileSync } = require('node:fs');
const { isAscii } = require('node:buffer');
const { createRequire } = require('node:module');
const { basename, dirname, join } = require('node:path');
const { pathToFileURL } = require('node:url');
const vm = require('node:vm');

/**
 * How build-dist.js's CommonJS bundles begin: the file is one function expression, the
 * module wrapper node would otherwise add (plus the import function), so that node:vm
 * compiles the very string read from disk, not a concatenated copy.
 */
const MODULE_WRAPPER = '(function (exports, require, module, __filename, __dirname, __hbsimImport) {';
const MAGIC = Buffer.from('hbsim-v8-code-cache-1\n', 'latin1');
const DIGEST_BYTES = 32;
/** The byte after the digest: whether the command that wrote the cache simulated. */
const SIMULATED = 1;
const HEAD = MAGIC.length + DIGEST_BYTES + 1;
/** The commands whose cache is worth the simulator's functions. */
const simulates = (argv) => argv[0] === 'run' || argv[0] === 'check';

/** The directory of the code caches for the package at `root`. */
function codeCacheDir(root, env = process.env) {
  if (env.HBSIM_CODE_CACHE_DIR) return env.HBSIM_CODE_CACHE_DIR;
  const parent = dirname(root);
  // An installed package (<project>/node_modules/hbsim) caches in <project>/node_modules/.cache.
  return basename(parent) === 'node_modules' ? join(parent, '.cache', 'hbsim') : join(root, 'node_modules', '.cache', 'hbsim');
}

/** The caches of one bundle (hbsim.cjs, worker.cjs) on this node share a name up to its digest. */
const cachePrefix = (bundleName) => `code-cache-${bundleName}-${process.version}-${process.arch}-`;

/** The cache file for the bundle `bundleName` whose bytes hash to `sourceDigest`, on this node. */
function codeCachePath(dir, bundleName, sourceDigest) {
  return join(dir, `${cachePrefix(bundleName)}${sourceDigest.slice(0, 24)}.bin`);
}

/**
 * The cache in the file at `path`: { data, simulated } if the file is whole (magic, then
 * the SHA-256 of the rest), 'corrupt' if it is not, undefined if there is none.
 */
function readCodeCache(path, into) {
  let file;
  try {
    file = readWhole(path, into);
  } catch {
    return undefined;
  }
  if (file.length <= HEAD || !file.subarray(0, MAGIC.length).equals(MAGIC)) return 'corrupt';
  const rest = file.subarray(MAGIC.length + DIGEST_BYTES);
  if (!hash('sha256', rest, 'buffer').equals(file.subarray(MAGIC.length, MAGIC.length + DIGEST_BYTES))) return 'corrupt';
  return { data: rest.subarray(1), simulated: rest[0] === SIMULATED };
}

/**
 * The bytes of the file at `path`, read into `into` when they fit (else into a new buffer).
 * A start reads the bundle (~1.8 MB) and then its cache (about as big): into one
 * allocation, the second read finds its memory already mapped. Fresh memory is what
 * reading costs on this kind of VM (~3 ms a MB: page faults), so the second buffer
 * cost ~7 ms of CPU of every start.
 */
function readWhole(path, into, room = 1) {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    // allocUnsafeSlow: its own memory (never node's shared pool), not touched until read into.
    const buffer = into !== undefined && into.length >= size ? into : Buffer.allocUnsafeSlow(Math.ceil(size * room));
    let length = 0;
    while (length < size) {
      const n = readSync(fd, buffer, length, size - length, length);
      if (n === 0) break; // the file shrank meanwhile: what was read is checked like any other bytes
      length += n;
    }
    return buffer.subarray(0, length);
  } finally {
    closeSync(fd);
  }
}

/** Room for a bundle's cache after the bundle itself: caches come out about as big as their bundles (hbsim.cjs: 1.01×). */
const CACHE_ROOM = 1.25;

/**
 * Writes the cache whole or not at all (temporary file + rename), and removes this
 * node's caches of earlier builds (a checkout rebuilds often; other nodes keep theirs).
 */
function writeCodeCache(path, data, simulated) {
  mkdirSync(dirname(path), { recursive: true });
  // Two worker threads of one process may write the same cache at once. (node:worker_threads,
  // ~4 ms to load, only when writing: `validate` never loads it otherwise.)
  const temporary = `${path}.${process.pid}-${require('node:worker_threads').threadId}.tmp`;
  const rest = Buffer.concat([Buffer.from([simulated ? SIMULATED : 0]), data]);
  try {
    writeFileSync(temporary, Buffer.concat([MAGIC, hash('sha256', rest, 'buffer'), rest]));
    renameSync(temporary, path);
  } finally {
    rmSync(temporary, { force: true });
  }
  const prefix = basename(path).replace(/[0-9a-f]+\.bin$/, '');
  for (const name of readdirSync(dirname(path))) {
    if (name.startsWith(prefix) && name.endsWith('.bin') && name !== basename(path)) rmSync(join(dirname(path), name), { force: true });
  }
}

/**
 * Loads dist/bundle/hbsim.cjs with the code cache and returns its exports ({ runCli,
 * processIo }) and `finish`, to call once the command (`argv`) has run: it writes the
 * cache when it was not usable or is to be rewritten (above). Throws if the bundle
 * cannot be read or evaluated: the caller then runs the ES bundle, nothing having
 * been printed.
 */
function loadWithCodeCache(root, bundle, argv, env = process.env) {
  const trace =
    env.HBSIM_CODE_CACHE === 'trace'
      ? (line) => process.stderr.write(`hbsim: code cache${require('node:worker_threads').isMainThread ? '' : ' (worker)'}: ${line}\n`)
      : () => {};
  // Read with room for the cache, which goes into the same memory once the source
  // string is made and the bundle's bytes hashed (readWhole).
  const bytes = readWhole(bundle, undefined, CACHE_ROOM);
  // build-dist.js writes it pure ASCII: then it reads as a one-byte string, the fastest.
  const source = isAscii(bytes) ? bytes.latin1Slice(0, bytes.length) : bytes.toString('utf8');
  if (!source.startsWith(MODULE_WRAPPER)) throw new Error(`${bundle} does not start with the module wrapper build-dist.js writes`);
  const path = codeCachePath(codeCacheDir(root, env), basename(bundle, '.cjs'), hash('sha256', bytes, 'hex'));
  // The bundle's bytes are not used after this: its cache overwrites them.
  const cache = readCodeCache(path, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.buffer.byteLength - bytes.byteOffset));
  const cachedData = typeof cache === 'object' ? cache.data : undefined;
  const script = new vm.Script(source, { filename: bundle, cachedData });
  const used = cachedData !== undefined && !script.cachedDataRejected;
  const rewrite = !used || (simulates(argv) && !cache.simulated);
  trace(`${used ? 'used' : cache === undefined ? 'none' : cache === 'corrupt' ? 'corrupt' : 'refused by V8'}${used && rewrite ? ' (to be rewritten)' : ''}: ${path}`);
  const module = { exports: {} };
  const bundleUrl = pathToFileURL(bundle);
  // The report's modules come from the ES bundle, imported from here, where import() works;
  // its svg module (vega) from report.cjs beside the bundle, with its own code cache (reportFromCommonJs).
  let report;
  const importFromBundle = (specifier) => {
    if (report === undefined && specifier === REPORT_SVG) report = reportFromCommonJs(root, bundle, env, trace);
    const svg = specifier === REPORT_SVG ? report?.exports.svg : undefined;
    return svg !== undefined ? Promise.resolve(svg) : import(new URL(specifier, bundleUrl).href);
  };
  script.runInThisContext()(module.exports, createRequire(bundle), module, bundle, dirname(bundle), importFromBundle);
  const finish = () => {
    report?.finish();
    if (!rewrite) return;
    try {
      // After the run: the cache then holds the functions this command compiled too.
      writeCodeCache(path, script.createCachedData(), simulates(argv));
      trace(`wrote: ${path}`);
    } catch (error) {
      trace(`not written: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  return { exports: module.exports, finish };
}

/** The one report module report.cjs holds (build-dist.js REPORT_BUNDLE), as hbsim.cjs names it (the ES bundle's entry). */
const REPORT_SVG = './report-svg.js';

/**
 * dist/bundle/report.cjs (build-dist.js REPORT_BUNDLE: vega and src/report/svg.ts), loaded
 * with its own code cache the first time the bundle at `bundle` imports report-svg.js; null when
 * HBSIM_CODE_CACHE=off, or the file is missing or fails to load (the
 * ES bundle's modules are imported then, as before). Its cache is written by the
 * command's `finish`, after the report was rendered: it then holds vega's functions too.
 */
function reportFromCommonJs(root, bundle, env, trace) {
  const file = join(dirname(bundle), 'report.cjs');
  if (env.HBSIM_CODE_CACHE === 'off' || !existsSync(file)) return null;
  try {
    return loadWithCodeCache(root, file, ['run'], env);
  } catch (error) {
    trace(`failed to load ${file} (${error instanceof Error ? error.message : String(error)}); the report's modules come from the ES bundle`);
    return null;
  }
}

module.exports = { simulates, codeCacheDir, codeCachePath, readCodeCache, readWhole, writeCodeCache, loadWithCodeCache };
