/**
 * SWIM's closed forms (Das, Gupta & Motivala, DSN 2002, §3.1; reference §3.1), for the
 * basic protocol the paper analyses: each member, once per protocol period T', pings
 * one member chosen uniformly at random; after a direct timeout it asks k other
 * members to ping it; a packet is delivered in time with probability q_ml,
 * independently; q_f is the fraction of members that are non-faulty.
 *
 * These hold for random target selection, not memberlist's round-robin over a
 * shuffled list (which bounds the time to first detection at two periods instead).
 */

/** Pr(a given member is pinged by at least one of the other non-faulty members in one period). */
export function probeProbability(n: number, nonFaultyFraction: number): number {
  return 1 - (1 - nonFaultyFraction / n) ** (n - 1);
}

/**
 * Expected number of whole periods from a crash to the first period in which some
 * member probes the crashed one: the failure is noticed at the end of the first
 * period with a probe, a geometric number of periods with success probability
 * `probeProbability`. The paper states the limit `T'·e^{q_f}/(e^{q_f} − 1)` ≈ 1.58 T'.
 */
export function expectedPeriodsToFirstProbe(n: number, nonFaultyFraction: number): number {
  return 1 / probeProbability(n, nonFaultyFraction);
}

/** The paper's large-n limit of the above: e^{q_f}/(e^{q_f} − 1). */
export function expectedPeriodsToFirstProbeLimit(nonFaultyFraction: number): number {
  return Math.exp(nonFaultyFraction) / (Math.exp(nonFaultyFraction) - 1);
}

/**
 * Pr(one probe of a healthy member fails): the direct ping or its ack is lost
 * (1 − q_ml²) and each of the k indirect paths fails — the relay is faulty, or one of
 * its four packets (ping-req, ping, ack, ack relayed back) is lost: 1 − q_f·q_ml⁴.
 */
export function probeFailureProbability(deliveryProbability: number, nonFaultyFraction: number, indirectChecks: number): number {
  const q = deliveryProbability;
  return (1 - q * q) * (1 - nonFaultyFraction * q ** 4) ** indirectChecks;
}

/**
 * The paper's per-period probability that a healthy member is falsely declared failed
 * by the basic protocol: q_f·(1 − q_ml²)·(1 − q_f·q_ml⁴)^k · e^{q_f}/(e^{q_f} − 1).
 * Its last factor is 1/Pr(the member is probed at all in the period) in the large-n
 * limit, so this is the expected number of failed probes per period *given* the
 * member is probed; `expectedFailedProbesPerPeriod` is the unconditional count.
 */
export function paperFalsePositiveProbability(deliveryProbability: number, nonFaultyFraction: number, indirectChecks: number): number {
  const qf = nonFaultyFraction;
  return qf * probeFailureProbability(deliveryProbability, qf, indirectChecks) * (Math.exp(qf) / (Math.exp(qf) - 1));
}

/**
 * Expected number of failed probes of one healthy member per period with random
 * target selection and every member non-faulty: each of the other n − 1 members picks
 * it with probability 1/(n − 1), so it receives one probe per period on average, and
 * each fails independently with `probeFailureProbability`.
 */
export function expectedFailedProbesPerPeriod(deliveryProbability: number, indirectChecks: number): number {
  return probeFailureProbability(deliveryProbability, 1, indirectChecks);
}

/**
 * Expected time from a crash to the first probe of the crashed member, when the other
 * n − 1 members each probe once per period T' at their own uniformly random phase and
 * pick their target uniformly among the n − 1 members other than themselves (r = 1/(n − 1)).
 * Pr(W > mT' + s) = [(1 − r)^m·(1 − r·s/T')]^{n−1}, which integrates to
 * E[W] = T'·[1 − (1 − r)^n] / (r·n·[1 − (1 − r)^{n−1}]).
 * Derived here from the paper's assumptions (asynchronous periods); for large n it
 * tends to T'. The suspicion follows one period after that probe (the probe's deadline),
 * so the expected time to first suspicion is E[W] + T'; with synchronised periods and a
 * crash at a period's start the paper's count is T'·e/(e − 1).
 */
export function expectedTimeToFirstProbe(n: number, periodUs: number): number {
  const r = 1 / (n - 1);
  const none = (1 - r) ** (n - 1);
  return (periodUs * (1 - (1 - r) ** n)) / (r * n * (1 - none));
}
