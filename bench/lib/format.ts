/** Table printing and number formats for the benchmark. */
import type { BenchTable } from './suite.js';

export const fixed = (n: number, digits = 2): string => (Number.isFinite(n) ? n.toFixed(digits) : '–');

/** "27.3×" or "–" when either side is unknown. */
export function ratio(slowS: number, fastS: number): string {
  if (!(Number.isFinite(slowS) && Number.isFinite(fastS) && fastS > 0)) return '–';
  const r = slowS / fastS;
  return `${r >= 100 ? r.toFixed(0) : r >= 10 ? r.toFixed(1) : r.toFixed(2)}×`;
}

export function printTable(table: BenchTable): void {
  console.log(`\n## ${table.title}\n`);
  const rows = [table.header, ...table.rows];
  const widths = table.header.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  const line = (r: readonly string[]) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  console.log(line(table.header));
  for (const r of table.rows) console.log(line(r));
  for (const note of table.notes) console.log(`  ${note}`);
}
