/**
 * Detector families, a union on `kind`: fixed timeout, phi accrual (Akka,
 * Cassandra), Chen's NFD-S and NFD-E, pull checks, leases, liveness + readiness,
 * each with the defaults of the system it models.
 *
 * Adding a detector family: add a variant to `detectorSchema` and to
 * `DETECTOR_KINDS`, then teach ../build.ts to map it onto the engine's configuration.
 */
import { z } from 'zod';
import { deadAfterCodec, duration, durationOrNever, expects, meta, positiveDuration, relative, wholeNumber } from './leaves.js';

const checkInterval = (text: string, dflt: string | number) =>
  duration(`How often the monitor evaluates all nodes; 0 means exact per-node timers. ${text}A coarse check delays detection by up to one check and hides silences shorter than a check.`).prefault(dflt);

const confirmAfter = () =>
  durationOrNever('Time a node stays SUSPECTED before it is declared DEAD (Akka\'s downing after a stable period, an eviction delay), or `never` for no DEAD state.').prefault('never');

const timeoutDetectorSchema = () =>
  z.strictObject({
    kind: z.literal('timeout').meta(meta({ description: 'Fixed timeout: SUSPECTED once the silence since the last arrival exceeds `timeout`, DEAD once it exceeds `dead_after`, ALIVE again on the next arrival.' })),
    timeout: relative('Silence (on the monitor\'s clock) after which a node is SUSPECTED. Longer timeouts mean fewer false suspicions and slower detection.', 'heartbeat.interval').prefault('3x'),
    dead_after: deadAfterCodec('Silence after which a node is declared DEAD: a duration, a multiple of `timeout` (2x = twice the timeout, as in the seed), or `never` for no DEAD state.').prefault('2x'),
    check_interval: checkInterval('', 0),
    clock: z
      .enum(['monotonic', 'wall'], expects('monotonic or wall'))
      .meta(meta({ description: 'Which clock of the monitor measures the silence: `monotonic` (immune to clock steps) or `wall` (a step forward can suspect everyone at once, a step back delays detection).', type: 'monotonic or wall' }))
      .prefault('monotonic'),
    allow_short_timeout: z.boolean(expects('true or false')).meta(meta({ description: 'Allow a timeout no longer than the heartbeat interval. Such a detector suspects every node between two heartbeats, so it is refused unless this is true.', type: 'boolean' })).prefault(false),
  });

/**
 * φ = −log10 of a probability: above 300 that probability is below what a double holds
 * (10^−300), and below 1e-9 it rounds to 1; either way φ never reaches the threshold.
 */
const PHI_RANGE = 'a number from 1e-9 to 300 (φ is −log10 of a probability, which floating point holds only between 10^-300 and 1 − 10^-9)';
const phiThreshold = (description: string) => z.number(expects(PHI_RANGE)).min(1e-9, expects(PHI_RANGE)).max(300, expects(PHI_RANGE)).meta(meta({ description, type: 'number, 1e-9 to 300' }));

/** Akka cluster defaults (akka-cluster reference.conf, akka/akka @ 9892c5e, v2.10.x; reference §2.2). */
const phiAkkaDetectorSchema = () =>
  z.strictObject({
    kind: z.literal('phi_akka').meta(
      meta({
        description:
          'Akka\'s phi accrual detector (akka-remote PhiAccrualFailureDetector): φ grows with the silence, against a normal law fitted to recent inter-arrival times (logistic approximation, as Akka computes it); SUSPECTED (unreachable) once φ ≥ `threshold`. Defaults are Akka cluster\'s.',
      }),
    ),
    threshold: phiThreshold('φ at which a node is SUSPECTED (akka.cluster.failure-detector.threshold 8; remote watch uses 10). Higher thresholds mean fewer false suspicions and slower detection.').prefault(8),
    acceptable_pause: duration('Added to the mean inter-arrival time: pauses this long are tolerated (acceptable-heartbeat-pause 3s in Akka cluster, 10s for remote watch). Longer means fewer false suspicions, slower detection.').prefault('3s'),
    min_std_deviation: positiveDuration('Floor of the fitted standard deviation (min-std-deviation), so very regular heartbeats do not make φ explode.').prefault('100ms'),
    max_sample_size: wholeNumber(2, 1_000_000, 'Inter-arrival times kept (max-sample-size; 1000 in Akka cluster, 200 for remote watch).').prefault(1000),
    first_heartbeat_estimate: positiveDuration('The interval the history starts with, as mean ± mean/4 (Akka\'s heartbeat-interval).', { defaultText: '`heartbeat.interval`' }).optional(),
    confirm_after: confirmAfter(),
    check_interval: checkInterval('Akka\'s unreachable-nodes-reaper-interval is 1s. ', '1s'),
  });

