/**
 * Every directed link of a run: for pair i, link i carries target → observer traffic
 * (heartbeats, replies) and link P + i carries observer → target traffic (probes,
 * grants). A link has a profile (its loss model, delay law and duplication, shared
 * with links of the same class), its own streams, and a partition state: it is down
 * while at least one partition covers it (a counter, so overlapping partitions nest),
 * as turmoil keeps one state per direction.
 *
 * `transmit` decides one message: dropped (returns DROPPED) or delivered at an
 * instant, with an optional duplicate in `duplicateArrivalUs`. Hot path: one 32-byte
 * record per link (below), one sampler per profile, nothing allocated.
 */
import type { LinkConfig } from '../config.js';
import { DurationSampler } from '../random/distributions.js';
import { compileLoss, geometricGap, LinkLoss, LossKind, type CompiledLoss, type LossModel } from './loss.js';
import { StreamBank, type SeedRoot } from '../random/streams.js';
import type { StreamKey } from '../random/stream-keys.js';

export const DROPPED = -1;

/** Why a message did not arrive. */
export const DropReason = { none: 0, loss: 1, partition: 2 } as const;

export function linkLossModel(link: LinkConfig): LossModel {
  return link.loss ?? { kind: 'bernoulli', probability: link.lossProbability };
}

/**
 * A link's record, 32 bytes (one cache line holds two): its delay stream's state (words
 * 0–3, owned by the table's delay-stream bank), then its profile, its loss stream, and
 * the Bernoulli countdown (a double in words 6–7). What a message reads sits in one
 * record: at 10 000 SWIM members the separate per-link arrays (profile, loss record,
 * delay stream state in the shared bank) were three cache misses per message.
 *
 * Records are numbered in the order links are seeded (their first message), and
 * `recordOf[link]` points at a link's record (−1 before its first message). At 100 k
 * central nodes that is the order heartbeats go out every interval, so successive sends
 * read successive records; an idle link costs 4 bytes and no stream. With `denseRecords`
 * (a full mesh: network.ts `mesh`) link i's record is record i and there is no
 * `recordOf`: a gossip member's messages go to random peers, so the seeding order buys
 * no locality, and the lookup was a cache miss of its own per message (a 4 MB table at
 * 10⁶ links). The record's profile word holds profile + 1, so 0 means "not seeded yet".
 *
 * With `meshMembers` (dense records of a mesh's n·(n − 1) pair links, network.ts `mesh`)
 * the two directions of a pair sit side by side in one 64-byte line: a → b and b → a are
 * records 2u and 2u + 1, u = b'(b' − 1)/2 + a' for a' < b' the pair's ends, and the table
 * lives in a WebAssembly memory (page-aligned, so the pairs are line-aligned; an ordinary
 * buffer from malloc starts 16 bytes off a line). A gossip exchange sends a SYN a → b, the
 * ACK b → a half a millisecond later and the ACK2 a → b: one cache (and TLB) miss for the
 * three instead of two. Only where a record lives changes: a link's streams are keyed by
 * the link (its ends), so every draw is the same. (A table under 1 MiB stays in an
 * ordinary buffer: it fits in cache.)
 */
const WORDS = 8;
const PROFILE = 4;
const LOSS_STREAM = 5;
/** The countdown's index in the record as doubles (words 6–7). */
const REMAINING = 3;
const UNSEEDED = -1;
const MAX_PROFILES = 1 << 16;
const LOSS_NONE = LossKind.none;
const LOSS_BERNOULLI = LossKind.bernoulli;

/** Records above this many bytes stay in an ordinary buffer (a WebAssembly memory is at most 4 GiB). */
const MAX_ALIGNED_BYTES = 2 ** 31;
/** Below this, records stay in an ordinary buffer too: a small table stays in cache, and each WebAssembly memory reserves gigabytes of address space until it is collected (a sweep runs many small meshes). */
export const MIN_ALIGNED_BYTES = 2 ** 20;

