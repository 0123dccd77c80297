// Whether a source checkout's dist/ is older than its src/ (bin/build-dist.js says why
// it is built on demand). CommonJS, for bin/hbsim.cjs, which runs it before every command
// in a checkout; build-dist.js re-exports it.
'use strict';
const { existsSync, readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');

/**
 * The newest modification time of a file under `dir`. Every `hbsim` command in a checkout
 * runs this over src/ (~300 files), before anything else: the paths are joined by hand
 * (node:path's join normalises each one: ~8 ms of the ~17 ms this took), and the rest is
 * node 20 building a Stats object with four Dates per file (lazy from node 22 on).
 */
function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    const mtime = entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs;
    if (mtime > newest) newest = mtime;
  }
  return newest;
}

/** The file whose mtime is the last build's (build-dist.js writes it after a build). */
const stampOf = (root) => join(root, 'node_modules', '.cache', 'hbsim', 'build-stamp');

/** True when `root` is a checkout whose dist/ is missing or older than its sources. */
function isStale(root) {
  if (!existsSync(join(root, 'src', 'cli', 'main.ts'))) return false;
  const stamp = stampOf(root);
  const sources = Math.max(newestMtime(join(root, 'src')), statSync(join(root, 'tsconfig.build.json')).mtimeMs, statSync(join(root, 'tsconfig.json')).mtimeMs);
  return !(existsSync(stamp) && existsSync(join(root, 'dist', 'cli', 'main.js')) && statSync(stamp).mtimeMs >= sources);
}

module.exports = { newestMtime, stampOf, isStale };
