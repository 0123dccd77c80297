#!/usr/bin/env node
// The installed `hbsim` command: runs the compiled CLI (dist/, built by `npm run build`,
// which `npm ci`/`npm install` run in a clone through the `prepare` script). No
// TypeScript is compiled at run time.
try {
  await import('../dist/cli/main.js');
} catch (error) {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/cli/main.js')) {
    process.stderr.write('hbsim: dist/ is missing; run `npm run build` (or `npm ci`, which builds it) first\n');
    process.exitCode = 2;
  } else {
    throw error;
  }
}
