/**
 * What goes wrong in a scenario, said so that a person can fix it: where (file,
 * line, column, or the `--set` that caused it), which field (dotted path), what
 * was expected and what was found, and the likeliest intended spelling.
 *
 * `ScenarioError` is the only exception the loader lets out. The CLI prints its
 * lines and exits with code 2; nothing here knows about exit codes.
 */

export interface ScenarioIssue {
  /** The file as named by the user (or a preset's path); "" when the text had no file. */
  readonly file: string;
  /** 1-based; absent when the problem has no place in the file (e.g. it came from --set). */
  readonly line?: number;
  readonly column?: number;
  /** The override that introduced the offending value, as typed (`--set link.loss=2%`), if any. */
  readonly set?: string;
  /** Dotted field path ("link.delay.dist", "faults.0.crash.mttf"); "" for the document itself. */
  readonly path: string;
  /** The whole sentence when there is no expected/got pair (cross-field rules, syntax errors). */
  readonly message: string;
  /** What the field accepts ("a duration such as 250ms, 1.5s, 5m, 1h or 1d"). */
  readonly expected?: string;
  /** What was found, already quoted for display ("\"expo\"", "150", "nothing"). */
  readonly got?: string;
  /** The likeliest intended name or value. */
  readonly suggestion?: string;
}

/** Where an issue points, as `file:line:col`, `file` or the override (`--set link.loss=2%`). */
export function issueLocation(issue: ScenarioIssue): string {
  if (issue.set !== undefined) return issue.set;
  if (issue.line !== undefined) return `${issue.file}:${issue.line}:${issue.column ?? 1}`;
  return issue.file;
}

/** One line: `file.yaml:7:3 link.delay.dist: expected …, got "expo" (did you mean "exponential"?)`. */
export function formatIssue(issue: ScenarioIssue): string {
  const where = issueLocation(issue);
  // A --set names its path already; repeat the path only when the problem is deeper inside the value.
  const named = issue.set !== undefined && issue.set.includes(`${issue.path}=`);
  const path = issue.path !== '' && !named ? issue.path : '';
  const head = where === '' ? path : path === '' ? where : `${where} ${path}`;
  const hint = issue.suggestion === undefined ? '' : ` (did you mean "${issue.suggestion}"?)`;
  return `${head === '' ? '' : `${head}: `}${issue.message}${hint}`;
}

export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
  readonly issues: readonly ScenarioIssue[];

  constructor(issues: readonly ScenarioIssue[]) {
    if (issues.length === 0) throw new RangeError('a ScenarioError needs at least one issue');
    super(issues.map(formatIssue).join('\n'));
    this.issues = issues;
  }

  /** The first issue's fields, for the common one-problem case. */
  get file(): string {
    return this.issues[0]!.file;
  }
  get line(): number | undefined {
    return this.issues[0]!.line;
  }
  get column(): number | undefined {
    return this.issues[0]!.column;
  }
  get path(): string {
    return this.issues[0]!.path;
  }
  get expected(): string | undefined {
    return this.issues[0]!.expected;
  }
  get got(): string | undefined {
    return this.issues[0]!.got;
  }
  get suggestion(): string | undefined {
    return this.issues[0]!.suggestion;
  }
}

/** Shows a found value the way the user would have typed it. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null (an empty value)';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (ArrayBuffer.isView(value)) return 'binary data';
  if (typeof value === 'object') return 'a map (key: value)';
  return typeof value;
}
