/**
 * Node-to-node links, given by rules rather than by a table. Every node may talk to
 * every other, but a directed link (from, to) exists — has streams, a partition
 * counter, a slot in the link table — only once a protocol asks for it, so memory
 * grows with the nodes and the pairs that talk, never N² unless all-to-all is asked.
 *
 * Which class (loss model, delay law, duplication) a link gets:
 *   1. a per-pair override (`pairs`, by node name, directed), else
 *   2. the placement rule: `withinZone[zone]` when both ends are in that zone (the
 *      scenario's link classes for members: a class is a zone), `sameRack`, `sameZone`
 *      (different rack) or `crossZone`, when both ends have a placement and the rule
 *      is given, else
 *   3. `default`.
 * Classes are shared objects: links of one class share one delay sampler.
 *
 * Streams are the link's own, keyed `link/<from>><to>/<purpose>` (stream-keys.ts), so
 * the central monitor's links keep the keys they always had.
 *
 * Sender links (`senderLinks(from)`, then `transmitFrom(from, to, t)`): for messages a
 * node sends to many others (a broadcast), one link per (sender, class) instead of one
 * per pair, with streams owned by the sender (`link/<from>>*<class>/<purpose>`): memory
 * O(nodes × classes), not N². They carry datagrams (never TCP); a pair with a per-pair
 * override uses its own pair link.
 *
 * Member faults (`guard`): in a run of decentralised protocols, partitions between
 * members and slow I/O are applied here, so every message a module sends sees them.
 *
 * Two phases: while protocols install, `link()` registers links; `open()` then builds
 * the link table, and from there `transmit` decides messages (hot: no allocation).
 */
import type { LinkConfig } from '../config.js';
import { LinkKeys, senderLinkStreamKey } from '../random/stream-keys.js';
import type { SeedRoot, StreamBank } from '../random/streams.js';
import { IntIndex, NOT_FOUND } from '../int-index.js';
import { IntList } from '../int-list.js';
import { DropReason, DROPPED, LinkTable } from './links.js';

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
  /** Links between two nodes of one zone, by zone name (before sameRack/sameZone). */
  readonly withinZone?: ReadonlyMap<string, LinkConfig>;
  readonly pairs?: readonly PairLinkOverride[];
}

/** What the network asks of the member faults on each message (faults/member-faults.ts). */
export interface LinkGuard {
  blocked(from: number, to: number): boolean;
  sendDelayUs(from: number): number;
}

export class Network {
  private readonly names: readonly string[];
  private readonly placement: readonly NodePlacement[] | null;
  private readonly rules: LinkRules;
  private readonly overrides = new Map<number, LinkConfig>();
  /** Link ids by key from × n + to, for links 0 .. indexed − 1 (see `catchUp`). */
  private readonly linkOf = new IntIndex();
  private indexed = 0;
  private readonly fromOf = new IntList();
  private readonly toOf = new IntList();
  /** Sender links: the i-th is row pairLinks + i of the table; `senderFirst[node]` is its first (−1: none). */
  private readonly senderFrom: number[] = [];
  private readonly senderFirst: Int32Array;
  private readonly slotsPerSender: number;
  private pairLinks = 0;
  private guardOf: LinkGuard | null = null;
  private blockedLast = false;
  private table: LinkTable | null = null;
  /** Links were registered as a full mesh (`mesh`): the table keeps each link's record at its id. */
  private meshed = false;

