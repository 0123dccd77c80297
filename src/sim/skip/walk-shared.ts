/**
 * Set-up shared by walks that differ only in the length of one pause per node: the
 * pause-survival search's probes (src/sweep/pause-survival.ts). Every probe of one
 * search has the same seed, replication, nodes, interval, monitor and pause rule but
 * its constant duration (and the run's length, which follows from it), so what each
 * walk would derive afresh from those is the same in every probe:
 *   - each node's phase (the first uniform of its `phase` stream) and the key of its
 *     `skip` stream (hashing a node's name is most of a small run's set-up);
 *   - each node's pause window start. The one pause rule's onset is `uniformOnce`,
 *     drawn first from its fault stream, and its duration is a constant, which draws
 *     nothing (distributions.ts: constantDrawUs), so the window is [s, s + max(1, L)) with
 *     the same s for every L; compiling the rule per node (a fault stream and a duration
 *     sampler each) is then done once, not once per probe.
 * Exact by construction: the same values come out as from a fresh walk, and a stream's
 * draws depend on its key only, not on its index in the bank (streams.ts), so drawing the
 * pause onsets in another bank changes nothing. Any run that is not such a probe (another
 * fault, another onset or duration law, more than one window on a node) is refused the
 * pause windows (`pauseSchedule` returns null) and draws them itself, as without sharing;
 * a run with another seed, nodes, interval or monitor is refused outright (a RangeError),
 * since its phases and keys would be wrong. test/sim/skip/walk-shared.test.ts checks a
 * shared search against fresh walks.
 *
 * Each node's walk before its pause (NodePrefix). With the same phase, stream and pause
 * start, a probe walks every heartbeat before the pause window's first one exactly as
 * every other probe does: only what follows depends on L (PS12 measured that prefix at
 * 45 % of a db-ha probe's walked heartbeats, 61 % of seed-demo's). So the first probe to
 * walk a node saves the walk's whole state at that heartbeat (inside the segment that
 * holds the window: the segment's reach and arrivals so far, the node's tallies and
 * verdicts, the carried late arrivals, the skipper's position and loss state, the skip
 * stream's state), and later probes resume from it. A walk reads its run's length in
 * only four ways before the window, and the saved prefix records what it needs of each,
 * so a probe resumes only when all four held for both probes:
 *   - the end edge (the last heartbeats drawn in full) lies more than W heartbeats past
 *     the segment's reach at the window, so no edge joined the prefix's segments;
 *   - no send or arrival of the prefix fell past the saving probe's end (none was cut),
 *     and the resuming probe's end is at or after every arrival the prefix still
 *     carries (those judged already precede its end edge);
 *   - the warm-up edge's heartbeats (clamped to the run) and the window's first
 *     heartbeat and start are the same;
 *   - everything else in the configuration is the same (`prefixKey`: all of it but
 *     the run's length and the pause's length; another key drops every saved prefix).
 * Otherwise the node is walked afresh (and its prefix saved anew).
 */
import type { SimConfig } from '../config.js';
import { linkStreamKey, type StreamKey } from '../random/stream-keys.js';
import { StreamBank, type SeedRoot } from '../random/streams.js';
import { MAX_DRAW_US } from '../random/distributions.js';
import { pauseSchedule, type PauseSchedule } from './pause-schedule.js';
import { heartbeatPhaseUs } from '../fast/node-streams.js';
import { NONE, SKIPPER_STATE_LENGTH } from './heartbeat-skipper.js';
import { NumberList } from './walk-buffers.js';
import { STREAM_STATE_LENGTH } from '../random/streams.js';

/** Empty arrays for a prefix not saved yet (most prefixes made are saved at once, replacing them: not worth an allocation each). */
const NO_NUMBERS = new Float64Array(0);
const NO_CODES = new Uint8Array(0);

/**
 * One node's walk state at its pause window's first heartbeat, inside the segment that
 * holds the window (saved and resumed by sim/skip/timeout-walk.ts), and the conditions
 * under which another probe may resume from it (see the header).
 */
