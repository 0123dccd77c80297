/**
 * The `protocol:` section: which failure-detection architecture the cluster runs.
 * `central` (the default) is the monitor of `cluster.monitor` with `detector:`;
 * `swim` makes every node a member running SWIM with Lifeguard as hashicorp/memberlist
 * does (Consul, Nomad, Serf), starting from memberlist's `DefaultLANConfig`,
 * `DefaultWANConfig` or `DefaultLocalConfig` (`base`) with any field overridden.
 *
 * The schema's leaf types (durations, counts) live in schema.ts, which lends them here
 * through `protocolSchema(leaves)` so neither module evaluates the other at load time.
 * Cross-field rules (cluster size against k, min against max suspicion timeout) are
 * in `protocolRules`, called from schema.ts's cross-field rules with a path per issue.
 */
import { z } from 'zod';
import { MEMBERLIST_DEFAULTS, suspicionBounds, type MemberlistBase, type MemberlistConfig } from '../sim/config.js';
import type { ProtocolConfig } from '../sim/protocols/config.js';
import { formatDuration } from './units.js';

export const PROTOCOL_KINDS = ['central', 'swim'] as const;
export type ProtocolKind = (typeof PROTOCOL_KINDS)[number];

/** Leaf builders from schema.ts. */
export interface ProtocolLeaves {
  readonly positiveDuration: (description: string, extra?: Record<string, unknown>) => z.ZodType<number, unknown>;
  readonly wholeNumber: (min: number, max: number, description: string) => z.ZodType<number, unknown>;
  readonly meta: (m: { description: string; type?: string; defaultText?: string }) => Record<string, unknown>;
  readonly expects: (phrase: string) => { error: () => string };
}

const BASES = Object.keys(MEMBERLIST_DEFAULTS) as [MemberlistBase, ...MemberlistBase[]];
const SRC = 'hashicorp/memberlist config.go';

export function protocolSchema(l: ProtocolLeaves) {
  const base = (field: keyof MemberlistConfig, text: string) => {
    const v = MEMBERLIST_DEFAULTS;
    const show = (x: number | boolean) => (typeof x === 'boolean' ? String(x) : field.endsWith('Us') ? formatDuration(x) : String(x));
    return `${text} Default from \`base\`: LAN ${show(v.lan[field])}, WAN ${show(v.wan[field])}, Local ${show(v.local[field])} (${SRC}).`;
  };
  return z
    .strictObject({
      kind: z
        .enum(PROTOCOL_KINDS, l.expects(PROTOCOL_KINDS.join(' or ')))
        .meta(
          l.meta({
            description:
              '`central`: one monitor (`cluster.monitor`) runs `detector` on every node. `swim`: no monitor; every node is a member that probes others (SWIM, Das et al. 2002, with Lifeguard as hashicorp/memberlist runs it: Consul, Nomad, Serf); `heartbeat` and `detector` do not apply.',
            type: 'central or swim',
          }),
        )
        .prefault('central'),
      base: z
        .enum(BASES, l.expects(BASES.join(', ')))
        .meta(l.meta({ description: 'memberlist defaults to start from: `lan` (DefaultLANConfig: Consul LAN, Nomad, Serf), `wan` (DefaultWANConfig: Consul WAN) or `local` (DefaultLocalConfig). Fields below override it.', type: 'lan, wan or local' }))
        .prefault('lan'),
      lifeguard: z
        .boolean(l.expects('true or false'))
        .meta(
          l.meta({
            description:
              'Lifeguard (Dadgar et al. 2017, memberlist since 2017): the prober\'s health (awareness) stretches its probe round, relays send nacks, the suspicion timeout starts at max and shrinks with independent confirmations, and a suspect is told on the next probe. `false`: SWIM as published (fixed suspicion timeout = min, no awareness, nacks or buddy).',
            type: 'boolean',
          }),
        )
        .prefault(true),
      target_selection: z
        .enum(['round_robin', 'random'], l.expects('round_robin or random'))
        .meta(l.meta({ description: '`round_robin`: memberlist\'s pass over a list reshuffled at every wrap-around (at most two periods to probe anyone). `random`: a uniformly random member each period, the protocol analysed in the SWIM paper §3.1.', type: 'round_robin or random' }))
        .prefault('round_robin'),
      probe_interval: l.positiveDuration(base('probeIntervalUs', 'Time between two probe rounds of a member (ProbeInterval).')).optional(),
      probe_timeout: l.positiveDuration(base('probeTimeoutUs', 'Wait for the direct ack before asking others (ProbeTimeout, about the 99th percentile of the round trip; not scaled by awareness).')).optional(),
      indirect_checks: l.wholeNumber(0, 100, base('indirectChecks', 'Members asked to ping the target when the direct ping fails (IndirectChecks, k in the paper).')).optional(),
      suspicion_mult: l.wholeNumber(1, 9, base('suspicionMult', 'The minimum suspicion timeout is SuspicionMult · max(1, log10(n)) · ProbeInterval; Lifeguard wants SuspicionMult − 2 confirmations.')).optional(),
      suspicion_max_timeout_mult: l.wholeNumber(0, 1000, base('suspicionMaxTimeoutMult', 'The maximum suspicion timeout (where Lifeguard starts) is this times the minimum (SuspicionMaxTimeoutMult).')).optional(),
      retransmit_mult: l.wholeNumber(1, 100, base('retransmitMult', 'Each update is piggybacked or gossiped up to RetransmitMult · ⌈log10(n + 1)⌉ times.')).optional(),
      gossip_interval: l.positiveDuration(base('gossipIntervalUs', 'How often a member with pending updates gossips them (GossipInterval).')).optional(),
      gossip_nodes: l.wholeNumber(0, 100, base('gossipNodes', 'Members gossiped to each interval (GossipNodes).')).optional(),
      gossip_to_the_dead_time: l.positiveDuration(base('gossipToTheDeadTimeUs', 'Dead members still receive gossip this long (GossipToTheDeadTime).')).optional(),
      push_pull_interval: l.positiveDuration(base('pushPullIntervalUs', 'Full state exchange with a random member (PushPullInterval, scaled up above 32 members).')).optional(),
      awareness_max_multiplier: l.wholeNumber(1, 100, base('awarenessMaxMultiplier', 'Lifeguard\'s health score runs from 0 to this − 1; the probe round lasts ProbeInterval · (score + 1) (AwarenessMaxMultiplier).')).optional(),
      tcp_pings: z
        .boolean(l.expects('true or false'))
        .meta(l.meta({ description: 'Also ping the target over TCP when the UDP ping fails (memberlist: on unless DisableTcpPings). Off for the SWIM paper\'s analysis.', type: 'boolean', defaultText: 'true' }))
        .optional(),
    })
    .meta(l.meta({ description: 'The failure-detection architecture: the central monitor (when absent) or a decentralised membership protocol.', type: 'map', defaultText: 'absent: central' }))
    .optional();
}

