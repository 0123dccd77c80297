/**
 * "What is the longest pause I can survive?" — the longest single sender pause that
 * causes no false suspicion with probability ≥ 99 %, under the cell's network and
 * detector. Found by simulation: inject exactly one pause of length L into each of
 * many nodes at uniformly random phases, count the pauses that caused a false
 * suspicion, and bisect on L. Each probe keeps the cell's links, detector and static
 * sender slowness (slow I/O, drift) but drops crashes and episodic faults, so the
 * pause is the only disturbance besides the network's own loss and delay. All probes
 * share their random streams (same seed, same nodes), so the failure fraction moves
 * with L, not with noise.
 */
import type { Fault, SimConfig } from '../sim/config.js';
import { detectorHorizonUs } from '../sim/detectors/create.js';
import { runOnce, runPathFor } from '../sim/run-once.js';
import { runTimeoutWalk } from '../sim/skip/timeout-walk.js';
import { WalkShared } from '../sim/skip/walk-shared.js';
import { proportionInterval } from '../stats/index.js';
import { primeReplicationWalk } from './walk-primer.js';

export interface PauseSurvival {
  /** Longest pause (ms) whose failure fraction was ≤ 1 %; 0 when even the shortest probed pause failed. */
  readonly longest_ms: number;
  /** Pauses injected per probe, and the failures measured at `longest_ms`, with an exact 95 % interval. */
  readonly pauses_per_probe: number;
  readonly failures_at_longest: number;
  readonly failure_ci95: readonly [number, number];
  /** True when the search hit its upper limit (the detector survived every pause tried). */
  readonly capped: boolean;
  /** Heartbeats the search may simulate, all probes together: it stops before a probe would exceed them. */
  readonly budget_heartbeats: number;
  /** True when the budget stopped the search: `longest_ms` is then only a lower bound (0 when no probe fitted). */
  readonly stopped_by_budget: boolean;
}

export interface PauseSurvivalOptions {
  /** Nodes per probe (each pauses once). */
  readonly nodes?: number;
  /** Longest pause tried (µs). */
  readonly maxPauseUs?: number;
  /** Stop bisecting when the bracket is narrower than this fraction of its upper end. */
  readonly relativeResolution?: number;
  /** Heartbeats all probes together may simulate (default PAUSE_SEARCH_BUDGET_HEARTBEATS). */
  readonly budgetHeartbeats?: number;
  /**
   * Derive the probes' shared set-up (phases, stream keys, pause onsets) once (default)
   * rather than in every probe: the same result either way (sim/skip/walk-shared.ts).
   */
  readonly shareSetUp?: boolean;
  /**
   * Walk each probe's nodes in parts and stop a probe as soon as its failures so far
   * already exceed 1 % of all its pauses (default, with `shareSetUp`): the same result
   * either way (see `probe` below).
   */
  readonly stopEarly?: boolean;
  /** Called with the fraction of the budget (or of the expected work) done, between and within probes. */
  readonly onProgress?: (fraction: number) => void;
  /**
   * First walk a few of the cell's own nodes as its replication will (once per thread,
   * where it pays: ./walk-primer.ts), so that V8 compiles the walk with the replication's
   * paths known (default). No result depends on it.
   */
  readonly primeReplication?: boolean;
}

const MAX_FAILURE_FRACTION = 0.01;
/**
 * The parts a probe's nodes are walked in when it may stop early, as fractions of the
 * nodes (most vulnerable first); each part is one walk with its own shared set-up.
 */
const PROBE_PARTS = [0.1, 0.3, 0.6];
const DEFAULT_NODES = 300;
const DEFAULT_MAX_PAUSE_US = 3_600_000_000;

/**
 * The search's bound: 10^8 heartbeats, about 20–30 s of one core. A cell whose probes
 * are longer (tiny intervals against long timeouts, say) gets a lower bound instead of
 * an unbounded wait; the results say so (`stopped_by_budget`).
 */
