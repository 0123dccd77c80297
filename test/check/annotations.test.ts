/**
 * GitHub Actions annotations: the workflow-command escaping (fast-check: any string
 * round-trips and cannot end the command or a property early), the threshold's own
 * line, and the cap of about ten per level.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { annotationsFor, escapeData, escapeProperty, formatAnnotation, type Annotation } from '../../src/check/annotations.js';
import { checkOf, metricsWith } from './support.js';

/** The runner's reading of a command: one `%XX` at a time, left to right. */
const unescape = (text: string) => text.replace(/%(25|0D|0A|3A|2C)/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));

/** Parses `::level k=v,k=v::message` as the runner does. */
function parseCommand(line: string): { level: string; props: Record<string, string>; message: string } {
  const m = /^::(\w+)(?: ([^:]*))?::(.*)$/s.exec(line);
  if (!m) throw new Error(`not a workflow command: ${line}`);
  const props = Object.fromEntries((m[2] ?? '').split(',').filter(Boolean).map((kv) => {
    const eq = kv.indexOf('=');
    return [kv.slice(0, eq), unescape(kv.slice(eq + 1))];
  }));
  return { level: m[1]!, props, message: unescape(m[3]!) };
}

describe('annotations', () => {
  it('escape data so that it round-trips and holds no line break', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const e = escapeData(s);
        expect(e).not.toMatch(/[\r\n]/);
        expect(unescape(e)).toBe(s);
      }),
    );
  });

  it('escape properties so that they round-trip and hold no line break, colon or comma', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const e = escapeProperty(s);
        expect(e).not.toMatch(/[\r\n:,]/);
        expect(unescape(e)).toBe(s);
      }),
    );
  });

  it('format a whole command that a runner reads back field by field, whatever the file, title and message', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), fc.nat(100_000), (file, title, message, line) => {
        const a: Annotation = { level: 'error', file, line, col: 3, title, message };
        const text = formatAnnotation(a);
        expect(text.split('\n')).toHaveLength(1);
        expect(parseCommand(text)).toEqual({ level: 'error', props: { file, line: String(line), col: '3', title }, message });
      }),
    );
  });

  it("point a breached threshold at its own line and an undecided one (warn) at its line as a warning", () => {
    const check = checkOf(
      [
        ['false_suspicions.per_node_day', '<= 100'],
        ['false_suspicions.per_node_day', '<= 1'],
        ['false_suspicions.per_node_day', '<= 3'],
      ],
      metricsWith({ nodeHours: 240, falseSuspicions: 20 }),
      { name: 'db-ha' },
    );
    const lines = annotationsFor([check], { locate: (file) => file }).map(formatAnnotation);
    expect(lines).toEqual([
      '::error file=scenarios/db-ha.yaml,line=21,col=34,title=hbsim check db-ha%3A threshold breached%3A false_suspicions.per_node_day <= 1::false_suspicions.per_node_day <= 1 breached: measured 2, 95 %25 interval 1.22–3.09 (exact Poisson), bound <= 1. The whole exact Poisson 95 %25 interval (1.22–3.09) is above 1.',
      expect.stringMatching(/^::warning file=scenarios\/db-ha\.yaml,line=22,col=34,title=hbsim check db-ha%3A cannot tell%3A false_suspicions\.per_node_day <= 3::.*Not enough simulated time to tell/),
    ]);
  });

  it('leave the file out when the scenario is not in the repository', () => {
    const check = checkOf([['false_suspicions.per_node_day', '<= 1']], metricsWith({ nodeHours: 240, falseSuspicions: 20 }));
    expect(formatAnnotation(annotationsFor([check], { locate: () => undefined })[0]!)).toMatch(/^::error title=/);
  });

  it('write at most ten per level, the tenth counting the rest', () => {
    const many = Array.from({ length: 25 }, (_, i) => ['false_suspicions.per_node_day', `<= ${i / 100}`] as const);
    const check = checkOf(many, metricsWith({ nodeHours: 240, falseSuspicions: 20 }));
    const out = annotationsFor([check], { locate: (f) => f });
    expect(out).toHaveLength(10);
    expect(out.slice(0, 9).every((a) => a.line !== undefined)).toBe(true);
    expect(out[9]).toEqual({ level: 'error', title: 'hbsim check: 16 more failures', message: '16 more failures not annotated (GitHub shows about 10 per step); see the job summary or the JUnit report.' });
  });
});
