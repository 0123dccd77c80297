/**
 * Runs one decentralised-protocol benchmark workload in this process and prints one
 * JSON line (a fresh process per workload, so peak memory is its own).
 *
 *   node --expose-gc --import tsx swim-workload.ts <members> <simulated seconds> [lifeguard|swim]
 *
 * Memory: `retained_bytes_per_member` is the heap the simulation still holds at the end
 * of the run (after a full GC, minus the heap before it was built) per member — the
 * figure that must stay flat as members grow (issue 11: memory linear in members).
 * Without --expose-gc it is the unforced difference (noisier). `side_events`: events
 * handled from SWIM's side queues (side-queue.ts) rather than the engine's calendar queue.
 */
import { SwimSimulation } from '../src/sim/protocols/swim/swim-simulation.js';
import type { SimConfig } from '../src/sim/config.js';
import type { SwimProtocolConfig } from '../src/sim/protocols/config.js';
import { DEFAULT_LAN_CONFIG } from '../src/sim/protocols/swim/memberlist.js';

const members = Number(process.argv[2] ?? 10_000);
const seconds = Number(process.argv[3] ?? 3_600);
const lifeguard = (process.argv[4] ?? 'lifeguard') === 'lifeguard';
const width = Math.max(2, String(members).length);
const nodeNames = Array.from({ length: members }, (_, i) => `node-${String(i + 1).padStart(width, '0')}`);
const protocol: SwimProtocolConfig = { kind: 'swim', memberlist: DEFAULT_LAN_CONFIG, lifeguard, targetSelection: 'roundRobin' };
// A LAN: 0.1 % loss, 0.2 ms + exponential 0.3 ms one way; 1 % of members crash per hour and come back after ~2 min.
const config: SimConfig = {
  seed: 'bench-swim',
  replication: 0,
  durationUs: seconds * 1e6,
  warmupUs: 0,
  nodeNames,
  monitorName: 'monitor',
  heartbeat: { intervalUs: 1e6, jitter: { kind: 'constant', valueUs: 0 } },
  link: { lossProbability: 0.001, duplicateProbability: 0, delay: { baseUs: 200, random: { kind: 'exponential', meanUs: 300 } } },
  crashes: [{ kind: 'crashRecover', nodes: { kind: 'all' }, mttfUs: 100 * 3600e6, mttrUs: 120e6 }],
  faults: [],
  detector: { kind: 'timeout', timeoutUs: 2e6, deadAfterUs: Number.POSITIVE_INFINITY, checkIntervalUs: 0 },
  transitionLogLimit: 0,
  protocol,
};
const gc = (globalThis as { gc?: () => void }).gc;
gc?.();
const heapBefore = process.memoryUsage().heapUsed;
const cpuBefore = process.cpuUsage();
const started = performance.now();
const sim = new SwimSimulation(config, protocol);
const result = sim.run();
const wallS = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuBefore);
gc?.();
const heapAfter = process.memoryUsage().heapUsed;
const m = result.tallies.membership!;
console.log(
  JSON.stringify({
    workload: `swim${lifeguard ? '+lifeguard' : ''}`,
    members,
    simulated_s: seconds,
    wall_s: Number(wallS.toFixed(2)),
    cpu_s: Number(((cpu.user + cpu.system) / 1e6).toFixed(2)),
    events: result.events,
    ns_per_event: Math.round((wallS * 1e9) / result.events),
    max_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
    retained_bytes_per_member: Math.round((heapAfter - heapBefore) / members),
    gc_forced: gc !== undefined,
    side_events: sim.sideEvents(),
    view_records: result.viewRecords,
    crashes: result.tallies.crashes,
    false_suspicions: m.suspicionsOriginated,
    messages_per_member_s: Number((m.messages.reduce((a, b) => a + b, 0) / members / seconds).toFixed(2)),
  }),
);
// Keep the simulation reachable until the heap was read.
if (sim.incarnationOf(0) < 0) console.log('unreachable');
