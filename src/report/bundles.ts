/**
 * The three UMD bundles the page inlines (vega, vega-lite, vega-embed, in that
 * order: each expects the globals of the ones before it), read once from the
 * installed packages. vega-embed exports only ".", so the bundles are found beside
 * each package's resolved entry point rather than by a subpath.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BUNDLES = [
  ['vega', 'vega.min.js'],
  ['vega-lite', 'vega-lite.min.js'],
  ['vega-embed', 'vega-embed.min.js'],
] as const;

function entryDir(pkg: string): string {
  // import.meta.resolve is synchronous on Node 20; test runners that transform modules may lack it.
  const resolved = typeof import.meta.resolve === 'function' ? fileURLToPath(import.meta.resolve(pkg)) : createRequire(import.meta.url).resolve(pkg);
  return dirname(resolved);
}

export interface Bundle {
  readonly name: string;
  readonly code: string;
}

let cache: readonly Bundle[] | undefined;

/** The bundles' code; throws if one could end the inline <script> it goes into. */
export function scriptBundles(): readonly Bundle[] {
  cache ??= BUNDLES.map(([pkg, file]) => {
    const code = readFileSync(join(entryDir(pkg), file), 'utf8');
    if (/<\/script|<!--/i.test(code)) throw new Error(`${pkg}/${file} contains "</script" or "<!--" and cannot be inlined`);
    return { name: pkg, code };
  });
  return cache;
}
