/**
 * The walk's number fields keep one layout whatever values they hold (./walk-buffers.ts,
 * DOUBLE_FIELD). The pause-survival search walks short probes (instants below 2³⁰ µs, V8's
 * small integers) and then the replication walks an hour (instants above): a field laid
 * out for small integers changes to a double at the first large value, V8 deprecates the
 * hidden class, and every optimised walk function that relied on it is thrown away and
 * compiled again. These tests ask V8 directly (%HaveSameMap) whether objects that held
 * small and large values share one hidden class.
 */
import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { namedStreamKey } from '../../../src/sim/random/stream-keys.js';
import { StreamBank } from '../../../src/sim/random/streams.js';
import { HeartbeatSkipper, SKIPPER_STATE_LENGTH, type SkipLaws } from '../../../src/sim/skip/heartbeat-skipper.js';
import { NodeSchedule } from '../../../src/sim/skip/node-schedule.js';

setFlagsFromString('--allow-natives-syntax');
const haveSameMap = new Function('a', 'b', 'return %HaveSameMap(a, b);') as (a: object, b: object) => boolean;

const root = { seed: 'double-fields', replication: 0 };

describe('the walk keeps one hidden class for short probes and hour-long runs', () => {
  it('NodeSchedule: a 10 s schedule and a one-hour one (end > 2³¹ µs) share their map, and nominal instants past 2³¹ µs are exact', () => {
    const short = new NodeSchedule(1_000_000, 10_000_000);
    const long = new NodeSchedule(1_000_000, 3_600_000_000);
    expect(haveSameMap(short, long)).toBe(true);
    short.build(0, 123_456, null, null);
    long.build(0, 123_456, null, null);
    expect(long.K).toBe(3_600);
    expect(long.nominal(3_599)).toBe(123_456 + 3_599 * 1_000_000);
    expect(haveSameMap(short, long)).toBe(true);
  });

  it('HeartbeatSkipper: restoreState (numbers read back from a Float64Array) keeps the map of a fresh skipper', () => {
    const laws: SkipLaws = { loss: { kind: 'bernoulli', probability: 0.02 }, jitter: { kind: 'exponential', meanUs: 2_000 }, delay: { kind: 'exponential', meanUs: 3_000 }, thresholdUs: 8_000 };
    const make = (key: string) => {
      const bank = new StreamBank();
      return new HeartbeatSkipper(laws, bank, bank.add(root, namedStreamKey(`${key}/fate`)), bank.add(root, namedStreamKey(`${key}/parts`)));
    };
    const a = make('a');
    const b = make('b');
    a.nextInteresting();
    a.drawOrdinary();
    const state = new Float64Array(SKIPPER_STATE_LENGTH);
    a.saveState(state, 0);
    b.restoreState(state, 0);
    const fresh = make('c');
    expect(haveSameMap(b, fresh)).toBe(true);
    expect(haveSameMap(a, fresh)).toBe(true);
    // The restore is exact: both walk on alike from here (same saved state, streams aside).
    const again = new Float64Array(SKIPPER_STATE_LENGTH);
    b.saveState(again, 0);
    expect([...again]).toEqual([...state]);
  });
});
