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

/** (class, entity) packs into one number as in the kernel's rank: entities are below 2³². */
const ENTITY_SPAN = 2 ** 32;
/** The stall flag's place in what an entry says (pairs stay below 2³⁴). */
const STALLED = 2 ** 38;

/** Entries of one run, appended node by node, each node's in its own processing order. */
export class ItemStore {
  length = 0;
  /** Per entry: its instant; its rank (class · 2³² + entity); what it says (pair · 16 + kind · 4 + status, and cause · 2⁴⁰). */
  private columns = new Float64Array(3 * 256);

  /** Of the entry being booked: 1 when TCP held a message of the pair back at its instant (the books' stall probe reads it). */
  stalledNow = 0;

  add(timeUs: number, eventClass: number, entity: number, pair: number, kind: number, status: number, cause: number, stalled = 0): void {
    if (3 * this.length === this.columns.length) {
      const bigger = new Float64Array(2 * this.columns.length);
      bigger.set(this.columns);
      this.columns = bigger;
    }
    const at = 3 * this.length++;
    this.columns[at] = timeUs;
    this.columns[at + 1] = eventClass * ENTITY_SPAN + entity;
    this.columns[at + 2] = cause * 2 ** 40 + stalled * STALLED + pair * 16 + kind * 4 + status;
  }

  /** Books the entries in the engine's order; `stalls`: answer the books' TCP stall probe from the entries. */
  bookInOrder(books: PairBooks, stalls = false): void {
    if (stalls) books.stallProbe = () => this.stalledNow === 1;
    const c = this.columns;
    const count = this.length;
    const order = new Uint32Array(count);
    for (let i = 0; i < count; i++) order[i] = i;
    // Ties keep the append order: one node's own order (entities of one instant and class are one node's, but the polling round's).
    order.sort((a, b) => c[3 * a]! - c[3 * b]! || c[3 * a + 1]! - c[3 * b + 1]! || a - b);
    for (let k = 0; k < count; k++) {
      const i = order[k]!;
      const atUs = c[3 * i]!;
      const says = c[3 * i + 2]!;
      const cause = Math.floor(says / 2 ** 40) as CauseCode;
      let low = says - cause * 2 ** 40;
      this.stalledNow = low >= STALLED ? 1 : 0;
      if (this.stalledNow === 1) low -= STALLED;
      const pair = Math.floor(low / 16); // central topology: pair i watches node i
      const kind = (low >> 2) & 3;
      if (kind === BookEntry.verdict) books.verdict(pair, (low & 3) as StatusCode, atUs, cause);
      else if (kind === BookEntry.down) books.targetDown(pair, atUs);
      else books.targetUp(pair, atUs);
    }
  }
}
