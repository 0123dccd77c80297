/**
 * The HTML trade-off report: results file in, one self-contained page out
 * (docs/report.md). Reads results only; never simulates.
 */
export { writeReport, type WrittenReport } from './write.js';
export { escapeHtml, extractResults, PAUSE_METRIC, renderReportHtml } from './html.js';
export { reportModel, type ReportModel, type ReportOptions } from './data.js';
export { buildCharts, withData, type Chart, type ChartSet } from './charts.js';
export { renderSvg } from './svg.js';
