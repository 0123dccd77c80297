// bin/code-cache.cjs for ES modules (the worker threads' entry dist/bundle/worker.js, the
// chart thread, the tests): the loader itself is CommonJS so that bin/hbsim.cjs, which
// every `hbsim` command starts with, needs no ES module loader.
import codeCache from './code-cache.cjs';

export const { simulates, codeCacheDir, codeCachePath, readCodeCache, readWhole, writeCodeCache, loadWithCodeCache } = codeCache;
