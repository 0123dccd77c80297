/**
 * Which configurations the per-node timeout kernel (`timeout-kernel.ts`) may run
 * instead of the general engine. Conservative on purpose: every rule below is a
 * reason the nodes' runs are independent functions of their own streams, or a case
 * the kernel was not written (and tested) for.
 *
 * - the fixed-timeout detector (`kind: 'timeout'`), exact timers or any polling
 *   `check_interval`; either clock, since without clock faults both read true time;
 * - pushed heartbeats from the simulator (no recorded trace);
 * - no `faults` at all (pauses, partitions, starvation, slow I/O, clocks and
 *   unhealthy windows couple a node to the observer or change its sends);
 * - UDP or TCP links (TCP couples only a node's own messages: one connection per
 *   directed link, driven per node), and a monitor that never fails over;
 * - no link overrides: every node uses the default link (any loss model, delay law,
 *   duplication); the reverse link carries nothing for this detector;
 * - crashes: `crashAt`, and `crashRecover` without racks (rackSize ≤ 1);
 * - any transition log: the books hear the kernel's entries in the engine's order
 *   (merge.ts), so they keep the engine's timeline, limit included;
 * - and a configuration the engine accepts. Anything the engine would reject is left
 *   to the engine, so errors and their messages stay the engine's own.
 */
import type { LinkConfig, SimConfig } from '../config.js';
import { validateDistribution } from '../random/distributions.js';
import { linkLossModel } from '../network/links.js';
import { validateLossModel } from '../network/loss.js';

/** Most crash processes one node may be subject to (far more than any scenario needs; a sanity bound). */
export const MAX_CRASH_PROCESSES_PER_NODE = 1000;

const wholeUs = (v: number, min: number): boolean => Number.isSafeInteger(v) && v >= min;

function linkIsValid(link: LinkConfig): boolean {
  if (!wholeUs(link.delay.baseUs, 0)) return false;
  if (!(link.lossProbability >= 0 && link.lossProbability <= 1)) return false;
  if (!(link.duplicateProbability >= 0 && link.duplicateProbability <= 1)) return false;
  try {
    validateLossModel(linkLossModel(link), 'link');
    validateDistribution(link.delay.random, 'link delay');
  } catch {
    return false;
  }
  return true;
}

/** True when `runOnce` may use the per-node kernel for this configuration. */
export function fastPathApplies(config: SimConfig): boolean {
  const detector = config.detector;
  if (detector.kind !== 'timeout') return false;
  if (config.trace) return false;
  if (config.faults && config.faults.length > 0) return false;
  if (config.linkOverrides && config.linkOverrides.length > 0) return false;
  if (!wholeUs(config.transitionLogLimit, 0)) return false;
  // A monitor that fails over judges every node at once: the engine only.
  if (config.monitorFailover) return false;
  // TCP couples only a node's own messages (its connection to the monitor): the kernel
  // drives network/tcp.ts per node. A TCP reverse link under a UDP forward one is left to the engine.
  if (config.reverseLink?.transport === 'tcp' && config.link.transport !== 'tcp') return false;

  // What the engine would reject goes to the engine.
  if (!wholeUs(config.durationUs, 1) || !wholeUs(config.warmupUs, 0) || config.warmupUs >= config.durationUs) return false;
  if (!wholeUs(config.heartbeat.intervalUs, 1) || !wholeUs(detector.checkIntervalUs, 0)) return false;
  if (!wholeUs(detector.timeoutUs, 1)) return false;
  if (!(detector.deadAfterUs === Number.POSITIVE_INFINITY || wholeUs(detector.deadAfterUs, detector.timeoutUs))) return false;
  if (!linkIsValid(config.link)) return false;
  if (config.reverseLink && !linkIsValid(config.reverseLink)) return false;
  try {
    validateDistribution(config.heartbeat.jitter, 'heartbeat jitter');
  } catch {
    return false;
  }
  const names = config.nodeNames;
  if (names.length === 0 || new Set(names).size !== names.length) return false;
  if (config.flapWindowUs !== undefined && Number.isNaN(config.flapWindowUs)) return false;

  const known = new Set(names);
  const processesPerNode = new Map<string, number>();
  for (const crash of config.crashes) {
    if (crash.kind === 'crashAt') {
      if (!wholeUs(crash.atUs, 0)) return false;
      if (crash.downUs !== null && !wholeUs(crash.downUs, 1)) return false;
    } else if (crash.kind === 'crashRecover') {
      if (!wholeUs(crash.mttfUs, 1) || !wholeUs(crash.mttrUs, 0)) return false;
      if (crash.restartDelayUs !== undefined && !wholeUs(crash.restartDelayUs, 0)) return false;
      if (crash.rackSize !== undefined && crash.rackSize !== 1) return false;
    } else {
      return false;
    }
    const targets = crash.nodes.kind === 'all' ? names : crash.nodes.names;
    for (const name of targets) {
      if (!known.has(name)) return false;
      const count = (processesPerNode.get(name) ?? 0) + 1;
      if (count > MAX_CRASH_PROCESSES_PER_NODE) return false;
      processesPerNode.set(name, count);
    }
  }
  return true;
}