/** Cassandra defaults (gms/FailureDetector.java, Config.java; apache/cassandra 3.x–5.x; reference §2.3). */
const phiCassandraDetectorSchema = () =>
  z.strictObject({
    kind: z.literal('phi_cassandra').meta(
      meta({
        description:
          'Cassandra\'s phi detector (gms/FailureDetector.java): an exponential model, convicting once the silence exceeds phi_convict_threshold × ln 10 × the mean recorded interval (18.4 × mean at 8); evaluated once per gossip round, with a guard against the monitor\'s own pauses. Defaults are Cassandra\'s.',
      }),
    ),
    phi_convict_threshold: z
      .number(expects('a number from 5 to 16 (Cassandra refuses phi_convict_threshold outside 5–16)'))
      .min(5, expects('a number from 5 to 16 (Cassandra refuses phi_convict_threshold outside 5–16)'))
      .max(16, expects('a number from 5 to 16 (Cassandra refuses phi_convict_threshold outside 5–16)'))
      .meta(meta({ description: 'phi_convict_threshold (cassandra.yaml, default 8; DatabaseDescriptor refuses values outside 5–16). Higher means fewer false convictions, slower detection.', type: 'number, 5–16' }))
      .prefault(8),
    initial_value: positiveDuration('The interval recorded for the first heartbeat (INITIAL_VALUE = 2 × the gossip interval; cassandra.fd_initial_value_ms).').prefault('2s'),
    max_interval: positiveDuration('Longer inter-arrival times are not recorded (MAX_INTERVAL; cassandra.fd_max_interval_ms), which caps the mean and so the time to convict.').prefault('2s'),
    sample_size: wholeNumber(1, 1_000_000, 'Inter-arrival times kept (SAMPLE_SIZE).').prefault(1000),
    max_local_pause: positiveDuration('If more than this passed between two evaluation rounds, the monitor assumes it paused itself and convicts nobody for that round and the next 5 s (cassandra.max_local_pause_in_ms).').prefault('5s'),
    confirm_after: confirmAfter(),
    check_interval: checkInterval('Cassandra evaluates once per gossip round, every 1s. ', '1s'),
  });

const nfdSDetectorSchema = () =>
  z.strictObject({
    kind: z.literal('nfd_s').meta(
      meta({
        description:
          'Chen, Toueg & Aguilera\'s NFD-S (IEEE Trans. Computers, 2002): heartbeat i is trusted until its send time + interval + `shift`, so detection takes at most interval + shift. Reads the senders\' send times on the monitor\'s wall clock: it assumes synchronized clocks.',
      }),
    ),
    shift: relative('δ: how long after a heartbeat\'s nominal send time the monitor waits for it. Detection time ≤ interval + shift; a longer shift means fewer false suspicions. The default makes that bound 3 intervals, like the timeout\'s default (a choice, not a source).', 'heartbeat.interval').prefault('2x'),
    confirm_after: confirmAfter(),
    check_interval: checkInterval('', 0),
  });

const nfdEDetectorSchema = () =>
  z.strictObject({
    kind: z.literal('nfd_e').meta(
      meta({
        description:
          'NFD-E (Chen, Toueg & Aguilera 2002): no synchronized clocks; the expected arrival of the next heartbeat is estimated from the last `window` arrivals, and the node is trusted until that estimate + `margin`. With `bertier`, the margin adapts (Bertier, Marin & Sens, DSN 2002).',
      }),
    ),
    margin: relative('α: safety margin after the expected arrival. Detection time ≈ interval + mean delay + margin; a longer margin means fewer false suspicions. With `bertier`, the starting margin. The default makes the bound about 3 intervals (a choice, not a source).', 'heartbeat.interval').prefault('2x'),
    window: wholeNumber(1, 1_000_000, 'n: arrivals the expected-arrival estimate averages over (an assumption; the reference gives no default).').prefault(100),
    bertier: z
      .strictObject({
        beta: z.number(expects('a number ≥ 0')).min(0).max(1e6).meta(meta({ description: 'β: weight of the estimated delay in the margin.', type: 'number ≥ 0' })).prefault(1),
        phi: z.number(expects('a number ≥ 0')).min(0).max(1e6).meta(meta({ description: 'φ: weight of the delay\'s variation in the margin.', type: 'number ≥ 0' })).prefault(4),
        gamma: z.number(expects('a number in (0, 1]')).positive().max(1).meta(meta({ description: 'γ: gain of the estimator (Jacobson\'s RTT estimator).', type: 'number in (0, 1]' })).prefault(0.1),
      })
      .meta(meta({ description: 'Bertier\'s adaptive margin α = β·delay + φ·var, with delay and var estimated online with gain γ; `bertier: {}` takes the defaults.', type: 'map' }))
      .optional(),
    confirm_after: confirmAfter(),
    check_interval: checkInterval('', 0),
  });

