/**
 * The three UMD bundles the page inlines (vega, vega-lite, vega-embed, in that
 * order: each expects the globals of the ones before it), read once from the
 * installed packages. vega-embed exports only ".", so the bundles are found beside
 * each package's resolved entry point rather than by a subpath.
 */
import { existsSync, readFileSync } from 'node:fs';
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

const versions = new Map<string, string>();

/**
 * The version of an installed package, from the package.json above its resolved entry
 * point (a package's "exports" may not list its package.json); read once.
 */
export function installedVersion(pkg: string): string {
  let version = versions.get(pkg);
  if (version === undefined) {
    for (let dir = entryDir(pkg); version === undefined; dir = dirname(dir)) {
      const path = join(dir, 'package.json');
      const manifest = (existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : {}) as { name?: unknown; version?: unknown };
      if (manifest.name === pkg && typeof manifest.version === 'string') version = manifest.version;
      else if (dirname(dir) === dir) throw new Error(`cannot find the package.json of ${pkg}`);
    }
    versions.set(pkg, version);
  }
  return version;
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
