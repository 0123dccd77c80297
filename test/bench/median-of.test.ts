import { describe, expect, it } from 'vitest';
import { medianOf } from '../../bench/lib/measure.js';

const runsOf = (figures: readonly { wallS: number; cpuS: number; peakRssMb?: number }[]) => {
  let i = 0;
  return () => {
    const f = figures[i++]!;
    return { wallS: f.wallS, cpuS: f.cpuS, peakRssMb: f.peakRssMb ?? 10, tag: i };
  };
};

describe('the SimPy yardstick as the median of several runs (bench/lib/measure.ts medianOf)', () => {
  it('takes the run of median wall time, the median CPU of all runs, the largest memory and the wall range', () => {
    const m = medianOf(3, runsOf([{ wallS: 24, cpuS: 23 }, { wallS: 16, cpuS: 17, peakRssMb: 40 }, { wallS: 19, cpuS: 15 }]));
    expect(m).toMatchObject({ wallS: 19, cpuS: 17, peakRssMb: 40, runs: 3, tag: 3 });
    expect(m.wallRangeS).toEqual([16, 24]);
  });

  it('takes the lower middle run of an even count (never an average that no run measured), and one run as it is', () => {
    expect(medianOf(4, runsOf([{ wallS: 4, cpuS: 4 }, { wallS: 1, cpuS: 3 }, { wallS: 3, cpuS: 1 }, { wallS: 2, cpuS: 2 }]))).toMatchObject({ wallS: 2, cpuS: 2, runs: 4 });
    const one = medianOf(1, runsOf([{ wallS: 5, cpuS: 6 }]));
    expect(one).toMatchObject({ wallS: 5, cpuS: 6, runs: 1 });
    expect(one.wallRangeS).toEqual([5, 5]);
  });

  it('runs the measurement exactly the number of times asked (at least once)', () => {
    let calls = 0;
    const count = () => ({ wallS: ++calls, cpuS: 1, peakRssMb: 1 });
    medianOf(3, count);
    expect(calls).toBe(3);
    medianOf(0, count);
    expect(calls).toBe(4);
  });
});
