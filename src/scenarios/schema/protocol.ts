/**
 * The `protocol:` section: which failure-detection architecture the cluster runs.
 * `central` (the default) is the monitor of `cluster.monitor` with `detector:`;
 * `swim` makes every node a member running SWIM with Lifeguard as hashicorp/memberlist
 * does (Consul, Nomad, Serf), starting from memberlist's `DefaultLANConfig`,
 * `DefaultWANConfig` or `DefaultLocalConfig` (`base`) with any field overridden.
 *
 * The schema's leaf types (durations, counts) live in ./leaves.ts; ./sections.ts lends
 * them here through `protocolSchema(leaves)`. Cross-field rules (cluster size against
 * k, min against max suspicion timeout) are in `protocolRules`, called from
 * ./rules.ts with a path per issue.
 */
import { z } from 'zod';
import { MEMBERLIST_DEFAULTS, suspicionBounds, type MemberlistBase, type MemberlistConfig } from '../../sim/config.js';
import type { ProtocolConfig } from '../../sim/protocols/config.js';
import { formatDuration } from '../units.js';

export const PROTOCOL_KINDS = ['central', 'swim', 'ring', 'monitors', 'gossip'] as const;
export type ProtocolKind = (typeof PROTOCOL_KINDS)[number];

/** Leaf builders from ./leaves.ts. */
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
              '`central`: one monitor (`cluster.monitor`) runs `detector` on every node. `swim`: no monitor; every node is a member that probes others (SWIM, Das et al. 2002, with Lifeguard as hashicorp/memberlist runs it: Consul, Nomad, Serf); `heartbeat` and `detector` do not apply. `ring`: every member watches its next `successors` members in `cluster.nodes` order, sending a heartbeat request every `heartbeat.interval` and running `detector` on the replies; a watched member the detector stops trusting is DEAD (no suspicion stage), the watcher broadcasts the verdict to all members and moves on to the next live one. `monitors`: Akka\'s cluster heartbeat — the same, on a ring ordered by a hash of the member\'s name, each member monitored by `monitored_by` others (monitored-by-nr-of-members), unreachable as soon as one monitor says so. `ring` and `monitors` take push detectors (timeout, phi_akka, phi_cassandra, nfd_s, nfd_e), judged at each watcher\'s rounds when `detector.check_interval` is set (phi_akka and phi_cassandra default to 1s). `gossip`: Cassandra\'s gossip heartbeats (van Renesse et al. 1998; gms/Gossiper.java) — every `heartbeat.interval` each member bumps its heartbeat version and gossips digests of every member\'s version (SYN → ACK → ACK2) with `fanout` random members it holds UP, an unreachable one now and then, and a seed; each member records an arrival whenever a member\'s version advances and convicts on its own, at its gossip rounds, with `detector` (phi_cassandra, or timeout as van Renesse\'s T_fail); nothing announces a death. Every member fault applies to every member (as for `ring`/`monitors`); link classes are zones.',
            type: 'central, swim, ring, monitors or gossip',
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
      successors: l.wholeNumber(1, 10_000, '`ring`: how many successors each member watches (k). Default 1.').optional(),
      monitored_by: z
        .union([z.literal('all', l.expects('a whole number ≥ 1 or "all"')), z.int(l.expects('a whole number ≥ 1 or "all"')).min(1).max(10_000)], l.expects('a whole number ≥ 1 or "all"'))
        .meta(l.meta({ description: '`monitors`: how many members monitor each member (Akka akka.cluster.failure-detector.monitored-by-nr-of-members, default 9 since Akka 2.5); `all`: every member monitors every other.', type: 'whole number or all', defaultText: '9' }))
        .optional(),
      fanout: l.wholeNumber(1, 10_000, '`gossip`: members held UP each member gossips to every round (Cassandra: 1, Gossiper.doGossipToLiveMember). Default 1.').optional(),
      seeds: l.wholeNumber(0, 10_000, '`gossip`: the first `seeds` members of `cluster.nodes` are seeds; a member gossips to a random seed when its live target was not one, with probability seeds / (members it knows), and always when it holds nobody UP (Gossiper.maybeGossipToSeed). Default 0: no seeds.').optional(),
      gossip_to_unreachable: z
        .boolean(l.expects('true or false'))
        .meta(l.meta({ description: '`gossip`: also gossip to a random member held DOWN, with probability unreachable / (live + 1) (Gossiper.maybeGossipToUnreachableMember): how a convicted member that is back gets noticed.', type: 'boolean', defaultText: 'true' }))
        .optional(),
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

/** Akka's akka.cluster.failure-detector.monitored-by-nr-of-members (reference.conf, 2.5+). */
export const AKKA_MONITORED_BY = 9;

