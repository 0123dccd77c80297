/**
 * Keeps the generated parts of docs/scenarios.md in step with the code: the
 * field reference (from the zod schema) and the preset list (from the preset
 * files). Each part sits between `<!-- generated:NAME -->` and
 * `<!-- /generated:NAME -->`; everything else in the file is written by hand.
 *
 *   node --import tsx src/cli/docs.ts           rewrite docs/scenarios.md
 *   node --import tsx src/cli/docs.ts --check   exit 1 if it is stale
 *
 * test/scenarios/docs.test.ts fails when the committed file differs.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeFileAtomic } from '../io/atomic-write.js';
import { listPresets } from '../scenarios/load.js';
import { markdownFieldTable, scenarioFields } from '../scenarios/reference.js';

export const SCENARIO_DOCS_PATH = fileURLToPath(new URL('../../docs/scenarios.md', import.meta.url));

function presetTable(): string {
  const lines = ['| Preset | What it models |', '| --- | --- |'];
  for (const p of listPresets()) lines.push(`| \`${p.name}\`${p.isDefault ? ' (default)' : ''} | ${p.description.replace(/\|/g, '\\|')} |`);
  return `${lines.join('\n')}\n`;
}

export function generatedSections(): Readonly<Record<string, string>> {
  return { fields: markdownFieldTable(scenarioFields()), presets: presetTable() };
}

/** The document with every generated section replaced; throws if a marker pair is missing. */
export function updateGeneratedSections(markdown: string, sections = generatedSections()): string {
  let out = markdown;
  for (const [name, body] of Object.entries(sections)) {
    const open = `<!-- generated:${name} -->`;
    const close = `<!-- /generated:${name} -->`;
    const start = out.indexOf(open);
    const end = out.indexOf(close);
    if (start < 0 || end < start) throw new Error(`docs: markers ${open} … ${close} not found`);
    out = `${out.slice(0, start + open.length)}\n${body}${out.slice(end)}`;
  }
  return out;
}

function main(args: readonly string[]): number {
  const current = readFileSync(SCENARIO_DOCS_PATH, 'utf8');
  const next = updateGeneratedSections(current);
  if (args.includes('--check')) {
    if (next === current) return 0;
    process.stderr.write('docs/scenarios.md is out of date; run: npm run docs\n');
    return 1;
  }
  if (next !== current) writeFileAtomic(SCENARIO_DOCS_PATH, next);
  process.stdout.write(next === current ? 'docs/scenarios.md is up to date\n' : 'updated docs/scenarios.md\n');
  return 0;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = main(process.argv.slice(2));
}
