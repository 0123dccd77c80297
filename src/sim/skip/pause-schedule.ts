/**
 * Sender pauses for the skipping walk: each node's pause windows, drawn from the same
 * fault streams, in the same order, as the engine's fault service draws them
 * (src/sim/faults/fault-service.ts), so a node pauses at the same instants on both
 * paths. Per process (one rule on one node): the first onset; then at each onset ≤ the
 * run's end, the next onset and this episode's duration (max(1, draw)); an onset while
 * an episode lasts (or at its very end: the onset event was scheduled first) extends
 * it. A node is paused while any of its processes is (the engine's depth counter):
 * the windows are the union, [start, end) — a send at the start instant is missed (a
 * fault starts before sends at one instant), a send at the end instant goes out.
 *
 * One approximation in a measure-zero case: windows of two different rules that touch
 * at the same microsecond are joined here, whereas the engine orders the two edges by
 * process index (either a resume-and-pause or one long pause). The walk takes pause
 * rules with one `afterPause` mode only.
 */
import type { Fault, SimConfig } from '../config.js';
import { compileFaults, firstOnsetUs, nextOnsetUs, ProcessKind, selectNodes, type FaultProcess } from '../faults/faults.js';
import type { DelayDistribution } from '../random/distributions.js';
import type { SeedRoot, StreamBank } from '../random/streams.js';

/** Pause windows of every node: `startUs[i]`, `endUs[i]` for i in [first[node], first[node + 1]). End may exceed the run (no resume). */
export interface PauseSchedule {
  readonly first: Int32Array;
  readonly startUs: Float64Array;
  readonly endUs: Float64Array;
  /** Missed heartbeats are sent at once on resume (fixed-rate timers). */
  readonly burst: boolean;
}

/**
 * Why the walk cannot take these faults, or null when it can: sender pauses (one resume
 * mode), slow I/O, and clock drift or steps of the nodes (not the observer's). A node's clock only
 * stamps its heartbeats (its timer runs on the true schedule, as in the engine's
 * push-heartbeats.ts) and the fixed-timeout detector times arrivals on the observer's
 * clock, so a node's clock changes no verdict.
 */
export function pauseFaultsRefusal(faults: readonly Fault[], names: readonly string[] = []): string | null {
  let mode: string | null = null;
  const starved = new Set<number>();
  for (const f of faults) {
    if (f.kind === 'cpuStarvation') {
      // One starvation rule per node: the engine applies the extra delay of the rule that began last.
      for (const node of selectNodes(f.nodes, names)) {
        if (starved.has(node)) return 'two CPU starvation rules on one node';
        starved.add(node);
      }
      continue;
    }
    if (f.kind === 'clockDrift' || f.kind === 'clockStep') {
      if (f.observer) return "the observer's clock faults are not walked";
      continue;
    }
    if (f.kind === 'slowIo') continue; // an extra delay on every send: a part of the link's lateness (heartbeat-skipper.ts)
    if (f.kind !== 'senderPause') return `the ${f.kind} fault is not walked yet`;
    if (mode !== null && f.afterPause !== mode) return 'pause rules with different resume modes';
    mode = f.afterPause;
  }
  return null;
}

export function pauseSchedule(config: SimConfig, root: SeedRoot, bank: StreamBank): PauseSchedule {
  const faults = config.faults ?? [];
  const w = windowsOf(config, root, bank, ProcessKind.senderPause);
  // Written out as WalkShared.pauseSchedule writes the probes' schedules, key for key: one
  // hidden class for both, so the walk's window code, optimised on the search's probes,
  // is not thrown away ("wrong map") when the replication brings its own schedule.
  return { first: w.first, startUs: w.startUs, endUs: w.endUs, burst: faults.some((f) => f.kind === 'senderPause' && f.afterPause === 'burst') };
}

/** CPU starvation windows (a send within one waits an extra delay) and each node's extra-delay law (null: none). */
export interface StarvationSchedule {
  readonly first: Int32Array;
  readonly startUs: Float64Array;
  readonly endUs: Float64Array;
  readonly extraOf: readonly (DelayDistribution | null)[];
}