/** How many members each member watches in a `ring` / `monitors` run (capped at n − 1). */
export function watchedOf(p: ProtocolSpec, members: number): number {
  if (p.kind === 'ring') return p.successors ?? 1;
  const m = p.monitored_by ?? AKKA_MONITORED_BY;
  return m === 'all' ? members - 1 : Math.min(m, members - 1);
}

/** The engine's protocol configuration, or null for the central monitor. */
export function protocolConfigOf(p: ProtocolSpec | undefined, members = 0, heartbeatIntervalUs = 1_000_000): ProtocolConfig | null {
  if (p === undefined || p.kind === 'central') return null;
  if (p.kind === 'ring' || p.kind === 'monitors') return { kind: p.kind, watched: watchedOf(p, members), intervalUs: heartbeatIntervalUs };
  if (p.kind === 'gossip') return { kind: 'gossip', intervalUs: heartbeatIntervalUs, fanout: p.fanout ?? 1, seeds: p.seeds ?? 0, gossipToUnreachable: p.gossip_to_unreachable ?? true };
  return { kind: 'swim', memberlist: memberlistOf(p), lifeguard: p.lifeguard, targetSelection: p.target_selection === 'random' ? 'random' : 'roundRobin' };
}

export interface ProtocolIssue {
  readonly path: (string | number)[];
  readonly message: string;
}

/** What of the rest of the scenario the protocol rules look at. */
export interface ProtocolSurroundings {
  /** Fault kinds by entry index. */
  readonly faultKinds: readonly string[];
  readonly detectorKind: string;
  readonly reverseLink: boolean;
  readonly linkClasses: boolean;
  /** By entry index: a clock fault on the monitor (`monitor: true`). */
  readonly monitorClocks?: readonly boolean[];
}

/** Faults every member of a ring or monitors run is subject to, watchers included (src/sim/faults/member-faults.ts). */
export const MEMBER_FAULT_KINDS: readonly string[] = ['crash', 'pause', 'partition', 'isolate', 'cpu_starvation', 'slow_io', 'clock_drift', 'clock_step'];
const NOT_FOR_MEMBERS: Readonly<Record<string, string>> = {
  monitor_pause: 'there is no monitor to pause (pause members with `pause`)',
  monitor_crash: 'there is no monitor to crash (crash members with `crash`)',
  unhealthy: 'members judge heartbeat replies, not health checks, so an unhealthy window would change nothing',
};

const WATCH_FIELDS = ['successors', 'monitored_by'] as const;
const GOSSIP_FIELDS = ['fanout', 'seeds', 'gossip_to_unreachable'] as const;
/** What a gossip member convicts with (protocols/gossip/gossip.ts gossipRule). */
const GOSSIP_DETECTORS = ['phi_cassandra', 'timeout'];

/** Rules of `gossip`: fanout and seeds that fit, Cassandra's detector (or a timeout), the faults the kernel serves. */
function gossipRules(p: ProtocolSpec, members: number, around: ProtocolSurroundings | undefined, raw: Record<string, unknown>): ProtocolIssue[] {
  const out: ProtocolIssue[] = [];
  for (const f of [...SWIM_FIELDS, ...WATCH_FIELDS]) if (raw[f] !== undefined) out.push({ path: ['protocol', f], message: `${f} is not a gossip setting (gossip takes ${GOSSIP_FIELDS.join(', ')})` });
  if (p.fanout !== undefined && p.fanout > members - 1) {
    out.push({ path: ['protocol', 'fanout'], message: `fanout (${p.fanout}) is larger than the other members (${members - 1})` });
  }
  if (p.seeds !== undefined && p.seeds > members) out.push({ path: ['protocol', 'seeds'], message: `seeds (${p.seeds}) is larger than the cluster (${members} members)` });
  if (around === undefined) return out;
  if (!GOSSIP_DETECTORS.includes(around.detectorKind)) {
    out.push({ path: ['detector', 'kind'], message: `gossip members convict with phi_cassandra (Cassandra) or timeout (van Renesse's T_fail); ${around.detectorKind} is not one` });
  }
  out.push(...memberRules('gossip', around));
  return out;
}

/**
 * What every decentralised protocol refuses of the rest of the scenario: faults of a
 * monitor it does not have, health checks nobody runs, the monitor's clock, and
 * reverse_link (members use `link` both ways). Accepting them would run the scenario
 * without them and say nothing.
 */
