/**
 * Which configurations the rare-event estimator covers, and the few numbers it needs:
 * the fixed-timeout detector (checked continuously or by polling), one link law for
 * every node (Bernoulli or Gilbert–Elliott loss, any delay law, no duplication), send
 * jitter, independent sender pauses (Poisson onsets, "skip" after the pause) and
 * crashes (which only change the up-time). Anything else — other detectors, observer
 * pauses, partitions, CPU starvation, clock faults, link classes — couples events the
 * estimator does not model: `rareModelOf` says which and why, and the caller reports
 * the node-days a plain-simulation claim would need instead.
 */
import type { SimConfig } from '../sim/config.js';
import type { DelayDistribution, LinkDelay } from '../sim/random/distributions.js';
import { linkLossModel } from '../sim/network/links.js';
import type { LossModel } from '../sim/network/loss.js';

export interface RarePause {
  /** Mean gap between pause onsets of one node (Poisson onsets). */
  readonly meanGapUs: number;
  readonly duration: DelayDistribution;
}

export interface RareModel {
  readonly intervalUs: number;
  readonly timeoutUs: number;
  /** 0: the verdict changes the instant the timeout expires; else the polling period. */
  readonly checkIntervalUs: number;
  readonly jitter: DelayDistribution;
  readonly delay: LinkDelay;
  readonly loss: LossModel;
  readonly pauses: readonly RarePause[];
}

export type RareApplicability = { readonly ok: true; readonly model: RareModel } | { readonly ok: false; readonly reason: string };

export function rareModelOf(config: SimConfig): RareApplicability {
  const d = config.detector;
  if (d.kind !== 'timeout') return { ok: false, reason: `the ${d.kind} detector is not the fixed timeout, the family the estimator models` };
  if ((config.linkOverrides ?? []).length > 0) return { ok: false, reason: 'link classes make links differ between nodes' };
  if (config.link.duplicateProbability > 0) return { ok: false, reason: 'duplicated messages are not modelled' };
  // Issue #13: TCP makes a loss a retransmission delay that holds back the heartbeats behind it.
  if (config.link.transport === 'tcp' || config.reverseLink?.transport === 'tcp') return { ok: false, reason: 'TCP links turn losses into retransmission delays that couple heartbeats; the estimator assumes independent losses' };
  if (config.monitorFailover) return { ok: false, reason: 'a monitor that fails over judges every node at once; the estimator assumes a monitor that never fails' };
  const pauses: RarePause[] = [];
  for (const fault of config.faults ?? []) {
    if (fault.kind === 'senderPause') {
      if (fault.onset.kind !== 'poisson') return { ok: false, reason: 'only pauses with Poisson onsets (`every:`) are independent of each other' };
      if (fault.afterPause !== 'skip') return { ok: false, reason: 'a burst of missed heartbeats after a pause is not modelled' };
      if (fault.nodes.kind !== 'all') return { ok: false, reason: 'pauses on some nodes only make nodes differ' };
      pauses.push({ meanGapUs: fault.onset.meanGapUs, duration: fault.duration });
      continue;
    }
    return { ok: false, reason: `${fault.kind} faults couple heartbeats in ways the estimator does not model` };
  }
  return {
    ok: true,
    model: {
      intervalUs: config.heartbeat.intervalUs,
      timeoutUs: d.timeoutUs,
      checkIntervalUs: d.checkIntervalUs,
      jitter: config.heartbeat.jitter,
      delay: config.link.delay,
      loss: linkLossModel(config.link),
      pauses,
    },
  };
}
