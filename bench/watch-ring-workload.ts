/**
 * Runs one watch-ring benchmark workload (issue #11: ring / Akka monitors) in this
 * process and prints one JSON line (a fresh process per workload, so peak memory is
 * its own).
 *
 *   watch-ring-workload.ts <members> <simulated seconds> [ring|monitors] [k]
 *
 * The memory figures say what grows with the members: the kernel's pairs and links are
 * O(n·(k + 8)), the views are records only where a member differs from the newest
 * verdict about a subject, the broadcasts ride one sender link per member.
 */
import type { SimConfig } from '../src/sim/config.js';
import { runProtocols } from '../src/sim/engine/run-protocols.js';
import { watchRing } from '../src/sim/protocols/watch-ring.js';

const members = Number(process.argv[2] ?? 1_000);
const seconds = Number(process.argv[3] ?? 3_600);
const kind = process.argv[4] === 'ring' ? 'ring' : 'monitors';
const k = Number(process.argv[5] ?? (kind === 'ring' ? 2 : 9));
const width = Math.max(2, String(members).length);
const nodeNames = Array.from({ length: members }, (_, i) => `node-${String(i + 1).padStart(width, '0')}`);
// A LAN: 0.1 % loss, 0.2 ms + exponential 0.3 ms one way; 1 % of members crash per hour and come back after ~2 min.
const link: SimConfig['link'] = { lossProbability: 0.001, duplicateProbability: 0, delay: { baseUs: 200, random: { kind: 'exponential', meanUs: 300 } } };
const memBefore = process.memoryUsage();
const heapBefore = memBefore.heapUsed;
const cpuBefore = process.cpuUsage();
const started = performance.now();
const module = watchRing({
  order: kind === 'monitors' ? 'hashed' : 'index',
  watched: k,
  intervalUs: 1_000_000,
  // Akka's defaults: phi 8, acceptable pause 3 s, min std deviation 100 ms, 1 000 samples, reaper every 1 s.
  detector: { kind: 'phiAkka', threshold: 8, acceptablePauseUs: 3_000_000, minStdDeviationUs: 100_000, maxSampleSize: 1000, firstHeartbeatEstimateUs: 1_000_000, confirmAfterUs: 0, checkIntervalUs: 1_000_000 },
});
const r = runProtocols(
  {
    seed: 'bench-watch-ring',
    replication: 0,
    nodeNames,
    durationUs: seconds * 1e6,
    warmupUs: 0,
    links: { default: link },
    crashes: [{ kind: 'crashRecover', nodes: { kind: 'all' }, mttfUs: 100 * 3600e6, mttrUs: 120e6 }],
    typicalIntervalUs: 1_000_000,
  },
  [module],
);
const wallS = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuBefore);
const memAfter = process.memoryUsage();
const heapAfter = memAfter.heapUsed;
const t = module.membership(r.endUs);
const f = module.footprint();
console.log(
  JSON.stringify({
    workload: `${kind} k=${k}`,
    members,
    simulated_s: seconds,
    wall_s: Number(wallS.toFixed(2)),
    cpu_s: Number(((cpu.user + cpu.system) / 1e6).toFixed(2)),
    events: r.events,
    ns_per_event: Math.round(((cpu.user + cpu.system) * 1e3) / r.events),
    max_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
    heap_bytes_per_member: Math.round((heapAfter - heapBefore) / members),
    // Typed arrays live outside the JS heap: their backing stores, after the run.
    array_buffer_bytes_per_member: Math.round((memAfter.arrayBuffers - memBefore.arrayBuffers) / members),
    pairs: f.pairs,
    view_records: f.viewRecords,
    peak_view_records: f.peakViewRecords,
    peak_announcements: f.peakAnnouncements,
    crashes: r.tallies.crashes,
    messages_per_member_s: Number((t.messages.reduce((a, b) => a + b, 0) / members / seconds).toFixed(2)),
  }),
);