function memberRules(kind: string, around: ProtocolSurroundings): ProtocolIssue[] {
  const out: ProtocolIssue[] = [];
  around.faultKinds.forEach((fault, i) => {
    if (!MEMBER_FAULT_KINDS.includes(fault)) {
      out.push({ path: ['faults', i, fault], message: `${fault} does not apply to protocol.kind ${kind}: ${NOT_FOR_MEMBERS[fault] ?? 'the members have no such fault'}` });
    } else if (around.monitorClocks?.[i]) {
      out.push({ path: ['faults', i, fault, 'monitor'], message: `protocol.kind ${kind} has no monitor: give the members' clocks with \`nodes\`` });
    }
  });
  if (around.reverseLink) out.push({ path: ['reverse_link'], message: `protocol.kind ${kind} uses \`link\` for every member-to-member link (and a link class's link between members of the class); reverse_link does not apply` });
  return out;
}
/** The swim fields without a default (base, lifeguard and target_selection always have one). */
const SWIM_FIELDS = ['probe_interval', 'probe_timeout', 'indirect_checks', 'suspicion_mult', 'suspicion_max_timeout_mult', 'retransmit_mult', 'gossip_interval', 'gossip_nodes', 'gossip_to_the_dead_time', 'push_pull_interval', 'awareness_max_multiplier', 'tcp_pings'] as const;
const PUSH_DETECTORS = ['timeout', 'phi_akka', 'phi_cassandra', 'nfd_s', 'nfd_e'];

/** Rules of `ring` and `monitors`: k that fits, a push detector, faults that members can have. */
function watchRules(p: ProtocolSpec, members: number, around: ProtocolSurroundings, raw: Record<string, unknown>): ProtocolIssue[] {
  const out: ProtocolIssue[] = [];
  for (const f of GOSSIP_FIELDS) if (raw[f] !== undefined) out.push({ path: ['protocol', f], message: `${f} is a gossip setting; protocol.kind ${p.kind} does not use it` });
  for (const f of SWIM_FIELDS) if (raw[f] !== undefined) out.push({ path: ['protocol', f], message: `${f} is a swim setting; protocol.kind ${p.kind} does not use it` });
  if (p.kind === 'ring' && raw.monitored_by !== undefined) out.push({ path: ['protocol', 'monitored_by'], message: 'monitored_by is for protocol.kind monitors; a ring takes successors' });
  if (p.kind === 'monitors' && raw.successors !== undefined) out.push({ path: ['protocol', 'successors'], message: 'successors is for protocol.kind ring; monitors take monitored_by' });
  if (p.kind === 'ring' && p.successors !== undefined && p.successors > members - 1) {
    out.push({ path: ['protocol', 'successors'], message: `successors (${p.successors}) is larger than the other members (${members - 1})` });
  }
  if (p.kind === 'monitors' && typeof p.monitored_by === 'number' && p.monitored_by > members - 1) {
    out.push({ path: ['protocol', 'monitored_by'], message: `monitored_by (${p.monitored_by}) is larger than the other members (${members - 1}); use "all" for all-to-all` });
  }
  if (!PUSH_DETECTORS.includes(around.detectorKind)) {
    out.push({ path: ['detector', 'kind'], message: `protocol.kind ${p.kind} runs a push detector on heartbeat replies (${PUSH_DETECTORS.join(', ')}); ${around.detectorKind} is not one` });
  }
  out.push(...memberRules(p.kind, around));
  return out;
}

/** Cross-field rules: a cluster big enough for the protocol, k that fits, min ≤ max. */
export function protocolRules(p: ProtocolSpec | undefined, members: number, around?: ProtocolSurroundings): ProtocolIssue[] {
  if (p === undefined || p.kind === 'central') return [];
  const raw = p as Record<string, unknown>;
  const out: ProtocolIssue[] = [];
  if (members < 2) {
    const what = p.kind === 'ring' ? 'a ring of one watches nobody: a ring needs' : 'a membership protocol needs';
    out.push({ path: ['cluster', 'nodes'], message: `${what} at least 2 members; cluster.nodes has ${members}` });
    return out;
  }
  if (p.kind === 'ring' || p.kind === 'monitors') {
    return around === undefined ? out : watchRules(p, members, around, raw);
  }
  if (p.kind === 'gossip') return gossipRules(p, members, around, raw);
  for (const f of GOSSIP_FIELDS) if (raw[f] !== undefined) out.push({ path: ['protocol', f], message: `${f} is for protocol.kind gossip, not ${p.kind}` });
  for (const f of WATCH_FIELDS) if (raw[f] !== undefined) out.push({ path: ['protocol', f], message: `${f} is for protocol.kind ${f === 'successors' ? 'ring' : 'monitors'}, not ${p.kind}` });
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
  if (around !== undefined) out.push(...memberRules('swim', around));
  return out;
}
