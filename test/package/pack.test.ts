/**
 * The package as a user gets it (#14 item 1): `npm pack`, installed into an empty
 * project, then the CLI (`npx hbsim --version`, a preset on two worker threads, the
 * help's documentation links) and a TypeScript file importing the library, type-checked
 * with this project's tsc and run. The installed package has no tsx and no TypeScript:
 * everything runs from dist/. One test, because installing is the slow part (about
 * 10-20 s from npm's cache on an idle machine).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const dir = mkdtempSync(join(tmpdir(), 'hbsim-pack-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }), 120_000);

const CONSUMER = `import { check, loadScenario, run, type CheckResult, type ResultsFile } from 'hbsim';

const scenario = loadScenario('k8s', { set: { duration: '20m', replications: 1 } });
const results: ResultsFile = await run(scenario, { workers: 2, pauseSurvival: false });
// A threshold a 20-minute run can always decide (a crash may or may not happen in it).
const verdict: CheckResult = check(results, { 'false_suspicions.per_node_day': '<= 100' });
console.log(JSON.stringify({ schema: results.schema, cells: results.cells.length, passed: verdict.passed }));
`;

/** A mistake the type checker must catch, so a test that type-checks proves something. */
const WRONG = `import { run } from 'hbsim';\nawait run('k8s');\n`;

function npm(args: readonly string[], cwd: string): { status: number; out: string } {
  const r = spawnSync('npm', [...args, '--no-audit', '--no-fund', '--prefer-offline'], { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } });
  return { status: r.status ?? 1, out: `${r.stdout}${r.stderr}` };
}

describe('the packed tarball, installed into an empty project', () => {
  it('installs without script warnings and runs the CLI and a type-checked TypeScript consumer', { timeout: 240_000 }, () => {
    // dist/ is already built (test/support/build-dist.ts); --ignore-scripts keeps `npm pack` from rebuilding it under other tests' feet.
    const packed = npm(['pack', '--ignore-scripts', '--pack-destination', dir], ROOT);
    expect(packed.status, packed.out).toBe(0);
    const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'))!;
    expect(packed.out).toMatch(/LICENSE/);
    expect(packed.out).not.toMatch(/src\/\S+\.ts\s/);

    const project = join(dir, 'project');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    const installed = npm(['install', join(dir, tarball)], project);
    expect(installed.status, installed.out).toBe(0);
    expect(installed.out).not.toMatch(/install-scripts|deprecated/);
    const pkg = join(project, 'node_modules', 'hbsim');
    expect(existsSync(join(pkg, 'node_modules', 'tsx')) || existsSync(join(project, 'node_modules', 'tsx'))).toBe(false);

    const hbsim = (args: readonly string[]) => spawnSync('npx', ['--no-install', 'hbsim', ...args], { cwd: project, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    const version = hbsim(['--version']);
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);

    const ran = hbsim(['run', 'k8s', '--set', 'duration=20m', '--set', 'replications=1', '--no-pause-survival', '--workers', '2', '--out', 'out']);
    expect(ran.stderr + ran.stdout).not.toMatch(/error/i);
    expect(ran.status).toBe(0);
    expect(existsSync(join(project, 'out', 'k8s.json'))).toBe(true);
    expect(readFileSync(join(project, 'out', 'k8s.html'), 'utf8')).toMatch(/<\/html>\s*$/);

    // Every document the help points to is in the package.
    const help = hbsim(['--help']).stdout + hbsim(['run', '--help']).stdout;
    const cited = [...help.matchAll(/docs\/[\w-]+\.md/g)].map((m) => m[0]);
    expect(cited.length).toBeGreaterThan(0);
    expect(cited.filter((doc) => !existsSync(join(pkg, doc)))).toEqual([]);

    // The library, type-checked with the consumer's settings (strict, nodenext) and run.
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'nodenext', target: 'es2023', strict: true, outDir: 'build', types: [] }, include: ['main.ts'] }));
    writeFileSync(join(project, 'main.ts'), CONSUMER);
    execFileSync(process.execPath, [TSC, '-p', 'tsconfig.json'], { cwd: project, encoding: 'utf8' });
    const out = JSON.parse(execFileSync(process.execPath, ['build/main.js'], { cwd: project, encoding: 'utf8' })) as unknown;
    expect(out).toEqual({ schema: 'hbsim.results/1', cells: expect.any(Number), passed: true });

    writeFileSync(join(project, 'main.ts'), WRONG);
    const wrong = spawnSync(process.execPath, [TSC, '-p', 'tsconfig.json', '--noEmit'], { cwd: project, encoding: 'utf8' });
    expect(wrong.status).not.toBe(0);
    expect(wrong.stdout).toMatch(/TS2345/);
  });
});
