// A module hook for test/package/compiled.test.ts: appends every bare package a
// process imports to the file named by HBSIM_SPY_FILE (one name per line), and every
// file of dist/bundle/ it loads as `bundle:<file>`.
import { appendFileSync } from 'node:fs';
import { register } from 'node:module';

if (process.env.HBSIM_SPY_FILE) {
  register(new URL(import.meta.url), { data: { file: process.env.HBSIM_SPY_FILE } });
}

let file;
export function initialize(data) {
  file = data?.file;
}

export async function resolve(specifier, context, next) {
  if (file && !specifier.startsWith('.') && !specifier.startsWith('node:') && !specifier.startsWith('file:') && !specifier.startsWith('/')) {
    appendFileSync(file, `${specifier}\n`);
  }
  const resolved = await next(specifier, context);
  // Files of the bundle (dist/bundle/), by name: which chunks a command loaded.
  const bundled = file ? /\/dist\/bundle\/([^/]+\.js)$/.exec(resolved.url) : null;
  if (bundled) appendFileSync(file, `bundle:${bundled[1]}\n`);
  return resolved;
}
