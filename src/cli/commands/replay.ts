/**
 * `hbsim replay LOG`: feeds a recorded heartbeat log (CSV of node, arrival[, seq, sent],
 * or Cassandra's dumpInterArrivalTimes file) through detector settings taken from a
 * scenario — its `detector` block and any sweep over it — and reports each setting's
 * metrics and exact state changes. Relative settings ("timeout: 3x") are relative to
 * the interval the log shows (its median inter-arrival time). Writes
 * `<out>/<log>.replay.json` (the results contract) and the HTML report.
 */
import { loadReportWriter } from '../lazy-report.js';
import { readFileSync } from 'node:fs';
import { FileReadError, readBoundedText } from '../../io/bounded-read.js';
import { basename, extname, join } from 'node:path';
import { writeFileAtomic } from '../../io/atomic-write.js';
import { TraceInputError } from '../../replay/errors.js';
import { parseCassandraDump } from '../../replay/parse-cassandra.js';
import { outOfRange, parseHeartbeatCsvDetailed, type TimeUnit } from '../../replay/parse-csv.js';
import { chooseUnit, medianGap, US_PER } from '../../replay/time-unit.js';
import { toTrace } from '../../replay/records.js';
import { estimatedIntervalUs, replayLog, type CrashMark, type ReplaySetting } from '../../replay/replay.js';
import { analyze } from '../../analysis/index.js';
import { judgeShortLog } from '../../replay/short-log.js';
import { RESULTS_SCHEMA, serializeResults, STREAMS_VERSION, type ResultsFile } from '../../results/results-file.js';
import { build, recommendationTargetsOf } from '../../scenarios/build.js';
import { expandSweep, loadScenarioText, withSets, type LoadedScenario } from '../../scenarios/load.js';
import { normalizeScenario } from '../../scenarios/schema/index.js';
import { parseSet } from '../../scenarios/sets.js';
import { paletteFor } from '../colour.js';
import { ExitCode } from '../exit-codes.js';
import { UsageError, type CliIo } from '../io.js';
import { formatMs, renderTable, sig } from '../table.js';
import { toolVersion } from '../../results/tool-version.js';
import { loadScenarios, overridesFrom, type OverrideOptions } from './common.js';

export interface ReplayOptions extends OverrideOptions {
  readonly log: string;
  readonly scenario: string | undefined;
  readonly format: string | undefined;
  readonly unit: string | undefined;
  readonly crash: readonly string[];
  readonly out: string;
  readonly json: boolean;
  readonly report: boolean;
  /** State changes listed per setting on the terminal. */
  readonly changes: number;
}

const UNITS = ['s', 'ms', 'us', 'ns'] as const;
/** A replay log is read whole into memory: 200 MB is about 5 million heartbeats of CSV. */
export const MAX_LOG_BYTES = 200_000_000;
const REPLAY_DEFAULT = 'name: replay\ndetector: { kind: timeout, timeout: 3x, dead_after: never, check_interval: 0s }\n';

export async function replayCommand(options: ReplayOptions, io: CliIo): Promise<number> {
  const format = options.format ?? (/\.(dat|txt)$/i.test(options.log) ? 'cassandra' : 'csv');
  if (format !== 'csv' && format !== 'cassandra') throw new UsageError(`--format ${format}: expected csv or cassandra`);
  const given = options.unit as TimeUnit | undefined;
  if (given !== undefined && !(UNITS as readonly string[]).includes(given)) throw new UsageError(`--unit ${options.unit}: expected one of ${UNITS.join(', ')}`);
  let read: ReadLog;
  try {
    read = readLog(options.log, format, given);
  } catch (e) {
    if (e instanceof TraceInputError) {
      io.stderr.write(`${e.message}\n`);
      return ExitCode.badInput;
    }
    throw e;
  }
  const { unit, iso } = read;
  const log = toTrace(read.records);
  const crashes = options.crash.map((c) => crashMark(c, unit, iso));
  const intervalUs = estimatedIntervalUs(log);
  const { scenario, swept, settings } = replaySettings(options, intervalUs);
  let replayed: ReplayedCell[];
  try {
    replayed = replayLog(log, settings, { crashes, transitionLimit: scenario.scenario.timeline_limit });
  } catch (e) {
    if (e instanceof RangeError) throw new UsageError(e.message);
    throw e;
  }
  const results = replayResults(options, { format, unit, iso, log, intervalUs, scenario, swept, replayed });
  const written = await writeReplay(results, options, scenario);
  io.stderr.write(`${paletteFor(io.stderr, io.env).green('wrote')} ${written}\n`);
  if (options.json) {
    io.stdout.write(serializeResults(results));
    return ExitCode.ok;
  }
  const out = io.stdout;
  out.write(`${options.log}: ${log.nodes.length} nodes, ${sig(log.lastArrivalUs / 3.6e9)} h recorded, median interval ${formatMs(intervalUs / 1000)} ${crashes.length > 0 ? `, ${crashes.length} crash marks` : ', no crash marks: every suspicion counts as false'}\n${read.unitHow}\n\n`);
  out.write(`${replayLines(replayed, options.changes, (us) => logTimeText(log.originUs + us, unit, iso)).join('\n')}\n`);
  if (results.analysis!.recommendation.too_short) out.write(`\n${results.analysis!.recommendation.sentence}\n`);
  return ExitCode.ok;
}

