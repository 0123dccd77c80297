/**
 * The tallies of a run, declared once: every field with how runs pool it (`sum`,
 * `max`, or `samples`, concatenated in replication order). The type `RunTallies`, the
 * pooling (`mergeTallies`) and the zero tallies a partial book-keeper starts from are
 * all derived from this one table.
 */
import { mergeMembershipTallies, type MembershipTallies } from './membership-tallies.js';

export const TALLY_FIELDS = {
  /** Target up-time observed after warm-up, summed over pairs (µs). */
  upUs: 'sum',
  /** Part of upUs during which the observer did not trust the target (µs). */
  upSuspectedUs: 'sum',
  falseSuspicions: 'sum',
  falseDeaths: 'sum',
  /** Durations of the counted mistakes that ended (µs). */
  mistakeDurationsUs: 'samples',
  /** Crash → permanent suspicion, one per detected crash (µs). */
  detectionLatenciesUs: 'samples',
  /** Crash → permanent DEAD, one per crash that reached DEAD (µs). */
  deadLatenciesUs: 'samples',
  crashes: 'sum',
  crashesUndetected: 'sum',
  crashesCensored: 'sum',
  heartbeatsSent: 'sum',
  heartbeatsDelivered: 'sum',
  heartbeatsLost: 'sum',
  /** Per-pair mistake counts and up-times, for batch-means error estimates. */
  perPairFalseSuspicions: 'samples',
  perPairUpUs: 'samples',
  perPairUpSuspectedUs: 'samples',
  flaps: 'sum',
  maxSimultaneousFalseSuspicions: 'max',
  massSuspicionEvents: 'sum',
  /** Sender pauses that started after warm-up, and those that caused a false suspicion. */
  pauses: 'sum',
  pausesWithSuspicion: 'sum',
  /** Total time senders spent paused, for pauses that started after warm-up (µs). */
  pausedUs: 'sum',
  /** Heartbeats dropped because their link was partitioned (not counted in heartbeatsLost). */
  heartbeatsPartitioned: 'sum',
  /** Sends that did not happen because the sender was paused. */
  heartbeatsMissedWhilePaused: 'sum',
  /** Observer → node messages: probes of pull checks, lease grants. */
  probesSent: 'sum',
  /** Leases: time the observer had expired a live node that still believed it held its lease (µs). */
  splitBrainUs: 'sum',
  splitBrainEpisodes: 'sum',
  maxSplitBrainUs: 'max',
} as const satisfies Record<string, 'sum' | 'max' | 'samples'>;

type TallyField = keyof typeof TALLY_FIELDS;
type TallyValue<K extends TallyField> = (typeof TALLY_FIELDS)[K] extends 'samples' ? Float64Array : number;

/** Raw, mergeable counts and samples of one run (or of several, after `mergeTallies`). */
export type RunTallies = { -readonly [K in TallyField]: TallyValue<K> } & {
  /** Present only for detectors with a readiness verdict. */
  readiness?: ReadinessTallies;
  /** Present only when some link uses TCP (issue #13). */
  transport?: TransportTallies;
  /** Present only when the monitor can fail over (issue #13). */
  failover?: FailoverTallies;
  /** Present only for decentralised protocols (src/sim/protocols): every member observes every other. */
  membership?: MembershipTallies;
};

/** Monitor failover (issue #13): the monitor's crashes, the time without a working monitor, and the false suspicions the takeovers caused. */
export interface FailoverTallies {
  monitorCrashes: number;
  /** Time between crashes and takeovers, after warm-up (µs). */
  monitorDownUs: number;
  /** Counted false suspicions that began after a takeover and before the node's first message reached the standby. */
  takeoverFalseSuspicions: number;
}

/** TCP links (issue #13): what the connections did, and the false suspicions they caused. */
export interface TransportTallies {
  retransmissions: number;
  headOfLineStalls: number;
  connectionBreaks: number;
  droppedByBreaks: number;
  /** Counted false suspicions that began while TCP held back a message of the pair (random loss, not a partition). */
  falseSuspicionsDuringStall: number;
}

