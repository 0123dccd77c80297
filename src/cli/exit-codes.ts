/**
 * The process exit codes of `hbsim`, documented in docs/cli.md. Scripts and the
 * CI gate rely on them, so they never change meaning.
 */
export const ExitCode = {
  /** Everything asked for was done. */
  ok: 0,
  /** The run worked but a check failed (the CI gate's verdict). */
  checkFailed: 1,
  /** Bad input: a scenario that does not validate, a bad --set, an unknown option or command. */
  badInput: 2,
  /** A bug in hbsim: an unexpected exception. */
  internalError: 3,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
