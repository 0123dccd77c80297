/**
 * Runs one gossip-heartbeat (Cassandra) benchmark workload in this process and prints
 * one JSON line (a fresh process per workload, so peak memory is its own).
 *
 *   gossip-workload.ts <members> <simulated seconds>
 */
import type { SimConfig } from '../src/sim/config.js';
import type { GossipProtocolConfig } from '../src/sim/protocols/config.js';
import { runProtocols } from '../src/sim/engine/run-protocols.js';
import { gossipHeartbeats, gossipRule } from '../src/sim/protocols/gossip/gossip.js';

const members = Number(process.argv[2] ?? 1_000);
const seconds = Number(process.argv[3] ?? 3_600);
const width = Math.max(2, String(members).length);
const nodeNames = Array.from({ length: members }, (_, i) => `node-${String(i + 1).padStart(width, '0')}`);
const protocol: GossipProtocolConfig = { kind: 'gossip', intervalUs: 1e6, fanout: 1, seeds: 3, gossipToUnreachable: true };
// A LAN: 0.1 % loss, 0.2 ms + exponential 0.3 ms one way; 1 % of members crash per hour and come back after ~2 min.
const config: SimConfig = {
  seed: 'bench-gossip',
  replication: 0,
  durationUs: seconds * 1e6,
  warmupUs: 0,
  nodeNames,
  monitorName: 'monitor',
  heartbeat: { intervalUs: 1e6, jitter: { kind: 'constant', valueUs: 0 } },
  link: { lossProbability: 0.001, duplicateProbability: 0, delay: { baseUs: 200, random: { kind: 'exponential', meanUs: 300 } } },
  crashes: [{ kind: 'crashRecover', nodes: { kind: 'all' }, mttfUs: 100 * 3600e6, mttrUs: 120e6 }],
  faults: [],
  // Cassandra's defaults (FailureDetector.java, cassandra.yaml phi_convict_threshold 8).
  detector: {
    kind: 'phiCassandra',
    convictThreshold: 8,
    initialIntervalUs: 2e6,
    maxIntervalUs: 2e6,
    sampleSize: 1000,
    maxLocalPauseUs: 5e6,
    confirmAfterUs: 0,
    checkIntervalUs: 1e6,
  },
  transitionLogLimit: 0,
  protocol,
};
const heapBefore = process.memoryUsage().heapUsed;
const cpuBefore = process.cpuUsage();
const started = performance.now();
// As run-protocol.ts's runGossip, keeping the module to read its state size.
const module = gossipHeartbeats({ intervalUs: protocol.intervalUs, fanout: protocol.fanout, seeds: protocol.seeds, gossipToUnreachable: protocol.gossipToUnreachable, ...gossipRule(config.detector) });
const run = runProtocols(
  { seed: config.seed, replication: 0, nodeNames, durationUs: config.durationUs, warmupUs: 0, links: { default: config.link }, crashes: config.crashes, typicalIntervalUs: protocol.intervalUs },
  [module],
);
module.membership(run.endUs);
const result = { ...run, tallies: module.clusterTallies(run.tallies) };
const wallS = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuBefore);
const heapAfter = process.memoryUsage();
const m = result.tallies.membership!;
const perS = (k: number) => Number((m.messages[k]! / members / seconds).toFixed(3));
console.log(
  JSON.stringify({
    workload: 'gossip+phi',
    members,
    simulated_s: seconds,
    wall_s: Number(wallS.toFixed(2)),
    cpu_s: Number(((cpu.user + cpu.system) / 1e6).toFixed(2)),
    events: result.events,
    ns_per_event: Math.round((wallS * 1e9) / result.events),
    max_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
    state_bytes_per_member: module.bytesPerMember(),
    heap_bytes_per_member: Math.round((heapAfter.heapUsed + heapAfter.arrayBuffers - heapBefore) / members),
    crashes: result.tallies.crashes,
    false_convictions: m.deathsOriginated,
    first_down_mean_s: Number((m.firstDeadLatenciesUs.reduce((a, b) => a + b, 0) / Math.max(1, m.firstDeadLatenciesUs.length) / 1e6).toFixed(2)),
    syn_per_member_s: perS(8),
    ack_per_member_s: perS(1),
    ack2_per_member_s: perS(9),
    messages_per_member_s: Number((m.messages.reduce((a, b) => a + b, 0) / members / seconds).toFixed(3)),
    bytes_per_member_s: Math.round(m.bytes.reduce((a, b) => a + b, 0) / members / seconds),
  }),
);