/** WebAssembly's Memory constructor (TypeScript's es2023 lib does not declare it; Node has it). */
const WasmMemory = (globalThis as unknown as { WebAssembly?: { Memory: new (descriptor: { initial: number }) => { readonly buffer: ArrayBuffer } } }).WebAssembly?.Memory;

/** `words` zero words starting on a 64-byte boundary (a WebAssembly memory is page-aligned), or ordinary ones (too few or too many, or no WebAssembly). */
export function lineAlignedWords(words: number): Uint32Array {
  const bytes = 4 * words;
  if (WasmMemory === undefined || bytes < MIN_ALIGNED_BYTES || bytes > MAX_ALIGNED_BYTES) return new Uint32Array(words);
  return new Uint32Array(new WasmMemory({ initial: Math.max(1, Math.ceil(bytes / 65_536)) }).buffer, 0, words);
}

export class LinkTable {
  readonly linkCount: number;
  private readonly bank: StreamBank;
  private readonly root: SeedRoot;
  /** Each link's delay stream, at the link's record index: its records hold the link's other fields too. */
  private readonly delays: StreamBank;
  private readonly rec: Uint32Array;
  private readonly recF: Float64Array;
  /** Each link's record (UNSEEDED until its first message), and its profile until then. */
  private readonly recordOf: Int32Array;
  /** Link i's record is record i (no `recordOf`); see the record's comment. */
  private readonly dense: boolean;
  /** A mesh's members (its pair links' records side by side, see the record's comment), or 0. */
  private readonly meshMembers: number;
  /** The mesh's pair links, n·(n − 1) (links from there on keep record = link). */
  private readonly meshLinks: number;
  private readonly profileOfLink: Uint16Array;
  private records = 0;
  private readonly baseDelayUs: Float64Array;
  private readonly duplicateProbability: Float64Array;
  /** Each profile's delay law on the links' delay streams, and on duplicate-delay streams (main bank). */
  private readonly samplers: DurationSampler[];
  private readonly duplicateSamplers: DurationSampler[];
  /** Each profile's loss law, compiled (and checked) once; its kind and log(1 − p) as the hot path reads them. */
  private readonly laws: readonly CompiledLoss[];
  private readonly lossKind: Uint8Array;
  private readonly logKeep: Float64Array;
  /** Gilbert–Elliott links' chains (made only when a profile has that law). */
  private readonly bursty: LinkLoss | null;
  private readonly duplicateStream: Int32Array;
  private readonly duplicateDelayStream: Int32Array;
  private readonly downCount: Int32Array;
  /** Sum of `downCount`: while 0 (no partition), a message reads no per-link counter. */
  private cuts = 0;
  private readonly streamKey: (link: number, purpose: string) => StreamKey;
  /** Arrival of the duplicate of the last transmitted message, or DROPPED. */
  duplicateArrivalUs: number;
  /** Why the last transmitted message was dropped. */
  lastDropReason: number;

