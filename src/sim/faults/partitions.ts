/**
 * Partitions between members: each active cut is a group of members (one member for
 * scope `each` and `isolate`) and a direction. A message from a to b is lost while some
 * cut has exactly one of them inside and its direction covers the crossing:
 * `both`, `toObserver` (read for members: leaving the group) or `fromObserver`
 * (entering it). Members in no cut — the common case — cost one array read.
 */
import type { LinkDirection } from '../config.js';

const LEAVING = 1;
const ENTERING = 2;

export class Partitions {
  /** Per member: the slots of the active cuts it is inside (null: none). */
  private readonly cutsOf: (number[] | null)[];
  private readonly slotOf = new Map<object, number>();
  /** Per slot: which crossings it cuts (LEAVING | ENTERING), 0 when free. */
  private readonly crossings: number[] = [];
  private readonly members: (readonly number[])[] = [];
  private readonly free: number[] = [];
  private active = 0;

  constructor(memberCount: number) {
    this.cutsOf = new Array<number[] | null>(memberCount).fill(null);
  }

  get activeCount(): number {
    return this.active;
  }

  /** Cuts `group` off from the rest (one cut per `key`; a second cut of the same key is ignored). */
  cut(key: object, group: readonly number[], direction: LinkDirection): void {
    if (this.slotOf.has(key)) return;
    const slot = this.free.pop() ?? this.crossings.length;
    this.crossings[slot] = direction === 'both' ? LEAVING | ENTERING : direction === 'toObserver' ? LEAVING : ENTERING;
    this.members[slot] = group;
    this.slotOf.set(key, slot);
    for (const m of group) (this.cutsOf[m] ??= []).push(slot);
    this.active++;
  }

  heal(key: object): void {
    const slot = this.slotOf.get(key);
    if (slot === undefined) return;
    this.slotOf.delete(key);
    for (const m of this.members[slot]!) {
      const list = this.cutsOf[m]!;
      list.splice(list.indexOf(slot), 1);
      if (list.length === 0) this.cutsOf[m] = null;
    }
    this.crossings[slot] = 0;
    this.members[slot] = [];
    this.free.push(slot);
    this.active--;
  }

  blocked(from: number, to: number): boolean {
    if (this.active === 0) return false;
    const a = this.cutsOf[from] ?? null;
    const b = this.cutsOf[to] ?? null;
    if (a === null && b === null) return false;
    if (a !== null) for (const slot of a) if ((b === null || !b.includes(slot)) && (this.crossings[slot]! & LEAVING) !== 0) return true;
    if (b !== null) for (const slot of b) if ((a === null || !a.includes(slot)) && (this.crossings[slot]! & ENTERING) !== 0) return true;
    return false;
  }
}
