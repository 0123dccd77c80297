/**
 * Vitest global setup: tests that spawn bin/hbsim.js, and the library example that
 * imports 'hbsim', run the compiled dist/. Build it now if src/ is newer, once, before
 * test files run in parallel (bin/build-dist.js would otherwise race to build it).
 */
import { fileURLToPath } from 'node:url';
// @ts-expect-error plain JS module without declarations
import { buildIfStale } from '../../bin/build-dist.js';

export default async function setup(): Promise<void> {
  await (buildIfStale as (root: string, options?: { log?: (line: string) => void }) => Promise<boolean>)(fileURLToPath(new URL('../../', import.meta.url)), { log: () => {} });
}
