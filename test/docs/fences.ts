/**
 * Fenced blocks of a Markdown document with their annotations (docs/writing-docs.md):
 * ```sh runs, ```sh norun does not, ```yaml file=PATH is written to PATH, ```yaml
 * scenario is validated, ```ts file=PATH must equal that repository file.
 */
export interface Fence {
  readonly lang: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly body: string;
  readonly run: boolean;
  readonly scenario: boolean;
  readonly file?: string;
}

const SHELLS = new Set(['sh', 'bash', 'shell']);

export function fencesOf(markdown: string): Fence[] {
  const fences: Fence[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(\S*)\s*(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const [, indent, lang, info] = open as unknown as [string, string, string, string];
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !new RegExp(`^${indent}\`\`\`\\s*$`).test(lines[j]!); j++) body.push(lines[j]!.slice(indent.length));
    const words = info.split(/\s+/).filter(Boolean);
    const file = words.find((w) => w.startsWith('file='))?.slice('file='.length);
    const norun = words.some((w) => w === 'norun' || w.startsWith('norun:'));
    fences.push({
      lang,
      line: i + 1,
      body: body.length === 0 ? '' : `${body.join('\n')}\n`,
      run: SHELLS.has(lang) && !norun,
      scenario: words.includes('scenario'),
      ...(file === undefined ? {} : { file }),
    });
    i = j;
  }
  return fences;
}

export interface Command {
  readonly command: string;
  /** Line within the block (1-based). */
  readonly line: number;
  readonly exit: number;
}

/** The commands of a shell block: comment lines skipped, `\` continuations joined, `# exit N` read. */
export function commandsOf(body: string): Command[] {
  const out: Command[] = [];
  const lines = body.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let text = lines[i]!;
    while (text.endsWith('\\') && i + 1 < lines.length) text = `${text.slice(0, -1)} ${lines[++i]!.trim()}`;
    if (text.trim() === '' || text.trim().startsWith('#')) continue;
    const exit = /#\s*exit\s+(\d+)\s*$/.exec(text);
    out.push({ command: text, line: start + 1, exit: exit ? Number(exit[1]) : 0 });
  }
  return out;
}
