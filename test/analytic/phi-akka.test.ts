/**
 * The silence after which Akka's φ crosses its threshold is never negative: a threshold
 * below φ at zero silence (the schema allows thresholds down to 1e-9) is crossed at
 * once. The fuzz test found the negative value reaching the engine as an internal error.
 */
import { describe, expect, it } from 'vitest';
import { akkaCrossingSilenceUs } from '../../src/analytic/phi-akka.js';

const settings = { acceptablePauseUs: 3_000_000, minStdDeviationUs: 100_000, threshold: 8 };

describe('akkaCrossingSilenceUs', () => {
  it('is 0 for a threshold that φ exceeds at zero silence, and grows with the threshold', () => {
    // 10 s heartbeats with Akka's first estimate of the deviation (a quarter of the mean), as in k8s-pre-1.32 with threshold 1e-9.
    expect(akkaCrossingSilenceUs(10_000_000, 2_500_000, { ...settings, threshold: 1e-9 })).toBe(0);
    const low = akkaCrossingSilenceUs(1_000_000, 100_000, { ...settings, threshold: 1 });
    const high = akkaCrossingSilenceUs(1_000_000, 100_000, { ...settings, threshold: 8 });
    expect(low).toBeGreaterThan(0);
    expect(high).toBeGreaterThan(low);
  });
});
