/**
 * Writes a report file atomically (temporary file + rename, src/io/atomic-write.ts):
 * a reader, a CI artifact upload or a browser reload sees the old report or the new
 * one, never half of one.
 */
import { writeFileAtomic } from '../io/atomic-write.js';
import type { ResultsFile } from '../results/results-file.js';
import type { ReportOptions } from './data.js';
import { renderReportHtml } from './html.js';

export interface WrittenReport {
  readonly path: string;
  readonly bytes: number;
}

export async function writeReport(results: ResultsFile, outPath: string, options: ReportOptions = {}): Promise<WrittenReport> {
  const html = await renderReportHtml(results, options);
  const bytes = Buffer.byteLength(html, 'utf8');
  writeFileAtomic(outPath, html);
  return { path: outPath, bytes };
}
