/**
 * docs/scale-out.md stays true: its shell example runs and merges into a single run's
 * bytes, its GitHub Actions workflow and Kubernetes manifests parse and wire shards to
 * the merge step consistently, and every field of a partial results file is named.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/cli.js';

const page = readFileSync(new URL('../../docs/scale-out.md', import.meta.url), 'utf8');
const blocks = (lang: string) => [...page.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);

async function hbsim(line: string, cwd: string): Promise<number> {
  const args = line.trim().split(/\s+/);
  expect(args[0]).toBe('hbsim');
  const io = { stdout: { write: () => {} }, stderr: { write: () => {} }, env: {} };
  const cwdBefore = process.cwd();
  process.chdir(cwd);
  try {
    return await runCli(args.slice(1), io);
  } finally {
    process.chdir(cwdBefore);
  }
}

describe('docs/scale-out.md', () => {
  it('shows shard and merge commands that run and give the bytes of a single run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hbsim-scale-docs-'));
    const lines = blocks('sh').flatMap((b) => b.split('\n').filter((l) => l.startsWith('hbsim ')));
    expect(lines).toEqual(['hbsim run seed-demo --shard 1/2 --out parts/', 'hbsim run seed-demo --shard 2/2 --out parts/', 'hbsim merge parts/ --out reports/']);
    for (const line of lines) expect(await hbsim(line, dir)).toBe(0);
    expect(await hbsim('hbsim run seed-demo --out single/', dir)).toBe(0);
    for (const file of ['seed-demo.json', 'seed-demo.html']) expect(readFileSync(join(dir, 'reports', file)).equals(readFileSync(join(dir, 'single', file)))).toBe(true);
  });

  it('gives a GitHub Actions matrix whose shard count, index and artifacts line up with its merge job', () => {
    const workflow = parse(blocks('yaml').find((b) => b.startsWith('# .github/workflows/'))!);
    const shard = workflow.jobs.shard;
    expect(shard.env.HBSIM_SHARD_COUNT).toBe(shard.strategy.matrix.shard.length);
    expect(shard.strategy.matrix.shard).toEqual([1, 2, 3, 4]);
    expect(shard.env.HBSIM_SHARD_INDEX).toBe('${{ matrix.shard }}');
    const run = shard.steps.find((s: { run?: string }) => s.run?.startsWith('npx hbsim run'));
    expect(run.run).toMatch(/--out parts\/$/);
    const upload = shard.steps.find((s: { uses?: string }) => s.uses?.startsWith('actions/upload-artifact'));
    expect(upload.with).toEqual({ name: 'hbsim-shard-${{ matrix.shard }}', path: 'parts/*.shard-*.json' });
    const merge = workflow.jobs.merge;
    expect(merge.needs).toBe('shard');
    const download = merge.steps.find((s: { uses?: string }) => s.uses?.startsWith('actions/download-artifact'));
    expect(download.with).toEqual({ pattern: 'hbsim-shard-*', 'merge-multiple': true, path: 'parts/' });
    expect(merge.steps.some((s: { run?: string }) => s.run === 'npx hbsim merge parts/ --out reports/')).toBe(true);
  });

  it('gives a Kubernetes Indexed Job whose completions are the shard count, and a merge Job reading the same volume', () => {
    const docs = parseAllDocuments(blocks('yaml').find((b) => b.startsWith('# hbsim-sweep.yaml'))!).map((d) => d.toJS());
    expect(docs.map((d) => `${d.kind}/${d.metadata.name}`)).toEqual(['Job/hbsim-sweep', 'Job/hbsim-merge']);
    const [sweep, merge] = docs;
    expect(sweep.spec.completionMode).toBe('Indexed');
    const container = sweep.spec.template.spec.containers[0];
    const count = container.env.find((e: { name: string }) => e.name === 'HBSIM_SHARD_COUNT').value;
    expect(Number(count)).toBe(sweep.spec.completions);
    expect(container.args[0]).toMatch(/hbsim@\S+ run \S+ .*--out \/results\/parts --resume$/);
    expect(merge.spec.template.spec.containers[0].args[0]).toMatch(/hbsim@\S+ merge \/results\/parts --out \/results\/reports$/);
    const claim = (job: typeof sweep) => job.spec.template.spec.volumes.find((v: { name: string }) => v.name === 'results').persistentVolumeClaim.claimName;
    expect(claim(merge)).toBe(claim(sweep));
    const version = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;
    expect(container.args[0]).toContain(`hbsim@${version} `);
  });

  it('names every field of a partial results file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hbsim-scale-docs-'));
    expect(await hbsim('hbsim run seed-demo --set detector.timeout=3s --shard 1/1 --no-pause-survival --out .', dir)).toBe(0);
    const partial = JSON.parse(readFileSync(join(dir, 'seed-demo.shard-1-of-1.json'), 'utf8'));
    const names = new Set<string>();
    const add = (o: object) => Object.keys(o).forEach((k) => names.add(k));
    add(partial);
    add(partial.tool);
    add(partial.identity);
    add(partial.shard);
    add(partial.recipe);
    add(partial.recipe.sets[0]);
    add(partial.outputs[0]);
    expect([...names].filter((n) => !page.includes(`\`${n}\``))).toEqual([]);
    expect(partial.schema).toBe('hbsim.partial/1');
  });
});
