/**
 * The `protocol:` section: defaults from memberlist's configurations, overrides, and
 * clear file:line errors for what cannot run.
 */
import { describe, expect, it } from 'vitest';
import { build } from '../../src/scenarios/build.js';
import { loadScenarioText } from '../../src/scenarios/load.js';
import { DEFAULT_LAN_CONFIG, DEFAULT_WAN_CONFIG } from '../../src/sim/protocols/swim/memberlist.js';
import { refusedLines } from './refused.js';

const errors = (text: string): string[] => refusedLines(() => loadScenarioText(text, 'p.yaml'));

describe('protocol:', () => {
  it('defaults to the central monitor (no protocol in the engine configuration)', () => {
    const plan = build(loadScenarioText('name: c\ncluster: { nodes: 3 }\n', 'c.yaml').scenario);
    expect(plan.config.protocol).toBeUndefined();
  });

  it('swim starts from memberlist DefaultLANConfig, or DefaultWANConfig with base: wan, and takes overrides', () => {
    const lan = build(loadScenarioText('name: s\ncluster: { nodes: 5 }\nprotocol: { kind: swim }\n', 's.yaml').scenario).config.protocol!;
    expect(lan).toEqual({ kind: 'swim', memberlist: DEFAULT_LAN_CONFIG, lifeguard: true, targetSelection: 'roundRobin' });
    const wan = build(loadScenarioText('name: s\ncluster: { nodes: 5 }\nprotocol: { kind: swim, base: wan, suspicion_mult: 5, tcp_pings: false, lifeguard: false, target_selection: random }\n', 's.yaml').scenario).config.protocol!;
    expect(wan).toEqual({ kind: 'swim', memberlist: { ...DEFAULT_WAN_CONFIG, suspicionMult: 5, disableTcpPings: true }, lifeguard: false, targetSelection: 'random' });
  });

  it('refuses an unknown protocol name at its line', () => {
    expect(errors('name: s\ncluster: { nodes: 5 }\nprotocol:\n  kind: gosip\n')).toEqual([expect.stringMatching(/^p\.yaml:4:\d+ protocol\.kind: expected central or swim or ring or monitors or gossip/)]);
  });

  it('refuses a cluster of one, k larger than the cluster, and a maximum suspicion timeout below the minimum', () => {
    expect(errors('name: s\ncluster: { nodes: 1 }\nprotocol: { kind: swim }\n')).toEqual([expect.stringMatching(/^p\.yaml:2:\d+ cluster\.nodes: a membership protocol needs at least 2 members; cluster\.nodes has 1/)]);
    expect(errors('name: s\ncluster: { nodes: 4 }\nprotocol:\n  kind: swim\n  indirect_checks: 3\n')).toEqual([
      expect.stringMatching(/^p\.yaml:5:\d+ protocol\.indirect_checks: indirect_checks \(3\) is larger than the members left to ask \(4 members − the prober − the target = 2\)/),
    ]);
    expect(errors('name: s\ncluster: { nodes: 4 }\nprotocol:\n  kind: swim\n  gossip_nodes: 4\n')).toEqual([expect.stringMatching(/^p\.yaml:5:\d+ protocol\.gossip_nodes: gossip_nodes \(4\) is larger than the other members \(3\)/)]);
    expect(errors('name: s\ncluster: { nodes: 4 }\nprotocol:\n  kind: swim\n  suspicion_max_timeout_mult: 0\n')).toEqual([
      expect.stringMatching(/^p\.yaml:5:\d+ protocol\.suspicion_max_timeout_mult: the maximum suspicion timeout \(0s\) is below the minimum \(4s\)/),
    ]);
    expect(errors('name: s\ncluster: { nodes: 4 }\nprotocol:\n  kind: swim\n  probe_timeout: 2s\n')).toEqual([expect.stringMatching(/^p\.yaml:5:\d+ protocol\.probe_timeout: probe_timeout \(2s\) must be shorter than probe_interval \(1s\)/)]);
  });

  it('refuses unknown fields with a suggestion', () => {
    expect(errors('name: s\ncluster: { nodes: 4 }\nprotocol:\n  kind: swim\n  probe_intervall: 2s\n')[0]).toMatch(/^p\.yaml:5:\d+ protocol\.probe_intervall: unknown field.*probe_interval/);
  });

  it('ring takes successors (default 1) and the heartbeat interval; monitors default to Akka\'s 9, or all', () => {
    const ring = build(loadScenarioText('name: r\ncluster: { nodes: 5 }\nheartbeat: { interval: 2s }\nprotocol: { kind: ring }\n', 'r.yaml').scenario).config.protocol!;
    expect(ring).toEqual({ kind: 'ring', watched: 1, intervalUs: 2_000_000 });
    const k = build(loadScenarioText('name: r\ncluster: { nodes: 5 }\nprotocol: { kind: ring, successors: 3 }\n', 'r.yaml').scenario).config.protocol!;
    expect(k).toEqual({ kind: 'ring', watched: 3, intervalUs: 1_000_000 });
    const akka = build(loadScenarioText('name: m\ncluster: { nodes: 20 }\ndetector: { kind: phi_akka }\nprotocol: { kind: monitors }\n', 'm.yaml').scenario).config.protocol!;
    expect(akka).toEqual({ kind: 'monitors', watched: 9, intervalUs: 1_000_000 });
    const all = build(loadScenarioText('name: m\ncluster: { nodes: 6 }\nprotocol: { kind: monitors, monitored_by: all }\n', 'm.yaml').scenario).config.protocol!;
    expect(all).toEqual({ kind: 'monitors', watched: 5, intervalUs: 1_000_000 });
  });

  it('refuses a ring of one, k larger than the cluster, a pull detector, faults it cannot serve and the other kind\'s fields, at their lines', () => {
    expect(errors('name: s\ncluster: { nodes: 1 }\nprotocol: { kind: ring }\n')).toEqual([expect.stringMatching(/^p\.yaml:2:\d+ cluster\.nodes: a ring of one watches nobody: a ring needs at least 2 members/)]);
    expect(errors('name: s\ncluster: { nodes: 4 }\nprotocol:\n  kind: ring\n  successors: 4\n')).toEqual([expect.stringMatching(/^p\.yaml:5:\d+ protocol\.successors: successors \(4\) is larger than the other members \(3\)/)]);
    expect(errors('name: s\ncluster: { nodes: 4 }\nprotocol:\n  kind: monitors\n  monitored_by: 9\n')).toEqual([expect.stringMatching(/^p\.yaml:5:\d+ protocol\.monitored_by: monitored_by \(9\) is larger than the other members \(3\); use "all"/)]);
    expect(errors('name: s\ncluster: { nodes: 4 }\nprotocol:\n  kind: monitors\n  monitored_by: some\n')).toEqual([expect.stringMatching(/^p\.yaml:5:\d+ protocol\.monitored_by: expected a whole number ≥ 1 or "all"/)]);
    expect(errors('name: s\ncluster: { nodes: 4 }\ndetector:\n  kind: pull_check\nprotocol: { kind: ring }\n')).toEqual([expect.stringMatching(/^p\.yaml:4:\d+ detector\.kind: protocol\.kind ring runs a push detector/)]);
    expect(errors('name: s\ncluster: { nodes: 4 }\nfaults:\n  - crash: { mttf: 1h, mttr: 1m }\n  - monitor_pause: { every: 1h, duration: 1s }\nprotocol: { kind: ring }\n')).toEqual([expect.stringMatching(/^p\.yaml:5:\d+ faults\.1\.monitor_pause: monitor_pause does not apply to protocol\.kind ring: there is no monitor to pause/)]);
    expect(errors('name: s\ncluster: { nodes: 4 }\nfaults:\n  - unhealthy: { every: 1h, duration: 1s }\nprotocol: { kind: monitors, monitored_by: 2 }\n')).toEqual([expect.stringMatching(/^p\.yaml:4:\d+ faults\.0\.unhealthy: unhealthy does not apply to protocol\.kind monitors: members judge heartbeat replies, not health checks/)]);
    expect(errors('name: s\ncluster: { nodes: 4 }\nfaults:\n  - clock_drift:\n      monitor: true\n      ppm: 50\nprotocol: { kind: ring }\n')).toEqual([expect.stringMatching(/^p\.yaml:5:\d+ faults\.0\.clock_drift\.monitor: protocol\.kind ring has no monitor/)]);
    expect(errors('name: s\ncluster: { nodes: 4 }\nreverse_link: { loss: 1% }\nprotocol: { kind: ring }\n')).toEqual([expect.stringMatching(/^p\.yaml:3:\d+ reverse_link: protocol\.kind ring uses `link` for every member-to-member link/)]);
    expect(errors('name: s\ncluster: { nodes: 4 }\nprotocol:\n  kind: ring\n  monitored_by: 2\n')).toEqual([expect.stringMatching(/^p\.yaml:5:\d+ protocol\.monitored_by: monitored_by is for protocol\.kind monitors/)]);
    expect(errors('name: s\ncluster: { nodes: 4 }\nprotocol:\n  kind: ring\n  probe_interval: 2s\n')).toEqual([expect.stringMatching(/^p\.yaml:5:\d+ protocol\.probe_interval: probe_interval is a swim setting/)]);
    expect(errors('name: s\ncluster: { nodes: 4 }\nprotocol:\n  kind: swim\n  successors: 2\n')).toEqual([expect.stringMatching(/^p\.yaml:5:\d+ protocol\.successors: successors is for protocol\.kind ring, not swim/)]);
  });

  it.each([
    ['ring and monitors', 'protocol: { kind: ring, successors: 2 }'],
    ['gossip', 'detector: { kind: phi_cassandra }\nprotocol: { kind: gossip, fanout: 2 }'],
  ])('%s take every fault a member can have, and link classes (a class is a zone of members)', (_kind, protocol) => {
    const text = [
      'name: s',
      'cluster: { nodes: [a, b, c, d, e, f] }',
      'link_classes:',
      '  rack1: { nodes: [a, b, c], preset: same-rack }',
      'faults:',
      '  - crash: { mttf: 1h, mttr: 1m }',
      '  - pause: { nodes: b, every: 10m, duration: 3s }',
      '  - partition: { nodes: [a, b], at: 5m, for: 20s, direction: to_monitor }',
      '  - isolate: { nodes: c, at: 8m, for: 10s }',
      '  - cpu_starvation: { nodes: d, every: 1h, duration: 1m, extra_delay: 500ms }',
      '  - slow_io: { nodes: e, extra_delay: 5ms }',
      '  - clock_drift: { nodes: all, ppm: 20 }',
      '  - clock_step: { nodes: f, every: 1h, step: -1s }',
      protocol,
      '',
    ].join('\n');
    const config = build(loadScenarioText(text, 'r.yaml').scenario).config;
    expect(config.faults!.map((f) => f.kind)).toEqual(['senderPause', 'partition', 'partition', 'cpuStarvation', 'slowIo', 'clockDrift', 'clockStep']);
    expect(config.linkOverrides).toHaveLength(1);
  });

  it('gossip takes fanout (default 1), seeds (default 0), gossip_to_unreachable (default true) and the heartbeat interval', () => {
    const g = build(loadScenarioText('name: g\ncluster: { nodes: 5 }\ndetector: { kind: phi_cassandra }\nprotocol: { kind: gossip }\n', 'g.yaml').scenario).config.protocol!;
    expect(g).toEqual({ kind: 'gossip', intervalUs: 1_000_000, fanout: 1, seeds: 0, gossipToUnreachable: true });
    const o = build(loadScenarioText('name: g\ncluster: { nodes: 5 }\nheartbeat: { interval: 2s }\ndetector: { kind: timeout, timeout: 10s }\nprotocol: { kind: gossip, fanout: 2, seeds: 3, gossip_to_unreachable: false }\n', 'g.yaml').scenario).config.protocol!;
    expect(o).toEqual({ kind: 'gossip', intervalUs: 2_000_000, fanout: 2, seeds: 3, gossipToUnreachable: false });
  });

  it('refuses on a swim run, at their lines, what no member has: monitor faults, health checks, the monitor\'s clock, reverse_link; takes member faults', () => {
    const head = 'name: s\ncluster: { nodes: 4 }\n';
    expect(errors(`${head}faults:\n  - monitor_pause: { every: 1h, duration: 1s }\nprotocol: { kind: swim }\n`)).toEqual([expect.stringMatching(/^p\.yaml:4:\d+ faults\.0\.monitor_pause: monitor_pause does not apply to protocol\.kind swim: there is no monitor to pause/)]);
    expect(errors(`${head}faults:\n  - unhealthy: { every: 1h, duration: 1s }\nprotocol: { kind: swim }\n`)).toEqual([expect.stringMatching(/^p\.yaml:4:\d+ faults\.0\.unhealthy: unhealthy does not apply to protocol\.kind swim/)]);
    expect(errors(`${head}faults:\n  - clock_drift:\n      monitor: true\n      ppm: 50\nprotocol: { kind: swim }\n`)).toEqual([expect.stringMatching(/^p\.yaml:5:\d+ faults\.0\.clock_drift\.monitor: protocol\.kind swim has no monitor/)]);
    expect(errors(`${head}reverse_link: { loss: 1% }\nprotocol: { kind: swim }\n`)).toEqual([expect.stringMatching(/^p\.yaml:3:\d+ reverse_link: protocol\.kind swim uses `link` for every member-to-member link/)]);
    const ok = `${head}faults:\n  - pause: { every: 1h, duration: 1s }\n  - clock_drift: { nodes: all, ppm: 50 }\n  - crash: { mttf: 1h, mttr: 1m }\nprotocol: { kind: swim }\n`;
    expect(build(loadScenarioText(ok, 'p.yaml').scenario).config.protocol!.kind).toBe('swim');
  });

  it('refuses a gossip cluster of one, a fanout or seeds larger than the cluster, another detector, faults it cannot serve and other kinds\' fields, at their lines', () => {
    const head = 'name: g\ncluster: { nodes: 4 }\ndetector: { kind: phi_cassandra }\n';
    expect(errors('name: g\ncluster: { nodes: 1 }\nprotocol: { kind: gossip }\n')).toEqual([expect.stringMatching(/^p\.yaml:2:\d+ cluster\.nodes: a membership protocol needs at least 2 members/)]);
    expect(errors(`${head}protocol:\n  kind: gossip\n  fanout: 4\n`)).toEqual([expect.stringMatching(/^p\.yaml:6:\d+ protocol\.fanout: fanout \(4\) is larger than the other members \(3\)/)]);
    expect(errors(`${head}protocol:\n  kind: gossip\n  seeds: 5\n`)).toEqual([expect.stringMatching(/^p\.yaml:6:\d+ protocol\.seeds: seeds \(5\) is larger than the cluster \(4 members\)/)]);
    expect(errors('name: g\ncluster: { nodes: 4 }\ndetector:\n  kind: phi_akka\nprotocol: { kind: gossip }\n')).toEqual([expect.stringMatching(/^p\.yaml:4:\d+ detector\.kind: gossip members convict with phi_cassandra \(Cassandra\) or timeout/)]);
    expect(errors(`${head}faults:\n  - monitor_pause: { every: 1h, duration: 1s }\nprotocol: { kind: gossip }\n`)).toEqual([expect.stringMatching(/^p\.yaml:5:\d+ faults\.0\.monitor_pause: monitor_pause does not apply to protocol\.kind gossip: there is no monitor to pause/)]);
    expect(errors(`${head}faults:\n  - crash: { mttf: 1h, mttr: 1m }\n  - monitor_crash: { at: 1m }\nprotocol: { kind: gossip }\n`)).toEqual([expect.stringMatching(/^p\.yaml:6:\d+ faults\.1\.monitor_crash: monitor_crash does not apply to protocol\.kind gossip: there is no monitor to crash/)]);
    expect(errors(`${head}faults:\n  - unhealthy: { every: 1h, duration: 1s }\nprotocol: { kind: gossip }\n`)).toEqual([expect.stringMatching(/^p\.yaml:5:\d+ faults\.0\.unhealthy: unhealthy does not apply to protocol\.kind gossip: members judge heartbeat replies/)]);
    expect(errors(`${head}faults:\n  - clock_step:\n      monitor: true\n      step: 1s\n      at: 1m\nprotocol: { kind: gossip }\n`)).toEqual([expect.stringMatching(/^p\.yaml:6:\d+ faults\.0\.clock_step\.monitor: protocol\.kind gossip has no monitor/)]);
    expect(errors(`${head}reverse_link: { loss: 1% }\nprotocol: { kind: gossip }\n`)).toEqual([expect.stringMatching(/^p\.yaml:4:\d+ reverse_link: protocol\.kind gossip uses `link` for every member-to-member link/)]);
    expect(errors(`${head}protocol:\n  kind: gossip\n  successors: 2\n`)).toEqual([expect.stringMatching(/^p\.yaml:6:\d+ protocol\.successors: successors is not a gossip setting/)]);
    expect(errors(`${head}protocol:\n  kind: ring\n  fanout: 2\n`)).toEqual([expect.stringMatching(/^p\.yaml:6:\d+ protocol\.fanout: fanout is a gossip setting; protocol\.kind ring does not use it/)]);
    expect(errors('name: s\ncluster: { nodes: 4 }\nprotocol:\n  kind: swim\n  seeds: 2\n')).toEqual([expect.stringMatching(/^p\.yaml:5:\d+ protocol\.seeds: seeds is for protocol\.kind gossip, not swim/)]);
    expect(errors(`${head}protocol:\n  kind: gossip\n  fanoutt: 2\n`)[0]).toMatch(/^p\.yaml:6:\d+ protocol\.fanoutt: unknown field.*fanout/);
  });
});
