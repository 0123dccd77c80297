/**
 * Docs as tests (#14 item 4): every command block of README.md and docs/*.md runs, as
 * written, from a clean temporary directory where `hbsim` and `npx hbsim` are this
 * checkout's (docs/writing-docs.md gives the fence annotations):
 *
 * - ```sh (or bash)         each command runs in order and must exit 0, or the N of a
 *                           trailing `# exit N` comment; blocks of one document share the
 *                           directory, so a later block sees the files of an earlier one;
 * - ```sh norun: why         shown, not run (needs a CI runner, a clone, a cluster);
 * - ```yaml file=PATH       written to PATH first (a scenario a later command uses);
 * - ```yaml scenario        a complete scenario: must pass `hbsim validate`;
 * - ```ts file=PATH         must equal the repository file PATH, which the suite runs;
 * - anything else (output, fragments, JSON examples) is not run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { commandsOf, fencesOf, type Fence } from './fences.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DOCS = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const scratch: string[] = [];
afterAll(() => scratch.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** An empty directory in which `hbsim` and `npx hbsim` are this checkout, as after `npm install hbsim`. */
function cleanProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hbsim-docs-'));
  scratch.push(dir);
  mkdirSync(join(dir, 'node_modules', '.bin'), { recursive: true });
  symlinkSync(ROOT, join(dir, 'node_modules', 'hbsim'), 'dir');
  symlinkSync(join(ROOT, 'bin', 'hbsim.js'), join(dir, 'node_modules', '.bin', 'hbsim'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'docs-test', private: true, devDependencies: { hbsim: '*' } }));
  return dir;
}

function sh(command: string, cwd: string): { status: number; output: string } {
  const env = { ...process.env, PATH: `${join(cwd, 'node_modules', '.bin')}:${process.env.PATH ?? ''}`, NO_COLOR: '1', npm_config_offline: 'true', npm_config_update_notifier: 'false' };
  const r = spawnSync('bash', ['-o', 'pipefail', '-c', command], { cwd, env, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status ?? -1, output: `${r.stdout}${r.stderr}`.slice(-2000) };
}

function runFence(fence: Fence, doc: string, dir: string): void {
  const where = `${doc}:${fence.line}`;
  if (fence.file !== undefined && fence.lang === 'ts') {
    expect(fence.body, `${where} must equal ${fence.file}`).toBe(readFileSync(join(ROOT, fence.file), 'utf8'));
    return;
  }
  if (fence.file !== undefined) {
    mkdirSync(dirname(join(dir, fence.file)), { recursive: true });
    writeFileSync(join(dir, fence.file), fence.body);
  }
  if (fence.scenario) {
    const path = fence.file ?? `.fence-${fence.line}.yaml`;
    if (fence.file === undefined) writeFileSync(join(dir, path), fence.body);
    const r = sh(`hbsim validate ${path}`, dir);
    expect(r.status, `${where}: hbsim validate\n${r.output}`).toBe(0);
  }
  if (fence.run) {
    for (const c of commandsOf(fence.body)) {
      const r = sh(c.command, dir);
      expect(r.status, `${where}+${c.line}: ${c.command}\n${r.output}`).toBe(c.exit);
    }
  }
}

describe('every command in the docs works as written', () => {
  for (const doc of DOCS) {
    const fences = fencesOf(readFileSync(join(ROOT, doc), 'utf8'));
    const checked = fences.filter((f) => f.run || f.scenario || f.file !== undefined);
    if (checked.length === 0) continue;
    it(`${doc} (${checked.length} blocks)`, { timeout: 600_000 }, () => {
      const dir = cleanProject();
      for (const fence of fences) runFence(fence, doc, dir);
      expect(existsSync(dir)).toBe(true);
    });
  }
});
