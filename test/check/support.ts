/**
 * Fixtures for the CI gate's tests: cell metrics made by the real `cellMetrics` from
 * chosen tallies (so every interval and rounding is the contract's own), results
 * files around them, expectations as the loader makes them, and a strict reader for
 * the XML subset that JUnit uses.
 */
import { cellMetrics, type CellMetrics } from '../../src/results/cell-metrics.js';
import { RESULTS_SCHEMA, type CellResult, type ResultsFile } from '../../src/results/results-file.js';
import { METRIC_UNITS, parseThreshold } from '../../src/scenarios/expect.js';
import type { Expectation } from '../../src/scenarios/load.js';
import { mergeTallies } from '../../src/sim/metrics/recorder.js';

const US_PER_HOUR = 3_600_000_000;

export interface TallyChoice {
  readonly nodeHours?: number;
  readonly falseSuspicions?: number;
  /** Detection latencies in ms. */
  readonly latenciesMs?: readonly number[];
  /** Fraction of up-time suspected, spread evenly over `nodes` pairs. */
  readonly suspectedFraction?: number;
  readonly nodes?: number;
  readonly pauses?: number;
  readonly pausesWithSuspicion?: number;
  readonly heartbeatsPerHour?: number;
}

/** Metrics from tallies: `nodeHours` of up-time over `nodes` pairs, the chosen counts. */
export function metricsWith(c: TallyChoice = {}): CellMetrics {
  const nodes = c.nodes ?? 10;
  const upUs = (c.nodeHours ?? 100) * US_PER_HOUR;
  const fraction = c.suspectedFraction ?? 0;
  const perPairUp = new Float64Array(nodes).fill(upUs / nodes);
  // Spread the suspected time unevenly, so the per-node ratio interval has width.
  const weights = Array.from({ length: nodes }, (_, i) => 1 + (i % 3));
  const total = weights.reduce((a, b) => a + b, 0);
  const perPairSuspected = Float64Array.from(weights, (w) => (fraction * upUs * w) / total);
  const latencies = Float64Array.from(c.latenciesMs ?? [], (ms) => ms * 1000);
  const fs = c.falseSuspicions ?? 0;
  return cellMetrics({
    ...mergeTallies([]),
    upUs,
    upSuspectedUs: fraction * upUs,
    falseSuspicions: fs,
    mistakeDurationsUs: Float64Array.from({ length: fs }, () => 1_000_000),
    detectionLatenciesUs: latencies,
    crashes: latencies.length,
    heartbeatsSent: Math.round((c.heartbeatsPerHour ?? 3600) * (c.nodeHours ?? 100)),
    perPairUpUs: perPairUp,
    perPairUpSuspectedUs: perPairSuspected,
    perPairFalseSuspicions: new Float64Array(nodes),
    pauses: c.pauses ?? 0,
    pausesWithSuspicion: c.pausesWithSuspicion ?? 0,
    pausedUs: (c.pauses ?? 0) * 200_000,
  });
}

/** `n` latencies spread evenly over [fromMs, toMs]. */
export function spread(n: number, fromMs: number, toMs: number): number[] {
  return Array.from({ length: n }, (_, i) => fromMs + ((toMs - fromMs) * i) / Math.max(1, n - 1));
}

/** An expectation as the loader makes it: `metric: "<= 5s"` written at `line` of `file`. */
export function expectation(metric: string, condition: string, line = 10, file = 'scenarios/x.yaml'): Expectation {
  const unit = METRIC_UNITS.get(metric);
  if (unit === undefined) throw new Error(`no metric ${metric}`);
  const parsed = parseThreshold(metric, unit, condition);
  if (!parsed.ok) throw new Error(`bad condition ${condition}: ${parsed.reason}`);
  return { ...parsed.value, file, line, column: metric.length + 5 };
}

export function cell(id: string, metrics: CellMetrics, params: Record<string, string> = {}): CellResult {
  return { id, params, metrics };
}

export function resultsWith(cells: readonly CellResult[], name = 'x', scenario: unknown = { name, duration: '1h' }): ResultsFile {
  return {
    schema: RESULTS_SCHEMA,
    tool: { name: 'hbsim', version: 'test' },
    name,
    source: `scenarios/${name}.yaml`,
    seed: '1',
    replications: 1,
    scenario,
    swept: cells.length > 1 ? ['detector.timeout'] : [],
    cells,
    sample: { cell: cells[0]!.id, duration_ms: 3_600_000, timeline: { entries: [], dropped: 0 } },
  };
}

// ------------------------------------------------------------------ strict XML

