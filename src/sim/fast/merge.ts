/**
 * The part of a run's tallies that crosses nodes, put back in the engine's order.
 *
 * The per-node passes of the timeout kernel keep a record of every metric whose place
 * in the engine's global event order matters: samples pushed to the mistake-duration
 * and latency arrays (their order is the order the engine pushed them), and changes of
 * the number of live nodes under suspicion (its running maximum and the mass-suspicion
 * count depend on the order of simultaneous changes).
 *
 * The engine's kernel pops events by (instant, class, entity, sequence)
 * (src/sim/engine/kernel.ts). Each record carries the instant, class and entity of the
 * event that made it; entities belong to one node (its sends, the pair's deliveries and
 * wake-ups, its crash processes), except the polling round (one event, entity 0, that
 * evaluates the pairs in pair order) and the close of the books (after every event,
 * pairs in order: class `CLOSE`, entity = pair). So a stable sort by (instant, class,
 * entity) of the records appended node by node, each node's in its own order (which is
 * the engine's order of that node's events), is the engine's order.
 */

/** What a record does. */
export const ItemKind = {
  /** A live node became suspected (value 1 when after warm-up: updates the maximum and the mass count). */
  upMax: 0,
  /** A node still suspected from before its crash recovered (counts, updates nothing). */
  up: 1,
  /** A live suspected node is trusted again, or crashed. */
  down: 2,
  /** Pushes value to mistakeDurationsUs. */
  mistake: 3,
  /** Pushes value to detectionLatenciesUs. */
  detection: 4,
  /** Pushes value to deadLatenciesUs. */
  dead: 5,
} as const;

/** Records of one run, appended node by node, each node's in its own processing order. */
export class ItemStore {
  length = 0;
  timeUs = new Float64Array(256);
  eventClass = new Uint8Array(256);
  entity = new Float64Array(256);
  kind = new Uint8Array(256);
  value = new Float64Array(256);

  add(timeUs: number, eventClass: number, entity: number, kind: number, value: number): void {
    if (this.length === this.timeUs.length) this.grow();
    const i = this.length++;
    this.timeUs[i] = timeUs;
    this.eventClass[i] = eventClass;
    this.entity[i] = entity;
    this.kind[i] = kind;
    this.value[i] = value;
  }

  private grow(): void {
    const grown = <T extends Float64Array | Uint8Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(a.length * 2);
      b.set(a);
      return b;
    };
    this.timeUs = grown(this.timeUs);
    this.eventClass = grown(this.eventClass);
    this.entity = grown(this.entity);
    this.kind = grown(this.kind);
    this.value = grown(this.value);
  }
}

export interface MergedTallies {
  readonly mistakeDurationsUs: Float64Array;
  readonly detectionLatenciesUs: Float64Array;
  readonly deadLatenciesUs: Float64Array;
  readonly maxSimultaneous: number;
  readonly massEvents: number;
}

/** Puts the records in the engine's order and replays them. */
export function mergeItems(items: ItemStore, pairCount: number): MergedTallies {
  const count = items.length;
  const time = items.timeUs;
  const eventClass = items.eventClass;
  const entity = items.entity;
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  // Ties keep the append order (node by node, each node's in its own order).
  order.sort((a, b) => time[a]! - time[b]! || eventClass[a]! - eventClass[b]! || entity[a]! - entity[b]! || a - b);

  const mistakes: number[] = [];
  const detections: number[] = [];
  const deaths: number[] = [];
  const threshold = Math.max(2, Math.ceil(0.1 * pairCount));
  let level = 0;
  let max = 0;
  let mass = 0;
  for (let k = 0; k < count; k++) {
    const i = order[k]!;
    const value = items.value[i]!;
    switch (items.kind[i]) {
      case ItemKind.upMax:
        level++;
        if (value === 1) {
          if (level > max) max = level;
          if (level === threshold) mass++;
        }
        break;
      case ItemKind.up:
        level++;
        break;
      case ItemKind.down:
        level--;
        break;
      case ItemKind.mistake:
        mistakes.push(value);
        break;
      case ItemKind.detection:
        detections.push(value);
        break;
      case ItemKind.dead:
        deaths.push(value);
        break;
    }
  }
  return {
    mistakeDurationsUs: Float64Array.from(mistakes),
    detectionLatenciesUs: Float64Array.from(detections),
    deadLatenciesUs: Float64Array.from(deaths),
    maxSimultaneous: max,
    massEvents: mass,
  };
}
