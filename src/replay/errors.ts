/** A recorded log that cannot be read: where (file:line) and what was expected. */
export class TraceInputError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | null,
    readonly detail: string,
  ) {
    super(`${file}${line === null ? '' : `:${line}`}: ${detail}`);
    this.name = 'TraceInputError';
  }
}