export const PAUSE_SEARCH_BUDGET_HEARTBEATS = 100_000_000;

/** Probe length beyond which simulated instants would no longer be exact integers (2^52 µs, with room to add). */
const MAX_PROBE_US = 2 ** 52;

/** The simulated length of one probe with a pause of `pauseUs`. */
function probeDurationUs(cell: SimConfig, pauseUs: number): number {
  const intervalUs = cell.heartbeat.intervalUs;
  const warmupUs = 10 * intervalUs + 5_000_000;
  // Room after the pause for the detector to react: the pause, a window, and a margin.
  return warmupUs + 10 * intervalUs + pauseUs + 4 * intervalUs + 30_000_000 + 2 * detectorHorizonUs(cell.detector, intervalUs);
}

/** Heartbeats one probe simulates. */
function probeHeartbeats(cell: SimConfig, nodes: number, pauseUs: number): number {
  return (nodes * probeDurationUs(cell, pauseUs)) / cell.heartbeat.intervalUs;
}

/**
 * Heartbeats the search is expected to simulate, for progress and time estimates:
 * about 16 probes at pauses near the timeout, never more than the budget.
 */
export function pauseSearchHeartbeats(cell: SimConfig, budget = PAUSE_SEARCH_BUDGET_HEARTBEATS): number {
  const typicalPauseUs = Math.min(DEFAULT_MAX_PAUSE_US, detectorHorizonUs(cell.detector, cell.heartbeat.intervalUs));
  const expected = 16 * probeHeartbeats(cell, DEFAULT_NODES, typicalPauseUs);
  return Number.isFinite(expected) ? Math.min(budget, expected) : budget;
}

/** The probes' node names (the same array for every probe of a search: WalkShared checks it). */
export const probeNodeNames = (nodes = DEFAULT_NODES): string[] => Array.from({ length: nodes }, (_, i) => `probe-${String(i).padStart(4, '0')}`);

/**
 * One probe: the cell's links, detector and static sender slowness (slow I/O, drift),
 * one pause of `pauseUs` per node at a uniform phase after the warm-up, nothing else
 * (no crashes, no episodic faults, no per-node link overrides, no timeline).
 */
export function probeConfig(cell: SimConfig, pauseUs: number, names: readonly string[]): SimConfig {
  const intervalUs = cell.heartbeat.intervalUs;
  const warmupUs = 10 * intervalUs + 5_000_000;
  const afterPause = cell.faults?.find((f) => f.kind === 'senderPause')?.afterPause ?? 'skip';
  const staticFaults: Fault[] = (cell.faults ?? []).filter((f) => f.kind === 'slowIo' || f.kind === 'clockDrift');
  return {
    ...cell,
    replication: 0,
    seed: `${cell.seed}/pause-survival`,
    nodeNames: names,
    warmupUs,
    // Room after the pause for the detector to react: the pause, a window, and a margin.
    durationUs: probeDurationUs(cell, pauseUs),
    crashes: [],
    faults: [
      ...staticFaults,
      { kind: 'senderPause', nodes: { kind: 'all' }, onset: { kind: 'uniformOnce', fromUs: warmupUs, toUs: warmupUs + 10 * intervalUs }, duration: { kind: 'constant', valueUs: pauseUs }, afterPause },
    ],
    transitionLogLimit: 0,
    // Only where the cell has the field: a probe then has the cell's keys, in the cell's
    // order, and so V8's hidden class of it, and the walk's set-up code (link classes,
    // validation, the walk's constructor) sees one shape of configuration, not two.
    ...(cell.linkOverrides === undefined ? {} : { linkOverrides: cell.linkOverrides.filter((o) => o.nodes.kind === 'all') }),
  };
}

