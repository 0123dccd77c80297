/**
 * The report writer, loaded on first use: vega, vega-lite and vega-embed cost ~160 ms
 * to load, so `hbsim --version`, `validate`, `--no-report` and `--json` runs never
 * pay for them (test/cli/lazy-report.test.ts checks that they stay unloaded).
 */
import type { writeReport } from '../report/index.js';

export async function loadReportWriter(): Promise<typeof writeReport> {
  return (await import('../report/index.js')).writeReport;
}

/** The report's HTML renderer, loaded on first use for the same reason. */
export async function loadReportRenderer(): Promise<typeof import('../report/html.js').renderReportHtml> {
  return (await import('../report/html.js')).renderReportHtml;
}

/**
 * Starts loading the report writer and vega without waiting for them, so that a run
 * which will write a report loads vega while its workers simulate; `loadReportRenderer` then finds
 * the modules loaded. A failure surfaces there, not here.
 */
export function preloadReportRenderer(): void {
  // html.js loads vega only when it renders charts itself (renderChartsHere): load both.
  Promise.all([loadReportRenderer(), import('../report/svg.js')]).catch(() => {});
}
