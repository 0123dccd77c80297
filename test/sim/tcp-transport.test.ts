/**
 * TCP links in the engine (issue #13 part 2): a lost heartbeat is a late one. With 1 %
 * loss, 1 s heartbeats and a 1.5 s timeout (far above the ≈ 202 ms RTO), UDP suspects
 * at every lost heartbeat; TCP only when a segment's first two transmissions are both
 * lost (the second retransmission lands 3·RTO ≈ 606 ms late, a 1.606 s gap), so the
 * false-suspicion rate falls from p to p², two orders of magnitude.
 */
import { describe, expect, it } from 'vitest';
import type { Fault, SimConfig } from '../../src/sim/config.js';
import { runOnce } from '../../src/sim/run-once.js';
import { simConfig } from '../support/sim-config.js';

const S = 1_000_000;
const MS = 1_000;
const Z = 4;

const lossyLink = (transport: 'udp' | 'tcp', loss = 0.01): SimConfig['link'] => ({
  lossProbability: loss,
  duplicateProbability: 0,
  delay: { baseUs: 1 * MS, random: { kind: 'constant', valueUs: 0 } },
  transport,
});

const run = (transport: 'udp' | 'tcp', overrides: Partial<SimConfig> & { nodes?: number } = {}) =>
  runOnce(
    simConfig({
      nodes: 50,
      durationUs: 20_010 * S,
      warmupUs: 10 * S,
      link: lossyLink(transport),
      detector: { kind: 'timeout', timeoutUs: 1.5 * S, deadAfterUs: Number.POSITIVE_INFINITY, checkIntervalUs: 0 },
      ...overrides,
    }),
  ).tallies;

describe('TCP links in the engine', () => {
  it('at 1 % loss and a timeout far above the RTO, false suspicions fall from p to p² per heartbeat', () => {
    const udp = run('udp');
    const tcp = run('tcp');
    const beats = udp.heartbeatsSent;
    expect(beats).toBeGreaterThan(990_000);
    // UDP: one suspicion per run of lost heartbeats, N·p·(1 − p) expected.
    const pUdp = 0.01 * 0.99;
    expect(Math.abs(udp.falseSuspicions - beats * pUdp)).toBeLessThan(Z * Math.sqrt(beats * pUdp));
    // TCP: one per segment whose first two transmissions are lost, N·p².
    const pTcp = 0.01 * 0.01;
    expect(Math.abs(tcp.falseSuspicions - beats * pTcp)).toBeLessThan(Z * Math.sqrt(beats * pTcp));
    expect(udp.falseSuspicions / tcp.falseSuspicions).toBeGreaterThan(50);
    // TCP lost nothing for good; every retransmission was counted, every suspicion blamed on a stall.
    expect(tcp.heartbeatsLost).toBe(0);
    const transport = tcp.transport!;
    expect(Math.abs(transport.retransmissions - beats * 0.01)).toBeLessThan(Z * Math.sqrt(beats * 0.01));
    expect(transport.falseSuspicionsDuringStall).toBe(tcp.falseSuspicions);
    expect(transport.connectionBreaks).toBe(0);
    expect(udp.transport).toBeUndefined();
  });

  it('a partition shorter than the retries is a delay: the backlog arrives in order when it heals', () => {
    // 20 s cut of node → monitor from 100 s: TCP retransmits (RTO 202 ms, backing off:
    // 0.2, 0.6, 1.4, 3.0, 6.2, 12.6, 25.4 s after the first loss), so the first heartbeat
    // lost lands at the first retransmission after the cut heals, with the rest behind it.
    const cut: Fault = { kind: 'partition', nodes: { kind: 'all' }, scope: 'each', direction: 'toObserver', onset: { kind: 'at', atUs: 100 * S }, duration: { kind: 'constant', valueUs: 20 * S } };
    const tcp = run('tcp', { nodes: 20, durationUs: 300 * S, link: lossyLink('tcp', 0), faults: [cut], transitionLogLimit: 10_000 });
    const udp = run('udp', { nodes: 20, durationUs: 300 * S, link: lossyLink('udp', 0), faults: [cut] });
    expect(udp.heartbeatsPartitioned).toBeGreaterThan(0);
    expect(tcp.heartbeatsPartitioned).toBe(0);
    expect(tcp.heartbeatsLost).toBe(0);
    expect(tcp.heartbeatsDelivered).toBe(tcp.heartbeatsSent);
    // Each node is suspected once; the suspicion lasts until the retransmission after the
    // heal: the first lost heartbeat was sent in [100, 101) s, its attempts after it at
    // +25.4 s land in [125.4, 126.4) s, so suspicions last from 101.5 + … to ≤ 126.4 s.
    expect(tcp.falseSuspicions).toBe(20);
    expect(tcp.transport!.headOfLineStalls).toBeGreaterThan(0);
    // The partition, not TCP, caused these suspicions.
    expect(tcp.transport!.falseSuspicionsDuringStall).toBe(0);
    for (const d of tcp.mistakeDurationsUs) {
      expect(d).toBeGreaterThan(20 * S);
      expect(d).toBeLessThan(25.4 * S);
    }
  });

  it('a partition longer than tcp_retries2 breaks the connection; it reconnects after the delay', () => {
    const cut: Fault = { kind: 'partition', nodes: { kind: 'all' }, scope: 'each', direction: 'toObserver', onset: { kind: 'at', atUs: 100 * S }, duration: { kind: 'constant', valueUs: 1000 * S } };
    const link: SimConfig['link'] = { ...lossyLink('tcp', 0), tcp: { rtoMinUs: 200 * MS, rtoInitialUs: 1 * S, rtoMaxUs: 120 * S, retries2: 5, reconnectDelayUs: 2 * S, userTimeoutUs: 0 } };
    const t = run('tcp', { nodes: 10, durationUs: 1300 * S, link, faults: [cut] });
    // retries2 = 5 from a 202 ms RTO: 0.202·(2^6 − 1) = 12.7 s to the break, then breaks
    // again every 1 + 2 + … + 32 + 63 (fresh connections start at 1 s) until the heal.
    expect(t.transport!.connectionBreaks).toBeGreaterThanOrEqual(10 * 10);
    expect(t.transport!.retransmissions).toBeGreaterThan(0);
    expect(t.heartbeatsLost).toBeGreaterThan(0);
    expect(t.falseSuspicions).toBe(10);
  });
});
