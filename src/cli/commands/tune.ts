/**
 * `hbsim tune SCENARIO`: searches the tuned parameters (`--param` or `tune.params`)
 * for the setting with the best objective (`--minimise`/`--maximise`, default the
 * message rate) meeting every target (`--target` or `tune.targets`), adding
 * replications to a candidate only until its intervals settle each target. Writes
 * `<out>/<name>.tune.json` (a results file with a `tune` block) and its report,
 * and prints the answer. Exit 0 when a setting meets every target, 1 when none does
 * (so a CI job can ask "is there still a setting that works?"), 2 on bad input.
 */
import { join } from 'node:path';
import { writeFileAtomic } from '../../io/atomic-write.js';
import { loadReportWriter } from '../lazy-report.js';
import { serializeResults } from '../../results/results-file.js';
import { recommendationTargetsOf } from '../../scenarios/build.js';
import { SweepAborted } from '../../sweep/run-tasks.js';
import { runTune, tuneSpecOf } from '../../tune/index.js';
import { paletteFor } from '../colour.js';
import { ExitCode } from '../exit-codes.js';
import { UsageError, type CliIo } from '../io.js';
import { toolVersion } from '../../results/tool-version.js';
import { loadScenarios, overridesFrom, printWarnings, type OverrideOptions } from './common.js';
import { INTERRUPTED, workerCount } from './run.js';

export interface TuneOptions extends OverrideOptions {
  readonly scenario: string | undefined;
  readonly targets: readonly string[];
  readonly minimise: string | undefined;
  readonly maximise: string | undefined;
  readonly params: readonly string[];
  readonly maxReplications: string | undefined;
  /** Judge false-suspicion targets by importance sampling where it applies. */
  readonly rare?: boolean;
  readonly out: string;
  readonly json: boolean;
  readonly report: boolean;
  readonly workers?: string;
}

function maxReplicationsOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new UsageError(`--max-replications ${text}: expected a whole number from 1 to 1000`);
  return n;
}

export async function tuneCommand(options: TuneOptions, io: CliIo, signal?: AbortSignal): Promise<number> {
  const workers = workerCount(options.workers);
  const maxReplications = maxReplicationsOf(options.maxReplications);
  const [loaded] = loadScenarios(options.scenario === undefined ? [] : [options.scenario], overridesFrom(options));
  printWarnings(io, [loaded!]);
  const spec = tuneSpecOf(loaded!.scenario, {
    targets: options.targets,
    params: options.params,
    ...(options.minimise === undefined ? {} : { minimise: options.minimise }),
    ...(options.maximise === undefined ? {} : { maximise: options.maximise }),
    ...(maxReplications === undefined ? {} : { maxReplications }),
  });
  const palette = paletteFor(io.stderr, io.env);
  const startedMs = performance.now();
  let results;
  try {
    results = await runTune(loaded!, spec, {
      toolVersion: toolVersion(),
      workers,
      rare: options.rare === true,
      ...(signal ? { signal } : {}),
      onProgress: (n) => {
        if (io.stderr.isTTY === true) io.stderr.write(`\r${palette.dim(`tune ${loaded!.scenario.name}: ${n} candidates settled`)}`);
      },
    });
  } catch (e) {
    if (e instanceof SweepAborted) {
      io.stderr.write(`${palette.yellow('stopped')}: tuning ${loaded!.scenario.name} was interrupted; nothing written\n`);
      return INTERRUPTED;
    }
    throw e;
  }
  if (io.stderr.isTTY === true) io.stderr.write('\r\x1b[K');
  const base = join(options.out, `${results.name}.tune`);
  try {
    writeFileAtomic(`${base}.json`, serializeResults(results));
  } catch (e) {
    throw new UsageError(`cannot write ${base}.json: ${e instanceof Error ? e.message : String(e)} (check --out)`);
  }
  let written = `${base}.json`;
  if (options.report) {
    await (await loadReportWriter())(results, `${base}.html`, { targets: recommendationTargetsOf(loaded!.scenario) });
    written += ` and ${base}.html`;
  }
  io.stderr.write(`${palette.green('wrote')} ${written} ${palette.dim(`(${((performance.now() - startedMs) / 1000).toFixed(1)} s)`)}\n`);
  const tune = results.tune!;
  if (options.json) io.stdout.write(serializeResults(results));
  else {
    io.stdout.write(`${tune.sentence}\n`);
    if (tune.settings.length > 0) io.stdout.write(`\nAs scenario fields:\n${tune.settings.map((s) => `  ${s}`).join('\n')}\n`);
  }
  return tune.chosen === null ? ExitCode.checkFailed : ExitCode.ok;
}
