/**
 * The GitHub step summary: headline first, details folded, scenario text escaped,
 * and well under GitHub's 1 MiB cap however many thresholds there are.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { markdownText, MAX_SUMMARY_BYTES, stepSummary } from '../../src/check/summary.js';
import { checkOf, metricsWith } from './support.js';

const MiB = 1024 * 1024;
const metrics = metricsWith({ nodeHours: 240, falseSuspicions: 20 });

describe('the step summary', () => {
  it('opens with the verdict, lists the failures, and folds each scenario\'s details', () => {
    const check = checkOf(
      [
        ['false_suspicions.per_node_day', '<= 100'],
        ['false_suspicions.per_node_day', '<= 1'],
      ],
      metrics,
      { name: 'db-ha' },
    );
    const md = stepSummary([check]);
    const lines = md.split('\n');
    expect(lines[0]).toBe('## ❌ hbsim check failed: 1 threshold breached (2 thresholds in 1 scenario)');
    expect(md).toContain('- **db-ha** `false_suspicions.per_node_day <= 1`: breached: measured 2, 95 % interval 1.22–3.09 (exact Poisson), bound &lt;= 1 — scenarios/db-ha.yaml:21:34');
    expect(md).toMatch(/<details>\n<summary>db-ha: 2 verdicts \(scenarios\/db-ha\.yaml, seed 1, 1 replication\)<\/summary>\n\n\| {2}\| Threshold \| Measured/);
    expect(md.indexOf('<details>')).toBeGreaterThan(md.indexOf('| Scenario |'));
    expect(stepSummary([checkOf([['false_suspicions.per_node_day', '<= 100']], metrics)]).split('\n')[0]).toBe('## ✅ hbsim check passed: all 1 threshold in 1 scenario held');
  });

  it('stays far under 1 MiB with 200 thresholds', () => {
    const thresholds = Array.from({ length: 50 }, (_, i) => ['false_suspicions.per_node_day', `<= ${i / 10}`] as const);
    const checks = Array.from({ length: 4 }, (_, i) => checkOf(thresholds, metrics, { name: `s${i}` }));
    const md = stepSummary(checks);
    expect(checks.flatMap((c) => c.items)).toHaveLength(200);
    expect(Buffer.byteLength(md)).toBeLessThan(MiB / 4);
    expect(md).not.toContain('Left out');
  });

  it('leaves details out, and says so, rather than pass its byte budget', () => {
    const thresholds = Array.from({ length: 500 }, (_, i) => ['false_suspicions.per_node_day', `<= ${i / 10}`] as const);
    const checks = Array.from({ length: 40 }, (_, i) => checkOf(thresholds, metrics, { name: `s${i}` }));
    const md = stepSummary(checks);
    expect(Buffer.byteLength(md)).toBeLessThanOrEqual(MAX_SUMMARY_BYTES);
    expect(md.split('\n')[0]).toMatch(/^## ❌ hbsim check failed: \d+ thresholds breached/);
    expect(md).toMatch(/_Left out to stay under GitHub's 1 MiB step-summary limit: \d+ scenarios' details; the JUnit report has everything\._\n$/);
    expect(Buffer.byteLength(stepSummary(checks, { maxBytes: 10_000 }))).toBeLessThanOrEqual(10_000);
  });

  it('escapes any text to one line with no raw markup, HTML or cell break', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const e = markdownText(s);
        expect(e).not.toMatch(/[\r\n<>]/);
        // Every |, *, _, `, [ and ] is backslash-escaped, and every & starts an entity.
        expect(e.replace(/\\./g, '')).not.toMatch(/[|*_`[\]\\]/);
        expect(e.replace(/&(amp|lt|gt);/g, '')).not.toContain('&');
      }),
    );
  });

  it('escapes what comes from scenario files, so it cannot break a table or inject HTML', () => {
    expect(markdownText('a|b <script>x</script> *y* [z](u)\nnext')).toBe('a\\|b &lt;script&gt;x&lt;/script&gt; \\*y\\* \\[z\\](u) next');
    const md = stepSummary([checkOf([['false_suspicions.per_node_day', '<= 1']], metrics, { file: 'dir|<img src=x>/s.yaml' })]);
    expect(md).not.toContain('<img');
    expect(md).toContain('dir\\|&lt;img src=x&gt;/s.yaml');
  });
});
