/**
 * Faults: crashes, pauses, the monitor's own crashes and pauses, partitions,
 * isolation, CPU starvation, slow I/O, clock drift and steps, unhealthy windows.
 * Each entry of `faults` is a map with one key naming its kind.
 *
 * Adding a fault kind: add a key to `faultSchema` (in buildFaultSchema) and to `FAULT_KINDS`, then teach
 * ../build.ts to map it onto the engine's configuration.
 */
import { z } from 'zod';
import type { Rate } from '../units.js';
import { nodeSelectorSchema } from './cluster.js';
import { durationLaw } from './distributions.js';
import { builtOnFirstUse, duration, expects, MAX_NODES, meta, onlyIfValid, optionalOnFirstUse, positiveDuration, rate, signedDuration } from './leaves.js';

/** When an episodic fault strikes: exactly one of these keys. */
const ONSET_KEYS = ['at', 'every', 'rate', 'period'] as const;

const onsetShape = (whose: string) => ({
  at: duration(`Once, at this simulated time.`).optional(),
  every: positiveDuration(`Poisson onsets with this mean gap (exponential gaps), independently ${whose}.`).optional(),
  rate: rate(`Poisson onsets at this rate (6/h = a mean gap of 10m), independently ${whose}.`).optional(),
  period: positiveDuration(`Periodic onsets, this far apart, starting at a uniformly random phase ${whose}.`).optional(),
});

interface OnsetDraft {
  readonly at?: number | undefined;
  readonly every?: number | undefined;
  readonly rate?: Rate | undefined;
  readonly period?: number | undefined;
}

function checkOnset(kind: string, f: OnsetDraft, ctx: z.RefinementCtx): void {
  const given = ONSET_KEYS.filter((k) => f[k] !== undefined);
  if (given.length === 0) {
    ctx.addIssue({ code: 'custom', path: [], message: `a ${kind} needs an onset: one of \`at\` (once), \`every\` or \`rate\` (Poisson) or \`period\` (periodic)` });
  } else if (given.length > 1) {
    ctx.addIssue({ code: 'custom', path: [given[1]!], message: `give only one onset: \`${given[0]}\` or \`${given[1]}\`, not both` });
  }
}

/** `duration` (a law) or `for` (a fixed length): exactly one. */
function checkLength(kind: string, f: { duration?: unknown; for?: unknown }, ctx: z.RefinementCtx): void {
  if (f.duration === undefined && f.for === undefined) ctx.addIssue({ code: 'custom', path: [], message: `a ${kind} needs a \`duration\` (or \`for\`, a fixed length)` });
  else if (f.duration !== undefined && f.for !== undefined) ctx.addIssue({ code: 'custom', path: ['for'], message: 'give either `duration` or `for`, not both' });
}