export class NodePrefix {
  // Where the saving probe stood: the segment's first heartbeat and reach, the window's first heartbeat and start.
  start = 0;
  end = 0;
  windowBeat = 0;
  windowStartUs = 0;
  windowCount = 0;
  warmFrom = 0;
  warmTo = 0;
  /** A resuming probe's end edge must exceed this (the reach plus W). */
  reachPlusW = 0;
  /** A resuming probe must end at or after this: the latest arrival the prefix carries. */
  latestArrivalUs = 0;
  // The node's tallies so far, its detector state and the skipper's next interesting heartbeat.
  sent = 0;
  delivered = 0;
  lost = 0;
  missed = 0;
  trusted = true;
  lastArrival = 0;
  next = 0;
  offset = 0;
  limit = 0;
  /** The skipper's state, then its stream's (SKIPPER_STATE_LENGTH + STREAM_STATE_LENGTH numbers). */
  readonly random = new Float64Array(SKIPPER_STATE_LENGTH + STREAM_STATE_LENGTH);
  /** The segment's arrivals so far, and the late arrivals carried from before it (set by `save`; empty till then, shared). */
  arrivals: Float64Array = NO_NUMBERS;
  pending: Float64Array = NO_NUMBERS;
  /** The node's verdicts and book events so far (instant, code, cause), in the order pushed. */
  verdictTimeUs: Float64Array = NO_NUMBERS;
  verdictTo: Uint8Array = NO_CODES;
  verdictCause: Uint8Array = NO_CODES;

  /** Whether a probe with these edges walks this prefix exactly as the saving probe did. */
  fits(endUs: number, endEdge: number, warmFrom: number, warmTo: number, windowStartUs: number, windowCount: number): boolean {
    return (
      endEdge > this.reachPlusW &&
      endUs >= this.latestArrivalUs &&
      warmFrom === this.warmFrom &&
      warmTo === this.warmTo &&
      windowStartUs === this.windowStartUs &&
      windowCount === this.windowCount
    );
  }
}

/**
 * All of a probe's configuration but the run's length and the pause's length (a saved
 * prefix holds for one key only): each field's JSON, in order; `jsonOf` may remember an
 * object's JSON (a search's probes share the cell's objects, and build no object twice).
 */
function prefixKey(config: SimConfig, jsonOf: (value: unknown) => string): string {
  const { durationUs: _duration, nodeNames: _names, faults, ...rest } = config;
  const parts: string[] = [];
  for (const [name, value] of Object.entries(rest)) parts.push(name, jsonOf(value));
  for (const f of faults ?? []) parts.push(f.kind === 'senderPause' ? JSON.stringify({ ...f, duration: null }) : jsonOf(f));
  return JSON.stringify(parts);
}

export class WalkShared {
  private seed: string | null = null;
  private replication = 0;
  private names: readonly string[] = [];
  private intervalUs = 0;
  private monitor = '';
  private phases: Float64Array | null = null;
  private skipKeys: StreamKey[] = [];
  /** Each node's pause window start (exactly one window a node), or null before the first probe or when not shareable. */
  private pauseStarts: Float64Array | null = null;
  private pauseFirst: Int32Array | null = null;
  private pauseShape: string | null = null;
  /** Each node's saved walk before its pause (null: none yet), for probes of configuration `prefixKeyOf`. */
  private prefixes: (NodePrefix | null)[] = [];
  private prefixKeyOf: string | null = null;
  /** JSON of the configurations' objects, by identity, for `prefixKey` (configurations are not changed once built). */
  private readonly jsonOfObject = new WeakMap<object, string>();
  private readonly jsonOf = (value: unknown): string => {
    if (typeof value !== 'object' || value === null) return String(JSON.stringify(value));
    let json = this.jsonOfObject.get(value);
    if (json === undefined) {
      json = JSON.stringify(value);
      this.jsonOfObject.set(value, json);
    }
    return json;
  };
  /** Nodes resumed from a saved prefix, all probes together (for tests and profiles). */
  resumed = 0;

