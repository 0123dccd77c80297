/**
 * Issue #16 item 9 (replay input): a replay log the tool cannot read faithfully is refused
 * with file:line and exit code 2 — never accepted silently, never reported without a place.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/cli.js';
import type { CliIo } from '../../src/cli/io.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s) }, env: {} };
  return { io, stdout: () => out.join(''), stderr: () => err.join('') };
}

async function replay(text: string, extra: readonly string[] = []): Promise<{ code: number; stderr: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'hbsim-replay-input-'));
  const log = join(dir, 'log.csv');
  writeFileSync(log, text);
  const c = capture();
  const code = await runCli(['replay', log, '--out', dir, '--no-report', ...extra], c.io);
  return { code, stderr: c.stderr() };
}

/** Rows of node a beating every second from `from` (seconds). */
function beats(n: number, from = 0): string[] {
  return Array.from({ length: n }, (_, k) => `a,${from + k}`);
}

describe('replay input: header only', () => {
  it('a header with no data rows is refused at the header line, exit 2', async () => {
    const r = await replay('node,arrival\n');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/log\.csv:1: .*no heartbeat records/);
    expect(r.stderr).not.toMatch(/at least one node/);
  });

  it('counts comments and blank lines when naming the header line', async () => {
    const r = await replay('# exported 2026-12-04\n\nnode,arrival,seq\n# nothing else\n');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/log\.csv:3: .*no heartbeat records/);
  });
});

describe('replay input: times the engine cannot represent', () => {
  it('1e308 is refused with its line and the limit, not "NaNus"', async () => {
    const r = await replay(['node,arrival', ...beats(5), 'a,1e308', ...beats(3, 10)].join('\n'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/log\.csv:7: arrival .*2\^53 µs/);
    expect(r.stderr).not.toMatch(/NaN/);
  });

  it('a sent time out of range is refused too', async () => {
    const r = await replay(['node,arrival,seq,sent', 'a,1,1,0.9', 'a,2,2,1e300', 'a,3,3,2.9'].join('\n'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/log\.csv:3: sent .*2\^53 µs/);
  });

  it('the limit holds in the unit given: 1e10 s is too far, 1e10 µs is fine', async () => {
    const far = await replay(['node,arrival', 'a,1e10', 'a,10000000001', 'a,10000000002'].join('\n'));
    expect(far.code).toBe(2);
    expect(far.stderr).toMatch(/log\.csv:2: arrival .*2\^53 µs/);
    const near = await replay(['node,arrival', 'a,1e10', 'a,10001000000', 'a,10002000000'].join('\n'), ['--unit', 'us']);
    expect(near.code, near.stderr).toBe(0);
  });

  it('epoch nanoseconds (beyond 2^53 if read as seconds) still replay: the range is checked in the unit chosen', async () => {
    const rows = Array.from({ length: 10 }, (_, k) => `a,${1_764_800_000_000_000_000 + k * 1_000_000_000}`);
    const r = await replay(['node,arrival', ...rows].join('\n'));
    expect(r.code, r.stderr).toBe(0);
  });

  it('an ISO timestamp beyond the limit is refused (2^53 µs after 1970 is in 2255)', async () => {
    const r = await replay(['node,arrival', 'a,2026-12-04T10:00:01Z', 'a,2300-01-01T00:00:00Z'].join('\n'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/log\.csv:3: arrival 2300-01-01T00:00:00Z is out of range; .*2\^53 µs/);
  });

  it('a time just below the limit is accepted (the bound is not too strict)', async () => {
    // 9e9 s = 9e15 µs < 2^53 µs ≈ 9.007e15.
    const r = await replay(['node,arrival', 'a,9000000000', 'a,9000000001', 'a,9000000002', 'a,9000000003'].join('\n'));
    expect(r.code, r.stderr).toBe(0);
  });
});

describe('replay input: numeric and ISO times mixed', () => {
  it('refuses the first row of the other kind (numeric log, ISO row)', async () => {
    const r = await replay(['node,arrival', 'a,1', 'a,2', 'a,2026-12-04T10:00:03Z', 'a,4'].join('\n'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/log\.csv:4: .*ISO-8601.*numeric/);
  });

  it('refuses the first row of the other kind (ISO log, numeric row)', async () => {
    const r = await replay(['node,arrival', 'a,2026-12-04T10:00:01Z', 'a,2026-12-04T10:00:02Z', 'a,3', 'a,2026-12-04T10:00:04Z'].join('\n'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/log\.csv:4: .*number.*ISO-8601/);
  });

  it('a numeric sent column beside ISO arrivals is refused', async () => {
    const r = await replay(['node,arrival,seq,sent', 'a,2026-12-04T10:00:01Z,1,2026-12-04T10:00:00.9Z', 'a,2026-12-04T10:00:02Z,2,1.9'].join('\n'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/log\.csv:3: sent/);
  });

  it('an all-ISO log still replays', async () => {
    const rows = Array.from({ length: 10 }, (_, k) => `a,2026-12-04T10:00:${String(k).padStart(2, '0')}Z`);
    const r = await replay(['node,arrival', ...rows].join('\n'));
    expect(r.code, r.stderr).toBe(0);
  });
});

describe('replay input: non-decimal numbers', () => {
  for (const bad of ['0x10', '0b101', '0o17', 'Infinity', '-Infinity', 'NaN', '1_000', '.', '1e']) {
    it(`arrival "${bad}" is refused with its line`, async () => {
      const r = await replay(['node,arrival', ...beats(3), `a,${bad}`, ...beats(3, 5)].join('\n'));
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/log\.csv:5: arrival must be a number of s or an ISO-8601 timestamp, got "/);
      if (!['1_000', '.', '1e'].includes(bad)) expect(r.stderr).toMatch(/numbers are written in decimal/);
    });
  }

  it('an empty arrival is refused with its line', async () => {
    const r = await replay(['node,arrival', ...beats(3), 'a,', ...beats(3, 5)].join('\n'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/log\.csv:5: missing arrival time/);
  });

  it('a hex sent time is refused with its line', async () => {
    const r = await replay(['node,arrival,seq,sent', 'a,1,1,0.9', 'a,2,2,0x2'].join('\n'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/log\.csv:3: sent must be a number of s or an ISO-8601 timestamp, got "0x2"; numbers are written in decimal/);
  });

  it('decimal forms stay accepted: signs, fractions, exponents', async () => {
    const r = await replay(['node,arrival', 'a,+1', 'a,2.0', 'a,3e0', 'a,4.000E+0', 'a,.5e1', 'a,6.'].join('\n'));
    expect(r.code, r.stderr).toBe(0);
  });
});
