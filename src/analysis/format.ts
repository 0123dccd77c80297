/**
 * How numbers read in sentences, tooltips and tables: durations in ms or s, rates
 * with 2–3 significant digits, a zero count with the bound it still allows ("0 (≤ 3.7/node-day,
 * 95 %)", never "0 %"), and cells named by their swept values as the
 * user wrote them. Pure string work over results; knows nothing of HTML.
 */
import type { EventRateMetrics } from '../results/cell-metrics.js';
import type { CellResult, ParamValue } from '../results/results-file.js';

/** `value` to `digits` significant digits, without trailing zeros or exponent for everyday magnitudes. */
export function formatSignificant(value: number, digits = 3): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const rounded = Number(value.toPrecision(digits));
  const magnitude = Math.abs(rounded);
  if (magnitude >= 1e-6 && magnitude < 1e21) {
    // toFixed with as many decimals as the significant digits need (toPrecision may give "1.2e-5").
    const decimals = Math.max(0, digits - 1 - Math.floor(Math.log10(magnitude)));
    return trimZeros(rounded.toFixed(Math.min(decimals, 20)));
  }
  return String(rounded);
}

function trimZeros(text: string): string {
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

/** A whole count with thousands separators: 1728000 → "1,728,000" (locale-independent). */
export function formatCount(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** A duration given in ms, read by people: "850 µs", "120 ms", "2.31 s", "4.5 min", "1.2 h". */
export function formatDurationMs(ms: number): string {
  const magnitude = Math.abs(ms);
  if (magnitude === 0) return '0 ms';
  if (magnitude < 1) return `${formatSignificant(ms * 1000)} µs`;
  if (magnitude < 1000) return `${formatSignificant(ms)} ms`;
  if (magnitude < 120_000) return `${formatSignificant(ms / 1000)} s`;
  if (magnitude < 7_200_000) return `${formatSignificant(ms / 60_000)} min`;
  return `${formatSignificant(ms / 3_600_000)} h`;
}

/** A duration or "–" when there is none (no sample). */
export function formatOptionalDurationMs(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? '–' : formatDurationMs(ms);
}

/**
 * A per-node-day event rate with its 95 % interval: "0.12 (0.05–0.31)", or for a zero
 * count the upper bound it still allows, "0 (≤ 3.69/node-day, 95 %)".
 */
export function formatRate(rate: EventRateMetrics): string {
  if (rate.count === 0) return `0 (≤ ${formatSignificant(rate.ci95_high, 3)}/node-day, 95 %)`;
  return `${formatSignificant(rate.per_node_day, 3)} (${formatSignificant(rate.ci95_low, 2)}–${formatSignificant(rate.ci95_high, 2)})`;
}

/**
 * A probability close to 1 as a percentage with enough decimals to show its distance
 * from 1 to two significant digits: 0.9999123 → "99.9912 %"; exactly 1 → "100 %".
 */
export function formatAccuracy(probability: number | null | undefined): string {
  if (probability === null || probability === undefined) return '–';
  const percent = probability * 100;
  const gap = 100 - percent;
  if (gap <= 0) return '100 %';
  const decimals = Math.min(9, Math.max(1, 1 - Math.floor(Math.log10(gap))));
  const text = percent.toFixed(decimals);
  // Rounding must not turn a value below 1 into "100.000 %".
  return `${text.startsWith('100') ? `>${(100 - 10 ** -decimals).toFixed(decimals)}` : trimZeros(text)} %`;
}

/** A value as written, made readable: "500ms" → "500 ms", "1.5s" → "1.5 s"; "3x" and numbers stay. */
export function formatParamValue(value: ParamValue): string {
  if (typeof value !== 'string') return String(value);
  const m = /^(\d+(?:\.\d+)?)\s*(us|µs|μs|ms|s|m|min|h|d)$/.exec(value.trim());
  return m ? `${m[1]} ${m[2] === 'us' || m[2] === 'μs' ? 'µs' : m[2]}` : value;
}

/**
 * Short names of the swept paths for labels: the last segment ("heartbeat.interval" →
 * "interval"), or the full path when two paths share a last segment.
 */
export function shortParamNames(paths: readonly string[]): Map<string, string> {
  const last = (path: string) => path.slice(path.lastIndexOf('.') + 1);
  const counts = new Map<string, number>();
  for (const path of paths) counts.set(last(path), (counts.get(last(path)) ?? 0) + 1);
  return new Map(paths.map((path) => [path, counts.get(last(path))! > 1 ? path : last(path)]));
}

/** A cell named by its swept values: "interval 500 ms, timeout 2 s"; "the configuration" when nothing is swept. */
export function cellLabel(cell: CellResult, swept: readonly string[]): string {
  const paths = swept.length > 0 ? swept : Object.keys(cell.params);
  if (paths.length === 0) return 'the configuration';
  const names = shortParamNames(paths);
  return paths
    .filter((path) => cell.params[path] !== undefined)
    .map((path) => `${names.get(path)} ${formatParamValue(cell.params[path]!)}`)
    .join(', ');
}
