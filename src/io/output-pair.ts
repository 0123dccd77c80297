/**
 * Where a run writes: `<out>/<name>.json` and its report `<out>/<name>.html`, a pair
 * that must never mix two runs.
 *
 * - `requireWritableDir` checks --out before any simulation (a long run must not end
 *   in EACCES), and refuses an empty --out (which would scatter files in the cwd).
 * - `lockOutput` takes `<out>/.<name>.lock` (created exclusively, holding our pid) for
 *   the time a run simulates and writes; a second run on the same name refuses with
 *   the holder's pid. A lock whose pid is no longer alive (a SIGKILLed run) is stale:
 *   it is taken over.
 * - `writeResultsPair` writes both files so that no instant shows a mismatched pair:
 *   both go to temporary files first, the old HTML is removed, then the JSON and the
 *   HTML are renamed in that order. A crash in between leaves a JSON without a report,
 *   never a report of another run. The report embeds the results' digest
 *   (`<meta name="hbsim-results-digest">`), so a reader can check the pair.
 */
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, constants, accessSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Output problems are the user's to fix (exit 2); the CLI turns this into a UsageError. */
export class OutputError extends Error {
  override readonly name = 'OutputError';
}

export function requireWritableDir(dir: string, option = '--out'): void {
  if (dir.trim() === '') throw new OutputError(`${option} "": give a directory (--out . for the current one)`);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new OutputError(`${option} ${dir}: cannot create the directory (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir) throw new OutputError(`${option} ${dir}: not a directory`);
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch {
    throw new OutputError(`${option} ${dir}: the directory is not writable (permission denied)`);
  }
}

/** sha-256 of the results text, hex: what the report embeds. */
export function resultsDigest(json: string): string {
  return createHash('sha256').update(json, 'utf8').digest('hex');
}

/** The report's embedded digest, or null when it has none. */
export function embeddedDigest(html: string): string | null {
  return /<meta name="hbsim-results-digest" content="([0-9a-f]{64})">/.exec(html)?.[1] ?? null;
}

/** The report with the digest of its results in its head. */
export function withDigest(html: string, digest: string): string {
  const meta = `<meta name="hbsim-results-digest" content="${digest}">`;
  const head = html.indexOf('<head>');
  return head < 0 ? `${meta}\n${html}` : `${html.slice(0, head + 6)}\n${meta}${html.slice(head + 6)}`;
}

function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: alive, but another user's.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface OutputLock {
  release(): void;
}

/** Takes the lock of `<dir>/<name>` or throws OutputError naming the run holding it. */
export function lockOutput(dir: string, name: string): OutputLock {
  const path = join(dir, `.${name}.lock`);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o644);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      let held = true;
      return {
        release() {
          if (!held) return;
          held = false;
          rmSync(path, { force: true });
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new OutputError(`cannot lock ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)} (check --out)`);
    }
    let pid = Number.NaN;
    try {
      pid = Number(readFileSync(path, 'utf8').trim());
    } catch {
      // Removed meanwhile: try again.
    }
    if (pidAlive(pid) && pid !== process.pid) {
      throw new OutputError(`another hbsim run (pid ${pid}) is writing ${join(dir, name)}.json; wait for it to finish, or give this run another --out or name`);
    }
    // Stale: its run was killed before it could clean up.
    rmSync(path, { force: true });
  }
  throw new OutputError(`cannot lock ${path}: another run keeps taking it`);
}

function writeTemp(path: string, data: string): string {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fd = openSync(temp, 'wx', 0o644);
  try {
    const bytes = Buffer.from(data, 'utf8');
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return temp;
}

/**
 * Writes `<jsonPath>` and, when `html` is given, `<htmlPath>` with the results' digest
 * embedded, in an order that never shows a report of other results (see the header).
 * Without a report, an old report beside the new results is removed: it described
 * another run.
 */
export function writeResultsPair(jsonPath: string, json: string, htmlPath: string, html: string | null): void {
  mkdirSync(dirname(jsonPath), { recursive: true });
  const temps: string[] = [];
  try {
    const jsonTemp = writeTemp(jsonPath, json);
    temps.push(jsonTemp);
    const htmlTemp = html === null ? null : writeTemp(htmlPath, withDigest(html, resultsDigest(json)));
    if (htmlTemp !== null) temps.push(htmlTemp);
    rmSync(htmlPath, { force: true });
    renameSync(jsonTemp, jsonPath);
    if (htmlTemp !== null) renameSync(htmlTemp, htmlPath);
  } catch (e) {
    for (const t of temps) rmSync(t, { force: true });
    throw e;
  }
}
