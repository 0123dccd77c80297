/**
 * The two peers of ../shared/peers, run on the same workload as whole processes: the
 * SimPy model (Debian's python3-simpy3 under /usr/bin/python3, idiomatic process
 * style) and the hand-tuned event-per-message JavaScript model (typed style).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { lastJsonLine, measureProcess, type Measurement } from './measure.js';

export interface PeerRun extends Measurement {
  /** The peer's own figure for its event loop alone. */
  readonly loopWallS: number;
  readonly events: number;
  readonly falseSuspicions: number;
}

const PYTHON = '/usr/bin/python3';

/** ../shared/peers beside the checkout (the main checkout), or two levels up (a worktree under wt/); HBSIM_PEERS overrides. */
export function peerDir(repo: string): string {
  if (process.env.HBSIM_PEERS) return process.env.HBSIM_PEERS;
  const candidates = [resolve(repo, '../shared/peers'), resolve(repo, '../../shared/peers')];
  return candidates.find((dir) => existsSync(dir)) ?? candidates[0]!;
}

export function simpyAvailable(repo: string): boolean {
  if (!existsSync(PYTHON) || !existsSync(resolve(peerDir(repo), 'simpy_heartbeat.py'))) return false;
  return spawnSync(PYTHON, ['-c', 'import simpy'], { stdio: 'ignore' }).status === 0;
}

export function jsPeerAvailable(repo: string): boolean {
  return existsSync(resolve(peerDir(repo), 'js_heartbeat.mjs'));
}

function workloadArgs(nodes: number, durationS: number): string[] {
  return ['--nodes', String(nodes), '--duration', String(durationS), '--crash-frac', '0', '--seed', '1'];
}

function parse(m: Measurement): PeerRun {
  const out = lastJsonLine<{ wall_s: number; events: number; false_suspicions: number }>(m.stdout);
  return { ...m, loopWallS: out.wall_s, events: out.events, falseSuspicions: out.false_suspicions };
}

export function runSimpy(repo: string, nodes: number, durationS: number, style: 'process' | 'callback' = 'process'): PeerRun {
  return parse(measureProcess(PYTHON, [resolve(peerDir(repo), 'simpy_heartbeat.py'), ...workloadArgs(nodes, durationS), '--style', style]));
}

export function runJsPeer(repo: string, nodes: number, durationS: number): PeerRun {
  return parse(measureProcess(process.execPath, [resolve(peerDir(repo), 'js_heartbeat.mjs'), ...workloadArgs(nodes, durationS), '--style', 'typed']));
}