/**
 * Readiness (detectors with a second, READY / NOT_READY verdict): truth is the node's
 * `unhealthy` fault windows; a crashed node is neither healthy nor unhealthy.
 */
export interface ReadinessTallies {
  /** Up-time while healthy, after warm-up, summed over pairs (µs). */
  healthyUpUs: number;
  /** Part of healthyUpUs during which the observer said READY (µs). */
  healthyUpReadyUs: number;
  /** READY → NOT_READY while the node was up and healthy. */
  falseNotReady: number;
  /** Start of an unhealthy window → NOT_READY, one per detected window (µs). */
  notReadyLatenciesUs: Float64Array;
}

const FIELDS = Object.keys(TALLY_FIELDS) as TallyField[];

/** Tallies of a run where nothing happened (a book-keeper that tracks only some fields starts here). */
export function zeroTallies(): RunTallies {
  const out: Record<string, number | Float64Array> = {};
  for (const f of FIELDS) out[f] = TALLY_FIELDS[f] === 'samples' ? new Float64Array(0) : 0;
  return out as unknown as RunTallies;
}

/** Pools the tallies of several runs (replications of one configuration). */
export function mergeTallies(parts: readonly RunTallies[]): RunTallies {
  const out: Record<string, number | Float64Array> = {};
  for (const f of FIELDS) {
    const how = TALLY_FIELDS[f];
    if (how === 'samples') {
      const arrays = parts.map((t) => t[f] as Float64Array);
      const joined = new Float64Array(arrays.reduce((n, a) => n + a.length, 0));
      let offset = 0;
      for (const a of arrays) {
        joined.set(a, offset);
        offset += a.length;
      }
      out[f] = joined;
    } else if (how === 'max') {
      out[f] = parts.reduce((m, t) => Math.max(m, t[f] as number), 0);
    } else {
      out[f] = parts.reduce((n, t) => n + (t[f] as number), 0);
    }
  }
  const merged = out as unknown as RunTallies;
  const readiness = mergeReadiness(parts);
  const transport = mergeOptional(parts, (t) => t.transport);
  const failover = mergeOptional(parts, (t) => t.failover);
  const members = parts.flatMap((t) => (t.membership ? [t.membership] : []));
  const membership = members.length > 0 ? mergeMembershipTallies(members) : undefined;
  return {
    ...merged,
    ...(readiness ? { readiness } : {}),
    ...(transport ? { transport } : {}),
    ...(failover ? { failover } : {}),
    ...(membership ? { membership } : {}),
  };
}

/** Sums, field by field, an optional block of counts over the parts that have it (none: undefined). */
function mergeOptional<T extends object>(parts: readonly RunTallies[], pick: (t: RunTallies) => T | undefined): T | undefined {
  const present = parts.flatMap((t) => {
    const v = pick(t);
    return v ? [v] : [];
  });
  if (present.length === 0) return undefined;
  const out: Record<string, number> = {};
  for (const key of Object.keys(present[0]!)) out[key] = present.reduce((n, r) => n + (r as Record<string, number>)[key]!, 0);
  return out as T;
}

/** Pools the readiness tallies of the parts that have them (none: undefined). */
function mergeReadiness(parts: readonly RunTallies[]): ReadinessTallies | undefined {
  const present = parts.flatMap((t) => (t.readiness ? [t.readiness] : []));
  if (present.length === 0) return undefined;
  const total = present.reduce((n, r) => n + r.notReadyLatenciesUs.length, 0);
  const latencies = new Float64Array(total);
  let offset = 0;
  for (const r of present) {
    latencies.set(r.notReadyLatenciesUs, offset);
    offset += r.notReadyLatenciesUs.length;
  }
  const sum = (pick: (r: ReadinessTallies) => number) => present.reduce((n, r) => n + pick(r), 0);
  return {
    healthyUpUs: sum((r) => r.healthyUpUs),
    healthyUpReadyUs: sum((r) => r.healthyUpReadyUs),
    falseNotReady: sum((r) => r.falseNotReady),
    notReadyLatenciesUs: latencies,
  };
}
