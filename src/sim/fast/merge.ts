/**
 * What the per-node passes of the timeout kernel tell the books, put back in the
 * engine's order and booked through the engine's own book-keeper (metrics/books.ts).
 *
 * Each node's pass records what the engine's books would hear about its pair: the
 * observer's verdicts (with their cause) and the truth (the node went down, came back
 * up). Counted totals (heartbeats) are sums and need no order; everything else the
 * books derive (samples in push order, the running count of live nodes suspected at
 * once, its maximum and the mass-suspicion count) depends on the global order.
 *
 * The engine's kernel pops events by (instant, class, entity, sequence)
 * (src/sim/engine/kernel.ts). Each entry carries the instant, class and entity of the
 * event that made it; entities belong to one node (its sends, the pair's deliveries and
 * wake-ups, its crash processes), except the polling round (one event, entity 0, that
 * evaluates the pairs in pair order). So a sort by (instant, class, entity) of the
 * entries appended node by node, ties kept in append order (each node's own order,
 * which is the engine's order of that node's events), is the engine's order.
 */
import type { PairBooks } from '../metrics/books.js';
import type { CauseCode } from '../metrics/recorder.js';
import type { StatusCode } from '../status.js';

/** What the books hear. */
export const BookEntry = {
  /** The observer's verdict about the pair changed (to `status`, by `cause`). */
  verdict: 0,
  /** The pair's target crashed. */
  down: 1,
  /** The pair's target is up again. */
  up: 2,
} as const;

/** Entries of one run, appended node by node, each node's in its own processing order. */
export class ItemStore {
  length = 0;
  timeUs = new Float64Array(256);
  eventClass = new Uint8Array(256);
  entity = new Float64Array(256);
  pair = new Int32Array(256);
  kind = new Uint8Array(256);
  status = new Uint8Array(256);
  cause = new Uint8Array(256);

  add(timeUs: number, eventClass: number, entity: number, pair: number, kind: number, status: number, cause: number): void {
    if (this.length === this.timeUs.length) this.grow();
    const i = this.length++;
    this.timeUs[i] = timeUs;
    this.eventClass[i] = eventClass;
    this.entity[i] = entity;
    this.pair[i] = pair;
    this.kind[i] = kind;
    this.status[i] = status;
    this.cause[i] = cause;
  }

  private grow(): void {
    const grown = <T extends Float64Array | Int32Array | Uint8Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(a.length * 2);
      b.set(a);
      return b;
    };
    this.timeUs = grown(this.timeUs);
    this.eventClass = grown(this.eventClass);
    this.entity = grown(this.entity);
    this.pair = grown(this.pair);
    this.kind = grown(this.kind);
    this.status = grown(this.status);
    this.cause = grown(this.cause);
  }
}

/** Books the entries in the engine's order. */
export function bookInOrder(items: ItemStore, books: PairBooks): void {
  const count = items.length;
  const time = items.timeUs;
  const eventClass = items.eventClass;
  const entity = items.entity;
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  order.sort((a, b) => time[a]! - time[b]! || eventClass[a]! - eventClass[b]! || entity[a]! - entity[b]! || a - b);
  for (let k = 0; k < count; k++) {
    const i = order[k]!;
    const pair = items.pair[i]!;
    const atUs = time[i]!;
    const kind = items.kind[i]!;
    // Central topology: pair i watches node i.
    if (kind === BookEntry.verdict) books.verdict(pair, items.status[i] as StatusCode, atUs, items.cause[i] as CauseCode);
    else if (kind === BookEntry.down) books.targetDown(pair, atUs);
    else books.targetUp(pair, atUs);
  }
}
