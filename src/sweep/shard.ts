/**
 * Sweeps that outgrow one machine (docs/scale-out.md): the tasks of a scenario
 * (`prepareScenario`) split into n shards by task index (task k belongs to shard
 * 1 + k mod n, so every shard gets a share of the long pause searches and of every
 * cell), each shard's outputs written to a partial results file, and the partial
 * files checked and merged into the outputs of every task, from which
 * `assembleResults` builds the results exactly as a single run does.
 *
 * A partial file carries a digest of everything the results depend on (format, tool
 * version, command and options, the normalised scenario, every cell's engine
 * configuration including sample-file data), the shard it holds, and the recipe to
 * load the scenario again (its text, file label, folder and overrides), so that
 * `hbsim merge` needs nothing but the partial files.
 */
import { createHash } from 'node:crypto';
import { STREAMS_VERSION } from '../results/results-file.js';
import { normalizeScenario } from '../scenarios/schema/index.js';
import type { SetOverride } from '../scenarios/sets.js';
import type { PreparedScenario } from './run-scenario.js';
import { decodeOutput, encodeOutput } from './task-codec.js';
import type { TaskResult } from './tasks.js';

export const PARTIAL_SCHEMA = 'hbsim.partial/1';

/** Shard `index` of `count`, counted from 1 (as `--shard 2/4` writes it). */
export interface ShardSpec {
  readonly index: number;
  readonly count: number;
}

/** Bad shard input (a spec, a partial file, a set of parts that do not make one run): exit code 2. */
export class ShardError extends Error {
  override readonly name = 'ShardError';
}

export const MAX_SHARDS = 10_000;

/** The task indices of one shard, ascending. */
export function shardTasks(taskCount: number, shard: ShardSpec): number[] {
  const out: number[] = [];
  for (let k = shard.index - 1; k < taskCount; k += shard.count) out.push(k);
  return out;
}

/** What a run is, in words a refusal can quote; part of the digest. */
export interface RunIdentity {
  readonly version: string;
  /** The random-stream derivation (results-file `streams`): partial results of another one never merge. */
  readonly streams: string;
  readonly command: 'run' | 'check';
  readonly name: string;
  readonly source: string;
  readonly seed: string;
  readonly replications: number;
  readonly pause_survival: boolean;
  readonly cells: number;
  readonly tasks: number;
  /** `check` of one cell of a sweep: the cell simulated alone, labelled as that cell. */
  readonly as_cell?: { readonly id: string; readonly params: Readonly<Record<string, string | number | boolean>> };
  /** `check`: the cells its gate judges (all, recommended or a cell id). */
  readonly check_cells?: string;
}

/** How to load the scenario again, exactly as the shard loaded it. */
export interface ScenarioRecipe {
  /** The scenario file's text as read. */
  readonly text: string;
  /** The file label messages use (a path, or presets/<name>.yaml). */
  readonly file: string;
  /** "preset:<name>" or the path as given: the results' `source`. */
  readonly source: string;
  /** The folder relative sample-file paths start from. */
  readonly dir: string;
  /** --set, --seed and --replications, in order, as parsed. */
  readonly sets: readonly SetOverride[];
}

export interface PartialFile {
  readonly schema: typeof PARTIAL_SCHEMA;
  readonly tool: { readonly name: 'hbsim'; readonly version: string };
  readonly digest: string;
  readonly identity: RunIdentity;
  readonly shard: ShardSpec;
  readonly recipe: ScenarioRecipe;
  /** This shard's tasks, ascending, each with its output (src/sweep/task-codec.ts). */
  readonly outputs: readonly { readonly task: number; readonly output: unknown }[];
}

export function identityOf(prepared: PreparedScenario, version: string, command: RunIdentity['command'], asCell?: RunIdentity['as_cell'], checkCells?: string): RunIdentity {
  const s = prepared.loaded.scenario;
  return {
    version,
    streams: STREAMS_VERSION,
    command,
    name: s.name,
    source: prepared.loaded.source,
    seed: String(s.seed),
    replications: s.replications,
    pause_survival: prepared.pauseSurvival,
    cells: prepared.cells.length,
    tasks: prepared.tasks.length,
    ...(asCell === undefined ? {} : { as_cell: asCell }),
    ...(checkCells === undefined ? {} : { check_cells: checkCells }),
  };
}

