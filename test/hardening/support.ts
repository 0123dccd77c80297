/** Helpers for the hardening tests: the CLI in-process with captured output, and a tiny scenario. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/cli.js';
import type { CliIo } from '../../src/cli/io.js';

export interface Captured {
  readonly io: CliIo;
  stdout(): string;
  stderr(): string;
}

export function capture(signal?: AbortSignal): Captured {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s) }, env: {}, ...(signal ? { signal } : {}) };
  return { io, stdout: () => out.join(''), stderr: () => err.join('') };
}

export async function cli(argv: readonly string[], signal?: AbortSignal): Promise<{ code: number; stdout: string; stderr: string }> {
  const c = capture(signal);
  const code = await runCli(argv, c.io);
  return { code, stdout: c.stdout(), stderr: c.stderr() };
}

export function tempDir(prefix = 'hbsim-h16-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A scenario that runs in a few milliseconds: 2 nodes, 1 minute, one replication. */
export const TINY = 'name: tiny\nduration: 1m\nwarmup: 10s\nreplications: 1\ncluster: { nodes: 2 }\nheartbeat: { interval: 1s }\ndetector: { kind: timeout, timeout: 3x }\n';

export function writeScenario(dir: string, text: string, file = 'tiny.yaml'): string {
  const path = join(dir, file);
  writeFileSync(path, text);
  return path;
}
