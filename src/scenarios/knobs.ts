/**
 * A cell as the modelled system's own settings (`knobs:` of a scenario): each setting
 * takes a value of the cell's scenario (a path, or `timeout`, the detector's nominal
 * timeout), converts it to the unit the system reads, rounds it to a value the system
 * accepts (whole ms, s, µs or counts) and writes it with the setting's template.
 */
import { isRelativeField, memberlistOf, relativeUs, timeoutUsOf, type KnobsSpec, type Scenario } from './schema/index.js';
import type { MemberlistConfig } from '../sim/config.js';

/**
 * A `swim` section's fields and the memberlist setting each stands for: a field left
 * out takes its base's default (DefaultLANConfig, DefaultWANConfig…), and a knob on it
 * must print that default, not go missing.
 */
const SWIM_FIELDS: Readonly<Record<string, keyof MemberlistConfig>> = {
  probe_interval: 'probeIntervalUs',
  probe_timeout: 'probeTimeoutUs',
  indirect_checks: 'indirectChecks',
  suspicion_mult: 'suspicionMult',
  suspicion_max_timeout_mult: 'suspicionMaxTimeoutMult',
  retransmit_mult: 'retransmitMult',
  gossip_interval: 'gossipIntervalUs',
  gossip_nodes: 'gossipNodes',
  gossip_to_the_dead_time: 'gossipToTheDeadTimeUs',
  push_pull_interval: 'pushPullIntervalUs',
  awareness_max_multiplier: 'awarenessMaxMultiplier',
};

function swimDefault(scenario: Scenario, from: string): number | undefined {
  const p = scenario.protocol;
  const field = from.startsWith('protocol.') ? SWIM_FIELDS[from.slice('protocol.'.length)] : undefined;
  if (p === undefined || p.kind !== 'swim' || field === undefined) return undefined;
  const value = memberlistOf(p)[field];
  return typeof value === 'number' ? value : undefined;
}

export interface RenderedKnob {
  readonly name: string;
  /** The setting ready to paste: "--election-timeout=1000". */
  readonly text: string;
  readonly value: number;
  /** The value before rounding, in the setting's unit, when rounding changed it. */
  readonly unrounded?: number;
}

export interface RenderedKnobs {
  readonly system: string;
  readonly settings: readonly RenderedKnob[];
  /** Settings whose path has no numeric value in this scenario (a knob for another detector kind). */
  readonly missing: readonly string[];
}

/** The raw value at `from`: µs for durations, the number itself otherwise; undefined when absent or not a number. */
export function knobSource(scenario: Scenario, from: string): number | undefined {
  if (from === 'timeout') return timeoutUsOf(scenario);
  let value: unknown = scenario;
  for (const key of from.split('.')) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, key)) return swimDefault(scenario, from);
    value = (value as Record<string, unknown>)[key];
  }
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  // A relative duration ("3x", "2x" of the timeout), or dead_after: never (no number).
  const [section, field, ...rest] = from.split('.');
  if (section === 'detector' && field !== undefined && rest.length === 0 && isRelativeField(field)) {
    const us = relativeUs(scenario, field);
    return Number.isFinite(us) ? us : undefined;
  }
  return swimDefault(scenario, from);
}

const DIVISOR = { ms: 1000, s: 1_000_000, us: 1, integer: 1, number: 1 } as const;

export function renderKnobs(knobs: KnobsSpec, scenario: Scenario): RenderedKnobs {
  const settings: RenderedKnob[] = [];
  const missing: string[] = [];
  for (const k of knobs.settings) {
    const raw = knobSource(scenario, k.from);
    if (raw === undefined) {
      missing.push(k.name);
      continue;
    }
    const exact = raw / DIVISOR[k.unit];
    const round = k.round === 'up' ? Math.ceil : k.round === 'down' ? Math.floor : Math.round;
    // Float noise (999.9999999 ms) is not a fraction to round; otherwise a whole unit,
    // never 0 for a positive value (a system refuses a 0 timeout).
    const whole = Math.abs(exact - Math.round(exact)) < 1e-6 ? Math.round(exact) : round(exact);
    const value = k.unit === 'number' ? Number(exact.toPrecision(6)) : Math.max(exact > 0 ? 1 : 0, whole);
    const text = (k.format ?? `${k.name}={value}`).replaceAll('{value}', String(value));
    settings.push({ name: k.name, text, value, ...(Math.abs(value - exact) > 1e-6 ? { unrounded: exact } : {}) });
  }
  return { system: knobs.system, settings, missing };
}

/** "etcd 3.5: --heartbeat-interval=100 --election-timeout=1000" (one line per setting when `multiline`). */
export function knobsText(rendered: RenderedKnobs, multiline = false): string {
  if (rendered.settings.length === 0) return '';
  const body = rendered.settings.map((s) => s.text);
  return multiline ? body.join('\n') : body.join(' ');
}
