/**
 * Which heartbeats can change a verdict: the lateness threshold θ of each detector
 * family that skipping is exact for, with the lemma behind it. Lateness is
 * L = round(J) + round(D), the send jitter plus the random part of the delay (whole
 * µs, as the engine draws them); the fixed delay base b shifts every arrival alike.
 * Heartbeat k is nominally sent at n_k = φ + k·I, leaves at σ_k = n_k + round(J_k) and
 * arrives at a_k = σ_k + b + round(D_k) = n_k + b + L_k. A heartbeat is *interesting*
 * when it is lost or L_k > θ; every other one is ordinary.
 *
 * Ties. At one instant the engine may order a wake-up before an arrival, so the
 * lemmas below ask for a margin of one microsecond: "no wake-up can fire before the
 * next arrival", not merely "the silence never exceeds the timeout".
 *
 * Fixed timeout T (SUSPECTED when now − last arrival > T; DEAD beyond dead-after ≥ T,
 * so DEAD needs SUSPECTED first): θ = T − I.
 *   A wake-up fires at a_last + T + 1, so no verdict changes while every instant t has
 *   an arrival in [t − T, t − 1]. A heartbeat with n_k ∈ [t − T − b, t − 1 − b − θ]
 *   arrives in that window when it is ordinary (a_k ≥ n_k + b ≥ t − T and
 *   a_k ≤ n_k + b + θ ≤ t − 1). The range holds T − θ consecutive integers, and any I
 *   consecutive integers contain a nominal send instant: with θ = T − I there is always
 *   one. So a false suspicion (or a flap, or a DEAD verdict) needs an interesting
 *   heartbeat among the ⌈T/I⌉ or so whose nominal sends precede it. Tight: with one
 *   heartbeat at θ + 1 and ordinary neighbours at the extremes of [0, θ], the gap
 *   reaches T + 1 (test/sim/skip/thresholds.test.ts finds such a case by search).
 *   Polling rounds (check_interval > 0) only evaluate at some instants: the same
 *   condition is necessary.
 * NFD-S with shift δ (trusted at t iff t < σ_ℓ + I + δ for the highest-numbered
 *   heartbeat ℓ received; DEAD after confirm-after): θ = δ − b − 1.
 *   Trust at t needs a heartbeat received by t − 1 with σ_k > t − I − δ (then σ_ℓ ≥ σ_k,
 *   sends being in order). An ordinary heartbeat with n_k ∈ [t − I − δ + 1, t − 1 − b − θ]
 *   qualifies (σ_k ≥ n_k); that range holds I + δ − b − θ − 1 integers, ≥ I when
 *   θ ≤ δ − b − 1.
 * Pull checks, fixed rate (a probe fails without a healthy reply within the probe
 *   timeout P; the verdict moves only on failures): a probe fails iff the probe or the
 *   reply is lost, or round(D_probe) + round(D_reply) > P − b_probe − b_reply. The same
 *   skipper applies with the probe's delay in the jitter's role and the reply's delay
 *   in the delay's role; losses on two Bernoulli links combine into one Bernoulli
 *   (1 − (1 − p₁)(1 − p₂)); two Gilbert–Elliott links make a four-state chain (not yet
 *   walked by the skipper). Schedule `afterCompletion` is excluded: every reply's
 *   round trip moves the next probe, so every probe matters.
 * Leases (the observer expires a node lease after the last renewal it received; the
 *   node stops acting lease after it sent the last renewal whose grant came back):
 *   the observer side is the fixed timeout with T = lease. The node side needs a grant
 *   back for a renewal sent in (t − lease, t − 1]: with b, b′ the two bases and D′ the
 *   grant's delay, interesting iff a renewal or its grant is lost or
 *   round(J) + round(D) + round(D′) > lease − I − b − b′ − 1, which implies the
 *   observer-side condition; a three-part split of the same kind as the skipper's.
 *
 * Excluded: phi accrual (Akka, Cassandra) and NFD-E/Bertier. Their verdict compares
 * the silence with a threshold computed from a window of past inter-arrival times, so
 * every heartbeat's exact delay moves the threshold for the ones after it: no heartbeat
 * is irrelevant, and nothing can be skipped without changing the law.
 *
 * Where the lemmas do not reach, the consumer draws every heartbeat in full (ordinary
 * ones by `drawOrdinary`): after a (re)start until the lemma's window lies among sent
 * heartbeats (nominal sends before φ + T + b for the fixed timeout), before a crash or
 * a sender pause (the heartbeats that can be the last to arrive: nominal sends in
 * [c − θ − 2I, c)), next to each interesting heartbeat (the ⌈(T + θ)/I⌉ + 1 on each
 * side that can bound its silence), and everywhere for a send jitter that can reach
 * the interval (the sender's timer then holds back the next send, coupling
 * heartbeats: `skippable` refuses it).
 */
import type { DelayDistribution } from '../random/distributions.js';

/** θ for the fixed-timeout detector: T − I (see the header). */
export function timeoutThresholdUs(timeoutUs: number, intervalUs: number): number {
  return timeoutUs - intervalUs;
}

/** θ for NFD-S: δ − b − 1. */
export function nfdSThresholdUs(shiftUs: number, baseDelayUs: number): number {
  return shiftUs - baseDelayUs - 1;
}

/** θ for a fixed-rate pull check on the sum of the probe's and the reply's random delays. */
export function pullCheckThresholdUs(probeTimeoutUs: number, probeBaseUs: number, replyBaseUs: number): number {
  return probeTimeoutUs - probeBaseUs - replyBaseUs;
}

/**
 * Why skipping is refused for a heartbeat stream, or null when it is exact: a jitter
 * that can reach the interval, duplication, or a threshold below zero (every
 * heartbeat would be interesting: nothing to skip).
 */
export function skipRefusal(jitter: DelayDistribution, intervalUs: number, duplicateProbability: number, thresholdUs: number): string | null {
  if (duplicateProbability > 0) return 'duplicated messages are extra arrivals at any later instant';
  if (thresholdUs < 0) return 'the threshold is below zero: every heartbeat is interesting';
  const bounded =
    jitter.kind === 'constant'
      ? jitter.valueUs
      : jitter.kind === 'uniform'
        ? jitter.maxUs
        : jitter.kind === 'empirical'
          ? jitter.quantilesUs[jitter.quantilesUs.length - 1]!
          : Number.POSITIVE_INFINITY;
  if (!(Math.round(bounded) < intervalUs)) return 'the send jitter can reach the interval (sends then hold each other back)';
  return null;
}