  /**
   * `profiles[k]` is a link class; `profileOfLink[link]` picks one per link;
   * `streamKey(link, purpose)` names the link's stream for a purpose (streams are made
   * under `root`, on the link's first message).
   */
  constructor(
    bank: StreamBank,
    root: SeedRoot,
    profiles: readonly LinkConfig[],
    profileOfLink: ArrayLike<number>,
    streamKey: (link: number, purpose: string) => StreamKey,
    denseRecords = false,
    meshMembers = 0,
  ) {
    const n = profileOfLink.length;
    this.linkCount = n;
    this.bank = bank;
    this.root = root;
    if (profiles.length > MAX_PROFILES) throw new RangeError(`at most ${MAX_PROFILES} link classes, got ${profiles.length}`);
    const meshLinks = meshMembers * (meshMembers - 1);
    if (meshMembers !== 0 && !(denseRecords && Number.isInteger(meshMembers) && meshMembers >= 2 && meshLinks <= n)) {
      throw new RangeError(`a mesh of ${meshMembers} members needs dense records and its ${meshLinks} pair links among the table's ${n}`);
    }
    this.meshMembers = meshMembers;
    this.meshLinks = meshLinks;
    this.delays = new StreamBank(n, WORDS, meshMembers > 0 ? lineAlignedWords(Math.max(4, n) * WORDS) : undefined); // (a bank holds at least 4 streams)
    this.rec = this.delays.words();
    this.recF = new Float64Array(this.rec.buffer, this.rec.byteOffset, this.rec.length / 2);
    this.dense = denseRecords;
    this.recordOf = denseRecords ? new Int32Array(0) : new Int32Array(n).fill(UNSEEDED);
    this.profileOfLink = Uint16Array.from(profileOfLink);
    this.baseDelayUs = Float64Array.from(profiles, (p) => p.delay.baseUs);
    this.duplicateProbability = Float64Array.from(profiles, (p) => p.duplicateProbability);
    this.samplers = profiles.map((p, k) => new DurationSampler(p.delay.random, this.delays, `link class ${k} delay`));
    this.duplicateSamplers = profiles.map((p, k) => new DurationSampler(p.delay.random, bank, `link class ${k} delay`));
    this.duplicateStream = new Int32Array(n);
    this.duplicateDelayStream = new Int32Array(n);
    this.downCount = new Int32Array(n);
    this.duplicateArrivalUs = DROPPED;
    this.lastDropReason = DropReason.none;
    this.streamKey = streamKey;
    // Bad settings are refused now, not at a link's first message.
    this.laws = profiles.map((p, k) => compileLoss(linkLossModel(p), `link class ${k} loss`));
    this.lossKind = Uint8Array.from(this.laws, (law) => law.kind);
    this.logKeep = Float64Array.from(this.laws, (law) => law.logKeep);
    this.bursty = this.laws.some((law) => law.kind === LossKind.gilbertElliott) ? new LinkLoss(n, bank) : null;
    if (meshMembers > 0) {
      // A mesh's links are all used before long (gossip: each within ≈ 10 minutes at 1 000 members): room for their streams in the bank now, not by doublings.
      const perProfile = profiles.map((p, k) => (this.laws[k]!.kind === LossKind.bernoulli ? 1 : this.laws[k]!.kind === LossKind.gilbertElliott ? 2 : 0) + (p.duplicateProbability > 0 ? 2 : 0));
      let streams = 0;
      for (let link = 0; link < n; link++) streams += perProfile[this.profileOfLink[link]!]!;
      bank.reserve(bank.size + streams);
    }
  }

  /**
   * Creates a link's streams on its first message, and only those its class draws
   * from: a link that carries nothing (the observer → node direction of pushed
   * heartbeats) costs no stream. A stream's draws depend on its key alone
   * (streams.ts), so when a stream is created changes nothing.
   */
  private seed(link: number, record: number): number {
    const at = WORDS * record;
    const profile = this.profileOfLink[link]!;
    this.rec[at + PROFILE] = profile + 1;
    const key = this.streamKey;
    const root = this.root;
    const bank = this.bank;
    if (!this.samplers[profile]!.isConstant) this.delays.addAt(record, root, key(link, 'delay'));
    const law = this.laws[profile]!;
    if (law.kind === LossKind.bernoulli) {
      const lossStream = bank.add(root, key(link, 'loss'));
      this.rec[at + LOSS_STREAM] = lossStream;
      this.recF[4 * record + REMAINING] = geometricGap(bank, lossStream, law.logKeep);
    } else if (law.kind === LossKind.gilbertElliott) {
      const lossStream = bank.add(root, key(link, 'loss'));
      this.bursty!.configureCompiled(record, law, lossStream, bank.add(root, key(link, 'loss-state')));
    }
    if (this.duplicateProbability[profile]! > 0) {
      this.duplicateStream[record] = bank.add(root, key(link, 'duplicate'));
      this.duplicateDelayStream[record] = bank.add(root, key(link, 'duplicate-delay'));
    }
    return record;
  }