type ReplayedCell = ReturnType<typeof replayLog>[number];

interface ReadLog {
  readonly records: ReturnType<typeof parseHeartbeatCsvDetailed>['records'];
  readonly iso: boolean;
  readonly unit: TimeUnit;
  /** How the unit was chosen, for the header. */
  readonly unitHow: string;
}

/**
 * The log's records, with times in the unit they are in. Read once in the default unit
 * to see the times as written, then in the unit they are in. The first reading is
 * lenient about range (a time too large in seconds may be fine in nanoseconds); the
 * range is checked in the unit chosen, with the offending line.
 */
function readLog(path: string, format: 'csv' | 'cassandra', given: TimeUnit | undefined): ReadLog {
  const fallback: TimeUnit = format === 'cassandra' ? 'ns' : 's';
  let text: string;
  try {
    text = readBoundedText(path, MAX_LOG_BYTES, 'a replay log');
  } catch (e) {
    if (e instanceof FileReadError) throw new UsageError(`cannot read ${path}: ${e.message}`);
    throw e;
  }
  const parse = (unit: TimeUnit, lenient = false) => (format === 'csv' ? parseHeartbeatCsvDetailed(text, path, unit, lenient) : { records: parseCassandraDump(text, path, unit), iso: false });
  let parsed = parse(fallback, true);
  if (parsed.iso) return { ...parsed, unit: fallback, unitHow: 'Times read as ISO-8601 timestamps.' };
  const asWritten = (us: number) => us / US_PER[fallback];
  const perNode = new Map<string, number[]>();
  for (const r of parsed.records) {
    const list = perNode.get(r.node);
    if (list === undefined) perNode.set(r.node, [asWritten(r.arrivalUs)]);
    else list.push(asWritten(r.arrivalUs));
  }
  const choice = chooseUnit(asWritten(parsed.records[0]!.arrivalUs), medianGap([...perNode.values()]), given, fallback);
  if (!choice.ok) throw new TraceInputError(path, null, choice.message);
  if (choice.unit !== fallback || parsed.records.some(outOfRange)) parsed = parse(choice.unit);
  return { ...parsed, unit: choice.unit, unitHow: `Times read as ${choice.how}.` };
}

/**
 * The detector settings: the scenario's detector (and sweep), relative to the log's
 * interval. Without --scenario: a fixed timeout of 3 intervals, the rule of thumb, and
 * no sweep (the default preset's network sweep would make no sense for a recorded log).
 * The log's interval is set before the user's --set (so "--set detector.timeout=300ms"
 * is checked against a 100 ms log, not the default 1 s) and again after (it is what the
 * log shows, whatever a scenario says).
 */
function replaySettings(options: ReplayOptions, intervalUs: number): { scenario: LoadedScenario; swept: string[]; settings: ReplaySetting[] } {
  const logInterval = parseSet(`heartbeat.interval=${intervalUs}us`, `the log's median interval (${formatMs(intervalUs / 1000)})`);
  const base = options.scenario === undefined ? loadScenarioText(REPLAY_DEFAULT, '(replay default)') : loadScenarios([options.scenario], [])[0]!;
  const scenario = withSets(base, [logInterval, ...overridesFrom(options), logInterval]);
  const cells = expandSweep(scenario);
  const swept = Object.keys(cells[0]!.params);
  const foreign = swept.filter((path) => !path.startsWith('detector'));
  if (foreign.length > 0) throw new UsageError(`a replay can only sweep detector settings; ${foreign.join(', ')} describe the network, which the log already recorded`);
  const settings: ReplaySetting[] = cells.map((cell) => ({ id: cell.id, params: cell.params as Record<string, string | number>, detector: build(cell.scenario).config.detector }));
  return { scenario, swept, settings };
}

