/**
 * Runs one replication of a decentralised protocol: the composition root beside
 * run-once.ts, wiring protocol modules to the engine (protocols never import it).
 * The protocol modules share the engine's scheduler, random streams, link laws and fault processes, and hand back the
 * central monitor's tallies (cluster-level: a mistake counted where it starts, latencies
 * to the first verdict anywhere) plus their `membership` tallies.
 */
import type { LinkConfig, SimConfig } from './config.js';
import { runProtocols } from './engine/run-protocols.js';
import { selectNodes } from './faults/faults.js';
import type { LinkRules, NodePlacement } from './network/network.js';
import type { RunTallies, TransitionLog } from './metrics/recorder.js';
import type { ProtocolModule } from './protocols/protocol.js';
import type { GossipProtocolConfig, ProtocolConfig, WatchRingProtocolConfig } from './protocols/config.js';
import { gossipHeartbeats, gossipRule } from './protocols/gossip/gossip.js';
import { SwimSimulation } from './protocols/swim/swim-simulation.js';
import { watchRing } from './protocols/watch-ring.js';

/** What the composition root needs of a protocol module that keeps membership books. */
type MembershipModule = ProtocolModule & {
  membership(endUs: number): unknown;
  clusterTallies(perPair: RunTallies): RunTallies;
};

export interface ProtocolRunResult {
  readonly tallies: RunTallies;
  readonly log: TransitionLog;
  readonly events: number;
  readonly endUs: number;
}

export function runProtocol(config: SimConfig, protocol: ProtocolConfig): ProtocolRunResult {
  switch (protocol.kind) {
    case 'swim':
      return new SwimSimulation(config, protocol).run();
    case 'ring':
    case 'monitors':
      return runWatchRing(config, protocol);
    case 'gossip':
      return runGossip(config, protocol);
  }
}

/** Gossip heartbeats on the protocol kernel: the scenario's `link` between every two members, its crashes, its detector as each member's conviction rule. */
function runGossip(config: SimConfig, protocol: GossipProtocolConfig): ProtocolRunResult {
  const module = gossipHeartbeats({
    intervalUs: protocol.intervalUs,
    fanout: protocol.fanout,
    seeds: protocol.seeds,
    gossipToUnreachable: protocol.gossipToUnreachable,
    ...gossipRule(config.detector),
    ...(config.flapWindowUs === undefined ? {} : { flapWindowUs: config.flapWindowUs }),
  });
  return runMembershipModule(config, protocol.intervalUs, module);
}

/**
 * Link classes for members, as SWIM reads them: a member's class is the last class
 * naming it; a message between two members of one class uses that class's link (its
 * node → monitor direction, else its monitor → node one), any other message `link`.
 * A class is a zone of the network's rules.
 */
export function memberLinkRules(config: SimConfig): { links: LinkRules; placement?: NodePlacement[] } {
  const overrides = config.linkOverrides ?? [];
  if (overrides.length === 0) return { links: { default: config.link } };
  const zoneOf: (string | undefined)[] = new Array<string | undefined>(config.nodeNames.length).fill(undefined);
  const withinZone = new Map<string, LinkConfig>();
  overrides.forEach((o, i) => {
    const link = o.toObserver ?? o.fromObserver;
    if (!link) return;
    withinZone.set(`class-${i}`, link);
    for (const node of selectNodes(o.nodes, config.nodeNames)) zoneOf[node] = `class-${i}`;
  });
  return { links: { default: config.link, withinZone }, placement: zoneOf.map((zone) => (zone === undefined ? {} : { zone })) };
}

/**
 * A watch ring on the protocol kernel: link classes through the network's rules, the
 * scenario's crashes through the crash service and its other faults through the member
 * fault service. Top-level tallies are cluster-level (as SWIM's); message counts come
 * from the books.
 */
function runWatchRing(config: SimConfig, protocol: WatchRingProtocolConfig): ProtocolRunResult {
  const module = watchRing({
    order: protocol.kind === 'monitors' ? 'hashed' : 'index',
    watched: protocol.watched,
    intervalUs: protocol.intervalUs,
    detector: config.detector,
    ...(config.flapWindowUs === undefined ? {} : { flapWindowUs: config.flapWindowUs }),
  });
  return runMembershipModule(config, protocol.intervalUs, module);
}

/** A module that keeps membership books, run alone on the kernel with the scenario's members, links, crashes and faults; top-level tallies cluster-level. */
function runMembershipModule(config: SimConfig, typicalIntervalUs: number, module: MembershipModule): ProtocolRunResult {
  const r = runProtocols(
    {
      seed: config.seed,
      replication: config.replication,
      nodeNames: config.nodeNames,
      durationUs: config.durationUs,
      warmupUs: config.warmupUs,
      ...memberLinkRules(config),
      crashes: config.crashes,
      faults: config.faults ?? [],
      transitionLogLimit: config.transitionLogLimit,
      ...(config.flapWindowUs === undefined ? {} : { flapWindowUs: config.flapWindowUs }),
      typicalIntervalUs,
    },
    [module],
  );
  module.membership(r.endUs);
  return { ...r, tallies: module.clusterTallies(r.tallies) };
}
