/**
 * Node-to-node links, given by rules rather than by a table. Every node may talk to
 * every other, but a directed link (from, to) exists — has streams, a partition
 * counter, a slot in the link table — only once a protocol asks for it, so memory
 * grows with the nodes and the pairs that talk, never N² unless all-to-all is asked.
 *
 * Which class (loss model, delay law, duplication) a link gets:
 *   1. a per-pair override (`pairs`, by node name, directed), else
 *   2. the placement rule: `sameRack`, `sameZone` (different rack) or `crossZone`,
 *      when both ends have a placement and the rule is given, else
 *   3. `default`.
 * Classes are shared objects: links of one class share one delay sampler.
 *
 * Streams are the link's own, keyed `link/<from>><to>/<purpose>` (stream-keys.ts), so
 * the central monitor's links keep the keys they always had.
 *
 * Two phases: while protocols install, `link()` registers links; `open()` then builds
 * the link table, and from there `transmit` decides messages (hot: no allocation).
 */
import type { LinkConfig } from '../config.js';
import { linkStreamKey } from '../random/stream-keys.js';
import type { SeedRoot, StreamBank } from '../random/streams.js';
import { IntIndex, NOT_FOUND } from '../int-index.js';
import { DROPPED, LinkTable } from './links.js';

export interface NodePlacement {
  readonly zone?: string;
  readonly rack?: string;
}

export interface PairLinkOverride {
  readonly from: string;
  readonly to: string;
  readonly link: LinkConfig;
}

export interface LinkRules {
  readonly default: LinkConfig;
  readonly sameRack?: LinkConfig;
  readonly sameZone?: LinkConfig;
  readonly crossZone?: LinkConfig;
  readonly pairs?: readonly PairLinkOverride[];
}

export class Network {
  private readonly names: readonly string[];
  private readonly placement: readonly NodePlacement[] | null;
  private readonly rules: LinkRules;
  private readonly overrides = new Map<number, LinkConfig>();
  private readonly linkOf = new IntIndex();
  private readonly fromOf: number[] = [];
  private readonly toOf: number[] = [];
  private table: LinkTable | null = null;

  constructor(names: readonly string[], rules: LinkRules, placement: readonly NodePlacement[] | null = null) {
    if (placement !== null && placement.length !== names.length) throw new RangeError('placement must give one entry per node');
    this.names = names;
    this.placement = placement;
    this.rules = rules;
    const pairs = rules.pairs ?? [];
    const index = pairs.length === 0 ? new Map<string, number>() : new Map(names.map((name, i) => [name, i]));
    for (const o of pairs) {
      const from = index.get(o.from);
      const to = index.get(o.to);
      if (from === undefined || to === undefined) throw new RangeError(`link override ${o.from} > ${o.to} names an unknown node`);
      this.overrides.set(from * names.length + to, o.link);
    }
  }

  get nodeCount(): number {
    return this.names.length;
  }

  /** Links registered so far. */
  get linkCount(): number {
    return this.fromOf.length;
  }

  /** The class a link from `from` to `to` gets (see the header). */
  classOf(from: number, to: number): LinkConfig {
    const override = this.overrides.get(from * this.names.length + to);
    if (override) return override;
    const p = this.placement;
    if (p !== null) {
      const a = p[from]!;
      const b = p[to]!;
      const sameZone = a.zone !== undefined && a.zone === b.zone;
      if (sameZone && a.rack !== undefined && a.rack === b.rack && this.rules.sameRack) return this.rules.sameRack;
      if (sameZone && this.rules.sameZone) return this.rules.sameZone;
      if (!sameZone && a.zone !== undefined && b.zone !== undefined && this.rules.crossZone) return this.rules.crossZone;
    }
    return this.rules.default;
  }

  /** Whether some link class of these rules satisfies `test` (e.g. uses TCP). */
  anyClass(test: (link: LinkConfig) => boolean): boolean {
    const r = this.rules;
    return [r.default, r.sameRack, r.sameZone, r.crossZone, ...this.overrides.values()].some((c) => c !== undefined && test(c));
  }

  /** The directed link from → to, registered on first use (only before `open`). */
  link(from: number, to: number): number {
    if (from === to) throw new RangeError(`a node does not send to itself (${this.names[from]})`);
    const key = from * this.names.length + to;
    if (this.table !== null) {
      const known = this.linkOf.get(key);
      if (known !== NOT_FOUND) return known;
      throw new Error(`link ${this.names[from]} > ${this.names[to]} asked for after the network opened`);
    }
    const id = this.fromOf.length;
    const known = this.linkOf.intern(key, id);
    if (known !== id) return known;
    this.fromOf.push(from);
    this.toOf.push(to);
    return id;
  }

  endsOf(link: number): { from: number; to: number } {
    return { from: this.fromOf[link]!, to: this.toOf[link]! };
  }

  /** Builds the link table; streams are created for the draws each class makes. */
  open(bank: StreamBank, root: SeedRoot): void {
    if (this.table !== null) return;
    const profiles: LinkConfig[] = [];
    const profileIndex = new Map<LinkConfig, number>();
    const profileOfLink = new Uint16Array(this.fromOf.length);
    // Without overrides or placement every link is of the default class (profile 0).
    const uniform = this.overrides.size === 0 && this.placement === null && this.fromOf.length > 0;
    if (uniform) profiles.push(this.rules.default);
    for (let link = 0; link < this.fromOf.length && !uniform; link++) {
      const cls = this.classOf(this.fromOf[link]!, this.toOf[link]!);
      let k = profileIndex.get(cls);
      if (k === undefined) {
        k = profiles.length;
        profiles.push(cls);
        profileIndex.set(cls, k);
      }
      profileOfLink[link] = k;
    }
    const names = this.names;
    this.table = new LinkTable(bank, profiles, profileOfLink, (link, purpose) =>
      bank.add(root, linkStreamKey(names[this.fromOf[link]!]!, names[this.toOf[link]!]!, purpose)),
    );
  }

  private get opened(): LinkTable {
    if (this.table === null) throw new Error('the network is not open yet (send only once the run starts)');
    return this.table;
  }

  /** One message leaves at `departUs`: its arrival instant, or DROPPED (see `lastDropReason`). */
  transmit(link: number, departUs: number): number {
    return this.opened.transmit(link, departUs);
  }

  /** One transmission without duplication (a TCP segment): its arrival, or DROPPED. */
  attempt(link: number, departUs: number): number {
    return this.opened.attempt(link, departUs);
  }

  /** The directed link from → to if registered, else -1. */
  find(from: number, to: number): number {
    return this.linkOf.get(from * this.names.length + to);
  }

  /** The duplicate's arrival of the last transmitted message, or DROPPED. */
  get duplicateArrivalUs(): number {
    return this.opened.duplicateArrivalUs;
  }

  /** Why the last transmitted message was dropped (DropReason). */
  get lastDropReason(): number {
    return this.opened.lastDropReason;
  }

  cut(link: number): void {
    this.opened.cut(link);
  }

  repair(link: number): void {
    this.opened.repair(link);
  }

  isDown(link: number): boolean {
    return this.opened.isDown(link);
  }
}

export { DROPPED };