  /** Binds to `config`'s seed, replication, nodes, interval and monitor on first use; refuses any other later. */
  private bind(config: SimConfig): void {
    if (this.seed === null) {
      this.seed = config.seed;
      this.replication = config.replication;
      this.names = config.nodeNames;
      this.intervalUs = config.heartbeat.intervalUs;
      this.monitor = config.monitorName;
      return;
    }
    const same =
      config.seed === this.seed &&
      config.replication === this.replication &&
      config.heartbeat.intervalUs === this.intervalUs &&
      config.monitorName === this.monitor &&
      config.nodeNames.length === this.names.length &&
      config.nodeNames.every((n, i) => n === this.names[i]);
    if (!same) throw new RangeError('WalkShared: a run with another seed, replication, nodes, interval or monitor cannot share this set-up');
  }

  /** Each node's phase (µs in [0, I)) and `skip` stream key, as the walk derives them. */
  nodeSetup(config: SimConfig): { phases: Float64Array; skipKeys: readonly StreamKey[] } {
    this.bind(config);
    if (this.phases === null) {
      const root: SeedRoot = { seed: config.seed, replication: config.replication };
      const names = config.nodeNames;
      const I = config.heartbeat.intervalUs;
      this.phases = Float64Array.from(names, (name) => heartbeatPhaseUs(root, name, I));
      this.skipKeys = names.map((name) => linkStreamKey(name, config.monitorName, 'skip'));
    }
    return { phases: this.phases, skipKeys: this.skipKeys };
  }

  /**
   * The pause windows of a probe (one `senderPause` rule, `uniformOnce` onset, constant
   * duration; other faults only slowIo / clock drift, which draw no windows), or null
   * when `config` is not such a probe: the walk then draws them itself.
   */
  pauseSchedule(config: SimConfig, root: SeedRoot): PauseSchedule | null {
    this.bind(config);
    const faults = config.faults ?? [];
    const pauses = faults.filter((f) => f.kind === 'senderPause');
    if (pauses.length !== 1 || faults.some((f) => f.kind !== 'senderPause' && f.kind !== 'slowIo' && f.kind !== 'clockDrift')) return null;
    const rule = pauses[0]!;
    if (rule.kind !== 'senderPause' || rule.onset.kind !== 'uniformOnce' || rule.duration.kind !== 'constant') return null;
    const lengthUs = rule.duration.valueUs;
    // A constant draws Math.min(round(L), MAX_DRAW_US) and the window lasts at least 1 µs: L itself for whole L in range.
    if (!Number.isSafeInteger(lengthUs) || lengthUs < 1 || lengthUs > MAX_DRAW_US) return null;
    // The rule's index among the faults names its streams, and the onset law and nodes its draws: part of the shape.
    const shape = JSON.stringify([faults.indexOf(rule), rule.nodes, rule.onset]);
    if (this.pauseShape !== shape) {
      this.pauseShape = shape;
      const drawn = pauseSchedule(config, root, new StreamBank(config.nodeNames.length + 4));
      const n = config.nodeNames.length;
      let oneEach = drawn.first[n] === n;
      for (let node = 0; node < n && oneEach; node++) oneEach = drawn.first[node] === node;
      this.pauseStarts = oneEach ? drawn.startUs : null;
      this.pauseFirst = oneEach ? drawn.first : null;
    }
    // Windows must not reach past the run's end in a way the onset loop would cut: onsets ≤ the run's end (`windowsOf`).
    if (this.pauseStarts === null || this.pauseFirst === null || this.pauseStarts.some((s) => s > config.durationUs)) return null;
    const starts = this.pauseStarts;
    const ends = new Float64Array(starts.length);
    for (let i = 0; i < starts.length; i++) ends[i] = starts[i]! + lengthUs;
    return { first: this.pauseFirst, startUs: starts, endUs: ends, burst: rule.afterPause === 'burst' };
  }

  /**
   * Makes this set-up keep each node's walk before its pause for probes like `config`
   * (called by a walk whose pause windows came from `pauseSchedule` above): a probe with
   * another configuration, but for the run's and the pause's length, drops what was kept.
   */
  usePrefixes(config: SimConfig): void {
    this.bind(config);
    const key = prefixKey(config, this.jsonOf);
    if (key !== this.prefixKeyOf) {
      this.prefixKeyOf = key;
      this.prefixes = config.nodeNames.map(() => null);
    }
  }

