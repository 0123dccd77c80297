/**
 * Runs one replication of a decentralised protocol. The protocol modules share the
 * engine's scheduler, random streams, link laws and fault processes, and hand back the
 * central monitor's tallies (cluster-level: a mistake counted where it starts, latencies
 * to the first verdict anywhere) plus their `membership` tallies.
 */
import type { SimConfig } from '../config.js';
import type { RunTallies, TransitionLog } from '../metrics/recorder.js';
import type { ProtocolConfig } from './config.js';
import { SwimSimulation } from './swim/swim-simulation.js';

export interface ProtocolRunResult {
  readonly tallies: RunTallies;
  readonly log: TransitionLog;
  readonly events: number;
  readonly endUs: number;
}

export function runProtocol(config: SimConfig, protocol: ProtocolConfig): ProtocolRunResult {
  switch (protocol.kind) {
    case 'swim':
      return new SwimSimulation(config, protocol).run();
  }
}
