#!/usr/bin/env node
// The `hbsim` command: runs the compiled CLI in dist/. No TypeScript is compiled at
// run time; in a source checkout dist/ is (re)built first when src/ is newer
// (build-dist.js says why not a `prepare` script).
import { existsSync, readFileSync } from 'node:fs';

const argv = process.argv.slice(2);
if (argv.length === 1 && argv[0] === '--version') {
  // Scripts call `hbsim --version` to see what is installed: answered from package.json
  // (where dist/cli/main.js and results files take it too) before the checkout's
  // staleness scan of src/ (~20 ms) and before any of dist/ loads.
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  process.stdout.write(`${typeof pkg.version === 'string' ? pkg.version : '0.0.0'}\n`);
} else {
  exitWithoutTeardown();
  const { fileURLToPath } = await import('node:url');
  const { buildIfStale } = await import('./build-dist.js');
  try {
    await buildIfStale(fileURLToPath(new URL('..', import.meta.url)));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  }
  const root = fileURLToPath(new URL('..', import.meta.url));
  const cached = process.env.HBSIM_CODE_CACHE === 'off' ? undefined : await commonJsWithCodeCache(root);
  if (cached !== undefined) {
    // What dist/cli/main.js does, from the CommonJS bundle.
    process.exitCode = await cached.exports.runCli(argv, cached.exports.processIo());
    cached.finish();
  } else {
    // The ES bundle (build-dist.js) loads faster than dist/cli/main.js, the same program file by file.
    await import(existsSync(new URL('../dist/bundle/main.js', import.meta.url)) ? '../dist/bundle/main.js' : '../dist/cli/main.js');
  }
}

/**
 * Once the event loop has nothing left to do ('beforeExit': every write flushed, every
 * thread ended, no timer, no request in flight), the process exits with its exit code at
 * once instead of returning to node, which would then tear the isolate down: free the
 * heap object by object and wait for V8's background compiles of functions that will
 * never run again. From the 'exit' event on, a `hbsim run` of workload B took ~22 ms of
 * CPU (on the main thread, so wall too) with the teardown and ~10 ms without (8 pairs). process.exit() anywhere earlier could cut a write to a pipe
 * short (src/cli/main.ts); at 'beforeExit' there is no write left to cut. Should
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
 * The command line from dist/bundle/hbsim.cjs with a V8 code cache (code-cache.js), or
 * undefined when that file is missing or fails to load — then the ES bundle runs; nothing
 * has been printed yet either way.
 */
async function commonJsWithCodeCache(root) {
  const { join } = await import('node:path');
  const bundle = join(root, 'dist', 'bundle', 'hbsim.cjs');
  if (!existsSync(bundle)) return undefined;
  try {
    const { loadWithCodeCache } = await import('./code-cache.js');
    return loadWithCodeCache(root, bundle, argv);
  } catch (error) {
    if (process.env.HBSIM_CODE_CACHE === 'trace') process.stderr.write(`hbsim: code cache: failed to load: ${bundle} (${error instanceof Error ? error.message : String(error)}); running the ES bundle\n`);
    return undefined;
  }
}