export function longestPauseSurvived(cell: SimConfig, options: PauseSurvivalOptions = {}): PauseSurvival {
  if (options.primeReplication !== false) primeReplicationWalk(cell);
  const nodes = options.nodes ?? DEFAULT_NODES;
  const maxPauseUs = options.maxPauseUs ?? DEFAULT_MAX_PAUSE_US;
  const budget = options.budgetHeartbeats ?? PAUSE_SEARCH_BUDGET_HEARTBEATS;
  const expected = pauseSearchHeartbeats(cell, budget);
  let spent = 0;
  const resolution = options.relativeResolution ?? 0.02;
  const intervalUs = cell.heartbeat.intervalUs;
  const names = probeNodeNames(nodes);
  // The probes differ only in their pause length: phases, stream keys, pause onsets and
  // each node's walk before its pause are derived once (one set-up per part of the nodes).
  const sharing = options.shareSetUp !== false;
  const split = sharing && options.stopEarly !== false && splittable(cell) ? probeParts(cell, names, Math.max(1_000, Math.floor(intervalUs / 2))) : null;
  const parts = split === null ? [names] : split.map((part) => part.names);
  const shares = split === null ? [sharing ? new WalkShared() : undefined] : split.map((part) => part.shared);

  /** Whether the probe fits the budget and the engine's exact range; counts it when it does. */
  const affordable = (pauseUs: number): boolean => {
    const cost = probeHeartbeats(cell, nodes, pauseUs);
    if (!(probeDurationUs(cell, pauseUs) <= MAX_PROBE_US) || !(spent + cost <= budget)) return false;
    return true;
  };
  const probe = (pauseUs: number) => {
    const cost = probeHeartbeats(cell, nodes, pauseUs);
    const before = spent;
    const hooks = options.onProgress ? { onProgress: (f: number) => options.onProgress!(Math.min(1, (before + f * cost) / expected)) } : undefined;
    const config = probeConfig(cell, pauseUs, names);
    if (runPathFor(config) !== 'walk') {
      const tallies = runOnce(config, hooks).tallies;
      spent += cost;
      options.onProgress?.(Math.min(1, spent / expected));
      return { failures: tallies.pausesWithSuspicion, pauses: tallies.pauses };
    }
    // On the walk, each node stops once its pause's attribution window has closed: the two
    // tallies read here come out draw for draw as from a full run (WalkOptions.pausesOnly).
    // Both are sums over nodes of what each node's own walk decides (its streams, its pause,
    // its verdicts: the books count a pause with suspicion per pair), so the parts' sums are
    // the whole probe's. Once the failures exceed 1 % of the probe's nodes (which bound its
    // pauses) the probe fails whatever the other parts hold, and a failing probe's counts
    // are never reported (only the longest surviving probe's are): the search goes on as
    // if every part had been walked.
    let failures = 0;
    let pauses = 0;
    let nodesWalked = 0;
    for (let p = 0; p < parts.length; p++) {
      const part = parts[p]!;
      const from = nodesWalked;
      const partHooks = options.onProgress ? { onProgress: (f: number) => hooks!.onProgress((from + f * part.length) / nodes) } : undefined;
      const partConfig = parts.length === 1 ? config : { ...config, nodeNames: part }; // = probeConfig(cell, pauseUs, part)
      const shared = shares[p];
      const tallies = runTimeoutWalk(partConfig, partHooks, shared === undefined ? { pausesOnly: true } : { pausesOnly: true, shared }).tallies;
      failures += tallies.pausesWithSuspicion;
      pauses += tallies.pauses;
      nodesWalked += part.length;
      if (failures > MAX_FAILURE_FRACTION * nodes) break;
    }
    spent += cost;
    options.onProgress?.(Math.min(1, spent / expected));
    return { failures, pauses };
  };
  const done = (pauseUs: number, r: { failures: number; pauses: number }, capped: boolean, stopped: boolean) => summary(pauseUs, r, nodes, capped, budget, stopped);
  const survives = (r: { failures: number; pauses: number }) => r.failures <= MAX_FAILURE_FRACTION * r.pauses;

  // Bracket: grow the pause until it fails (or the cap), then bisect.
  let good = 0;
  let goodResult = { failures: 0, pauses: nodes };
  let bad = Math.max(1_000, Math.floor(intervalUs / 2));
  if (!affordable(bad)) return done(0, { failures: 0, pauses: 0 }, false, true);
  let badResult = probe(bad);
  while (survives(badResult)) {
    good = bad;
    goodResult = badResult;
    if (bad >= maxPauseUs) return done(good, goodResult, true, false);
    bad = Math.min(maxPauseUs, bad * 2);
    if (!affordable(bad)) return done(good, goodResult, false, true);
    badResult = probe(bad);
  }
  while (bad - good > Math.max(1_000, resolution * bad)) {
    const mid = Math.floor((good + bad) / 2);
    if (!affordable(mid)) return done(good, goodResult, false, true);
    const r = probe(mid);
    if (survives(r)) {
      good = mid;
      goodResult = r;
    } else {
      bad = mid;
      badResult = r;
    }
  }
  return done(good, goodResult, false, false);
}

