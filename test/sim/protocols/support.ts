import type { CrashFault, Fault, LinkConfig, SimConfig } from '../../../src/sim/config.js';
import type { SwimProtocolConfig } from '../../../src/sim/protocols/config.js';
import { DEFAULT_LAN_CONFIG, type MemberlistConfig } from '../../../src/sim/protocols/swim/memberlist.js';

export const S = 1_000_000;
export const MS = 1_000;

export function names(n: number): string[] {
  const width = Math.max(2, String(n).length);
  return Array.from({ length: n }, (_, i) => `node-${String(i + 1).padStart(width, '0')}`);
}

export function link(loss: number, delayUs = 1_000): LinkConfig {
  return { lossProbability: loss, duplicateProbability: 0, delay: { baseUs: delayUs, random: { kind: 'constant', valueUs: 0 } } };
}

export interface SwimTestOptions {
  readonly members: number;
  readonly durationUs: number;
  readonly warmupUs?: number;
  readonly seed?: string;
  readonly loss?: number;
  readonly link?: LinkConfig;
  readonly crashes?: readonly CrashFault[];
  readonly faults?: readonly Fault[];
  readonly memberlist?: Partial<MemberlistConfig>;
  readonly lifeguard?: boolean;
  readonly targetSelection?: SwimProtocolConfig['targetSelection'];
  readonly replication?: number;
}

export function swimConfig(o: SwimTestOptions): SimConfig & { protocol: SwimProtocolConfig } {
  return {
    seed: o.seed ?? 'swim-test',
    replication: o.replication ?? 0,
    durationUs: o.durationUs,
    warmupUs: o.warmupUs ?? 0,
    nodeNames: names(o.members),
    monitorName: 'monitor',
    heartbeat: { intervalUs: S, jitter: { kind: 'constant', valueUs: 0 } },
    link: o.link ?? link(o.loss ?? 0),
    crashes: o.crashes ?? [],
    faults: o.faults ?? [],
    detector: { kind: 'timeout', timeoutUs: 2 * S, deadAfterUs: Number.POSITIVE_INFINITY, checkIntervalUs: 0 },
    transitionLogLimit: 0,
    protocol: {
      kind: 'swim',
      memberlist: { ...DEFAULT_LAN_CONFIG, ...o.memberlist },
      lifeguard: o.lifeguard ?? true,
      targetSelection: o.targetSelection ?? 'roundRobin',
    },
  };
}
