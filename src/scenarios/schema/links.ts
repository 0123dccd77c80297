/**
 * Links: loss (Bernoulli or Gilbert–Elliott), duplication, delay, transport (UDP or
 * TCP with its parameters), the monitor → node direction (`reverse_link`) and link
 * classes for heterogeneous clusters, with the typical classes one can start from.
 */
import { z } from 'zod';
import { gilbertFromAverage } from '../laws.js';
import { formatDuration } from '../units.js';
import { nodeSelectorSchema } from './cluster.js';
import { LINK_DELAY_DESCRIPTION, linkDelayUnion } from './distributions.js';
import { builtOnFirstUse, expects, meta, NAME_PATTERN, NAME_PHRASE, onlyIfValid, positiveDuration, duration, probability, PROBABILITY_PHRASE, wholeNumber, type FieldMeta } from './leaves.js';

const LOSS_DESCRIPTION =
  'Message loss. A probability: each message is lost independently (Bernoulli). Or bursty loss (Gilbert–Elliott), either `{ average, burst }` (long-run loss rate and mean burst length in messages) or netem\'s four parameters `{ enter_bad, leave_bad, loss_in_bad, loss_in_good }` (`tc qdisc … loss gemodel p r 1-h 1-k`). More loss, and burstier loss at the same average, means more false suspicions for a given timeout.';

const averageBurstLoss = () =>
  z
    .strictObject({
      average: probability('Long-run fraction of messages lost.'),
      burst: z
        .number(expects('a number ≥ 1'))
        .min(1, expects('a number ≥ 1 (a burst is at least one message)'))
        .max(1_000_000, expects('a number ≤ 1000000'))
        .meta(meta({ description: 'Mean number of consecutive messages lost in a burst. The simple Gilbert model: nothing is lost in the good state, everything in the bad one; r = 1/burst and p = average·r/(1 − average).', type: 'number ≥ 1' })),
    })
    .superRefine((l, ctx) => {
      const g = gilbertFromAverage(l.average, l.burst);
      if (!g.ok) {
        ctx.addIssue({
          code: 'custom',
          path: ['average'],
          message: `with bursts of ${l.burst} messages on average, at most ${+(100 * g.maxAverage).toPrecision(4)}% of the messages can be lost (p would exceed 1); lower the average or lengthen the bursts`,
        });
      }
    }, onlyIfValid)
    .meta(meta({ description: 'Bursty loss by average and burst length.', variant: '{ average, burst }' }));

const netemLoss = () =>
  z
    .strictObject({
      enter_bad: probability('p: per message, the chance the link turns bad (netem\'s p). The good state lasts 1/p messages on average.'),
      leave_bad: probability('r: per message, the chance a bad link recovers (netem\'s r). A burst lasts 1/r messages on average.'),
      loss_in_bad: probability('1 − h: loss probability in the bad state (netem\'s 1-h).').prefault(1),
      loss_in_good: probability('1 − k: loss probability in the good state (netem\'s 1-k).').prefault(0),
    })
    .superRefine((l, ctx) => {
      if (l.enter_bad > 0 && l.leave_bad === 0) ctx.addIssue({ code: 'custom', path: ['leave_bad'], message: 'leave_bad 0 would make the first burst last forever; give it a value > 0' });
    }, onlyIfValid)
    .meta(meta({ description: 'Gilbert–Elliott loss by netem\'s parameters.', variant: '{ enter_bad, leave_bad, … }' }));

export const lossSchema = (extra: Partial<FieldMeta> = {}) =>
  z
    .union([probability(''), averageBurstLoss(), netemLoss()], expects(`${PROBABILITY_PHRASE}, or a map { average, burst } or { enter_bad, leave_bad, loss_in_bad, loss_in_good }`))
    .meta(meta({ description: LOSS_DESCRIPTION, type: 'probability or map', ...extra }));

export type LossSpec = z.output<ReturnType<typeof lossSchema>>;

const DUPLICATE_DESCRIPTION = 'Each delivered message is delivered a second time, with its own delay, with this probability.';

