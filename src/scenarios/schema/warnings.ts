/** Soft problems: the scenario runs, but probably not as intended. */
import { formatDuration } from '../units.js';
import { nodeNamesOf } from './cluster.js';
import { faultEntry } from './faults.js';
import type { Scenario } from './scenario.js';
import { checkIntervalUsOf, timeoutUsOf } from './timings.js';

/** A soft problem: the scenario runs, but probably not as intended. */
export interface ScenarioWarning {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** Engine throughput is a few million events per second; about 2.5 events per heartbeat. */
const HEARTBEATS_WARN = 300_000_000;
/** The engine's rough speed on one core (npm run bench), for the order of magnitude of a long run. */
const HEARTBEATS_PER_CORE_SECOND = 4_000_000;

/** A duration in seconds to its order of magnitude in words ("2 minutes", "3 months", "40 years"). */
export function roughTime(seconds: number): string {
  const units: [string, number][] = [['year', 365 * 86_400], ['month', 30 * 86_400], ['day', 86_400], ['hour', 3600], ['minute', 60], ['second', 1]];
  for (const [name, size] of units) {
    if (seconds >= size) {
      const n = Math.round(seconds / size);
      const shown = n >= 1000 ? n.toExponential(1) : String(n);
      return `${shown} ${name}${n === 1 ? '' : 's'}`;
    }
  }
  return 'a second';
}

export function scenarioWarnings(s: Scenario): ScenarioWarning[] {
  const out: ScenarioWarning[] = [];
  const timeoutUs = timeoutUsOf(s);
  const check = checkIntervalUsOf(s.detector);
  if (check > timeoutUs) {
    out.push({
      path: ['detector', 'check_interval'],
      message: `check_interval (${formatDuration(check)}) is longer than the timeout (${formatDuration(timeoutUs)}): detection waits for the next check, up to ${formatDuration(check)} late`,
    });
  }
  if (s.duration - s.warmup < timeoutUs) {
    out.push({ path: ['duration'], message: `the measured time (duration − warmup = ${formatDuration(s.duration - s.warmup)}) is shorter than the timeout (${formatDuration(timeoutUs)}): few or no verdicts can be counted` });
  }
  s.faults.forEach((fault, i) => {
    const { kind, spec } = faultEntry(fault);
    const at = spec.at as number | undefined;
    if (at === undefined) return;
    const what = kind === 'crash' ? 'the crash' : `the ${kind.replace(/_/g, ' ')}`;
    if (at >= s.duration) {
      out.push({ path: ['faults', i, kind, 'at'], message: `${what} at ${formatDuration(at)} is after the end of the run (${formatDuration(s.duration)}); it never happens` });
    } else if (at < s.warmup) {
      out.push({ path: ['faults', i, kind, 'at'], message: `${what} at ${formatDuration(at)} falls in the warm-up (${formatDuration(s.warmup)}); it is not counted` });
    }
  });
  const heartbeats = nodeNamesOf(s.cluster.nodes).length * (s.duration / s.heartbeat.interval) * s.replications;
  if (heartbeats > HEARTBEATS_WARN) {
    out.push({ path: ['duration'], message: `this scenario simulates about ${heartbeats.toExponential(1)} heartbeats; expect about ${roughTime(heartbeats / HEARTBEATS_PER_CORE_SECOND)} on one core` });
  }
  return out;
}