/** JSON with typed arrays and non-finite numbers spelled out and functions dropped: a stable text to hash. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'function') return undefined;
    if (typeof v === 'number' && !Number.isFinite(v)) return `#${String(v)}`;
    if (ArrayBuffer.isView(v)) return encodeOutput(v);
    return v;
  });
}

/** SHA-256 of everything the results of this run depend on. */
export function runDigest(prepared: PreparedScenario, identity: RunIdentity): string {
  const text = canonical({
    format: PARTIAL_SCHEMA,
    identity,
    scenario: normalizeScenario(prepared.loaded.scenario),
    cells: prepared.cells.map((c) => ({ id: c.id, params: c.params })),
    configs: prepared.plans.map((p) => p.config),
    timeline_limit: prepared.timelineLimit,
  });
  return createHash('sha256').update(text).digest('hex');
}

export function partialFileOf(digest: string, identity: RunIdentity, shard: ShardSpec, recipe: ScenarioRecipe, outputs: ReadonlyMap<number, TaskResult>): PartialFile {
  const tasks = shardTasks(identity.tasks, shard);
  return {
    schema: PARTIAL_SCHEMA,
    tool: { name: 'hbsim', version: identity.version },
    digest,
    identity,
    shard,
    recipe,
    outputs: tasks.map((task) => {
      const output = outputs.get(task);
      if (output === undefined) throw new RangeError(`no output for task ${task}`);
      return { task, output: encodeOutput(output) };
    }),
  };
}

export function serializePartial(partial: PartialFile): string {
  return `${JSON.stringify(partial)}\n`;
}

/** Reads a partial file's text; `label` names it in messages. */
export function parsePartial(text: string, label: string): PartialFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new ShardError(`${label}: not a partial results file (not JSON: ${e instanceof Error ? e.message : String(e)})`);
  }
  const p = data as Partial<PartialFile> | null;
  if (p === null || typeof p !== 'object' || Array.isArray(p)) throw new ShardError(`${label}: not a partial results file (expected a JSON object)`);
  if (p.schema !== PARTIAL_SCHEMA) {
    const what = typeof (p as { schema?: unknown }).schema === 'string' && String((p as { schema?: unknown }).schema).startsWith('hbsim.results') ? 'a complete results file, not a partial one (from hbsim run|check --shard i/n)' : `schema ${JSON.stringify((p as { schema?: unknown }).schema)}`;
    throw new ShardError(`${label}: expected a partial results file (schema ${PARTIAL_SCHEMA}), got ${what}`);
  }
  const shard = p.shard;
  const identity = p.identity;
  if (typeof p.digest !== 'string' || !/^[0-9a-f]{64}$/.test(p.digest)) throw new ShardError(`${label}: digest missing or malformed`);
  if (!shard || !Number.isInteger(shard.count) || !Number.isInteger(shard.index) || shard.count < 1 || shard.index < 1 || shard.index > shard.count) throw new ShardError(`${label}: shard missing or malformed`);
  if (!identity || typeof identity !== 'object' || !Number.isInteger(identity.tasks) || typeof identity.name !== 'string' || typeof identity.version !== 'string') throw new ShardError(`${label}: identity missing or malformed`);
  const recipe = p.recipe;
  if (!recipe || typeof recipe.text !== 'string' || typeof recipe.file !== 'string' || typeof recipe.source !== 'string' || typeof recipe.dir !== 'string' || !Array.isArray(recipe.sets)) throw new ShardError(`${label}: recipe missing or malformed`);
  if (!Array.isArray(p.outputs)) throw new ShardError(`${label}: outputs missing`);
  const expected = shardTasks(identity.tasks, shard);
  const got = p.outputs.map((o) => (o as { task?: unknown }).task);
  if (got.length !== expected.length || got.some((t, i) => t !== expected[i])) {
    throw new ShardError(`${label}: shard ${shard.index}/${shard.count} should hold ${expected.length} tasks (${describeTasks(expected)}), it holds ${got.length}; the file is truncated or was edited`);
  }
  return p as PartialFile;
}

