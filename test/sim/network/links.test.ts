import { describe, expect, it } from 'vitest';
import type { LinkConfig } from '../../../src/sim/config.js';
import { DROPPED, DropReason, lineAlignedWords, LinkTable, MIN_ALIGNED_BYTES } from '../../../src/sim/network/links.js';
import { compileLoss, geometricGap, gilbertStep, stationaryStart } from '../../../src/sim/network/loss.js';
import { DurationSampler } from '../../../src/sim/random/distributions.js';
import { namedStreamKey } from '../../../src/sim/random/stream-keys.js';
import { StreamBank } from '../../../src/sim/random/streams.js';

/**
 * LinkTable keeps a link's hot fields in one record with its delay stream's state
 * (links.ts). These tests rebuild every link's fate from its named streams with the
 * plain pieces (a StreamBank, the loss functions, a DurationSampler) and demand the
 * same arrival, to the microsecond, message by message: a record field read from the
 * wrong link, a stream seeded under the wrong key or a draw out of order fails them.
 */
const root = { seed: 'links', replication: 1 };
const key = (link: number, purpose: string) => namedStreamKey(`link/${link}/${purpose}`);

const bernoulli: LinkConfig = { lossProbability: 0.2, duplicateProbability: 0, delay: { baseUs: 200, random: { kind: 'exponential', meanUs: 300 } } };
const duplicating: LinkConfig = { lossProbability: 0.05, duplicateProbability: 0.3, delay: { baseUs: 100, random: { kind: 'normal', meanUs: 500, sdUs: 400 } } };
const bursty: LinkConfig = {
  lossProbability: 0,
  loss: { kind: 'gilbertElliott', enterBadProbability: 0.05, leaveBadProbability: 0.3, lossInGoodProbability: 0.01, lossInBadProbability: 0.6 },
  duplicateProbability: 0,
  delay: { baseUs: 50, random: { kind: 'lognormal', medianUs: 200, sigma: 0.8 } },
};
const constant: LinkConfig = { lossProbability: 0, duplicateProbability: 0, delay: { baseUs: 700, random: { kind: 'constant', valueUs: 0 } } };
const profiles = [bernoulli, duplicating, bursty, constant];

/** One link's fate, message by message, from its named streams (the model LinkTable must match). */
class ReferenceLink {
  private readonly bank = new StreamBank(8);
  private readonly delay: DurationSampler;
  private readonly profile: LinkConfig;
  private readonly streams = new Map<string, number>();
  private left = 0;
  private bad = 0;
  duplicateUs = DROPPED;

  constructor(link: number, profile: LinkConfig) {
    this.profile = profile;
    this.delay = new DurationSampler(profile.delay.random, this.bank);
    const stream = (purpose: string) => this.streams.set(purpose, this.bank.add(root, key(link, purpose)));
    if (profile.delay.random.kind !== 'constant') stream('delay');
    const law = compileLoss(profile.loss ?? { kind: 'bernoulli', probability: profile.lossProbability }, 'reference');
    if (law.kind !== 0) stream('loss');
    if (profile.loss) stream('loss-state');
    if (profile.duplicateProbability > 0) {
      stream('duplicate');
      stream('duplicate-delay');
    }
    if (law.kind === 1) this.left = geometricGap(this.bank, this.streams.get('loss')!, law.logKeep);
    if (law.kind === 2) this.bad = stationaryStart(this.bank, this.streams.get('loss-state')!, law.stationaryBad);
    this.lost = () => {
      if (law.kind === 0) return false;
      if (law.kind === 1) {
        if (this.left > 0) {
          this.left--;
          return false;
        }
        this.left = geometricGap(this.bank, this.streams.get('loss')!, law.logKeep);
        return true;
      }
      const step = gilbertStep(this.bank, this.streams.get('loss-state')!, this.streams.get('loss')!, this.bad, law.enterBad, law.leaveBad, law.lossGood, law.lossBad);
      this.bad = step >> 1;
      return (step & 1) === 1;
    };
  }

  private readonly lost: () => boolean;

  transmit(departUs: number): number {
    this.duplicateUs = DROPPED;
    if (this.lost()) return DROPPED;
    const base = departUs + this.profile.delay.baseUs;
    if (this.profile.duplicateProbability > 0 && this.bank.next(this.streams.get('duplicate')!) < this.profile.duplicateProbability) {
      this.duplicateUs = base + this.delay.sampleUs(this.streams.get('duplicate-delay')!);
    }
    return base + this.delay.sampleUs(this.streams.has('delay') ? this.streams.get('delay')! : 0);
  }
}

/** The most members m whose mesh (m·(m − 1) pair links) fits in `links` (the rest are other links, record = id). */
const meshOf = (links: number) => Math.floor((1 + Math.sqrt(1 + 4 * links)) / 2);

