/**
 * The TCP connection model on scripted links: worked cases whose delivery instants are
 * known exactly (issue #13 part 2).
 */
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { LOST, TCP_DEFAULTS, TcpConnections, validateTcpSettings, type TcpSettings } from '../../../src/sim/network/tcp.js';

const MS = 1_000;
const S = 1_000_000;
const Z = 4;

interface Delivery {
  readonly seq: number;
  readonly atUs: number;
}

/**
 * One link, constant one-way delay `d` each way; `lost(attempt, departUs)` says which
 * transmissions are lost. A tiny event loop runs the timers and the writes.
 */
class ScriptedLink {
  readonly deliveries: Delivery[] = [];
  readonly attempts: number[] = [];
  readonly tcp: TcpConnections;
  private timers: { atUs: number }[] = [];
  nowUs = 0;

  constructor(
    private readonly dUs: number,
    private readonly lost: (attempt: number, departUs: number) => boolean,
    settings: TcpSettings = TCP_DEFAULTS,
  ) {
    this.tcp = new TcpConnections(
      {
        attempt: (_link, departUs) => {
          const k = this.attempts.length;
          this.attempts.push(departUs);
          return this.lost(k, departUs) ? LOST : departUs + this.dUs;
        },
        ackDelayUs: () => this.dUs,
        setTimer: (_link, atUs) => this.timers.push({ atUs }),
        deliver: (_link, _kind, _target, arg, _arg2, atUs) => this.deliveries.push({ seq: arg, atUs }),
      },
      [settings],
      [0],
    );
  }

  /** Runs timers up to `untilUs`, then writes message `seq` at `untilUs`. */
  write(seq: number, atUs: number): boolean {
    this.runUntil(atUs);
    this.nowUs = atUs;
    return this.tcp.send(0, atUs, 0, 0, seq, 0);
  }

  runUntil(untilUs: number): void {
    for (;;) {
      this.timers.sort((a, b) => a.atUs - b.atUs);
      const next = this.timers[0];
      if (!next || next.atUs > untilUs) return;
      this.timers.shift();
      this.nowUs = next.atUs;
      this.tcp.onTimer(0, next.atUs);
    }
  }

  deliveredAt(seq: number): number | undefined {
    return this.deliveries.find((d) => d.seq === seq)?.atUs;
  }
}

/** Warm the connection: `count` lossless heartbeats every `intervalUs` from 0. */
function warmed(link: ScriptedLink, count: number, intervalUs: number): number {
  for (let i = 0; i < count; i++) link.write(i, i * intervalUs);
  return count * intervalUs;
}

describe('TCP retransmission timeout (Linux)', () => {
  it('is 1 s before any sample, then SRTT + max(4·RTTVAR, 200 ms)', () => {
    const link = new ScriptedLink(1 * MS, () => false);
    expect(link.tcp.rtoUs(0)).toBe(1 * S);
    link.write(0, 0);
    // First sample R = 2 ms: SRTT = 2 ms, RTTVAR = 1 ms → 2 + max(4, 200) ms.
    expect(link.tcp.srtt(0)).toBe(2 * MS);
    expect(link.tcp.rtoUs(0)).toBe(202 * MS);
    // With a 100 ms one-way delay, 4·RTTVAR = 400 ms dominates the floor at first.
    const wan = new ScriptedLink(100 * MS, () => false);
    wan.write(0, 0);
    expect(wan.tcp.rtoUs(0)).toBe(200 * MS + 400 * MS);
    // … and decays by ¾ per sample: after 10, RTTVAR = 100·0.75^9 ms → below the floor.
    for (let i = 1; i < 10; i++) wan.write(i, i * S);
    expect(wan.tcp.rtoUs(0)).toBe(400 * MS);
  });
});