/** Whether a probe's nodes may be walked in parts: no fault names a node (a part would not hold it). */
function splittable(cell: SimConfig): boolean {
  return (cell.faults ?? []).every((f) => (f.kind !== 'slowIo' && f.kind !== 'clockDrift') || f.nodes === null || f.nodes.kind === 'all');
}

/**
 * The probes' nodes in parts (PROBE_PARTS), the most vulnerable first, so that a failing
 * probe shows its failures in its first part. A pause of L at s silences a node from its
 * last send before s to its first after s + L: about L + ((s − phase) mod I), so the
 * nodes whose pause starts latest in their interval fail first. Any order gives the same
 * counts (each node's walk depends on its name only: phase, streams, pause onset); only
 * the work moves. Each part's array is kept for the whole search (WalkShared binds to it).
 */
export function nodeParts(cell: SimConfig, names: readonly string[], somePauseUs: number): string[][] {
  return probeParts(cell, names, somePauseUs).map((part) => part.names);
}

/**
 * `nodeParts`, each part with its walks' shared set-up: the phases, stream keys and pause
 * starts derived here for every node, handed to each part (WalkShared.subset) rather than
 * derived again per part: the same values, each keyed by the node's name.
 */
function probeParts(cell: SimConfig, names: readonly string[], somePauseUs: number): { names: string[]; shared: WalkShared }[] {
  const config = probeConfig(cell, somePauseUs, names);
  const set = new WalkShared();
  const windows = set.pauseSchedule(config, { seed: config.seed, replication: config.replication });
  if (windows === null) return [{ names: [...names], shared: new WalkShared() }];
  const { phases } = set.nodeSetup(config);
  const I = config.heartbeat.intervalUs;
  const lateness = names.map((_, i) => (((windows.startUs[i]! - phases[i]!) % I) + I) % I);
  const order = names.map((_, i) => i).sort((a, b) => lateness[b]! - lateness[a]! || a - b);
  const parts: { names: string[]; shared: WalkShared }[] = [];
  const add = (indices: number[]) => {
    const partNames = indices.map((i) => names[i]!);
    parts.push({ names: partNames, shared: set.subset(indices, partNames) });
  };
  let from = 0;
  let share = 0;
  for (const fraction of PROBE_PARTS) {
    share += fraction;
    const to = Math.min(names.length, Math.round(names.length * share));
    if (to > from) add(order.slice(from, to));
    from = to;
  }
  if (from < names.length) add(order.slice(from));
  return parts;
}

function summary(pauseUs: number, r: { failures: number; pauses: number }, nodes: number, capped: boolean, budget: number, stopped: boolean): PauseSurvival {
  const ci = proportionInterval(r.failures, Math.max(1, r.pauses));
  const round = (x: number) => Number(x.toPrecision(6));
  return {
    longest_ms: Math.round(pauseUs) / 1000,
    pauses_per_probe: nodes,
    failures_at_longest: r.failures,
    failure_ci95: [round(ci.low), round(ci.high)],
    capped,
    budget_heartbeats: budget,
    stopped_by_budget: stopped,
  };
}