  /** Link `link`'s record, seeded on the link's first message. */
  private recordFor(link: number): number {
    if (this.dense) {
      const record = link < this.meshLinks ? this.pairRecord(link) : link;
      if (this.rec[WORDS * record + PROFILE] === 0) this.seed(link, record);
      return record;
    }
    const record = this.recordOf[link]!;
    if (record !== UNSEEDED) return record;
    this.recordOf[link] = this.records;
    return this.seed(link, this.records++);
  }

  /** Where link `link`'s record is (for tests: the layout is invisible to draws), or −1 before its first message (records in seeding order). */
  recordIndex(link: number): number {
    if (!this.dense) return this.recordOf[link]!;
    return link < this.meshLinks ? this.pairRecord(link) : link;
  }

  /** A mesh pair link's record: its pair's two records side by side (see the record's comment). */
  private pairRecord(link: number): number {
    const n1 = this.meshMembers - 1;
    const from = Math.floor(link / n1);
    const r = link - from * n1;
    const to = r >= from ? r + 1 : r;
    // (from, to) → the pair (a < b) and the direction.
    return from < to ? to * (to - 1) + 2 * from : from * (from - 1) + 2 * to + 1;
  }

  /** Decides whether the next message on the link with this record is lost (Bernoulli by countdown in the record; see loss.ts). */
  private lost(record: number, profile: number): boolean {
    const kind = this.lossKind[profile]!;
    if (kind === LOSS_NONE) return false;
    if (kind === LOSS_BERNOULLI) {
      const recF = this.recF;
      const f = 4 * record + REMAINING;
      const left = recF[f]!;
      if (left > 0) {
        recF[f] = left - 1;
        return false;
      }
      recF[f] = geometricGap(this.bank, this.rec[WORDS * record + LOSS_STREAM]!, this.logKeep[profile]!);
      return true;
    }
    return this.bursty!.shouldDrop(record);
  }

  isDown(link: number): boolean {
    return this.downCount[link]! > 0;
  }

  cut(link: number): void {
    this.downCount[link]!++;
    this.cuts++;
  }

  repair(link: number): void {
    this.downCount[link]!--;
    this.cuts--;
  }

  /** One transmission without duplication (a TCP segment): its arrival, or DROPPED. */
  attempt(link: number, departUs: number): number {
    if (this.cuts > 0 && this.downCount[link]! > 0) {
      this.lastDropReason = DropReason.partition;
      return DROPPED;
    }
    const record = this.recordFor(link);
    const profile = this.rec[WORDS * record + PROFILE]! - 1;
    if (this.lost(record, profile)) {
      this.lastDropReason = DropReason.loss;
      return DROPPED;
    }
    return departUs + this.baseDelayUs[profile]! + this.samplers[profile]!.sampleUs(record);
  }

  /** One message leaves at `departUs`: its arrival instant, or DROPPED. */
  transmit(link: number, departUs: number): number {
    this.duplicateArrivalUs = DROPPED;
    if (this.cuts > 0 && this.downCount[link]! > 0) {
      this.lastDropReason = DropReason.partition;
      return DROPPED;
    }
    const record = this.recordFor(link);
    const profile = this.rec[WORDS * record + PROFILE]! - 1;
    if (this.lost(record, profile)) {
      this.lastDropReason = DropReason.loss;
      return DROPPED;
    }
    const base = departUs + this.baseDelayUs[profile]!;
    const duplicate = this.duplicateProbability[profile]!;
    if (duplicate > 0 && this.bank.next(this.duplicateStream[record]!) < duplicate) {
      this.duplicateArrivalUs = base + this.duplicateSamplers[profile]!.sampleUs(this.duplicateDelayStream[record]!);
    }
    return base + this.samplers[profile]!.sampleUs(record);
  }
}
