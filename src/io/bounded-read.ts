/**
 * Reads a file the user named, never more than a stated limit: scenario files,
 * sample CSVs, replay logs and baselines all come through here. A path may name
 * anything — a FIFO that never ends, /dev/zero, a directory, a 40 GB log — so the
 * file is opened first, its descriptor checked to be a regular file (fstat on the
 * open descriptor, so a swap between check and read cannot slip through), and then
 * at most `limit + 1` bytes are read: one more than allowed tells "too large" from
 * "exactly at the limit" without reading the rest.
 *
 * Failures are a `FileReadError` whose message says what is wrong with the file,
 * never what it contains (an error must not echo lines of /etc/passwd). Opening
 * uses O_NONBLOCK so that a FIFO with no writer does not block the open itself.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

export class FileReadError extends Error {
  override readonly name = 'FileReadError';
  /** errno code when the system refused (ENOENT, EACCES …), else the kind of refusal. */
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

/** Why a path cannot be read, in words (no errno jargon, no content). */
function reasonOf(code: string | undefined): string {
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EISDIR':
      return 'is a directory, not a file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    case 'ELOOP':
      return 'too many symbolic links';
    case 'ENAMETOOLONG':
      return 'the path is too long';
    default:
      return `cannot be read (${code ?? 'unknown error'})`;
  }
}

/** What a non-regular file is, for the message. */
function kindOf(stat: import('node:fs').Stats): string {
  if (stat.isDirectory()) return 'is a directory, not a file';
  if (stat.isFIFO()) return 'is a pipe (FIFO), not a regular file';
  if (stat.isCharacterDevice()) return 'is a character device (such as /dev/zero), not a regular file';
  if (stat.isBlockDevice()) return 'is a block device, not a regular file';
  if (stat.isSocket()) return 'is a socket, not a regular file';
  return 'is not a regular file';
}

/**
 * The bytes of a regular file of at most `limit` bytes. `what` names the file's
 * role in messages ("a scenario file", "a replay log").
 */
export function readBoundedFile(path: string, limit: number, what: string): Buffer {
  if (path === '') throw new FileReadError('EEMPTY', 'the path is empty');
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new FileReadError(code ?? 'EUNKNOWN', reasonOf(code));
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new FileReadError('ENOTREG', kindOf(stat));
    if (stat.size > limit) throw new FileReadError('ETOOBIG', `is ${stat.size} bytes; ${what} is at most ${limit} bytes`);
    // The size can change under us (a log still being written): read until the end or limit + 1.
    const chunks: Buffer[] = [];
    let length = 0;
    while (length <= limit) {
      const chunk = Buffer.allocUnsafe(Math.min(1 << 20, limit + 1 - length));
      let n: number;
      try {
        n = readSync(fd, chunk, 0, chunk.length, null);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') break;
        throw new FileReadError(code ?? 'EUNKNOWN', reasonOf(code));
      }
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      length += n;
    }
    if (length > limit) throw new FileReadError('ETOOBIG', `grew beyond ${limit} bytes while being read; ${what} is at most ${limit} bytes`);
    return Buffer.concat(chunks, length);
  } finally {
    closeSync(fd);
  }
}

/** The text of a bounded file as UTF-8, without a leading byte-order mark. */
export function readBoundedText(path: string, limit: number, what: string): string {
  const text = readBoundedFile(path, limit, what).toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
