/**
 * `npm run bench`: hbsim's speed where users run it, side by side with the SimPy model
 * and the hand-tuned JavaScript peer of ../shared/peers, in one run. A benchmark, not a
 * test: it prints tables and asserts nothing. Every figure says whether it is a whole
 * process (the command as a user types it) or in-process (the simulation call alone).
 *
 * Suites are the files in bench/suites/ (each default-exports a BenchSuite, see
 * bench/lib/suite.ts); adding a file adds a table, no registry to edit.
 *
 *   npm run bench                          every suite
 *   npm run bench -- --only heartbeat,scale   some suites (ids: the files' `id`)
 *   npm run bench -- --repeat 1            runs per measurement (default 3; fastest counts)
 *   npm run bench -- --simpy-runs 1        runs of the SimPy model of B (default 3; the median counts)
 *   npm run bench -- --quick               skip the slowest runs (1 M nodes)
 *   npm run bench -- --no-peer             hbsim only (no SimPy, no JS peer)
 *   npm run bench -- --json out.json       also write every table as JSON
 *   npm run bench -- --against DIR         also workloads A–C against another checkout
 *
 * On a shared machine wall times move with the load; CPU times (user + system) are
 * steadier, so ratios are shown on both. The machine's load average is printed.
 */
import { writeFileSync, readdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { printTable } from './lib/format.js';
import { gnuTimeAvailable } from './lib/measure.js';
import type { BenchContext, BenchSuite, BenchTable } from './lib/suite.js';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..');
const args = process.argv.slice(2);
const valueOf = (flag: string): string | undefined => (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined);
const only = valueOf('--only')?.split(',');
const jsonOut = valueOf('--json');

const context: BenchContext = {
  repo,
  repeat: Math.max(1, Number(valueOf('--repeat') ?? 3)),
  simpyRuns: Math.max(1, Number(valueOf('--simpy-runs') ?? 3)),
  quick: args.includes('--quick'),
  peers: !args.includes('--no-peer'),
  ...(valueOf('--against') === undefined ? {} : { against: valueOf('--against')! }),
  shared: new Map(),
  progress: (message) => console.error(`  … ${message}`),
};

const suiteFiles = readdirSync(resolve(here, 'suites')).filter((f) => f.endsWith('.ts'));
const suites: BenchSuite[] = [];
for (const file of suiteFiles) {
  const mod = (await import(pathToFileURL(resolve(here, 'suites', file)).href)) as { default: BenchSuite };
  suites.push(mod.default);
}
suites.sort((a, b) => a.order - b.order || a.id.localeCompare(b.id));
const unknown = (only ?? []).filter((id) => !suites.some((s) => s.id === id));
if (unknown.length > 0) {
  console.error(`unknown suite ${unknown.join(', ')}; expected one of ${suites.map((s) => s.id).join(', ')}`);
  process.exit(2);
}

const load = loadavg().map((l) => l.toFixed(1)).join(' ');
console.log(`hbsim benchmark — node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), load average ${load} at start`);
if (!gnuTimeAvailable) console.log('GNU time (/usr/bin/time) not found: whole-process CPU time and memory are not measured.');
const tables: BenchTable[] = [];
for (const suite of suites) {
  if (only && !only.includes(suite.id)) continue;
  console.error(`${suite.id}: ${suite.title}`);
  const table = await suite.run(context);
  tables.push(table);
  printTable(table);
}
console.log(`\nload average at the end: ${loadavg().map((l) => l.toFixed(1)).join(' ')} (more than ${cpus().length} means the figures are from a busy machine)`);
if (jsonOut) writeFileSync(jsonOut, `${JSON.stringify({ node: process.version, loadAverageAtStart: load, tables }, null, 2)}\n`);