const thresholdOrNever = (description: string) => {
  const phrase = 'a whole number ≥ 1, or never';
  return z
    .codec(z.union([z.int(), z.string()], expects(phrase)), z.union([z.int().min(1), z.null()]), {
      decode: (input, ctx): number | null => {
        if (input === 'never') return null;
        if (typeof input === 'number' && input >= 1) return input;
        ctx.issues.push({ code: 'custom', message: `expected ${phrase}`, input, params: {} });
        return z.NEVER;
      },
      encode: (value) => (value === null ? 'never' : value),
    })
    .meta(meta({ description, type: 'integer ≥ 1 or never', defaultText: '`unhealthy_threshold`' }));
};

/** AWS ALB target-group defaults (reference §4.11). */
const pullCheckDetectorSchema = () =>
  z.strictObject({
    kind: z.literal('pull_check').meta(
      meta({
        description:
          'Pull health checks (AWS ALB target groups, Kubernetes probes, Elasticsearch follower checks, Redis Sentinel PINGs): the monitor probes each node every `heartbeat.interval` and the node replies over the reverse link; a probe fails without a healthy reply within `probe_timeout`. Defaults are an AWS ALB target group\'s.',
      }),
    ),
    probe_timeout: positiveDuration('A probe fails unless a healthy reply arrives within this long (ALB 5s, Kubernetes timeoutSeconds 1s, Elasticsearch 10s). Longer means fewer failed probes under delay, slower detection.').prefault('5s'),
    unhealthy_threshold: wholeNumber(1, 10_000, 'Consecutive failed probes before the node is SUSPECTED (ALB UnhealthyThreshold 2, Kubernetes failureThreshold 3, Elasticsearch retry_count 3).').prefault(2),
    healthy_threshold: wholeNumber(1, 10_000, 'Consecutive successful probes before a suspected node is trusted again (ALB HealthyThreshold 5, Kubernetes successThreshold 1).').prefault(5),
    dead_threshold: thresholdOrNever('Consecutive failed probes before the node is DEAD; the unhealthy threshold (DEAD as soon as SUSPECTED) unless given; `never` for no DEAD state.').optional(),
    schedule: z
      .enum(['fixed_rate', 'after_completion'], expects('fixed_rate or after_completion'))
      .meta(
        meta({
          description:
            '`fixed_rate`: a probe every interval, whatever the replies (ALB, Kubernetes); `after_completion`: the next probe starts an interval after the previous one succeeded or timed out (Elasticsearch), so failing checks space out.',
          type: 'fixed_rate or after_completion',
        }),
      )
      .prefault('fixed_rate'),
  });

const leaseDetectorSchema = () =>
  z.strictObject({
    kind: z.literal('lease').meta(
      meta({
        description:
          'Leases: each heartbeat renews a lease that the monitor grants over the reverse link. The monitor expires the node (SUSPECTED) `lease` after the last renewal it received; the node stops acting as holder `lease` after it sent the renewal that was granted, on its own clock. Split-brain: the monitor has expired a node that still believes it holds the lease.',
      }),
    ),
    lease: relative('Length of a lease. Must exceed the renewal interval (heartbeat.interval); a longer lease means fewer false expiries, slower failover. The default is Kubernetes\' node lease: 40s renewed every 10s (kubelet nodeLeaseDurationSeconds and nodeLeaseRenewIntervalFraction 0.25).', 'heartbeat.interval').prefault('4x'),
    dead_after: deadAfterCodec('Silence after which the node is DEAD: a duration, a multiple of `lease`, or `never`.', 'lease').prefault('1x'),
    check_interval: checkInterval('', 0),
    request_timeout: duration('The renewing client\'s request timeout (0: none, renewals are fire-and-forget): a renewal whose grant has not come back within it failed, and is retried `retry_period` later, until a grant arrives. Over TCP a retry waits behind the stalled renewal it retries.').optional(),
    retry_period: duration('With `request_timeout`: the wait between a failed renewal and its retry (client-go leader election retries every `--leader-elect-retry-period`).').optional(),
  });

