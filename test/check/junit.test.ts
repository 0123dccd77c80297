/**
 * JUnit XML: well-formed (Python's expat parser when python3 is installed, and a
 * strict reader of our own either way), in the shape CI systems read, with the
 * measured value, the bound and the interval in each failure; and escaping that
 * survives any string (fast-check).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { junitXml, xmlAttribute, xmlText } from '../../src/check/junit.js';
import { checkOf, metricsWith, parseStrictXml, PYTHON_XML_TO_JSON, spread, type XmlElement } from './support.js';

const hasPython = spawnSync('python3', ['--version']).status === 0;

/** The tree as expat reads it, or undefined without python3. */
function expatTree(xml: string): XmlElement | undefined {
  if (!hasPython) return undefined;
  return JSON.parse(execFileSync('python3', ['-c', PYTHON_XML_TO_JSON], { input: xml, encoding: 'utf8' })) as XmlElement;
}

/** Both readers agree on the tree; returns it. */
function parse(xml: string): XmlElement {
  const strict = parseStrictXml(xml);
  const expat = expatTree(xml);
  if (expat !== undefined) expect(expat).toEqual(strict);
  return strict;
}

const children = (e: XmlElement, tag: string) => e.children.filter((c) => c.tag === tag);

/** The XML 1.0 Char production, written independently of the code under test. */
function xmlSafe(text: string): string {
  let out = '';
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    const ok = c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);
    out += ok ? ch : '\uFFFD';
  }
  return out;
}

describe('JUnit XML', () => {
  const metrics = metricsWith({ nodeHours: 240, falseSuspicions: 20, latenciesMs: spread(30, 2000, 3000) });
  const check = checkOf(
    [
      ['detection_latency_ms.p99', '<= 5s'],
      ['false_suspicions.per_node_day', '<= 1'],
      ['false_suspicions.per_node_day', '<= 2'],
    ],
    metrics,
    { name: 'db-ha' },
  );
  const strict = checkOf([['false_suspicions.per_node_day', '<= 2']], metrics, { name: 'strict', inconclusive: 'fail' });

  it('parses as JUnit: testsuites > testsuite per scenario > testcase per threshold, with consistent counts', () => {
    const root = parse(junitXml([check, strict], { secondsByScenario: new Map([['db-ha', 1.25]]) }));
    expect(root.tag).toBe('testsuites');
    expect(root.attributes).toEqual({ name: 'hbsim check', tests: '4', failures: '2', errors: '0', skipped: '1', time: '1.250' });
    const suites = children(root, 'testsuite');
    expect(suites.map((s) => s.attributes['name'])).toEqual(['db-ha', 'strict']);
    const [suite] = suites;
    expect(suite!.attributes).toMatchObject({ tests: '3', failures: '1', errors: '0', skipped: '1', time: '1.250', file: 'scenarios/db-ha.yaml' });
    const props = children(children(suite!, 'properties')[0]!, 'property').map((p) => [p.attributes['name'], p.attributes['value']]);
    expect(props).toContainEqual(['seed', '1']);
    const cases = children(suite!, 'testcase');
    expect(cases.map((c) => c.attributes['name'])).toEqual(['detection_latency_ms.p99 <= 5s', 'false_suspicions.per_node_day <= 1', 'false_suspicions.per_node_day <= 2']);
    expect(cases.map((c) => c.attributes['classname'])).toEqual(['db-ha', 'db-ha', 'db-ha']);
    expect(cases.map((c) => c.attributes['line'])).toEqual(['20', '21', '22']);
    expect(cases.map((c) => c.children.map((k) => k.tag).join(','))).toEqual(['properties,system-out', 'properties,failure', 'properties,skipped,system-out']);
  });

  it('puts the measured value, the bound and the interval in the failure message, and the details in its text', () => {
    const root = parse(junitXml([check]));
    const failure = children(children(children(root, 'testsuite')[0]!, 'testcase')[1]!, 'failure')[0]!;
    expect(failure.attributes['type']).toBe('threshold');
    expect(failure.attributes['message']).toBe('false_suspicions.per_node_day <= 1 breached: measured 2, 95 % interval 1.22–3.09 (exact Poisson), bound <= 1');
    expect(failure.text).toBe(
      [
        'scenario: db-ha',
        'threshold: false_suspicions.per_node_day <= 1 (scenarios/db-ha.yaml:21:34)',
        'measured: 2',
        '95 % interval: 1.22165 to 3.08884 (exact Poisson)',
        'bound: <= 1',
        'verdict: breached: the whole exact Poisson 95 % interval (1.22–3.09) is above 1',
        'simulated: 240 node-hours',
      ].join('\n'),
    );
  });

  it('marks an undecided threshold skipped under inconclusive: warn and failed (type inconclusive) under fail', () => {
    const root = parse(junitXml([check, strict]));
    const warn = children(children(root, 'testsuite')[0]!, 'testcase')[2]!;
    expect(children(warn, 'skipped')[0]!.attributes['message']).toMatch(/^false_suspicions\.per_node_day <= 2 cannot tell: measured 2, 95 % interval 1\.22–3\.09/);
    const fail = children(children(root, 'testsuite')[1]!, 'testcase')[0]!;
    expect(children(fail, 'failure')[0]!.attributes['type']).toBe('inconclusive');
  });

  it('is the same bytes for the same verdicts (no timestamps)', () => {
    expect(junitXml([check])).toBe(junitXml([check]));
  });

  it('escapes any string so that a parser gives it back, characters XML cannot carry replaced by U+FFFD', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (s) => {
        const root = parseStrictXml(`<?xml version="1.0" encoding="UTF-8"?>\n<a b="${xmlAttribute(s)}">${xmlText(s)}</a>`);
        expect(root.attributes['b']).toBe(xmlSafe(s));
        expect(root.text).toBe(xmlSafe(s));
      }),
      { numRuns: 500 },
    );
  });

  it.runIf(hasPython)('escapes so that expat, a real XML parser, gives every string back', () => {
    const samples = fc.sample(fc.string({ unit: 'binary', maxLength: 30 }), { numRuns: 300, seed: 42 });
    samples.push(']]>', '\r\n', ' leading and trailing ', '\t', 'a"b\'c', '&amp;', '\u0000\u0008\uFFFE', '\uD800', '😀');
    const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<r>${samples.map((s) => `<a b="${xmlAttribute(s)}">${xmlText(s)}</a>`).join('')}</r>`;
    const tree = expatTree(xml)!;
    expect(tree.children.map((c) => c.attributes['b'])).toEqual(samples.map(xmlSafe));
    expect(tree.children.map((c) => c.text)).toEqual(samples.map(xmlSafe));
  });
});
