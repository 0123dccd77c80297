/**
 * `hbsim validate SCENARIO...`: checks files (and presets) without running them.
 * Prints one line per valid scenario on stdout and every problem on stderr.
 */
import type { LoadedScenario } from '../../scenarios/load.js';
import { nodeNamesOf, timeoutUsOf } from '../../scenarios/schema/index.js';
import { formatDuration } from '../../scenarios/units.js';
import { paletteFor } from '../colour.js';
import { ExitCode } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { loadScenarios, overridesFrom, printWarnings, type OverrideOptions } from './common.js';

export interface ValidateOptions extends OverrideOptions {
  readonly scenarios: readonly string[];
}

export function validateCommand(options: ValidateOptions, io: CliIo): number {
  const loaded = loadScenarios(options.scenarios, overridesFrom(options));
  printWarnings(io, loaded);
  const p = paletteFor(io.stdout, io.env);
  for (const l of loaded) io.stdout.write(`${p.green('ok')} ${l.source}: ${describe(l)}\n`);
  return ExitCode.ok;
}

function describe(l: LoadedScenario): string {
  const s = l.scenario;
  const nodes = nodeNamesOf(s.cluster.nodes).length;
  return [
    s.name,
    `${nodes} node${nodes === 1 ? '' : 's'}`,
    `heartbeat ${formatDuration(s.heartbeat.interval)}`,
    `${s.detector.kind} ${formatDuration(timeoutUsOf(s))}`,
    `${s.replications} × ${formatDuration(s.duration)}`,
  ].join(', ');
}