function describeTasks(tasks: readonly number[]): string {
  if (tasks.length === 0) return 'none';
  const shown = tasks.slice(0, 4).join(', ');
  return tasks.length > 4 ? `${shown}, …, ${tasks[tasks.length - 1]}` : shown;
}

/** The first identity field in which two runs differ, in words; undefined when none does. */
export function identityDifference(a: RunIdentity, b: RunIdentity): string | undefined {
  const fields: [keyof RunIdentity, string][] = [
    ['name', 'scenario'],
    ['source', 'source'],
    ['version', 'hbsim version'],
    ['streams', 'random streams'],
    ['command', 'command'],
    ['seed', 'seed'],
    ['replications', 'replications'],
    ['pause_survival', 'pause survival (--no-pause-survival)'],
    ['cells', 'sweep cells'],
    ['tasks', 'tasks'],
  ];
  for (const [field, words] of fields) {
    if (JSON.stringify(a[field]) !== JSON.stringify(b[field])) return `${words} ${JSON.stringify(a[field])} vs ${JSON.stringify(b[field])}`;
  }
  if (JSON.stringify(a.as_cell) !== JSON.stringify(b.as_cell) || a.check_cells !== b.check_cells) return `checked cells ${JSON.stringify(a.check_cells ?? 'all')} vs ${JSON.stringify(b.check_cells ?? 'all')}`;
  return undefined;
}

export interface LabelledPartial {
  readonly label: string;
  readonly partial: PartialFile;
}

/**
 * Checks that the parts are every shard of one run, each once, and returns the
 * outputs of every task in task order. Refuses (ShardError) parts of different runs,
 * a duplicate shard, a missing one, or different shard counts.
 */
export function mergeParts(parts: readonly LabelledPartial[]): { first: PartialFile; outputs: TaskResult[] } {
  if (parts.length === 0) throw new ShardError('no partial results files given');
  const first = parts[0]!;
  for (const part of parts.slice(1)) {
    const p = part.partial;
    if (p.digest !== first.partial.digest) {
      const why = identityDifference(first.partial.identity, p.identity) ?? 'the scenario or an option differs (same name, seed and version, different digest)';
      const hint = p.identity.name !== first.partial.identity.name ? `merge each scenario's shards on their own (e.g. hbsim merge parts/${first.partial.identity.name}.shard-*.json)` : 'merge the shards of one run (same scenario, seed, options and hbsim version)';
      throw new ShardError(`${part.label} is from another run than ${first.label}: ${why}; ${hint}`);
    }
    if (p.shard.count !== first.partial.shard.count) {
      throw new ShardError(`${part.label} is shard ${p.shard.index}/${p.shard.count} but ${first.label} is shard ${first.partial.shard.index}/${first.partial.shard.count}; every shard of a run must use the same count`);
    }
  }
  const count = first.partial.shard.count;
  const seen = new Map<number, string>();
  for (const part of parts) {
    const other = seen.get(part.partial.shard.index);
    if (other !== undefined) throw new ShardError(`shard ${part.partial.shard.index}/${count} given twice: ${other} and ${part.label}`);
    seen.set(part.partial.shard.index, part.label);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !seen.has(i));
  if (missing.length > 0) {
    throw new ShardError(`missing shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${count}`).join(', ')} of ${first.partial.identity.name} (got ${parts.length} of ${count}); run hbsim with --shard ${missing[0]}/${count} and merge again`);
  }
  const outputs: TaskResult[] = new Array(first.partial.identity.tasks);
  for (const part of parts) {
    for (const o of part.partial.outputs) {
      try {
        outputs[o.task] = decodeOutput(o.output) as TaskResult;
      } catch (e) {
        throw new ShardError(`${part.label}: task ${o.task}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }
  return { first: first.partial, outputs };
}
