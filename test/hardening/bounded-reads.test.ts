/**
 * Issue 16 item 1: every file a user names is read with a bound. Non-regular files
 * (devices, FIFOs, directories) are refused before any read, a regular file is read
 * to at most its limit, and errors say what is wrong with the file, never what it holds.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileReadError, readBoundedFile } from '../../src/io/bounded-read.js';
import { cli, tempDir, TINY, writeScenario } from './support.js';

const refusal = (f: () => unknown): FileReadError => {
  try {
    f();
  } catch (e) {
    if (e instanceof FileReadError) return e;
    throw e;
  }
  throw new Error('expected a FileReadError');
};

describe('readBoundedFile', () => {
  it('refuses a character device, a FIFO and a directory without reading', () => {
    const dir = tempDir();
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const started = performance.now();
    expect(refusal(() => readBoundedFile('/dev/zero', 1000, 'a file')).message).toMatch(/character device/);
    expect(refusal(() => readBoundedFile(fifo, 1000, 'a file')).message).toMatch(/pipe \(FIFO\)/);
    expect(refusal(() => readBoundedFile(dir, 1000, 'a file')).message).toMatch(/directory/);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('reads a file up to its limit and refuses one byte more, naming the limit', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'ten'), '0123456789');
    expect(readBoundedFile(join(dir, 'ten'), 10, 'a file').toString()).toBe('0123456789');
    const e = refusal(() => readBoundedFile(join(dir, 'ten'), 9, 'a test file'));
    expect(e.message).toBe('is 10 bytes; a test file is at most 9 bytes');
    expect(refusal(() => readBoundedFile(join(dir, 'missing'), 9, 'a file')).message).toBe('no such file');
  });
});

describe('the CLI reads nothing unbounded', () => {
  it('validate /dev/zero and a FIFO: exit 2 at once', async () => {
    const dir = tempDir();
    const fifo = join(dir, 'pipe.yaml');
    execFileSync('mkfifo', [fifo]);
    const zero = await cli(['validate', '/dev/zero']);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toBe('/dev/zero: is a character device (such as /dev/zero), not a regular file\n');
    const pipe = await cli(['validate', fifo]);
    expect(pipe.code).toBe(2);
    expect(pipe.stderr).toMatch(/pipe\.yaml: is a pipe \(FIFO\), not a regular file\n$/);
  });

  it('replay /dev/zero: exit 2 at once', async () => {
    const r = await cli(['replay', '/dev/zero', '--format', 'csv', '--no-report']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('hbsim: cannot read /dev/zero: is a character device (such as /dev/zero), not a regular file\n');
  });

  it('an empirical law read from /dev/zero or a directory is refused with the scenario location', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'sub'));
    for (const [csv, why] of [['/dev/zero', 'character device'], ['sub', 'is a directory']] as const) {
      const path = writeScenario(dir, `${TINY}link: { delay: { dist: empirical, csv: ${csv} } }\n`);
      const r = await cli(['validate', path]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`tiny\\.yaml:\\d+:\\d+ link\\.delay\\.csv: .*${why}`));
    }
  });

  it('an error about a sample file does not echo its content', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'secret.csv'), 'user:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n');
    const path = writeScenario(dir, `${TINY}link: { delay: { dist: empirical, csv: secret.csv } }\n`);
    const r = await cli(['validate', path]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/secret\.csv:2:1/);
    expect(r.stderr).not.toMatch(/daemon|nologin|root/);
  });

  it('a baseline that is a link to /dev/zero is bad input (exit 2), not a hang', async () => {
    const dir = tempDir();
    const scenario = writeScenario(dir, TINY);
    const baselines = join(dir, 'baselines');
    mkdirSync(baselines);
    symlinkSync('/dev/zero', join(baselines, 'tiny.json'));
    const r = await cli(['check', scenario, '--baseline', baselines, '--no-report', '--out', join(dir, 'out')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/baseline .*tiny\.json cannot be read: is a character device/);
  });

  it('a scenario file with bare CR line ends is refused as such, not as empty', async () => {
    const dir = tempDir();
    const path = writeScenario(dir, '# a comment\r# another\rname: x\r');
    const r = await cli(['validate', path]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/tiny\.yaml:1:12: has a bare CR line end/);
  });
});