/** The results file of a replay (the results contract, seed "replay", one replication). */
function replayResults(
  options: ReplayOptions,
  r: { format: string; unit: TimeUnit; iso: boolean; log: ReturnType<typeof toTrace>; intervalUs: number; scenario: LoadedScenario; swept: string[]; replayed: readonly ReplayedCell[] },
): ResultsFile {
  const { log, replayed } = r;
  const cellResults = replayed.map((c) => ({ id: c.id, params: c.params, metrics: c.metrics }));
  const analysis = judgeShortLog(analyze(cellResults, recommendationTargetsOf(r.scenario.scenario)), cellResults);
  const sampleIndex = Math.max(0, replayed.findIndex((c) => c.id === analysis.recommendation.cell));
  return {
    schema: RESULTS_SCHEMA,
    tool: { name: 'hbsim', version: toolVersion() },
    name: `${basename(options.log, extname(options.log))}.replay`,
    source: options.log,
    seed: 'replay',
    streams: STREAMS_VERSION,
    replications: 1,
    scenario: { replay: { log: options.log, format: r.format, unit: r.iso ? 'iso-8601' : r.unit, nodes: log.nodes.length, node_names: log.nodes, interval_us: r.intervalUs, crash_marks: options.crash }, ...(normalizeScenario(r.scenario.scenario) as object) },
    swept: r.swept,
    cells: cellResults.map((c, i) => {
      const q = replayed[i]!.detectionQuantilesMs;
      return q ? { ...c, detection_latency_quantiles_ms: q } : c;
    }),
    sample: { cell: replayed[sampleIndex]!.id, duration_ms: (log.lastArrivalUs + 1) / 1000, timeline: replayed[sampleIndex]!.timeline },
    analysis,
  };
}

/** Writes `<out>/<log>.replay.json` and, unless --no-report, its report; returns what was written. */
async function writeReplay(results: ResultsFile, options: ReplayOptions, scenario: LoadedScenario): Promise<string> {
  const jsonPath = join(options.out, `${results.name}.json`);
  writeFileAtomic(jsonPath, serializeResults(results));
  if (!options.report) return jsonPath;
  const htmlPath = join(options.out, `${results.name}.html`);
  await (await loadReportWriter())(results, htmlPath, { targets: recommendationTargetsOf(scenario.scenario) });
  return `${jsonPath} and ${htmlPath}`;
}

/** The table of settings, then each setting's first state changes (`logTime`: an offset in µs as the log writes it). */
function replayLines(replayed: readonly ReplayedCell[], changes: number, logTime: (us: number) => string): string[] {
  const rows = replayed.map((c) => [
    c.id,
    String(c.metrics.false_suspicions.count),
    sig(c.metrics.false_suspicions.per_node_day),
    `${sig(c.metrics.false_suspicions.ci95_low)}–${sig(c.metrics.false_suspicions.ci95_high)}`,
    formatMs(c.metrics.mistake_duration_ms.p50),
    c.metrics.detection_latency_ms.count === 0 ? '–' : formatMs(c.metrics.detection_latency_ms.p50),
  ]);
  const lines = renderTable(['setting', 'false susp.', '/node-day', '95 % CI', 'mistake p50', 'detect p50'], rows, ['left', 'right', 'right', 'right', 'right', 'right']);
  for (const c of replayed) {
    const verdicts = c.timeline.entries.filter((e) => e.event === 'verdict');
    if (verdicts.length === 0) continue;
    lines.push('', `${c.id}: ${verdicts.length} state change${verdicts.length === 1 ? '' : 's'}${verdicts.length > changes ? ` (first ${changes})` : ''}`);
    for (const e of verdicts.slice(0, changes)) {
      if (e.event !== 'verdict') continue;
      lines.push(`  +${(e.t_ms / 1000).toFixed(3)} s (log time ${logTime(e.t_ms * 1000)})  ${e.node}  ${e.from} → ${e.to}`);
    }
  }
  return lines;
}

/** An instant (µs in the log's time base) as the log writes it: ISO-8601 or a number of its unit. */
export function logTimeText(us: number, unit: TimeUnit, iso: boolean): string {
  if (iso) {
    const wholeMs = Math.floor(us / 1000);
    const extraUs = Math.round(us - wholeMs * 1000);
    const text = new Date(wholeMs).toISOString();
    return extraUs === 0 ? text : text.replace(/Z$/, `${String(extraUs).padStart(3, '0')}Z`);
  }
  const value = us / US_PER[unit];
  return `${value.toFixed(unit === 's' ? 3 : 0)} ${unit}`;
}

/** `node@time`, the time in the log's own unit, or an ISO-8601 timestamp for an ISO log. */
function crashMark(text: string, unit: TimeUnit, iso: boolean): CrashMark {
  const at = text.lastIndexOf('@');
  const timeText = text.slice(at + 1);
  if (iso && at > 0 && /^\d{4}-\d\d-\d\dT/.test(timeText) && Number.isFinite(Date.parse(timeText))) {
    return { node: text.slice(0, at), atUs: Date.parse(timeText) * 1000 };
  }
  const time = Number(timeText);
  if (at <= 0 || !Number.isFinite(time)) {
    const example = iso ? 'node-3@2026-11-01T10:00:05Z' : 'node-3@1732000123.5';
    throw new UsageError(`--crash ${text}: expected node@time, the time ${iso ? 'as an ISO-8601 timestamp' : `in the log's unit (${unit})`}, e.g. ${example}`);
  }
  return { node: text.slice(0, at), atUs: time * US_PER[unit] };
}