describe.each([
  ['records in first-message order', false, false],
  ['dense records (record i is link i)', true, false],
  ['mesh records (a pair\'s two links side by side, then record i is link i)', true, true],
])('LinkTable (one record per link, the delay stream inside it): %s', (_label, dense, mesh) => {
  const makeTable = (bank: StreamBank, links: readonly LinkConfig[], profileOfLink: ArrayLike<number>) =>
    new LinkTable(bank, root, links, profileOfLink, key, dense, mesh ? meshOf(profileOfLink.length) : 0);

  it('delivers and drops every message of interleaved links exactly as their named streams say', () => {
    const links = 12;
    const profileOfLink = Uint16Array.from({ length: links }, (_, l) => l % profiles.length);
    const bank = new StreamBank(4);
    const table = makeTable(bank, profiles, profileOfLink);
    const reference = Array.from({ length: links }, (_, l) => new ReferenceLink(l, profiles[l % profiles.length]!));
    // A fixed pseudo-random interleaving: links start (and are seeded) in a scrambled order.
    let x = 12345;
    let nowUs = 0;
    let dropped = 0;
    let duplicated = 0;
    for (let i = 0; i < 20_000; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      const link = (x >>> 8) % links;
      nowUs += 37;
      const got = table.transmit(link, nowUs);
      const want = reference[link]!.transmit(nowUs);
      expect(got).toBe(want);
      expect(table.duplicateArrivalUs).toBe(reference[link]!.duplicateUs);
      if (got === DROPPED) {
        dropped++;
        expect(table.lastDropReason).toBe(DropReason.loss);
      }
      if (table.duplicateArrivalUs !== DROPPED) duplicated++;
    }
    // The laws were exercised: losses on three classes, duplicates on one.
    expect(dropped).toBeGreaterThan(1_000);
    expect(duplicated).toBeGreaterThan(500);
  });

  it('answers attempt() (no duplication) from the same records, and cuts links apart', () => {
    const bank = new StreamBank(4);
    const table = makeTable(bank, [bernoulli], new Uint16Array(3));
    const reference = [0, 1, 2].map((l) => new ReferenceLink(l, bernoulli));
    table.cut(1);
    expect(table.isDown(1)).toBe(true);
    for (let i = 0; i < 2_000; i++) {
      const link = i % 3;
      const got = table.attempt(link, 1_000 * i);
      if (link === 1) {
        expect(got).toBe(DROPPED);
        expect(table.lastDropReason).toBe(DropReason.partition);
        continue;
      }
      expect(got).toBe(reference[link]!.transmit(1_000 * i));
    }
    table.repair(1);
    // A cut link draws nothing: after the repair it starts where an uncut link would.
    for (let i = 0; i < 500; i++) expect(table.transmit(1, 5e6 + i)).toBe(reference[1]!.transmit(5e6 + i));
  });

  it('makes no stream for a link that carries nothing', () => {
    const bank = new StreamBank(4);
    const table = makeTable(bank, [bernoulli], new Uint16Array(1000));
    table.transmit(7, 0);
    table.transmit(900, 0);
    expect(bank.size).toBe(2); // one loss stream each; the delay streams live in the table's records
  });
});

describe('LinkTable mesh records (meshMembers)', () => {
  it("keeps a pair's two directions side by side: a → b and b → a are records 2u and 2u + 1, every record used once", () => {
    const m = 9;
    const pairLinks = m * (m - 1);
    const extra = 5; // links after the mesh's (a sender's own links): record = id
    const table = new LinkTable(new StreamBank(4), root, [bernoulli], new Uint16Array(pairLinks + extra), key, true, m);
    const linkOf = (from: number, to: number) => from * (m - 1) + to - (to > from ? 1 : 0);
    const seen = new Set<number>();
    for (let a = 0; a < m; a++) {
      for (let b = a + 1; b < m; b++) {
        const ab = table.recordIndex(linkOf(a, b));
        const ba = table.recordIndex(linkOf(b, a));
        expect(ab % 2).toBe(0);
        expect(ba).toBe(ab + 1); // one 32-byte record each, one 64-byte line the pair
        seen.add(ab).add(ba);
      }
    }
    expect(seen.size).toBe(pairLinks);
    expect(Math.min(...seen)).toBe(0);
    expect(Math.max(...seen)).toBe(pairLinks - 1);
    for (let i = 0; i < extra; i++) expect(table.recordIndex(pairLinks + i)).toBe(pairLinks + i);
  });

  it('numbers records by first message without dense records, and refuses a mesh it cannot hold', () => {
    const table = new LinkTable(new StreamBank(4), root, [bernoulli], new Uint16Array(6), key);
    expect(table.recordIndex(4)).toBe(-1);
    table.transmit(4, 0);
    table.transmit(1, 0);
    expect([table.recordIndex(4), table.recordIndex(1), table.recordIndex(0)]).toEqual([0, 1, -1]);
    expect(() => new LinkTable(new StreamBank(4), root, [bernoulli], new Uint16Array(6), key, false, 3)).toThrow(/needs dense records/);
    expect(() => new LinkTable(new StreamBank(4), root, [bernoulli], new Uint16Array(5), key, true, 3)).toThrow(/its 6 pair links among the table's 5/);
  });

  it('puts a large table in page-aligned (so line-aligned) zeroed memory, a small one in an ordinary buffer', () => {
    const large = lineAlignedWords(MIN_ALIGNED_BYTES / 4);
    expect(large.length).toBe(MIN_ALIGNED_BYTES / 4);
    expect(large.byteOffset).toBe(0);
    expect(large.buffer.byteLength % 65_536).toBe(0); // a WebAssembly memory's pages
    expect(large.every((w) => w === 0)).toBe(true);
    const small = lineAlignedWords(100);
    expect(small.length).toBe(100);
    expect(small.buffer.byteLength).toBe(400);
  });
});
