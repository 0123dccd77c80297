#!/usr/bin/env node
// The `hbsim` command: runs the compiled CLI in dist/. No TypeScript is compiled at
// run time; in a source checkout dist/ is (re)built first when src/ is newer
// (build-dist.js says why not a `prepare` script).
import { fileURLToPath } from 'node:url';
import { buildIfStale } from './build-dist.js';

try {
  buildIfStale(fileURLToPath(new URL('..', import.meta.url)));
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
}
await import('../dist/cli/main.js');
