/** hbsim's version, from package.json (resolved from the package root, as from src/ or dist/), for the results file's `tool.version`. */
import { readFileSync } from 'node:fs';

let cached: string | undefined;

export function toolVersion(): string {
  if (cached === undefined) {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    cached = typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  }
  return cached;
}