export type ProtocolSpec = NonNullable<z.output<ReturnType<typeof protocolSchema>>>;

/** The memberlist configuration a `swim` section stands for. */
export function memberlistOf(p: ProtocolSpec): MemberlistConfig {
  const b = MEMBERLIST_DEFAULTS[p.base];
  return {
    probeIntervalUs: p.probe_interval ?? b.probeIntervalUs,
    probeTimeoutUs: p.probe_timeout ?? b.probeTimeoutUs,
    indirectChecks: p.indirect_checks ?? b.indirectChecks,
    suspicionMult: p.suspicion_mult ?? b.suspicionMult,
    suspicionMaxTimeoutMult: p.suspicion_max_timeout_mult ?? b.suspicionMaxTimeoutMult,
    retransmitMult: p.retransmit_mult ?? b.retransmitMult,
    gossipIntervalUs: p.gossip_interval ?? b.gossipIntervalUs,
    gossipNodes: p.gossip_nodes ?? b.gossipNodes,
    gossipToTheDeadTimeUs: p.gossip_to_the_dead_time ?? b.gossipToTheDeadTimeUs,
    pushPullIntervalUs: p.push_pull_interval ?? b.pushPullIntervalUs,
    tcpTimeoutUs: b.tcpTimeoutUs,
    awarenessMaxMultiplier: p.awareness_max_multiplier ?? b.awarenessMaxMultiplier,
    disableTcpPings: p.tcp_pings === undefined ? b.disableTcpPings : !p.tcp_pings,
  };
}

/** The engine's protocol configuration, or null for the central monitor. */
export function protocolConfigOf(p: ProtocolSpec | undefined): ProtocolConfig | null {
  if (p === undefined || p.kind === 'central') return null;
  return { kind: 'swim', memberlist: memberlistOf(p), lifeguard: p.lifeguard, targetSelection: p.target_selection === 'random' ? 'random' : 'roundRobin' };
}

export interface ProtocolIssue {
  readonly path: (string | number)[];
  readonly message: string;
}

/** Cross-field rules: a cluster big enough for the protocol, k that fits, min ≤ max. */
export function protocolRules(p: ProtocolSpec | undefined, members: number): ProtocolIssue[] {
  if (p === undefined || p.kind === 'central') return [];
  const out: ProtocolIssue[] = [];
  if (members < 2) {
    out.push({ path: ['cluster', 'nodes'], message: `a membership protocol needs at least 2 members; cluster.nodes has ${members}` });
    return out;
  }
  const ml = memberlistOf(p);
  if (p.indirect_checks !== undefined && p.indirect_checks > members - 2) {
    out.push({ path: ['protocol', 'indirect_checks'], message: `indirect_checks (${p.indirect_checks}) is larger than the members left to ask (${members} members − the prober − the target = ${members - 2})` });
  }
  if (p.gossip_nodes !== undefined && p.gossip_nodes > members - 1) {
    out.push({ path: ['protocol', 'gossip_nodes'], message: `gossip_nodes (${p.gossip_nodes}) is larger than the other members (${members - 1})` });
  }
  if (ml.probeTimeoutUs >= ml.probeIntervalUs) {
    out.push({ path: ['protocol', p.probe_timeout !== undefined ? 'probe_timeout' : 'probe_interval'], message: `probe_timeout (${formatDuration(ml.probeTimeoutUs)}) must be shorter than probe_interval (${formatDuration(ml.probeIntervalUs)}): the indirect probes need the rest of the round` });
  }
  const b = suspicionBounds(ml, members);
  if (b.maxUs < b.minUs) {
    out.push({ path: ['protocol', 'suspicion_max_timeout_mult'], message: `the maximum suspicion timeout (${formatDuration(b.maxUs)}) is below the minimum (${formatDuration(b.minUs)})` });
  }
  return out;
}