  constructor(names: readonly string[], rules: LinkRules, placement: readonly NodePlacement[] | null = null) {
    if (placement !== null && placement.length !== names.length) throw new RangeError('placement must give one entry per node');
    this.names = names;
    this.placement = placement;
    this.rules = rules;
    this.senderFirst = new Int32Array(names.length).fill(-1);
    this.slotsPerSender = placement === null ? 1 : SLOT_LABELS.length;
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

  /** Whether some link class of these rules satisfies `test` (e.g. uses TCP). */
  anyClass(test: (link: LinkConfig) => boolean): boolean {
    const r = this.rules;
    const classes = [r.default, r.sameRack, r.sameZone, r.crossZone, ...(r.withinZone?.values() ?? []), ...this.overrides.values()];
    return classes.some((c) => c !== undefined && test(c));
  }

  /** Links registered so far. */
  get linkCount(): number {
    return this.fromOf.length;
  }

  /** The class a link from `from` to `to` gets (see the header). */
  classOf(from: number, to: number): LinkConfig {
    const override = this.overrides.get(from * this.names.length + to);
    if (override) return override;
    return this.ruleOf(this.slotOf(from, to), from);
  }

  /** The class of every pair link when there is no per-pair override nor placement (`default`), else null. */
  uniformClass(): LinkConfig | null {
    return this.overrides.size === 0 && this.placement === null ? this.rules.default : null;
  }

  /**
   * Which placement rule applies between two nodes (no per-pair override): the order of
   * the header. Slots: 0 default, 1 withinZone, 2 sameRack, 3 sameZone, 4 crossZone.
   */
  private slotOf(from: number, to: number): number {
    const p = this.placement;
    if (p === null) return SLOT_DEFAULT;
    const a = p[from]!;
    const b = p[to]!;
    const sameZone = a.zone !== undefined && a.zone === b.zone;
    if (sameZone && this.rules.withinZone?.has(a.zone!)) return SLOT_WITHIN;
    if (sameZone && a.rack !== undefined && a.rack === b.rack && this.rules.sameRack) return SLOT_RACK;
    if (sameZone && this.rules.sameZone) return SLOT_ZONE;
    if (!sameZone && a.zone !== undefined && b.zone !== undefined && this.rules.crossZone) return SLOT_CROSS;
    return SLOT_DEFAULT;
  }

  private ruleOf(slot: number, from: number): LinkConfig {
    switch (slot) {
      // A sender link of a rule its sender can never use (no zone, no such rule) carries nothing: default.
      case SLOT_WITHIN: {
        const zone = this.placement?.[from]?.zone;
        return (zone === undefined ? undefined : this.rules.withinZone?.get(zone)) ?? this.rules.default;
      }
      case SLOT_RACK:
        return this.rules.sameRack ?? this.rules.default;
      case SLOT_ZONE:
        return this.rules.sameZone ?? this.rules.default;
      case SLOT_CROSS:
        return this.rules.crossZone ?? this.rules.default;
      default:
        return this.rules.default;
    }
  }

  private labelOf(slot: number, from: number): string {
    return slot === SLOT_WITHIN ? `zone/${this.placement![from]!.zone}` : SLOT_LABELS[slot]!;
  }

  /**
   * Registers `from`'s sender links — one per placement rule it could use (one when no
   * placement is given) — and the pair links of its per-pair overrides. Install phase;
   * a sender link that carries nothing costs no stream.
   */
  senderLinks(from: number): void {
    if (this.senderFirst[from]! >= 0) return;
    if (this.table !== null) throw new Error(`sender links of ${this.names[from]} asked for after the network opened`);
    this.senderFirst[from] = this.senderFrom.length;
    for (let slot = 0; slot < this.slotsPerSender; slot++) this.senderFrom.push(from);
    for (const key of this.overrides.keys()) if (Math.floor(key / this.names.length) === from) this.link(from, key % this.names.length);
  }

  /** One datagram from `from` to `to` over `from`'s sender link of their class: its arrival, or DROPPED. */
  transmitFrom(from: number, to: number, departUs: number): number {
    const first = this.senderFirst[from]!;
    if (first < 0) throw new Error(`${this.names[from]} has no sender links (register them with senderLinks at install)`);
    const row = this.overrides.size > 0 && this.overrides.has(from * this.names.length + to) ? this.find(from, to) : this.pairLinks + first + (this.slotsPerSender === 1 ? 0 : this.slotOf(from, to));
    const g = this.guardOf;
    if (g === null) return this.opened.transmit(row, departUs);
    return this.guarded(g, row, from, to, departUs);
  }

  /** The node that sends over pair link `link`. */
  senderOf(link: number): number {
    return this.fromOf.get(link);
  }

  /** Member faults to apply to every message (partitions between members, slow I/O); set before the run. */
  guard(g: LinkGuard | null): void {
    this.guardOf = g;
  }

  /**
   * Registers the links between `hub` and every other node in one pass, in the central
   * topology's order: node i → hub is link first + i (i < hub), hub → node i is link
   * first + hub + i, where `first` (returned) is the number of links registered before;
   * the hub is the last node. Nothing is hashed: the key index catches up only if a
   * link is later looked up (`link`, `find`), which at 100 k nodes saves 200 000
   * random-access inserts at set-up. With links already registered it falls back to
   * `link` (which returns known links) to keep "one id per directed link".
   */
  star(hub: number): number {
    if (hub !== this.names.length - 1) throw new RangeError('star: the hub is the last node');
    const first = this.fromOf.length;
    if (this.table !== null || first > 0) {
      for (let i = 0; i < hub; i++) if (this.link(i, hub) !== first + i) throw new Error('star: the links to the hub exist in another order');
      for (let i = 0; i < hub; i++) if (this.link(hub, i) !== first + hub + i) throw new Error('star: the links from the hub exist in another order');
      return first;
    }
    this.fromOf.reserve(first + 2 * hub);
    this.toOf.reserve(first + 2 * hub);
    for (let i = 0; i < hub; i++) {
      this.fromOf.push(i);
      this.toOf.push(hub);
    }
    for (let i = 0; i < hub; i++) {
      this.fromOf.push(hub);
      this.toOf.push(i);
    }
    return first;
  }

  /**
   * Registers every directed link between the nodes in one pass, in (from, to) order —
   * the ids `link(from, to)` called in that order would give: (from, to) is
   * from·(n − 1) + to − (to > from) — and writes each link's id at `into[from·n + to]`
   * (the diagonal is left alone). As `star`, nothing is hashed (the key index catches up
   * only if a link is looked up), and the table keeps each link's record at its id
   * (links.ts, `denseRecords`): a mesh's messages go to random peers, so numbering records
   * by first message buys no locality and costs a lookup per message. With links already
   * registered it falls back to `link` (one id per directed link) and returns false; true
   * means the ids are the formula's (a caller may compute them instead of reading `into`).
   */
  mesh(into: Int32Array): boolean {
    const n = this.names.length;
    if (into.length < n * n) throw new RangeError(`mesh: the id table needs ${n * n} entries, got ${into.length}`);
    if (this.table !== null || this.fromOf.length > 0) {
      for (let from = 0; from < n; from++) for (let to = 0; to < n; to++) if (to !== from) into[from * n + to] = this.link(from, to);
      return false;
    }
    const count = n * (n - 1);
    this.fromOf.reserve(count);
    this.toOf.reserve(count);
    let id = 0;
    for (let from = 0; from < n; from++) {
      for (let to = 0; to < n; to++) {
        if (to === from) continue;
        this.fromOf.push(from);
        this.toOf.push(to);
        into[from * n + to] = id++;
      }
    }
    this.meshed = true;
    return true;
  }

  /** Brings the key index up to date with links registered in bulk (`star`). */
  private catchUp(): void {
    const n = this.names.length;
    const count = this.fromOf.length;
    if (this.indexed === count) return;
    this.linkOf.reserve(count);
    for (let id = this.indexed; id < count; id++) this.linkOf.intern(this.fromOf.get(id) * n + this.toOf.get(id), id);
    this.indexed = count;
  }

  /** The directed link from → to, registered on first use (only before `open`). */
  link(from: number, to: number): number {
    if (from === to) throw new RangeError(`a node does not send to itself (${this.names[from]})`);
    const key = from * this.names.length + to;
    if (this.indexed !== this.fromOf.length) this.catchUp();
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
    this.indexed = id + 1;
    return id;
  }

  endsOf(link: number): { from: number; to: number } {
    return { from: this.fromOf.get(link), to: this.toOf.get(link) };
  }

  /** Builds the link table; streams are created for the draws each class makes. */
  open(bank: StreamBank, root: SeedRoot): void {
    if (this.table !== null) return;
    const profiles: LinkConfig[] = [];
    const profileIndex = new Map<LinkConfig, number>();
    const pairLinks = this.fromOf.length;
    this.pairLinks = pairLinks;
    const profileOfLink = new Uint16Array(pairLinks + this.senderFrom.length);
    const profileOf = (cls: LinkConfig): number => {
      let k = profileIndex.get(cls);
      if (k === undefined) {
        k = profiles.length;
        profiles.push(cls);
        profileIndex.set(cls, k);
      }
      return k;
    };
    if (this.overrides.size === 0 && this.placement === null) {
      // Every pair link is of the default class, profile 0 (the array's zeros): no pass over the links.
      if (pairLinks > 0) profileOf(this.rules.default);
    } else {
      for (let link = 0; link < pairLinks; link++) profileOfLink[link] = profileOf(this.classOf(this.fromOf.get(link), this.toOf.get(link)));
    }
    const slots = this.slotsPerSender;
    for (let i = 0; i < this.senderFrom.length; i++) {
      const from = this.senderFrom[i]!;
      profileOfLink[pairLinks + i] = profileOf(this.ruleOf(i - this.senderFirst[from]!, from));
    }
    const names = this.names;
    const keys = new LinkKeys(names);
    const denseRecords = this.meshed;
    const n = names.length;
    this.table = new LinkTable(bank, root, profiles, profileOfLink, (link, purpose) => {
      if (link < pairLinks) {
        if (!denseRecords) return keys.key(this.fromOf.get(link), this.toOf.get(link), purpose);
        // A mesh's ends by formula (`mesh`): no read of two 4 MB lists on a link's first message.
        const from = Math.floor(link / (n - 1));
        const r = link - from * (n - 1);
        return keys.key(from, r >= from ? r + 1 : r, purpose);
      }
      const i = link - pairLinks;
      const from = this.senderFrom[i]!;
      return senderLinkStreamKey(names[from]!, this.labelOf(slots === 1 ? SLOT_DEFAULT : i - this.senderFirst[from]!, from), purpose);
    }, denseRecords, denseRecords ? n : 0);
  }

  private get opened(): LinkTable {
    if (this.table === null) throw new Error('the network is not open yet (send only once the run starts)');
    return this.table;
  }

  /** One message leaves at `departUs` over a pair link: its arrival instant, or DROPPED (see `lastDropReason`). */
  transmit(link: number, departUs: number): number {
    const g = this.guardOf;
    if (g === null) return this.opened.transmit(link, departUs);
    return this.guarded(g, link, this.fromOf.get(link), this.toOf.get(link), departUs);
  }

  /** Slow I/O delays the departure (drawn first: the write happens either way); a partition drops. */
  private guarded(g: LinkGuard, row: number, from: number, to: number, departUs: number): number {
    const leaveUs = departUs + g.sendDelayUs(from);
    const table = this.opened;
    if (g.blocked(from, to)) {
      table.duplicateArrivalUs = DROPPED;
      this.blockedLast = true;
      return DROPPED;
    }
    this.blockedLast = false;
    return table.transmit(row, leaveUs);
  }

  /** One transmission without duplication (a TCP segment): its arrival, or DROPPED. */
  attempt(link: number, departUs: number): number {
    const g = this.guardOf;
    if (g !== null && g.blocked(this.fromOf.get(link), this.toOf.get(link))) {
      this.blockedLast = true;
      return DROPPED;
    }
    this.blockedLast = false;
    return this.opened.attempt(link, departUs);
  }

  /** The directed link from → to if registered, else -1. */
  find(from: number, to: number): number {
    if (this.indexed !== this.fromOf.length) this.catchUp();
    return this.linkOf.get(from * this.names.length + to);
  }

  /** The duplicate's arrival of the last transmitted message, or DROPPED. */
  get duplicateArrivalUs(): number {
    return this.opened.duplicateArrivalUs;
  }

  /** Why the last transmitted message was dropped (DropReason). */
  get lastDropReason(): number {
    return this.blockedLast ? DropReason.partition : this.opened.lastDropReason;
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

const SLOT_DEFAULT = 0;
const SLOT_WITHIN = 1;
const SLOT_RACK = 2;
const SLOT_ZONE = 3;
const SLOT_CROSS = 4;
const SLOT_LABELS = ['default', 'zone', 'same-rack', 'same-zone', 'cross-zone'];
