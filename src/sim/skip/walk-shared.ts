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
 */
import type { SimConfig } from '../config.js';
import { linkStreamKey, type StreamKey } from '../random/stream-keys.js';
import { StreamBank, type SeedRoot } from '../random/streams.js';
import { MAX_DRAW_US } from '../random/distributions.js';
import { pauseSchedule, type PauseSchedule } from './pause-schedule.js';
import { heartbeatPhaseUs } from '../fast/node-streams.js';

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
}
