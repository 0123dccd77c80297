/**
 * The truth side of a gossip run, where every member holds every other UP or DOWN on
 * its own (Cassandra: each member convicts with its own failure detector, nothing
 * announces a death): the views table (observer × endpoint), booked in the shared
 * cluster-level book (metrics/cluster-membership.ts) — per crash the first DOWN
 * anywhere and the moment every live member holds it DOWN; per mistake the observer
 * that made it, how many held it at once, how long until nobody did; exposure per
 * member and per (observer, endpoint). A mistake here is always originated by the
 * observer that holds it, so `deathsOriginated` = `deadViews`.
 */
import { ClusterMembershipBook } from '../../metrics/cluster-membership.js';
import type { MembershipTallies } from '../../metrics/membership-tallies.js';

export const UP = 0;
export const DOWN = 2;

export interface AccountingOptions {
  readonly members: number;
  /** The views table to use (members² bytes, zeroed: everyone UP), e.g. in the merge kernel's memory; made if absent. */
  readonly view?: Uint8Array;
  readonly warmupUs: number;
  readonly isUp: (node: number) => boolean;
  /** A false DOWN starting within this long after the previous one of the same member ended is a flap. */
  readonly flapWindowUs: number;
  /** A crash this close to the end of the run that nobody convicted is censored, not undetected (µs). */
  readonly censorHorizonUs: number;
}

export class MembershipAccounting extends ClusterMembershipBook {
  /** o·n + s → UP / DOWN: observer o's view of endpoint s. */
  readonly view: Uint8Array;
  private readonly censorHorizonUs: number;
  private readonly holdsDown = (o: number, s: number): boolean => this.view[o * this.n + s] === DOWN;

  constructor(options: AccountingOptions) {
    super(options.members, options.warmupUs, options.flapWindowUs, { isUp: options.isUp });
    this.view = options.view ?? new Uint8Array(options.members * options.members);
    this.censorHorizonUs = options.censorHorizonUs;
  }

  /** Observer `o` now holds `s` DOWN (its own conviction) or UP again. */
  setView(o: number, s: number, next: number, nowUs: number): void {
    const i = o * this.n + s;
    if (this.view[i] === next) return;
    this.view[i] = next;
    this.viewChanged(o, s, next === DOWN, true, nowUs);
  }

  /** `node` crashed (call after the crash service marked it down). */
  nodeDown(node: number, nowUs: number): void {
    this.memberDown(node, nowUs, this.holdsDown);
  }

  /** `node` restarted (call after the crash service marked it up): a new process holds everyone UP. */
  nodeUp(node: number, nowUs: number): void {
    this.memberUp(node, nowUs);
    this.view.fill(UP, node * this.n, node * this.n + this.n);
  }

  /** The membership tallies (call once, after the run). */
  membership(endUs: number): MembershipTallies {
    return this.finish(endUs, this.censorHorizonUs);
  }
}
