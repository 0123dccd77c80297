/**
 * How much CPU a run will take, before running it: each task's heartbeats priced at the
 * speed of the simulator that will run it (`runPathFor`: the skipping walk, the per-node
 * kernel, the engine, a protocol runner), and each cell's pause-survival search priced on
 * the path its probes take (they drop crashes, observer faults and per-node link rules,
 * so a cell on the engine often searches on the walk). The CLI uses it to decide whether
 * a run is worth worker threads (src/cli/commands/run.ts `runsInline`) and for its ETA.
 *
 * The prices are one-pass costs on one core of this project's 2-core CI-class machine,
 * cold JIT included (a fresh process runs every cell once, which is what an inline run
 * does), measured 2026-12-04 with /tmp/r12/all.ts (one pass over every cell, runOnce per
 * replication, then the search; CPU time), under load 4–6:
 *
 *   path      preset / workload                         measured             price
 *   walk      db-ha (20 cells × 2 reps, 8.0e6 hb)        45.8 ns/hb           50
 *   walk      workload B (1000 nodes × 1 h, 3.6e6 hb)    46.8 ns/hb
 *   kernel    k8s (TCP, timeline, 8.6e5 hb)              388 ns/hb            450
 *   kernel    etcd (TCP, 2 reps, 1.7e6 hb)               528 ns/hb
 *   engine    workload B forced onto it (3.6e6 hb)       409 cold / 313 warm  400
 *   engine    elasticsearch (one small cell, 8.6e5 hb)   1077 (mostly warm-up)
 *   protocol  consul-lan (SWIM, 3.6e5 hb)                4666 ns/hb           5000
 *   protocol  akka-cluster-monitors (3.6e5 hb)           11050 ns/hb
 *   search, probes on the walk:   db-ha (6.7e6 nominal hb)   178 ns/hb     200
 *                                 workload B (3.3e5)         631 (one cold cell)
 *   search, probes on the engine: k8s (2.0e5)  2310, elasticsearch (4.4e5) 1586,
 *                                 etcd (1.9e6) 717 ns/hb                   1500
 *
 * Search prices are per *nominal* heartbeat (`pauseSearchHeartbeats`: 16 probes × 300
 * nodes × probe length); on the walk a probe stops each node once its pause is judged,
 * so its cost is mostly per-probe and per-node set-up, hence the higher price. The
 * kernel's search price is the engine's (no preset's probes take the kernel today).
 * Decentralised protocols have no search (run-sweep.ts). These are estimates for a decision and an ETA, never for results:
 * no results file depends on them.
 */
import type { SimConfig } from '../sim/config.js';
import { runPathFor, type RunPath } from '../sim/run-once.js';
import { pauseSearchHeartbeats, probeConfig, probeNodeNames } from './pause-survival.js';
import type { SweepTask } from './tasks.js';

/** CPU nanoseconds per simulated heartbeat of a replication, by the path that runs it. */
export const NS_PER_HEARTBEAT: Readonly<Record<RunPath, number>> = { walk: 50, tcpWalk: 50, pullWalk: 50, nfdSWalk: 50, kernel: 450, engine: 400, protocol: 5000 };
/** CPU nanoseconds per nominal heartbeat of the pause-survival search, by the path its probes take. */
export const SEARCH_NS_PER_HEARTBEAT: Readonly<Record<RunPath, number>> = { walk: 200, tcpWalk: 200, pullWalk: 200, nfdSWalk: 200, kernel: 1500, engine: 1500, protocol: 0 };

/**
 * The path the pause-survival search's probes take for a cell: the search's own probe
 * configuration (pause-survival.ts probeConfig), with a one-interval pause (the
 * pause's length does not change the path).
 */
export function pauseProbePath(cell: SimConfig): RunPath {
  return runPathFor(probeConfig(cell, cell.heartbeat.intervalUs, PROBE_NAMES));
}

const PROBE_NAMES = probeNodeNames();

/** The heartbeats of `replications` runs of a configuration (protocols by their message rate). */
export function replicationHeartbeats(config: SimConfig, replications: number): number {
  // A protocol member sends about as often per probe interval as a central node heartbeats.
  // A watch ring sends one request per watched member per interval.
  // A gossip exchange is three messages of one entry per member (≈ a heartbeat per 100 entries).
  const p = config.protocol;
  const n = config.nodeNames.length;
  const periodUs = p?.kind === 'swim' ? p.memberlist.probeIntervalUs : p?.kind === 'gossip' ? p.intervalUs : config.heartbeat.intervalUs;
  const perMember = !p || p.kind === 'swim' ? 1 : p.kind === 'gossip' ? 3 * p.fanout * Math.ceil(n / 100) : Math.min(p.watched, n - 1);
  return (perMember * n * config.durationUs * replications) / periodUs;
}

/** What one cell costs: its heartbeats (for progress) and its one-core CPU estimate in ms. */
export function cellCost(config: SimConfig, replications: number, pauseSurvival: boolean): { heartbeats: number; cpuMs: number } {
  const beats = replicationHeartbeats(config, replications);
  let cpuNs = beats * NS_PER_HEARTBEAT[runPathFor(config)];
  let heartbeats = beats;
  // Decentralised protocols have no pause search (run-sweep.ts sweepTasks).
  if (pauseSurvival && config.protocol === undefined) {
    const search = pauseSearchHeartbeats(config);
    heartbeats += search;
    cpuNs += search * SEARCH_NS_PER_HEARTBEAT[pauseProbePath(config)];
  }
  return { heartbeats, cpuMs: cpuNs / 1e6 };
}

/**
 * One task's one-core CPU estimate in ns: a replication's heartbeats at its path's price,
 * a search's nominal heartbeats at its probes' price. The worker pool hands the most
 * expensive tasks out first (run-tasks.ts dispatchOrder): by raw heartbeats a search
 * looked ~4× cheaper than it is (walk probes cost 200 ns per nominal heartbeat, walk
 * replications 50), so db-ha's searches were left to the end of a pooled run.
 */
export function taskCpuNs(task: SweepTask): number {
  const c = task.config;
  if (task.kind === 'pauseSurvival') return pauseSearchHeartbeats(c) * SEARCH_NS_PER_HEARTBEAT[pauseProbePath(c)];
  return replicationHeartbeats(c, 1) * NS_PER_HEARTBEAT[runPathFor(c)];
}