  /**
   * The set-up of the nodes `indices` of this one's nodes, for walks of `names` (those
   * nodes' names, in that order; the array the walks will be given): their phases, stream
   * keys and pause starts taken from this set-up rather than derived again. The same
   * values as a fresh set-up would derive, since each is keyed by the node's name only
   * (phase and skip streams, and the pause rule's fault stream); requires this set-up to
   * have served `nodeSetup` and `pauseSchedule` for a probe already. Prefixes are not shared.
   */
  subset(indices: readonly number[], names: readonly string[]): WalkShared {
    if (this.seed === null || this.phases === null || this.pauseShape === null) throw new RangeError('WalkShared.subset: derive the set-up first');
    if (names.length !== indices.length || indices.some((i, n) => this.names[i] !== names[n])) throw new RangeError('WalkShared.subset: the names must be those of the indices');
    const part = new WalkShared();
    part.seed = this.seed;
    part.replication = this.replication;
    part.names = names;
    part.intervalUs = this.intervalUs;
    part.monitor = this.monitor;
    part.phases = Float64Array.from(indices, (i) => this.phases![i]!);
    part.skipKeys = indices.map((i) => this.skipKeys[i]!);
    part.pauseShape = this.pauseShape;
    const starts = this.pauseStarts;
    part.pauseStarts = starts === null ? null : Float64Array.from(indices, (i) => starts[i]!);
    part.pauseFirst = starts === null ? null : Int32Array.from({ length: indices.length + 1 }, (_, i) => i);
    return part;
  }

  /** Node `node`'s saved prefix, if any (the walk checks `fits` before resuming). */
  prefixOf(node: number): NodePrefix | null {
    return this.prefixes[node] ?? null;
  }

  /** Keeps node `node`'s prefix (replacing an older one). */
  keepPrefix(node: number, prefix: NodePrefix): void {
    this.prefixes[node] = prefix;
  }
}

/** First polling round at or after x (rounds at C, 2C, …), or x itself for exact timers. */
export function judgeAt(x: number, C: number): number {
  return C === 0 ? x : Math.max(C, Math.ceil(x / C) * C);
}

/**
 * Calls that prime a function's rare branches: more than V8's lazy feedback allocation
 * lets pass before a function has somewhere to record feedback (8 calls or ~1 KB of
 * bytecode in V8 11, whichever first), with room.
 */
export const PRIME_CALLS = 16;

/**
 * Runs a walk's `judge` through its rare branches (a suspicion, the dead verdict, trust
 * again), for V8's sake, before any node is walked. On workload B a suspicion is rare (7
 * in a 1 000-node hour), so V8 compiles `judge` long before the first one, with no type
 * feedback for those branches, and throws the compiled code away when the first comes
 * ("insufficient type feedback for compare operation", then for the verdict list's
 * `push`), to interpret it and compile it again. Met here first, they are compiled with
 * the rest. `judge(arrivals, from, carried)` gets one arrival at the run's end after a
 * silence from `from` long enough for both verdicts (instants of the run's own kind:
 * above 2³¹ µs in an hour), PRIME_CALLS times: V8 gives a function its feedback vector
 * only after its first few calls, and those record nothing. The caller sends the verdicts
 * to a scratch list and draws nothing: no result depends on it
 * (test/sim/skip/walk-deopts.test.ts).
 */
export function primeJudge(T: number, C: number, deadAfter: number, endUs: number, judge: (arrivals: NumberList, from: number, carried: NumberList) => void): void {
  const from = endUs - (deadAfter === NONE ? T : deadAfter) - 2 * C - 2;
  if (!(from >= 0)) return;
  const arrivals = new NumberList();
  arrivals.push(endUs);
  const carried = new NumberList();
  for (let r = 0; r < PRIME_CALLS; r++) judge(arrivals, from, carried);
}