const TRANSPORT_DESCRIPTION =
  '`udp`: a lost message is gone (one missing heartbeat). `tcp`: messages ride one connection per direction, so a lost segment is retransmitted after the retransmission timeout (Linux: SRTT + max(4·RTTVAR, 200 ms), 1 s before the first sample, doubling per retry up to 120 s), every later message waits behind it (head-of-line blocking), and the connection breaks only after `tcp.retries2` retries or `tcp.user_timeout`; then messages are lost until it reconnects. Most production heartbeats ride TCP (Elasticsearch, ZooKeeper, Kafka, etcd/gRPC, Kubernetes, Akka Artery TCP, Cassandra). `duplicate` does not apply to TCP.';

/** TCP parameters: Linux defaults (include/net/tcp.h, net.ipv4.tcp_retries2). */
const tcpSchema = z
  .strictObject({
    rto_min: positiveDuration('Floor of the RTO\'s variance term (Linux TCP_RTO_MIN; per route with `ip route … rto_min`).').prefault('200ms'),
    rto_initial: positiveDuration('RTO before the first round-trip sample (RFC 6298 §2.1, Linux TCP_TIMEOUT_INIT).').prefault('1s'),
    rto_max: positiveDuration('Ceiling of the backed-off RTO (Linux TCP_RTO_MAX).').prefault('120s'),
    retries2: wholeNumber(0, 100, 'Retransmissions of one segment before the connection breaks (net.ipv4.tcp_retries2; 15 ≈ 924.6 s from a 200 ms RTO). Elasticsearch recommends 5 (≈ 12.6 s).').prefault(15),
    reconnect_delay: duration('From a break until a new connection carries messages (the client\'s reconnect backoff plus the handshake).').prefault('1s'),
    user_timeout: duration('Break the connection once a segment has gone unacknowledged this long (TCP_USER_TIMEOUT, or an application timeout that closes the socket); 0 for none.').prefault(0),
  })
  .superRefine((t, ctx) => {
    if (t.rto_max < t.rto_min) ctx.addIssue({ code: 'custom', path: ['rto_max'], message: `rto_max must be at least rto_min (${formatDuration(t.rto_min)})` });
    if (t.rto_max < t.rto_initial) ctx.addIssue({ code: 'custom', path: ['rto_max'], message: `rto_max must be at least rto_initial (${formatDuration(t.rto_initial)})` });
  }, onlyIfValid)
  .meta(meta({ description: 'TCP parameters, for `transport: tcp` (Linux defaults).', type: 'map' }));

export type TcpSpec = z.output<typeof tcpSchema>;

const transportSchema = (extra: Partial<FieldMeta> = {}) =>
  z.enum(['udp', 'tcp'], expects('udp or tcp')).meta(meta({ description: TRANSPORT_DESCRIPTION, type: 'udp or tcp', ...extra }));

export const linkSchema = z.strictObject({
  loss: lossSchema().prefault(0),
  duplicate: probability(DUPLICATE_DESCRIPTION).prefault(0),
  delay: linkDelayUnion(LINK_DELAY_DESCRIPTION).prefault({ dist: 'constant', value: 0 }),
  // Optional rather than defaulted, so scenarios that do not mention TCP normalise as before.
  transport: transportSchema({ defaultText: '`udp`' }).optional(),
  tcp: tcpSchema.meta(meta({ description: 'TCP parameters, for `transport: tcp` (Linux defaults).', type: 'map', defaultText: 'Linux defaults' })).optional(),
});

/** Link fields that default to another link's (`reverse_link`, link classes, directions). */
export const partialLink = (fallback: string) =>
  z.strictObject({
    loss: lossSchema({ sameAs: 'link.loss', defaultText: fallback === '' ? 'optional' : `${fallback}'s` }).optional(),
    duplicate: probability(DUPLICATE_DESCRIPTION, { defaultText: fallback === '' ? 'optional' : `${fallback}'s` }).optional(),
    delay: linkDelayUnion(LINK_DELAY_DESCRIPTION, { sameAs: 'link.delay', defaultText: fallback === '' ? 'optional' : `${fallback}'s` }).optional(),
    transport: transportSchema({ defaultText: fallback === '' ? 'optional' : `${fallback}'s` }).optional(),
    tcp: tcpSchema.meta(meta({ description: 'TCP parameters, for `transport: tcp`.', type: 'map', sameAs: 'link.tcp', defaultText: fallback === '' ? 'optional' : `${fallback}'s` })).optional(),
  });

