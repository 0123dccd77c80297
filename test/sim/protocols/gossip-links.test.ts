/**
 * Gossip members' links (members.ts, network.ts `mesh`): a fresh mesh gets ids by
 * formula and a dense link table (records at their link ids, stream keys through
 * LinkKeys); links registered before gossip installs force the general path (ids read
 * from `linkOf`, records in first-message order). Message fates depend on the links'
 * stream keys alone, so both paths must give the same run, event for event — with
 * loss, duplication (rows retained for the second delivery), crashes and restarts
 * (echo requests and replies travel the same links).
 */
import { describe, expect, it } from 'vitest';
import type { LinkConfig } from '../../../src/sim/config.js';
import { runProtocols } from '../../../src/sim/engine/run-protocols.js';
import { Msg } from '../../../src/sim/metrics/membership-tallies.js';
import type { ProtocolModule } from '../../../src/sim/protocols/protocol.js';
import { gossipHeartbeats, type GossipModule } from '../../../src/sim/protocols/gossip/gossip.js';

const names = Array.from({ length: 17 }, (_, i) => `m${i}`);
const link: LinkConfig = { lossProbability: 0.05, duplicateProbability: 0.04, delay: { baseUs: 300, random: { kind: 'exponential', meanUs: 400 } } };

/** A module that registers two links before gossip does (and sends nothing). */
const first: ProtocolModule = {
  name: 'first',
  install(ctx) {
    ctx.network.link(16, 3);
    ctx.network.link(2, 9);
  },
};

function run(before: ProtocolModule[]) {
  const m: GossipModule = gossipHeartbeats({
    intervalUs: 1_000_000,
    fanout: 2,
    seeds: 2,
    gossipToUnreachable: true,
    rule: { kind: 'phi', threshold: 8, initialIntervalUs: 2_000_000, maxIntervalUs: 2_000_000, sampleSize: 50 },
    maxLocalPauseUs: 5_000_000,
  });
  const r = runProtocols(
    {
      seed: 'links',
      replication: 3,
      nodeNames: names,
      durationUs: 400_000_000,
      warmupUs: 0,
      links: { default: link },
      crashes: [{ kind: 'crashRecover', nodes: { kind: 'all' }, mttfUs: 300e6, mttrUs: 40e6 }],
      typicalIntervalUs: 1_000_000,
    },
    [...before, m],
  );
  const state: number[] = [];
  for (let o = 0; o < names.length; o++) {
    for (let s = 0; s < names.length; s++) {
      const v = m.versionOf(o, s);
      state.push(m.viewOf(o, s), v.generation, v.version);
    }
  }
  return { events: r.events, tallies: r.tallies, membership: m.membership(r.endUs), state };
}

describe('gossip links: a fresh mesh (ids by formula, dense records) and links registered before', () => {
  it('give the same run, event for event', () => {
    const mesh = run([]);
    const general = run([first]);
    expect(general.events).toBe(mesh.events);
    expect(general.state).toEqual(mesh.state);
    expect(general.tallies).toEqual(mesh.tallies);
    expect(general.membership).toEqual(mesh.membership);
    // The run exercised what the links decide: losses, duplicates, crashes, convictions and echoes.
    expect(mesh.tallies.heartbeatsLost).toBeGreaterThan(100);
    expect(mesh.membership.messages[Msg.echo]).toBeGreaterThan(20);
    expect(mesh.membership.firstDeadLatenciesUs.length).toBeGreaterThan(3);
    expect(mesh.membership.messages.reduce((a, b) => a + b, 0)).toBeGreaterThan(10_000);
  });
});
