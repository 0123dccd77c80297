/**
 * A protocol written from test code alone, without touching the kernel: every node
 * pings its successor on a ring, and the successor runs a fixed timeout on those
 * pings. The run's Chen metrics come from the shared books.
 */
import { describe, expect, it } from 'vitest';
import type { LinkConfig } from '../../../src/sim/config.js';
import { EventClass } from '../../../src/sim/engine/kernel.js';
import { runProtocols, type ProtocolRunSpec } from '../../../src/sim/engine/run-protocols.js';
import { Cause } from '../../../src/sim/metrics/recorder.js';
import type { ProtocolContext, ProtocolModule } from '../../../src/sim/protocols/protocol.js';
import { Status } from '../../../src/sim/status.js';

/** Node i sends a ping to node i+1 every `intervalUs`; i+1 suspects i after `timeoutUs` without one. */
function successorPings(intervalUs: number, timeoutUs: number): ProtocolModule {
  let ctx!: ProtocolContext;
  let linkOf: Int32Array; // node → link to its successor
  let pairOf: Int32Array; // node → pair (successor observes node)
  let deadline: Float64Array; // pair → the live deadline
  let SEND = 0;
  let ARRIVE = 0;
  let EXPIRE = 0;
  const arm = (pair: number, nowUs: number) => {
    deadline[pair] = nowUs + timeoutUs;
    ctx.events.schedule(nowUs + timeoutUs, EXPIRE, pair, nowUs + timeoutUs);
  };
  return {
    name: 'successor-pings',
    install(c) {
      ctx = c;
      const n = c.nodeCount;
      linkOf = new Int32Array(n);
      pairOf = new Int32Array(n);
      deadline = new Float64Array(n);
      SEND = c.events.defineEvent('ping-send', EventClass.send, (node, epoch, _b, nowUs) => {
        if (epoch !== c.nodes.epoch(node)) return; // an older incarnation's timer
        c.send(linkOf[node]!, nowUs, ARRIVE, pairOf[node]!, 0, 0);
        c.events.schedule(nowUs + intervalUs, SEND, node, epoch);
      });
      ARRIVE = c.events.defineEvent('ping-arrive', EventClass.deliver, (pair, _a, _b, nowUs) => {
        c.delivered(nowUs);
        c.books.verdict(pair, Status.alive, nowUs, Cause.heartbeat);
        arm(pair, nowUs);
      });
      EXPIRE = c.events.defineEvent('ping-deadline', EventClass.timer, (pair, at, _b, nowUs) => {
        if (at !== deadline[pair]) return; // superseded by a later ping
        c.books.verdict(pair, Status.suspected, nowUs, Cause.timer);
      });
      for (let node = 0; node < n; node++) {
        const next = (node + 1) % n;
        linkOf[node] = c.network.link(node, next);
        pairOf[node] = c.books.observe(next, node);
        const phaseUs = Math.floor(c.bank.next(c.nodeStream(node, 'ping-phase')) * intervalUs);
        c.events.schedule(phaseUs, SEND, node, 0);
        arm(pairOf[node]!, 0);
      }
    },
    onNodeUp(node, nowUs) {
      ctx.events.schedule(nowUs, SEND, node, ctx.nodes.epoch(node));
    },
  };
}

const constantLink = (delayUs: number, loss = 0): LinkConfig => ({
  lossProbability: loss,
  duplicateProbability: 0,
  delay: { baseUs: delayUs, random: { kind: 'constant', valueUs: 0 } },
});

const spec = (over: Partial<ProtocolRunSpec>): ProtocolRunSpec => ({
  seed: 'toy',
  replication: 0,
  nodeNames: ['a', 'b', 'c', 'd', 'e'],
  durationUs: 100_000_000,
  warmupUs: 0,
  links: { default: constantLink(1_000) },
  typicalIntervalUs: 1_000_000,
  ...over,
});

describe('a toy protocol registered from test code (ring of successor pings)', () => {
  it('a crashed node is detected by its successor exactly one timeout after its last ping landed', () => {
    const intervalUs = 1_000_000;
    const timeoutUs = 2_500_000;
    const crashAtUs = 40_000_000;
    const r = runProtocols(spec({ crashes: [{ kind: 'crashAt', nodes: { kind: 'named', names: ['c'] }, atUs: crashAtUs, downUs: null }] }), [
      successorPings(intervalUs, timeoutUs),
    ]);
    expect(r.tallies.crashes).toBe(1);
    expect(r.tallies.falseSuspicions).toBe(0);
    expect(r.tallies.detectionLatenciesUs.length).toBe(1);
    // The last ping left at the last send instant ≤ the crash (phase + k·I), landed 1 ms later.
    const latency = r.tallies.detectionLatenciesUs[0]!;
    expect(latency).toBeGreaterThan(timeoutUs - intervalUs + 1_000 - 1);
    expect(latency).toBeLessThanOrEqual(timeoutUs + 1_000);
    expect(r.tallies.heartbeatsLost).toBe(0);
  });

  it('with lossy links, false suspicions match the closed form: runs of ≥ 2 lost pings, (1 − p)·p² per ping', () => {
    const p = 0.3;
    const intervalUs = 1_000_000;
    const r = runProtocols(spec({ links: { default: constantLink(1_000, p) }, durationUs: 20_000 * intervalUs, warmupUs: 10 * intervalUs }), [
      successorPings(intervalUs, 2_500_000),
    ]);
    const pings = r.tallies.heartbeatsSent;
    const expected = pings * (1 - p) * p * p;
    // Starts of loss runs are nearly independent rare events: Poisson-like sampling error.
    expect(Math.abs(r.tallies.falseSuspicions - expected)).toBeLessThan(4 * Math.sqrt(expected));
    // Each mistake lasts until the next ping lands: whole intervals minus the 2.5 s timeout, so ≥ 0.5 s.
    expect(Math.min(...r.tallies.mistakeDurationsUs)).toBeGreaterThanOrEqual(500_000);
    expect(r.tallies.heartbeatsLost + r.tallies.heartbeatsDelivered).toBe(pings);
  });

  it('uses node-to-node links given by rules: a slow cross-zone hop makes only its observer late', () => {
    const placement = [{ zone: 'z1' }, { zone: 'z1' }, { zone: 'z1' }, { zone: 'z2' }, { zone: 'z2' }];
    // Only d → e and e → a … cross nothing/zone: e → a crosses back to z1, c → d crosses to z2.
    const r = runProtocols(
      spec({ placement, links: { default: constantLink(1_000), crossZone: constantLink(3_000_000) }, durationUs: 30_000_000 }),
      [successorPings(1_000_000, 2_500_000)],
    );
    // Two cross-zone pairs (c → d, e → a) each suspect at the start (first ping 3 s late), then never again.
    expect(r.tallies.falseSuspicions).toBe(2);
  });

  it('is deterministic: the same spec gives the same tallies', () => {
    const s = spec({ links: { default: constantLink(1_000, 0.2) } });
    const a = runProtocols(s, [successorPings(1_000_000, 2_500_000)]);
    const b = runProtocols(s, [successorPings(1_000_000, 2_500_000)]);
    expect(a.tallies).toEqual(b.tallies);
    expect(a.events).toBe(b.events);
  });
});