/** One entry of `faults`: a map with exactly one key naming the fault kind. */
export const FAULT_KINDS = ['crash', 'pause', 'monitor_pause', 'monitor_crash', 'partition', 'isolate', 'cpu_starvation', 'slow_io', 'clock_drift', 'clock_step', 'unhealthy'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

// One builder per fault kind, called only by buildFaultSchema (so only when a scenario has faults).

function crashSchema() {
  return z
    .strictObject({
      nodes: nodeSelectorSchema().prefault('all'),
      at: duration('One crash: simulated time at which the nodes crash. Use either `at` or `mttf` + `mttr`.').optional(),
      down: positiveDuration('With `at`: how long the nodes stay down before recovering. Omit to keep them down.').optional(),
      mttf: positiveDuration('Crash/recover cycles: mean time to failure (exponential up-times, per node or per rack).').optional(),
      mttr: positiveDuration('Crash/recover cycles: mean time to repair (exponential down-times, per node or per rack).').optional(),
      restart_delay: duration('Crash/recover cycles: a fixed time added to every down-time (a process that takes this long to start), on top of the repair time.').optional(),
      rack_size: z
        .int(expects('a whole number ≥ 1'))
        .min(1, expects('a whole number ≥ 1'))
        .max(MAX_NODES)
        .meta(meta({ description: 'Crash/recover cycles: correlated crashes. The selected nodes, in name order, form racks of this many that crash and recover together (a top-of-rack switch, a shared host). 1 = independent nodes.', type: 'integer ≥ 1' }))
        .optional(),
    })
    .superRefine((c, ctx) => {
      const once = c.at !== undefined;
      const cycles = c.mttf !== undefined || c.mttr !== undefined;
      if (once && cycles) {
        ctx.addIssue({ code: 'custom', path: [c.mttf !== undefined ? 'mttf' : 'mttr'], message: 'use either `at` (one crash) or `mttf` and `mttr` (crash/recover cycles), not both' });
      } else if (!once && !cycles) {
        ctx.addIssue({ code: 'custom', path: [], message: 'a crash needs either `at` (one crash, optionally with `down`) or `mttf` and `mttr` (crash/recover cycles)' });
      } else if (cycles && (c.mttf === undefined || c.mttr === undefined)) {
        ctx.addIssue({ code: 'custom', path: [c.mttf === undefined ? 'mttf' : 'mttr'], message: 'crash/recover cycles need both `mttf` and `mttr`' });
      } else if (c.down !== undefined && !once) {
        ctx.addIssue({ code: 'custom', path: ['down'], message: '`down` goes with `at`; crash/recover cycles use `mttr`' });
      } else if (once && (c.restart_delay !== undefined || c.rack_size !== undefined)) {
        ctx.addIssue({ code: 'custom', path: [c.restart_delay !== undefined ? 'restart_delay' : 'rack_size'], message: '`restart_delay` and `rack_size` go with crash/recover cycles (`mttf` and `mttr`)' });
      }
    }, onlyIfValid)
    .meta(meta({ description: 'Crash-stop faults: the node stops sending until it recovers. Crashes give the detection-latency samples.', type: 'map' }));
}

function pauseSchema() {
  return z
    .strictObject({
      nodes: nodeSelectorSchema().prefault('all'),
      ...onsetShape('per node'),
      duration: durationLaw('How long each pause lasts: a duration, or a distribution (heavy-tailed GC pauses: lognormal or pareto). Longer pauses cause more false suspicions.'),
      after: z
        .enum(['skip', 'burst'], expects('skip or burst'))
        .meta(meta({ description: 'After a pause: `skip` the heartbeats that fell due (a fixed-delay timer), or send them all at once (`burst`, a fixed-rate timer catching up).', type: 'skip or burst' }))
        .prefault('skip'),
    })
    .superRefine((f, ctx) => checkOnset('pause', f, ctx), onlyIfValid)
    .meta(meta({ description: 'Stop-the-world pauses of senders (GC, VM steal): a paused node sends nothing but is alive, so a suspicion during a pause is a false one.', type: 'map' }));
}

function monitorCrashSchema() {
  return z
    .strictObject({
      ...onsetShape('for the monitor'),
      takeover: duration('From the monitor\'s crash until a standby takes over. Meanwhile nothing is judged (verdicts stay as they were: stale) and messages sent to the monitor are lost.').prefault('10s'),
      startup: z
        .enum(['empty', 'grace'], expects('empty or grace'))
        .meta(
          meta({
            description:
              'How the standby starts. `empty`: it has no last-seen times, so every node is suspect until its first message arrives (a burst of suspicions). `grace`: every node counts as heard at the takeover and gets a full timeout to report, as the Kubernetes node lifecycle controller gives each node a fresh probe timestamp (a full node-monitor-grace-period) when it starts.',
            type: 'empty or grace',
          }),
        )
        .prefault('grace'),
    })
    .superRefine((f, ctx) => checkOnset('monitor crash', f, ctx), onlyIfValid)
    .meta(
      meta({
        description:
          'The monitor is a single point of failure: it crashes and a standby takes over after `takeover`. Measured: time without a working monitor and the false suspicions the takeovers caused (`failover` in the results). For pushed heartbeats and leases (not pull checks). At most one entry.',
        type: 'map',
      }),
    );
}

function monitorPauseSchema() {
  return z
    .strictObject({
      ...onsetShape('for the monitor'),
      duration: durationLaw('How long each pause of the monitor lasts: a duration, or a distribution.'),
      backlog: z
        .enum(['checks_first', 'messages_first'], expects('checks_first or messages_first'))
        .meta(
          meta({
            description:
              'On resume, the monitor runs its overdue checks before reading the heartbeats that queued up (`checks_first`: every node looks silent, the case Cassandra\'s local-pause guard exists for) or after (`messages_first`).',
            type: 'checks_first or messages_first',
          }),
        )
        .prefault('checks_first'),
    })
    .superRefine((f, ctx) => checkOnset('monitor pause', f, ctx), onlyIfValid)
    .meta(meta({ description: 'Pauses of the monitor itself: it neither receives nor checks while paused, then works off its backlog; one pause can accuse every node at once.', type: 'map' }));
}

const partitionShape = (whose: string) => ({
  ...onsetShape(whose),
  duration: durationLaw('How long each outage lasts: a duration, or a distribution.').optional(),
  for: positiveDuration('A fixed length for each outage (`at: 5m, for: 90s`); the same as a plain `duration`.').optional(),
});

function partitionSchema() {
  return z
    .strictObject({
      nodes: nodeSelectorSchema('Nodes cut off from the monitor: `all`, one name, or a list.').prefault('all'),
      ...partitionShape('per node (scope each) or for the group'),
      scope: z
        .enum(['each', 'group'], expects('each or group'))
        .meta(meta({ description: '`group`: the selected nodes are cut off together, by one outage process; `each`: every selected node has its own independent outages.', type: 'each or group' }))
        .prefault('group'),
      direction: z
        .enum(['both', 'to_monitor', 'from_monitor'], expects('both, to_monitor or from_monitor'))
        .meta(meta({ description: 'Which direction goes down: `both`, only node → monitor (`to_monitor`: heartbeats and replies lost) or only monitor → node (`from_monitor`: probes and lease grants lost).', type: 'both, to_monitor or from_monitor' }))
        .prefault('both'),
    })
    .superRefine((f, ctx) => {
      checkOnset('partition', f, ctx);
      checkLength('partition', f, ctx);
    }, onlyIfValid)
    .meta(meta({ description: 'Network partitions between nodes and the monitor. Messages already in flight still arrive.', type: 'map' }));
}

function isolateSchema() {
  return z
    .strictObject({
      nodes: nodeSelectorSchema('The node (or nodes, each on its own) whose every link goes down.'),
      ...partitionShape('per node'),
    })
    .superRefine((f, ctx) => {
      checkOnset('isolation', f, ctx);
      checkLength('isolation', f, ctx);
    }, onlyIfValid)
    .meta(meta({ description: 'Shorthand for a partition of each named node in both directions: all links of a node down.', type: 'map' }));
}

function cpuStarvationSchema() {
  return z
    .strictObject({
      nodes: nodeSelectorSchema().prefault('all'),
      ...onsetShape('per node'),
      duration: durationLaw('How long each starvation window lasts.'),
      extra_delay: durationLaw('While a window lasts, each send waits this much longer (scheduling delay): a duration or a distribution.'),
    })
    .superRefine((f, ctx) => checkOnset('cpu_starvation window', f, ctx), onlyIfValid)
    .meta(meta({ description: 'Windows of CPU starvation on a node (a noisy neighbour, a batch job): heartbeats leave late, so a node that is fine looks slow.', type: 'map' }));
}

function slowIoSchema() {
  return z
    .strictObject({
      nodes: nodeSelectorSchema().prefault('all'),
      extra_delay: durationLaw('Extra delay of every send (an fsync on the heartbeat path): a duration or a distribution.'),
    })
    .meta(meta({ description: 'Slow I/O on the heartbeat path, all the time: every heartbeat waits an extra delay before it is sent (a send whose I/O has begun still goes out if the node crashes meanwhile: a simplification).', type: 'map' }));
}

const clockSelector = {
  nodes: nodeSelectorSchema('Nodes whose clock is affected: `all`, one name, or a list.').optional(),
  monitor: z.boolean(expects('true or false')).meta(meta({ description: 'The monitor\'s clock is affected.', type: 'boolean' })).prefault(false),
};

function checkClockTarget(kind: string, f: { nodes?: unknown; monitor: boolean }, ctx: z.RefinementCtx): void {
  if (f.nodes === undefined && !f.monitor) ctx.addIssue({ code: 'custom', path: [], message: `a ${kind} needs \`nodes\`, \`monitor: true\`, or both` });
}

function clockDriftSchema() {
  return z
    .strictObject({
      ...clockSelector,
      ppm: z
        .number(expects('a number from -100000 to 100000'))
        .min(-100_000, expects('a number from -100000 to 100000'))
        .max(100_000, expects('a number from -100000 to 100000'))
        .meta(meta({ description: 'Rate error in parts per million: +15 runs 15 µs fast per second (NTP\'s assumed tolerance). Only timers on the affected clocks drift.', type: 'number (ppm)' })),
    })
    .superRefine((f, ctx) => checkClockTarget('clock_drift', f, ctx), onlyIfValid)
    .meta(meta({ description: 'Clock rate error of nodes and/or the monitor, for the whole run.', type: 'map' }));
}

function clockStepSchema() {
  return z
    .strictObject({
      ...clockSelector,
      ...onsetShape('per clock'),
      step: signedDuration('How far the wall clock jumps: forward (500ms) or back (-2s), as NTP steps or a resumed VM do. Monotonic clocks do not see steps.'),
    })
    .superRefine((f, ctx) => {
      checkClockTarget('clock_step', f, ctx);
      checkOnset('clock_step', f, ctx);
    }, onlyIfValid)
    .meta(meta({ description: 'Wall-clock steps. They matter to detectors that read the wall clock (`timeout` with `clock: wall`, `nfd_s`).', type: 'map' }));
}

function unhealthySchema() {
  return z
    .strictObject({
      nodes: nodeSelectorSchema().prefault('all'),
      ...onsetShape('per node'),
      duration: durationLaw('How long each unhealthy window lasts.'),
    })
    .superRefine((f, ctx) => checkOnset('unhealthy window', f, ctx), onlyIfValid)
    .meta(meta({ description: 'Windows during which a node is up but unhealthy (fails its health check: its database connection is down). Pull checks see them; heartbeats do not. The metrics count a suspicion during such a window as a false one, since the node is up.', type: 'map' }));
}


/**
 * The schema of one entry of `faults`, built on first use (`faultSchema()`; sections.ts
 * wraps it in z.lazy): ~20 ms of zod construction at start-up that a scenario without
 * faults never needs. Each kind's own schema is built on first use too (optionalOnFirstUse):
 * a scenario with a pause and a crash builds those two, not all eleven with their seven
 * duration laws (workload B + faults' read phase: ~30 ms of CPU). Built once; the same
 * schema every call.
 */
function buildFaultSchema() {
  const faultSchema = z
    .strictObject({
      crash: optionalOnFirstUse(kindBuilt.crash),
      pause: optionalOnFirstUse(kindBuilt.pause),
      monitor_pause: optionalOnFirstUse(kindBuilt.monitor_pause),
      monitor_crash: optionalOnFirstUse(kindBuilt.monitor_crash),
      partition: optionalOnFirstUse(kindBuilt.partition),
      isolate: optionalOnFirstUse(kindBuilt.isolate),
      cpu_starvation: optionalOnFirstUse(kindBuilt.cpu_starvation),
      slow_io: optionalOnFirstUse(kindBuilt.slow_io),
      clock_drift: optionalOnFirstUse(kindBuilt.clock_drift),
      clock_step: optionalOnFirstUse(kindBuilt.clock_step),
      unhealthy: optionalOnFirstUse(kindBuilt.unhealthy),
    })
    .superRefine((f, ctx) => {
      const kinds = Object.keys(f).filter((k) => (f as Record<string, unknown>)[k] !== undefined);
      if (kinds.length !== 1) {
        ctx.addIssue({ code: 'custom', path: [], message: `each fault is a map with exactly one key naming its kind (${FAULT_KINDS.join(', ')}), found ${kinds.length}` });
      }
    }, onlyIfValid);
  return faultSchema;
}

/** Each kind's schema, built on its first use. */
const kindBuilt = {
  crash: builtOnFirstUse(crashSchema),
  pause: builtOnFirstUse(pauseSchema),
  monitor_pause: builtOnFirstUse(monitorPauseSchema),
  monitor_crash: builtOnFirstUse(monitorCrashSchema),
  partition: builtOnFirstUse(partitionSchema),
  isolate: builtOnFirstUse(isolateSchema),
  cpu_starvation: builtOnFirstUse(cpuStarvationSchema),
  slow_io: builtOnFirstUse(slowIoSchema),
  clock_drift: builtOnFirstUse(clockDriftSchema),
  clock_step: builtOnFirstUse(clockStepSchema),
  unhealthy: builtOnFirstUse(unhealthySchema),
} satisfies Record<FaultKind, unknown>;

/** The fault kinds whose schema has been built so far (test/cli/lazy-schema.test.ts). */
export const faultKindsBuilt = (): FaultKind[] => FAULT_KINDS.filter((k) => kindBuilt[k].built());

let built: ReturnType<typeof buildFaultSchema> | undefined;

/** Whether `faultSchema()` has built the schema yet (a scenario without faults never does). */
export const faultSchemaIsBuilt = (): boolean => built !== undefined;

/** The schema of one entry of `faults` (built on first call, then the same object). */
export function faultSchema(): ReturnType<typeof buildFaultSchema> {
  return (built ??= buildFaultSchema());
}

export type FaultSpec = z.output<ReturnType<typeof faultSchema>>;
export type CrashSpec = NonNullable<FaultSpec['crash']>;
export type DurationLawSpec = NonNullable<FaultSpec['pause']>['duration'];

/** The kind and settings of a fault entry (the schema guarantees exactly one). */
export function faultEntry(fault: FaultSpec): { readonly kind: FaultKind; readonly spec: Record<string, unknown> } {
  for (const kind of FAULT_KINDS) {
    const spec = fault[kind];
    if (spec !== undefined) return { kind, spec: spec as Record<string, unknown> };
  }
  throw new RangeError('a fault entry names no kind');
}
