/**
 * The DEAD state of detector families that have no silence threshold of their own:
 * a pair is DEAD once it has been SUSPECTED for `confirmAfterUs` (Akka's split-brain
 * resolver's stable-after, Kubernetes' eviction after the grace period). Given the
 * instant a suspicion started, these two helpers give the verdict and the next change.
 */
import { NEVER } from '../time.js';
import { Status, type StatusCode } from '../status.js';

export function confirmedStatus(suspectFromUs: number, confirmAfterUs: number, localUs: number): StatusCode {
  if (localUs < suspectFromUs) return Status.alive;
  return localUs - suspectFromUs >= confirmAfterUs ? Status.dead : Status.suspected;
}

export function confirmedNextChange(suspectFromUs: number, confirmAfterUs: number, localUs: number): number {
  if (localUs < suspectFromUs) return suspectFromUs;
  const deadAtUs = suspectFromUs + confirmAfterUs;
  return localUs < deadAtUs ? deadAtUs : NEVER;
}
