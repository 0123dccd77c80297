/**
 * yargs' help text is rendered only when it is asked for (src/cli/cli.ts,
 * withoutHelpCache): running a command no longer renders it, and what `--help` prints
 * (the CLI's and every command's) and what a usage error prints are the same as with
 * yargs' own behaviour.
 */
import { describe, expect, it } from 'vitest';
import type { Argv } from 'yargs';
import { parser, runCli, withoutHelpCache } from '../../src/cli/cli.js';
import { COMMANDS } from '../../src/cli/command-definitions.js';
import type { CliIo } from '../../src/cli/io.js';

const io: CliIo = { stdout: { write: () => true, columns: 100 }, stderr: { write: () => true }, env: {} };

/** The parser with a counter on yargs' help renderer; `patched` applies withoutHelpCache. */
function counted(argv: string[], patched: boolean): { cli: Argv; renders: () => number; handled: () => number } {
  let handled = 0;
  const cli = parser(argv, async () => void handled++, io);
  const usage = (cli as unknown as { getInternalMethods(): { getUsageInstance(): { help: () => string } } }).getInternalMethods().getUsageInstance();
  let renders = 0;
  const help = usage.help.bind(usage);
  usage.help = () => {
    renders++;
    return help();
  };
  return { cli: patched ? withoutHelpCache(cli) : cli, renders: () => renders, handled: () => handled };
}

/** What `--help` (or a usage error) prints, as runCli's parse callback hears it. */
async function helpText(argv: string[], patched: boolean): Promise<string> {
  const { cli } = counted(argv, patched);
  let text = '';
  try {
    await cli.parseAsync(argv, {}, (_e, _a, output) => void (text = output));
  } catch (e) {
    text = `threw: ${e instanceof Error ? e.message : String(e)}`;
  }
  return text;
}

describe('yargs help text, only when asked for', () => {
  it('running a command renders no help text (yargs alone renders it once per command run)', async () => {
    const plain = counted(['presets'], false);
    await plain.cli.parseAsync(['presets']);
    expect(plain.handled()).toBe(1);
    expect(plain.renders()).toBe(1);
    const patched = counted(['presets'], true);
    await patched.cli.parseAsync(['presets']);
    expect(patched.handled()).toBe(1);
    expect(patched.renders()).toBe(0);
  });

  it('--help of the CLI and of every command, and usage errors, print what yargs alone prints', async () => {
    const cases = [['--help'], ...COMMANDS.map((c) => [c, '--help']), ['run', '--no-such-option'], ['nonsense'], []];
    for (const argv of cases) {
      const expected = await helpText(argv, false);
      expect(expected.length, argv.join(' ')).toBeGreaterThan(0);
      expect(await helpText(argv, true), argv.join(' ')).toBe(expected);
    }
  });

  it('runCli still answers --help with the full text', async () => {
    const out: string[] = [];
    const code = await runCli(['run', '--help'], { ...io, stdout: { write: (s: string) => out.push(s), columns: 100 } });
    expect(code).toBe(0);
    expect(out.join('')).toMatch(/^hbsim run \[scenario\.\.\]/);
    expect(out.join('')).toContain('--workers');
  });
});
