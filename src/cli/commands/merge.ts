/**
 * `hbsim merge PART... --out DIR`: checks that the partial results files (from
 * `hbsim run|check --shard i/n`) are every shard of one run, each once, loads the
 * scenario they record, checks that this hbsim reproduces their digest, and
 * assembles the results exactly as a single run does (src/sweep/run-scenario.ts
 * `assembleResults`), so `<out>/<name>.json` and `.html` are byte-identical to a
 * single run's. Shards of `hbsim check` are then judged like `hbsim check` (exit 1 on
 * a breached threshold; --junit, --baseline and friends apply here). A PART may be a
 * folder: every `*.shard-*-of-*.json` in it is taken. Bad parts: exit 2.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { breachScreen } from '../../check/screen.js';
import { requireWritableDir } from '../../io/output-pair.js';
import { writePair } from './run.js';
import { serializeResults } from '../../results/results-file.js';
import { recommendationTargetsOf } from '../../scenarios/build.js';
import { assembleResults, prepareScenario } from '../../sweep/run-scenario.js';
import { identityDifference, identityOf, mergeParts, parsePartial, runDigest, ShardError, type LabelledPartial } from '../../sweep/shard.js';
import { paletteFor } from '../colour.js';
import { ExitCode } from '../exit-codes.js';
import { UsageError, type CliIo } from '../io.js';
import { summaryLines } from '../table.js';
import { toolVersion } from '../../results/tool-version.js';
import { checkCommand } from './check.js';
import { asCell } from './one-cell.js';
import { loadRecipe } from './pieces.js';

export interface MergeOptions {
  readonly parts: readonly string[];
  readonly out: string;
  readonly json: boolean;
  readonly report: boolean;
  /** Gate options, for shards of `hbsim check`. */
  readonly junit?: string;
  readonly baseline?: string;
  readonly saveBaseline?: string;
  readonly failOnRegression: boolean;
}

const PART_FILE = /\.shard-\d+-of-\d+\.json$/;

/** The files named, folders expanded to the partial files in them. */
function partFiles(parts: readonly string[]): string[] {
  if (parts.length === 0) throw new UsageError('merge needs the partial results files (or folders of them) written by hbsim run|check --shard i/n');
  const files: string[] = [];
  for (const part of parts) {
    let isDirectory: boolean;
    try {
      isDirectory = statSync(part).isDirectory();
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new UsageError(`${part}: ${code === 'ENOENT' ? 'no such file' : `cannot be read (${code ?? String(e)})`}`);
    }
    if (!isDirectory) {
      files.push(part);
      continue;
    }
    const inside = readdirSync(part)
      .filter((f) => PART_FILE.test(f))
      .sort()
      .map((f) => join(part, f));
    if (inside.length === 0) throw new UsageError(`${part}: a folder without partial results files (*.shard-i-of-n.json)`);
    files.push(...inside);
  }
  return files;
}

function readPart(file: string): LabelledPartial {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`${file}: cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  return { label: file, partial: parsePartial(text, file) };
}

export async function mergeCommand(options: MergeOptions, io: CliIo): Promise<number> {
  let parts: LabelledPartial[];
  let merged: ReturnType<typeof mergeParts>;
  try {
    parts = partFiles(options.parts).map(readPart);
    merged = mergeParts(parts);
  } catch (e) {
    if (e instanceof ShardError) throw new UsageError(e.message);
    throw e;
  }
  const { first, outputs } = merged;
  const identity = first.identity;
  const version = toolVersion();
  if (identity.version !== version) {
    throw new UsageError(`the shards were computed by hbsim ${identity.version}, this is hbsim ${version}; merge with the version that computed them (the results record it)`);
  }
  const isCheck = identity.command === 'check';
  if (!isCheck) {
    const gate = [options.junit === undefined ? [] : ['--junit'], options.baseline === undefined ? [] : ['--baseline'], options.saveBaseline === undefined ? [] : ['--save-baseline'], options.failOnRegression ? ['--fail-on-regression'] : []].flat();
    if (gate.length > 0) throw new UsageError(`${gate.join(', ')}: these shards are of hbsim run, not hbsim check, so there are no thresholds to judge`);
  } else if (options.json) throw new UsageError('--json: shards of hbsim check are judged, as hbsim check does, and it has no --json');

  const { recorded, run, cell } = loadRecipe(first.recipe, identity.as_cell);
  const prepared = prepareScenario(run, identity.pause_survival);
  const again = identityOf(prepared, version, identity.command, identity.as_cell, identity.check_cells);
  if (runDigest(prepared, again) !== first.digest) {
    const why = identityDifference(identity, again) ?? 'the scenario text, a sample file it reads, or a default of this hbsim differs from what the shards ran';
    throw new UsageError(`${parts[0]!.label}: the shards' digest does not match their scenario as this hbsim loads it (${why}); re-run the shards with this hbsim`);
  }
  const assembled = assembleResults(prepared, outputs, version);
  const results = cell !== undefined ? asCell(assembled, cell, recorded) : assembled;
  const err = paletteFor(io.stderr, io.env);
  io.stderr.write(`${err.dim('merge')}: ${parts.length} shard${parts.length === 1 ? '' : 's'} of ${results.name}, ${identity.tasks} tasks\n`);

  if (isCheck) {
    return checkCommand(
      {
        scenarios: [],
        ...(identity.check_cells === undefined ? {} : { cell: identity.check_cells }),
        ...(options.junit === undefined ? {} : { junit: options.junit }),
        ...(options.baseline === undefined ? {} : { baseline: options.baseline }),
        ...(options.saveBaseline === undefined ? {} : { saveBaseline: options.saveBaseline }),
        failOnRegression: options.failOnRegression,
        out: options.out,
        report: options.report,
        merged: { loaded: recorded, results },
      },
      io,
    );
  }
  // The same consistent pair (digest embedded) as hbsim run writes, so the bytes match.
  requireWritableDir(options.out);
  const written = await writePair(results, options.out, options.report ? { targets: recommendationTargetsOf(recorded.scenario), screen: breachScreen(recorded.expectations) } : null);
  io.stderr.write(`${err.green('wrote')} ${written}\n`);
  if (options.json) io.stdout.write(serializeResults(results));
  else io.stdout.write(`${summaryLines(results, paletteFor(io.stdout, io.env)).join('\n')}\n`);
  return ExitCode.ok;
}
