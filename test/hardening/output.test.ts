/**
 * Issue 16 items 6 and 7: the results pair never mixes two runs, concurrent runs on
 * one name do not interleave, and --out is checked before any simulation.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { embeddedDigest, lockOutput, resultsDigest, writeResultsPair } from '../../src/io/output-pair.js';
import { cli, tempDir, TINY, writeScenario } from './support.js';

const run = (scenario: string, out: string, ...extra: string[]) => cli(['run', scenario, '--no-pause-survival', '--workers', '1', '--out', out, ...extra]);

describe('--out', () => {
  it('"" is refused before anything runs', async () => {
    const dir = tempDir();
    const r = await run(writeScenario(dir, TINY), '');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('hbsim: --out "": give a directory (--out . for the current one)\n');
  });

  it('a path that is a file, or an unwritable directory, is refused before simulating', async () => {
    const dir = tempDir();
    const scenario = writeScenario(dir, TINY.replace('duration: 1m', 'duration: 300d'));
    writeFileSync(join(dir, 'file'), 'x');
    const started = performance.now();
    const r = await run(scenario, join(dir, 'file'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--out .*file: (not a directory|cannot create the directory)/);
    // 300 days of 2 nodes take seconds to simulate; the refusal comes first.
    expect(performance.now() - started).toBeLessThan(1500);
    const check = await cli(['check', scenario, '--out', join(dir, 'file'), '--no-report']);
    expect(check.code).toBe(2);
  });
});

describe('the results pair', () => {
  it('the report embeds the digest of the results beside it; without a report, an older one is removed', async () => {
    const dir = tempDir();
    const scenario = writeScenario(dir, TINY);
    expect((await run(scenario, dir)).code).toBe(0);
    const json = readFileSync(join(dir, 'tiny.json'), 'utf8');
    const html = readFileSync(join(dir, 'tiny.html'), 'utf8');
    expect(embeddedDigest(html)).toBe(resultsDigest(json));
    // Another run without a report must not leave the first run's report beside its results.
    expect((await run(scenario, dir, '--no-report', '--seed', '7')).code).toBe(0);
    expect(existsSync(join(dir, 'tiny.html'))).toBe(false);
  });

  it('a failure while replacing the pair leaves the old results, never new results beside an old report', () => {
    const dir = tempDir();
    writeResultsPair(join(dir, 'a.json'), '{"old":1}', join(dir, 'a.html'), '<html><head></head></html>');
    // The report path becomes a non-empty directory: removing the old report fails.
    const html = join(dir, 'b.html');
    mkdirSync(join(html, 'x'), { recursive: true });
    writeFileSync(join(dir, 'b.json'), 'old');
    expect(() => writeResultsPair(join(dir, 'b.json'), '{"new":1}', html, '<html><head></head></html>')).toThrow();
    expect(readFileSync(join(dir, 'b.json'), 'utf8')).toBe('old');
    expect(embeddedDigest(readFileSync(join(dir, 'a.html'), 'utf8'))).toBe(resultsDigest('{"old":1}'));
  });

  it('a second run on the same name refuses while the first holds the lock; a stale lock (dead pid) is taken over', async () => {
    const dir = tempDir();
    const scenario = writeScenario(dir, TINY);
    const holder = spawn('sleep', ['30']);
    try {
      writeFileSync(join(dir, '.tiny.lock'), `${holder.pid}\n`);
      const busy = await run(scenario, dir);
      expect(busy.code).toBe(2);
      expect(busy.stderr).toBe(`hbsim: another hbsim run (pid ${holder.pid}) is writing ${join(dir, 'tiny')}.json; wait for it to finish, or give this run another --out or name\n`);
      expect(existsSync(join(dir, 'tiny.json'))).toBe(false);
    } finally {
      holder.kill('SIGKILL');
    }
    await new Promise((r) => holder.on('exit', r));
    const after = await run(scenario, dir);
    expect(after.code, after.stderr).toBe(0);
    expect(existsSync(join(dir, '.tiny.lock'))).toBe(false);
    // And the lock is exclusive in-process too.
    const lock = lockOutput(dir, 'other');
    expect(existsSync(join(dir, '.other.lock'))).toBe(true);
    lock.release();
    expect(existsSync(join(dir, '.other.lock'))).toBe(false);
  });
});