export type LinkSpec = z.output<typeof linkSchema>;
export type PartialLinkSpec = z.output<ReturnType<typeof partialLink>>;

/**
 * Link classes one can start from (`preset:` in `link_classes`). Orders of magnitude
 * from reference §5.8: about 0.5 ms round trip inside a datacenter (Dean and Norvig's
 * latency numbers), about 130 ms across the continental US (etcd's tuning guide).
 * The loss rates and the spread of the delays are assumptions: §5.8 found no
 * published intra- or inter-datacenter loss rates.
 */
export const LINK_CLASS_PRESETS = {
  /** One switch hop: well under the 0.5 ms datacenter round trip. */
  'same-rack': { loss: 0.00001, duplicate: 0, delay: { dist: 'exponential', base: 50, mean: 50 } },
  /** Another datacenter of the same region: a few datacenter round trips. */
  'cross-zone': { loss: 0.0001, duplicate: 0, delay: { dist: 'exponential', base: 500, mean: 250 } },
  /** Another region: half of the 130 ms continental-US round trip, with a skewed spread. */
  'cross-region': { loss: 0.001, duplicate: 0, delay: { dist: 'lognormal', base: 65_000, median: 2_000, sigma: 1 } },
} as const satisfies Record<string, { loss: number; duplicate: number; delay: Record<string, unknown> }>;

export type LinkClassPreset = keyof typeof LINK_CLASS_PRESETS;
const LINK_CLASS_PRESET_NAMES = Object.keys(LINK_CLASS_PRESETS) as [LinkClassPreset, ...LinkClassPreset[]];

function describePreset(p: (typeof LINK_CLASS_PRESETS)[LinkClassPreset]): string {
  const d = p.delay as { dist: string; base: number; mean?: number; median?: number; sigma?: number };
  const random = d.dist === 'exponential' ? `exponential mean ${formatDuration(d.mean!)}` : `lognormal median ${formatDuration(d.median!)}, sigma ${d.sigma}`;
  return `loss ${+(p.loss * 100).toPrecision(3)}%, delay ${formatDuration(d.base)} + ${random}`;
}

/** One entry of `link_classes`, built on first use (three partial links: most scenarios have no classes). */
export const linkClassSchema = builtOnFirstUse(() =>
  z.strictObject({
  preset: z
    .enum(LINK_CLASS_PRESET_NAMES, expects(`one of ${LINK_CLASS_PRESET_NAMES.join(', ')}`))
    .meta(
      meta({
        description: `Start from a typical link (assumed values): ${LINK_CLASS_PRESET_NAMES.map((n) => `\`${n}\`: ${describePreset(LINK_CLASS_PRESETS[n])}`).join('; ')}. The class's own fields replace the preset's.`,
        type: 'preset name',
      }),
    )
    .optional(),
  nodes: nodeSelectorSchema('Nodes whose link to the monitor is of this class: `all`, one name, or a list. A node named by a later class takes that class.'),
  ...partialLink('link').shape,
  to_monitor: partialLink('the class')
    .meta(meta({ description: 'Only the node → monitor direction (heartbeats, replies): fields that differ from the class.', type: 'map' }))
    .optional(),
  from_monitor: partialLink('the class')
    .meta(meta({ description: 'Only the monitor → node direction (probes, lease grants): fields that differ from the class.', type: 'map' }))
    .optional(),
  }),
);

export type LinkClassSpec = z.output<ReturnType<typeof linkClassSchema>>;

const CLASS_NAME_PHRASE = `${NAME_PHRASE}, with at least one letter`;
export const className = z
  .string()
  .regex(NAME_PATTERN, expects(CLASS_NAME_PHRASE))
  // All-digit keys would be reordered by JavaScript, and classes apply in order.
  .regex(/[^0-9]/, expects(CLASS_NAME_PHRASE));
