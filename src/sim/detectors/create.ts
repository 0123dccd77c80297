/** Builds the detector a configuration names. New families register here. */
import type { DetectorConfig } from '../config.js';
import type { Detector } from './detector.js';
import { FixedTimeoutDetector } from './fixed-timeout.js';

export function createDetector(config: DetectorConfig, pairCount: number, startLocalUs: number): Detector {
  switch (config.kind) {
    case 'timeout':
      return new FixedTimeoutDetector(pairCount, config.timeoutUs, config.deadAfterUs, startLocalUs);
  }
}