describe('TCP worked cases', () => {
  it('one segment lost: it and the heartbeats behind it arrive RTO late, in order', () => {
    // etcd-like 50 ms heartbeats on a 1 ms link: RTO = 202 ms after warm-up. Message 20
    // is lost at 1 s; the retransmission leaves at 1.202 s and lands at 1.203 s; messages
    // 21–24 (sent at 1.05–1.2 s) arrived but are held until then.
    const link = new ScriptedLink(1 * MS, (k) => k === 20);
    const t0 = warmed(link, 20, 50 * MS);
    expect(t0).toBe(1 * S);
    const rto = link.tcp.rtoUs(0);
    expect(rto).toBe(202 * MS);
    for (let i = 20; i < 30; i++) link.write(i, i * 50 * MS);
    link.runUntil(10 * S);
    const lostAt = 1 * S + rto + 1 * MS;
    for (let i = 20; i <= 24; i++) expect(link.deliveredAt(i)).toBe(lostAt);
    // 25 is written at 1.25 s, after the ack of the retransmission (1.204 s): on time.
    expect(link.deliveredAt(25)).toBe(1.25 * S + 1 * MS);
    expect(link.deliveries.map((d) => d.seq)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(link.tcp.counters.retransmissions).toBe(1);
    expect(link.tcp.counters.headOfLineStalls).toBe(4);
  });

  for (const k of [1, 2, 3, 5]) {
    it(`${k} consecutive losses of one segment: the RTO doubles ${k - 1} time(s), delivery at t + RTO·(2^${k} − 1) + d`, () => {
      // Losses: the original and the first k − 1 retransmissions. Heartbeats every 10 s,
      // so nothing else is in flight.
      const link = new ScriptedLink(1 * MS, (attempt) => attempt >= 20 && attempt < 20 + k);
      const t0 = warmed(link, 20, 10 * S);
      const rto = link.tcp.rtoUs(0);
      link.write(20, t0);
      link.runUntil(t0 + 100 * S);
      expect(link.deliveredAt(20)).toBe(t0 + rto * (2 ** k - 1) + 1 * MS);
      expect(link.attempts.slice(20)).toEqual(Array.from({ length: k + 1 }, (_, j) => t0 + rto * (2 ** j - 1)));
      expect(link.tcp.counters.retransmissions).toBe(k);
      // The ack of the retransmission resets the backoff: the next loss waits one plain RTO.
    });
  }

  it('the backed-off RTO stops at 120 s', () => {
    // RTO 1 s (no sample yet), 9 losses: waits 1, 2, …, 64, then 120 (not 128), 120.
    const link = new ScriptedLink(1 * MS, (attempt) => attempt < 9);
    link.write(0, 0);
    link.runUntil(2000 * S);
    const gaps = link.attempts.slice(1).map((t, i) => t - link.attempts[i]!);
    expect(gaps).toEqual([1, 2, 4, 8, 16, 32, 64, 120, 120].map((g) => g * S));
  });

  it('a segment written during the recovery waits in the send queue for the ack', () => {
    // Heartbeats every 150 ms; 20 is lost at 3 s (RTO 202 ms fires at 3.202 s, and its
    // retransmission is lost too, next at 3.606 s, landing 3.607 s, acked 3.608 s).
    // 21 (3.15 s) was in flight: held until 3.607 s. 22–24 (3.3–3.6 s) were written
    // during the recovery: sent at the ack, 3.608 s, read at 3.609 s. 25 (3.75 s): on time.
    const link = new ScriptedLink(1 * MS, (attempt) => attempt === 20 || attempt === 22);
    warmed(link, 20, 150 * MS);
    for (let i = 20; i < 26; i++) link.write(i, i * 150 * MS);
    link.runUntil(10 * S);
    expect(link.deliveredAt(20)).toBe(3.607 * S);
    expect(link.deliveredAt(21)).toBe(3.607 * S);
    for (const i of [22, 23, 24]) expect(link.deliveredAt(i)).toBe(3.609 * S);
    expect(link.deliveredAt(25)).toBe(3.751 * S);
    expect(link.attempts.slice(24, 27)).toEqual([3.608 * S, 3.608 * S, 3.608 * S]);
    expect(link.tcp.counters.headOfLineStalls).toBe(4);
  });

  it('breaks after tcp_retries2 = 15 retransmissions (924.6 s from a 200 ms RTO), drops what is queued, reconnects later', () => {
    // A total blackout from 100 s: the RTO (200 ms + SRTT, SRTT → 0 on a 0 delay link)
    // backs off 0.2, 0.4, … 102.4, then 120 × 6: 924.6 s to the break.
    const blackoutUs = 100 * S;
    const link = new ScriptedLink(0, (_k, departUs) => departUs >= blackoutUs && departUs < 1025 * S, { ...TCP_DEFAULTS, reconnectDelayUs: 3 * S });
    warmed(link, 10, 10 * S);
    expect(link.tcp.rtoUs(0)).toBe(200 * MS);
    for (let i = 10; i < 110; i++) link.write(i, i * 10 * S);
    // Written during the break (100 + 924.6 … + 3 s) are dropped at once.
    link.runUntil(3000 * S);
    expect(link.tcp.counters.breaks).toBe(1);
    expect(link.tcp.counters.retransmissions).toBe(15);
    const breakAtUs = blackoutUs + 924.6 * S;
    const retries = link.attempts.filter((t) => t >= blackoutUs && t < breakAtUs);
    expect(retries).toHaveLength(16);
    // The last retransmission goes out 120 s before the timer that breaks the connection.
    expect(retries[retries.length - 1]).toBe(breakAtUs - 120 * S);
    // Everything written from 100 s to the reconnection (1027.6 s) is lost: 93 messages.
    const lost = Array.from({ length: 100 }, (_, j) => j + 10).filter((i) => link.deliveredAt(i) === undefined);
    expect(lost).toEqual(Array.from({ length: 93 }, (_, j) => j + 10));
    expect(link.tcp.counters.droppedByBreaks).toBe(93);
    // After the reconnection (1027.6 s) messages flow again.
    expect(link.tcp.isBroken(0)).toBe(false);
    expect(link.deliveredAt(103)).toBe(1030 * S);
  });

  it('an application timeout breaks the connection sooner', () => {
    const link = new ScriptedLink(0, (_k, departUs) => departUs >= 100 * S, { ...TCP_DEFAULTS, userTimeoutUs: 10 * S });
    warmed(link, 10, 10 * S);
    link.write(10, 100 * S);
    link.runUntil(200 * S);
    // Timer expiries at 100.2, 100.6, 101.4, 103, 106.2, 112.6 s: the first ≥ 10 s after the send breaks.
    expect(link.tcp.counters.breaks).toBe(1);
    expect(link.tcp.counters.retransmissions).toBe(5);
  });
});

describe('TCP settings validation', () => {
  it('rejects negative or inconsistent values', () => {
    expect(() => validateTcpSettings({ ...TCP_DEFAULTS, rtoMinUs: -1 }, 'link')).toThrow(/rto_min/);
    expect(() => validateTcpSettings({ ...TCP_DEFAULTS, retries2: -1 }, 'link')).toThrow(/retries2/);
    expect(() => validateTcpSettings({ ...TCP_DEFAULTS, rtoMaxUs: 100 }, 'link')).toThrow(/rto_max/);
    expect(() => validateTcpSettings(TCP_DEFAULTS, 'link')).not.toThrow();
  });
});

describe('TCP delay distribution under random loss', () => {
  it('at 1 % Bernoulli loss the delays gain a mode at RTO + d (share p(1 − p)) and one at 3·RTO + d (share p²)', () => {
    // 1 s heartbeats on a 1 ms link, so no segment waits behind another: the delay is
    // d + RTO·(2^k − 1) after k consecutive losses, k ~ Geometric(p).
    const random = seedrandom('tcp-rto-mode');
    const p = 0.01;
    const link = new ScriptedLink(1 * MS, () => random() < p);
    const n = 100_000;
    for (let i = 0; i < n; i++) link.write(i, i * S);
    link.runUntil(n * S + 10 * S);
    expect(link.deliveries).toHaveLength(n);
    const rto = link.tcp.rtoUs(0);
    expect(rto).toBe(202 * MS);
    const delays = link.deliveries.map((d) => d.atUs - d.seq * S);
    const at = (delayUs: number) => delays.filter((x) => x === delayUs).length;
    const within = (count: number, q: number) => expect(Math.abs(count - n * q)).toBeLessThan(Z * Math.sqrt(n * q * (1 - q)));
    within(at(1 * MS), 1 - p);
    within(at(rto + 1 * MS), p * (1 - p));
    within(at(3 * rto + 1 * MS), p * p * (1 - p));
    // Nothing lost: every delay is d plus backed-off RTOs, except for a heartbeat written
    // while the one before it was still being recovered (3 losses: 1.415 s), which waits
    // in the send queue — a head-of-line stall, counted as one.
    const others = delays.filter((x) => ![0, 1, 3, 7].some((k) => x === k * rto + 1 * MS));
    expect(others.length).toBe(link.tcp.counters.headOfLineStalls);
    expect(others.length).toBeLessThan(5);
  });
});
