/**
 * Issue 16 item 1, for `hbsim merge`: partial results files are read like every
 * other file a user names — a regular file only, at most MAX_PART_BYTES — so a FIFO,
 * /dev/zero or a huge file named as a part is refused at once with exit 2 instead of
 * hanging or filling memory (it was readFileSync).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_PART_BYTES } from '../../src/cli/commands/merge.js';
import { cli, tempDir, TINY, writeScenario } from './support.js';

describe('hbsim merge reads its parts bounded', () => {
  const dir = tempDir('hbsim-h16-merge-');
  const parts = join(dir, 'parts');

  it('two real shards still merge (exit 0)', async () => {
    const file = writeScenario(dir, TINY.replace('replications: 1', 'replications: 2'));
    for (const i of [1, 2]) expect((await cli(['run', file, '--out', parts, '--shard', `${i}/2`, '--no-pause-survival'])).code).toBe(0);
    const names = readdirSync(parts).filter((f) => f.endsWith('.json'));
    expect(names).toHaveLength(2);
    const r = await cli(['merge', parts, '--out', join(dir, 'merged'), '--no-report']);
    expect(r.code, r.stderr).toBe(0);
  });

  it('a FIFO part, named or inside a folder, is refused at once', async () => {
    const fifo = join(dir, 'pipe.shard-1-of-2.json');
    execFileSync('mkfifo', [fifo]);
    const started = performance.now();
    const named = await cli(['merge', fifo, '--out', join(dir, 'o1'), '--no-report']);
    expect(named.code).toBe(2);
    expect(named.stderr).toContain(`${fifo}: is a pipe (FIFO), not a regular file`);
    const folder = join(dir, 'fifo-folder');
    mkdirSync(folder);
    execFileSync('mkfifo', [join(folder, 't.shard-1-of-1.json')]);
    const inFolder = await cli(['merge', folder, '--out', join(dir, 'o2'), '--no-report']);
    expect(inFolder.code).toBe(2);
    expect(inFolder.stderr).toContain('t.shard-1-of-1.json: is a pipe (FIFO), not a regular file');
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('/dev/zero as a part is refused without reading', async () => {
    const r = await cli(['merge', '/dev/zero', '--out', join(dir, 'o3'), '--no-report']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('/dev/zero: is a character device (such as /dev/zero), not a regular file');
  });

  it('a part one byte over the limit is refused by its size, naming the limit, without reading it', async () => {
    const big = join(dir, 'big.shard-1-of-1.json');
    writeFileSync(big, '');
    truncateSync(big, MAX_PART_BYTES + 1); // sparse: no disk, no read
    const started = performance.now();
    const r = await cli(['merge', big, '--out', join(dir, 'o4'), '--no-report']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${big}: is ${MAX_PART_BYTES + 1} bytes; a partial results file is at most ${MAX_PART_BYTES} bytes`);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