/** Each node's CPU starvation windows, drawn as the engine's fault service draws them (one rule per node: pauseFaultsRefusal). */
export function starvationSchedule(config: SimConfig, root: SeedRoot, bank: StreamBank): StarvationSchedule {
  const names = config.nodeNames;
  const extraOf: (DelayDistribution | null)[] = names.map(() => null);
  for (const f of config.faults ?? []) if (f.kind === 'cpuStarvation') for (const node of selectNodes(f.nodes, names)) extraOf[node] = f.extraDelay;
  return { ...windowsOf(config, root, bank, ProcessKind.cpuStarvation), extraOf };
}

/** Each node's link cuts (partitions with scope `each`: one process per node), the engine's draws: for ./tcp-walk.ts. */
export function cutSchedule(config: SimConfig, root: SeedRoot, bank: StreamBank): { first: Int32Array; startUs: Float64Array; endUs: Float64Array } {
  return windowsOf(config, root, bank, ProcessKind.partition);
}

/** The windows of one kind of episodic fault per node: the union over its processes, sorted. */
function windowsOf(config: SimConfig, root: SeedRoot, bank: StreamBank, kind: number): { first: Int32Array; startUs: Float64Array; endUs: Float64Array } {
  const n = config.nodeNames.length;
  const faults = config.faults ?? [];
  const durationUs = config.durationUs;
  const processes = compileFaults(faults, config.nodeNames, root, bank).filter((p) => p.kind === kind);
  // One process a node at most (one rule of this kind, as in workload B + faults and every
  // preset): its episodes come out sorted and merged, so they are the node's windows as
  // they are, written straight into the arrays (the general union below would neither
  // merge nor reorder them). Each process draws from its own stream, so walking them in
  // node order draws the same numbers as in rule order.
  const byNode = new Int32Array(n).fill(-1);
  let oneEach = true;
  for (let i = 0; i < processes.length && oneEach; i++) {
    const node = processes[i]!.nodes[0]!;
    if (byNode[node] !== -1) oneEach = false;
    byNode[node] = i;
  }
  if (oneEach) {
    const first = new Int32Array(n + 1);
    const starts: number[] = [];
    const ends: number[] = [];
    const push = (from: number, until: number) => {
      starts.push(from);
      ends.push(until);
    };
    for (let node = 0; node < n; node++) {
      first[node] = starts.length;
      if (byNode[node] !== -1) episodesOf(processes[byNode[node]!]!, durationUs, push);
    }
    first[n] = starts.length;
    return { first, startUs: Float64Array.from(starts), endUs: Float64Array.from(ends) };
  }
  // Each process's episodes, merged within the process.
  const perNode: number[][] = Array.from({ length: n }, () => []);
  for (const p of processes) {
    const windows = perNode[p.nodes[0]!]!;
    episodesOf(p, durationUs, (from, until) => windows.push(from, until));
  }
  // The union per node (several rules), sorted.
  const first = new Int32Array(n + 1);
  const starts: number[] = [];
  const ends: number[] = [];
  for (let node = 0; node < n; node++) {
    first[node] = starts.length;
    const w = perNode[node]!;
    const order = Array.from({ length: w.length / 2 }, (_, i) => i).sort((a, b) => w[2 * a]! - w[2 * b]!);
    for (const i of order) {
      const s = w[2 * i]!;
      const e = w[2 * i + 1]!;
      const last = ends.length - 1;
      if (ends.length > first[node]! && s <= ends[last]!) ends[last] = Math.max(ends[last]!, e);
      else {
        starts.push(s);
        ends.push(e);
      }
    }
  }
  first[n] = starts.length;
  return { first, startUs: Float64Array.from(starts), endUs: Float64Array.from(ends) };
}

/**
 * One process's episodes, in onset order, merged where one starts while (or as) the
 * previous lasts: `push(from, until)` for each, sorted and disjoint. The draws, in the
 * fault service's order: the first onset; then at each onset ≤ `durationUs`, the next
 * onset and this episode's duration (max(1, draw)).
 */
function episodesOf(p: FaultProcess, durationUs: number, push: (from: number, until: number) => void): void {
  let at = firstOnsetUs(p.onset!, p.stream);
  let open = false;
  let from = 0;
  let until = 0;
  while (at !== null && at <= durationUs) {
    const next = nextOnsetUs(p.onset!, p.stream, at);
    const end = at + Math.max(1, p.duration!.sampleUs(p.stream.index));
    if (open && at <= until) until = Math.max(until, end);
    else {
      if (open) push(from, until);
      open = true;
      from = at;
      until = end;
    }
    at = next;
  }
  if (open) push(from, until);
}
