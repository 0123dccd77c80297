/**
 * `hbsim presets` lists the built-in scenarios; `hbsim presets NAME` prints one,
 * comments and sources included, as a starting point for one's own file.
 */
import { listPresets, presetText } from '../../scenarios/load.js';
import { paletteFor } from '../colour.js';
import { ExitCode } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { renderTable } from '../table.js';

export function presetsCommand(options: { readonly name?: string | undefined }, io: CliIo): number {
  if (options.name !== undefined) {
    io.stdout.write(presetText(options.name));
    return ExitCode.ok;
  }
  const p = paletteFor(io.stdout, io.env);
  const rows = listPresets().map((preset) => [preset.name, `${preset.description}${preset.isDefault ? ' (default)' : ''}`]);
  const lines = renderTable(['preset', 'description'], rows, ['left', 'left']);
  io.stdout.write(`${p.bold(lines[0]!)}\n${lines.slice(1).join('\n')}\n`);
  // Advice goes to stderr, so `hbsim presets | awk 'NR>1{print $1}'` lists just the names.
  io.stderr.write(paletteFor(io.stderr, io.env).dim('\nhbsim run NAME runs one; hbsim presets NAME > my.yaml gives a file to start from.\n'));
  return ExitCode.ok;
}