export interface XmlElement {
  readonly tag: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: readonly XmlElement[];
  /** The element's own character data, entities decoded. */
  readonly text: string;
}

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(text: string, where: string): string {
  return text.replace(/&([^;]*);?/g, (whole, name: string) => {
    if (!whole.endsWith(';')) throw new Error(`unterminated entity in ${where}`);
    if (name.startsWith('#x')) return String.fromCodePoint(parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(Number(name.slice(1)));
    const e = ENTITIES[name];
    if (e === undefined) throw new Error(`unknown entity &${name}; in ${where}`);
    return e;
  });
}

/**
 * A strict reader for the subset of XML that JUnit files use: an XML declaration,
 * elements with double-quoted attributes, character data and the five entities plus
 * character references. Anything else (comments, CDATA, DOCTYPE, a raw `<` or `&` in
 * text, mismatched tags, duplicate attributes, characters XML forbids) is an error.
 * It backs up the real parser (Python's expat), which the tests also run when present.
 */
export function parseStrictXml(xml: string): XmlElement {
  let i = 0;
  const fail = (why: string): never => {
    throw new Error(`${why} at offset ${i}: ${JSON.stringify(xml.slice(i, i + 40))}`);
  };
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/.test(xml)) fail('a character XML forbids');
  const decl = /^<\?xml version="1\.0" encoding="UTF-8"\?>\n/.exec(xml);
  if (!decl) fail('no XML declaration');
  i = decl![0].length;
  const skipSpace = () => {
    while (i < xml.length && /\s/.test(xml[i]!)) i++;
  };
  const element = (): XmlElement => {
    const open = /^<([A-Za-z_][\w.-]*)/.exec(xml.slice(i));
    if (!open) fail('expected an element');
    const tag = open![1]!;
    i += open![0].length;
    const attributes: Record<string, string> = {};
    for (;;) {
      const attr = /^\s+([A-Za-z_][\w.-]*)="([^"<]*)"/.exec(xml.slice(i));
      if (!attr) break;
      if (Object.hasOwn(attributes, attr[1]!)) fail(`duplicate attribute ${attr[1]}`);
      attributes[attr[1]!] = decode(attr[2]!, `${tag}@${attr[1]}`);
      i += attr[0].length;
    }
    skipSpace();
    if (xml.startsWith('/>', i)) {
      i += 2;
      return { tag, attributes, children: [], text: '' };
    }
    if (xml[i] !== '>') fail(`expected > to close <${tag}`);
    i++;
    const children: XmlElement[] = [];
    let text = '';
    for (;;) {
      const lt = xml.indexOf('<', i);
      if (lt < 0) fail(`unclosed <${tag}>`);
      const raw = xml.slice(i, lt);
      if (raw.includes('>') && raw.includes(']]>')) fail(']]> in text');
      text += decode(raw, `text of ${tag}`);
      i = lt;
      if (xml.startsWith(`</${tag}>`, i)) {
        i += tag.length + 3;
        return { tag, attributes, children, text };
      }
      if (xml.startsWith('</', i)) fail(`mismatched closing tag inside <${tag}>`);
      if (xml.startsWith('<!', i) || xml.startsWith('<?', i)) fail('comments, CDATA and processing instructions are not expected');
      children.push(element());
    }
  };
  const root = element();
  skipSpace();
  if (i !== xml.length) fail('content after the root element');
  return root;
}

/** The same tree as Python's ElementTree (expat) reads it, or undefined when python3 is not installed. */
export const PYTHON_XML_TO_JSON = `
import json, sys
import xml.etree.ElementTree as ET
def walk(e):
    return {"tag": e.tag, "attributes": dict(e.attrib), "text": (e.text or "") + "".join(c.tail or "" for c in e), "children": [walk(c) for c in e]}
print(json.dumps(walk(ET.parse(sys.stdin.buffer).getroot())))
`;

// ------------------------------------------------------------------- checks

import { checkResults, type ScenarioCheck } from '../../src/check/gate.js';
import type { GateSpec } from '../../src/scenarios/load.js';

/**
 * A check of a one-cell scenario named `name` with the given thresholds (written
 * on lines 20, 21, …): one held, breached or undecided as the metrics make them.
 */
export function checkOf(thresholds: readonly (readonly [string, string])[], metrics = metricsWith(), options: { name?: string; file?: string; inconclusive?: 'fail' | 'warn' } = {}): ScenarioCheck {
  const name = options.name ?? 'x';
  const file = options.file ?? `scenarios/${name}.yaml`;
  const spec: GateSpec = {
    expectations: thresholds.map(([metric, condition], i) => expectation(metric, condition, 20 + i, file)),
    inconclusive: options.inconclusive ?? 'warn',
    cells: { kind: 'all' },
  };
  return checkResults(resultsWith([cell('default', metrics)], name), spec, file);
}

// ------------------------------------------------------------ CLI scenarios

/**
 * A scenario that runs in a fraction of a second: 5 nodes for 1 h, crashes every
 * 20 min. With seed 3 it sees 1 false suspicion in 4.7 node-hours (interval
 * 0.129–28.3 per node-day), a detection p50 of 2.54 s and p99 of 2.99 s. The `expect:`
 * block is appended as given; its first threshold is on line 17.
 */
export function smallScenario(expectBlock: readonly string[], extra = ''): string {
  return [
    '# A small cluster for the gate\'s tests: a second to run.',
    'name: small',
    'seed: 3',
    'duration: 1h',
    'cluster: { nodes: 5 }',
    'heartbeat:',
    '  interval: 1s',
    'link:',
    '  loss: 1%',
    '  delay: { base: 1ms, dist: exponential, mean: 1ms }',
    'faults:',
    '  - crash: { mttf: 20m, mttr: 1m }',
    'detector:',
    '  kind: timeout',
    '  timeout: 3x',
    ...(expectBlock.length === 0 ? [] : ['expect:', ...expectBlock.map((l) => `  ${l}`)]),
    extra,
  ].join('\n');
}

/** Line of the i-th threshold (0-based) in `smallScenario`. */
export const SMALL_EXPECT_LINE = (i: number) => 17 + i;