/** Kubernetes readinessProbe defaults (periodSeconds 10, timeoutSeconds 1, failureThreshold 3, successThreshold 1). */
const livenessReadinessDetectorSchema = () =>
  z.strictObject({
    kind: z.literal('liveness_readiness').meta(
      meta({
        description:
          'The seed\'s recommended combination: push heartbeats for liveness (exactly the fixed `timeout` detector: ALIVE / SUSPECTED / DEAD) plus a second verdict, readiness (READY / NOT_READY): a heartbeat whose status says unhealthy makes the node NOT_READY at once, a healthy one READY, and a slower pull readiness probe over the reverse link (Kubernetes readinessProbe semantics) catches what heartbeats do not say. Readiness defaults are Kubernetes\' readiness probe\'s.',
      }),
    ),
    timeout: relative('Liveness: silence (on the monitor\'s clock) after which a node is SUSPECTED, as for `timeout`.', 'heartbeat.interval').prefault('3x'),
    dead_after: deadAfterCodec('Liveness: silence after which a node is DEAD: a duration, a multiple of `timeout`, or `never`.').prefault('2x'),
    check_interval: checkInterval('', 0),
    readiness_interval: positiveDuration('Readiness: time between two readiness probes of one node (Kubernetes periodSeconds 10).').prefault('10s'),
    probe_timeout: positiveDuration('Readiness: a probe fails unless a healthy reply arrives within this long (Kubernetes timeoutSeconds 1).').prefault('1s'),
    failure_threshold: wholeNumber(1, 10_000, 'Readiness: consecutive failed probes before the node is NOT_READY (Kubernetes failureThreshold 3).').prefault(3),
    success_threshold: wholeNumber(1, 10_000, 'Readiness: consecutive healthy probe replies before the node is READY again (Kubernetes successThreshold 1).').prefault(1),
    heartbeat_status: z
      .boolean(expects('true or false'))
      .meta(meta({ description: 'Readiness follows the health status carried by each heartbeat (NOT_READY at once on an unhealthy one, READY on a healthy one). `false`: the status is ignored and readiness comes from the probes alone.', type: 'boolean' }))
      .prefault(true),
  });

export const DETECTOR_KINDS = ['timeout', 'phi_akka', 'phi_cassandra', 'nfd_s', 'nfd_e', 'pull_check', 'lease', 'liveness_readiness'] as const;

/**
 * Detector families, a union on `kind`. Each family's schema is built when a scenario
 * first names it (variantOnFirstUse): eight families of zod schemas were built at every
 * start-up, though a scenario uses one.
 */
export const detectorSchema = z
  .discriminatedUnion('kind', [
    variantOnFirstUse('timeout', timeoutDetectorSchema),
    variantOnFirstUse('phi_akka', phiAkkaDetectorSchema),
    variantOnFirstUse('phi_cassandra', phiCassandraDetectorSchema),
    variantOnFirstUse('nfd_s', nfdSDetectorSchema),
    variantOnFirstUse('nfd_e', nfdEDetectorSchema),
    variantOnFirstUse('pull_check', pullCheckDetectorSchema),
    variantOnFirstUse('lease', leaseDetectorSchema),
    variantOnFirstUse('liveness_readiness', livenessReadinessDetectorSchema),
  ])
  .meta(meta({ description: 'The failure detector run by the monitor; `kind` selects the family.', type: 'map' }));

const variantsBuilt = new Set<DetectorKind>();
/** The families whose schema has been built so far (test/cli/lazy-schema.test.ts). */
export const detectorKindsBuilt = (): DetectorKind[] => DETECTOR_KINDS.filter((k) => variantsBuilt.has(k));
type DetectorKind = (typeof DETECTOR_KINDS)[number];

/**
 * One family of the union, as `z.lazy(build)`, answering itself what the union asks of
 * each option before parsing: its `kind` (the discriminator's value, so the union can
 * pick the option without building it) and, as for any object, no optin/optout (zod
 * memoises these as own properties too; zod is pinned, and test/cli/lazy-schema.test.ts
 * checks they equal what the built schema gives).
 */
function variantOnFirstUse<K extends DetectorKind, T extends z.ZodObject>(kind: K, build: () => T) {
  const lazy = z.lazy(() => {
    variantsBuilt.add(kind);
    return build();
  });
  Object.defineProperty(lazy._zod, 'propValues', { value: { kind: new Set([kind]) }, configurable: true, writable: true });
  Object.defineProperty(lazy._zod, 'optin', { value: undefined, configurable: true, writable: true });
  Object.defineProperty(lazy._zod, 'optout', { value: undefined, configurable: true, writable: true });
  return lazy;
}

export type DetectorSpec = z.output<typeof detectorSchema>;
