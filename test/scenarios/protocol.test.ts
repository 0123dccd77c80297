/**
 * The `protocol:` section: defaults from memberlist's configurations, overrides, and
 * clear file:line errors for what cannot run.
 */
import { describe, expect, it } from 'vitest';
import { build } from '../../src/scenarios/build.js';
import { ScenarioError, formatIssue } from '../../src/scenarios/errors.js';
import { loadScenarioText } from '../../src/scenarios/load.js';
import { DEFAULT_LAN_CONFIG, DEFAULT_WAN_CONFIG } from '../../src/sim/protocols/swim/memberlist.js';

function errors(text: string): string[] {
  try {
    loadScenarioText(text, 'p.yaml');
  } catch (e) {
    if (e instanceof ScenarioError) return e.issues.map(formatIssue);
    throw e;
  }
  throw new Error('expected the scenario to be refused');
}

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
    expect(errors('name: s\ncluster: { nodes: 5 }\nprotocol:\n  kind: gosip\n')).toEqual([expect.stringMatching(/^p\.yaml:4:\d+ protocol\.kind: expected central or swim/)]);
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
});
