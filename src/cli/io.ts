/**
 * What a command may touch of the outside world, passed in rather than taken from
 * `process`, so tests can run commands in-process and see exactly what they print.
 */

export interface OutStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface CliIo {
  readonly stdout: OutStream;
  readonly stderr: OutStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Aborted when the user asks the run to stop (Ctrl-C). */
  readonly signal?: AbortSignal;
}

/** Wrong use of the command line (a missing argument, conflicting options): exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * The real process. The first Ctrl-C asks the running command to stop cleanly (it
 * ends its workers and writes nothing partial); a second one kills the process as usual.
 */
export function processIo(): CliIo {
  const controller = new AbortController();
  const onInterrupt = () => {
    process.off('SIGINT', onInterrupt);
    controller.abort();
  };
  process.on('SIGINT', onInterrupt);
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, signal: controller.signal };
}
