#!/usr/bin/env node
// The `hbsim` command: runs the compiled CLI in dist/. No TypeScript is compiled at
// run time; in a source checkout dist/ is (re)built first when src/ is newer
// (build-dist.js says why not a `prepare` script).
// CommonJS, as is everything it loads on its way to dist/bundle/hbsim.cjs (stale.cjs,
// code-cache.cjs): an ES module entry makes node set its ES module loader up first,
// ~10-18 ms of CPU of every command (validate/run B, alternating pairs). bin/hbsim.js,
// for whoever runs that path, only imports this file.
'use strict';
const { existsSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const argv = process.argv.slice(2);
if (argv.length === 1 && argv[0] === '--version') {
  // Scripts call `hbsim --version` to see what is installed: answered from package.json
  // (where dist/cli/main.js and results files take it too) before the checkout's
  // staleness scan of src/ and before any of dist/ loads.
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  process.stdout.write(`${typeof pkg.version === 'string' ? pkg.version : '0.0.0'}\n`);
} else {
  exitWithoutTeardown();
  void main();
}

async function main() {
  try {
    // build-dist.js (esbuild's plugins, child_process) loads only when there is a build to do.
    if (require('./stale.cjs').isStale(root)) await (await import('./build-dist.js')).buildIfStale(root);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  }
  const cached = process.env.HBSIM_CODE_CACHE === 'off' ? undefined : commonJsWithCodeCache();
  if (cached !== undefined) {
    // What dist/cli/main.js does, from the CommonJS bundle.
    process.exitCode = await cached.exports.runCli(argv, cached.exports.processIo());
    cached.finish();
  } else {
    // The ES bundle (build-dist.js) loads faster than dist/cli/main.js, the same program file by file.
    await import(existsSync(join(root, 'dist', 'bundle', 'main.js')) ? '../dist/bundle/main.js' : '../dist/cli/main.js');
  }
}

/**
 * Once the event loop has nothing left to do ('beforeExit': every write flushed, every
 * thread ended, no timer, no request in flight), the process exits with its exit code at
 * once instead of returning to node, which would then tear the isolate down: free the
 * heap object by object and wait for V8's background compiles of functions that will
 * never run again. From the 'exit' event on, a `hbsim run` of workload B took ~22 ms of
 * CPU (on the main thread, so wall too) with the teardown and ~10 ms without (8 pairs).
 * process.exit() anywhere earlier could cut a write to a pipe short (src/cli/main.ts);
 * at 'beforeExit' there is no write left to cut. Should
 * anything else listen to 'beforeExit' (it could schedule more work), node's own exit
 * runs instead. HBSIM_EXIT_TEARDOWN=1 keeps node's own exit, for comparison.
 */
function exitWithoutTeardown() {
  if (process.env.HBSIM_EXIT_TEARDOWN === '1') return;
  const exitNow = () => {
    // A `once` listener is off the list by the time it runs: any count left is someone else's.
    if (process.listenerCount('beforeExit') === 0) process.exit();
  };
  process.once('beforeExit', exitNow);
}

/**
 * The command line from dist/bundle/hbsim.cjs with a V8 code cache (code-cache.cjs), or
 * undefined when that file is missing or fails to load — then the ES bundle runs; nothing
 * has been printed yet either way.
 */
function commonJsWithCodeCache() {
  const bundle = join(root, 'dist', 'bundle', 'hbsim.cjs');
  if (!existsSync(bundle)) return undefined;
  try {
    return require('./code-cache.cjs').loadWithCodeCache(root, bundle, argv);
  } catch (error) {
    if (process.env.HBSIM_CODE_CACHE === 'trace') process.stderr.write(`hbsim: code cache: failed to load: ${bundle} (${error instanceof Error ? error.message : String(error)}); running the ES bundle\n`);
    return undefined;
  }
}
