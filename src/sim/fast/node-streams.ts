/**
 * The timeout kernel's randomness, laid out before the run: one bank holding every
 * node's streams — keyed exactly as the engine keys them (random/stream-keys.ts), so
 * each stream draws what the engine's draws — the compiled laws the kernel draws
 * through (the engine's own: DurationSampler for jitter and delay, network/loss.ts for
 * loss), each node's phase, and each loss chain's starting state.
 *
 * A node's jitter, delay, loss (and duplication) streams sit side by side in the bank
 * (16 bytes each), so a send touches one or two cache lines of stream state rather than
 * one per purpose. A stream's draws depend only on its key (random/streams.ts), so this
 * layout changes no draw. The phase is a one-off first draw and keeps no stream, as in
 * the engine.
 */
import type { SimConfig } from '../config.js';
import { linkLossModel } from '../network/links.js';
import { compileLoss, geometricGap, LossKind, stationaryStart, type CompiledLoss } from '../network/loss.js';
import { DurationSampler } from '../random/distributions.js';
import { linkStreamKey, NodeKeyFamily, nodeStreamKey } from '../random/stream-keys.js';
import { firstUniformOf, StreamBank, type SeedRoot } from '../random/streams.js';

const PHASE_KEYS = NodeKeyFamily.node('phase');

/**
 * Where in the interval a node's first heartbeat falls: the first draw of its `phase`
 * stream (nodeStreamKey(name, 'phase'), derived in place), as the engine's
 * push-heartbeats module takes it (there through ctx.firstDraw).
 */
export function heartbeatPhaseUs(root: SeedRoot, name: string, intervalUs: number): number {
  PHASE_KEYS.of(name);
  return Math.floor(firstUniformOf(root, PHASE_KEYS.hi, PHASE_KEYS.lo) * intervalUs);
}

export interface NodeStreams {
  readonly root: SeedRoot;
  readonly bank: StreamBank;
  readonly jitter: DurationSampler;
  /** The node → observer link's random delay (its fixed part is the link's `baseUs`). */
  readonly delay: DurationSampler;
  readonly loss: CompiledLoss;
  /** TCP acks: the reverse class's random delay (its fixed part is that link's `baseUs`). */
  readonly ackDelay: DurationSampler;
  /** Per node over TCP: the stream of its link's ack delays (`link/<node>><monitor>/ack-delay`, as network/tcp-links.ts keys it). */
  readonly ackDelayStream: Int32Array;
  /** Per node: the first nominal send, and the indices of its streams in `bank` (0 where the law draws nothing). */
  readonly phaseUs: Float64Array;
  readonly jitterStream: Int32Array;
  readonly delayStream: Int32Array;
  readonly duplicateStream: Int32Array;
  readonly duplicateDelayStream: Int32Array;
  readonly lossStream: Int32Array;
  readonly lossStateStream: Int32Array;
  /** Loss state after the link's set-up draw (Bernoulli: messages left before the next loss; Gilbert–Elliott: 1 if bad). */
  readonly initialLossState: Float64Array;
}

/** Streams to reserve in the bank besides the nodes' (the crash processes' are added after). */
const SPARE_STREAMS = 16;

export function layOutStreams(config: SimConfig): NodeStreams {
  const names = config.nodeNames;
  const n = names.length;
  const monitor = config.monitorName;
  const link = config.link;
  const root: SeedRoot = { seed: config.seed, replication: config.replication };
  const loss = compileLoss(linkLossModel(link), 'link class 0 loss');
  const drawsJitter = config.heartbeat.jitter.kind !== 'constant'; // !DurationSampler.isConstant
  const drawsDelay = link.delay.random.kind !== 'constant';
  const duplicates = link.duplicateProbability > 0;
  const lossStreams = loss.kind === LossKind.none ? 0 : loss.kind === LossKind.gilbertElliott ? 2 : 1;
  const bank = new StreamBank(((drawsJitter ? 1 : 0) + (drawsDelay ? 1 : 0) + (duplicates ? 2 : 0) + lossStreams) * n + SPARE_STREAMS);
  const s: NodeStreams = {
    root,
    bank,
    jitter: new DurationSampler(config.heartbeat.jitter, bank, 'heartbeat jitter'),
    delay: new DurationSampler(link.delay.random, bank, 'link class 0 delay'),
    loss,
    ackDelay: new DurationSampler((config.reverseLink ?? link).delay.random, bank, 'tcp ack delay'),
    ackDelayStream: new Int32Array(n),
    phaseUs: new Float64Array(n),
    jitterStream: new Int32Array(n),
    delayStream: new Int32Array(n),
    duplicateStream: new Int32Array(n),
    duplicateDelayStream: new Int32Array(n),
    lossStream: new Int32Array(n),
    lossStateStream: new Int32Array(n),
    initialLossState: new Float64Array(n),
  };
  const intervalUs = config.heartbeat.intervalUs;
  for (let i = 0; i < n; i++) {
    const name = names[i]!;
    s.phaseUs[i] = heartbeatPhaseUs(root, name, intervalUs);
    if (drawsJitter) s.jitterStream[i] = bank.add(root, nodeStreamKey(name, 'jitter'));
    if (drawsDelay) s.delayStream[i] = bank.add(root, linkStreamKey(name, monitor, 'delay'));
    if (loss.kind === LossKind.bernoulli) {
      s.lossStream[i] = bank.add(root, linkStreamKey(name, monitor, 'loss'));
      s.initialLossState[i] = geometricGap(bank, s.lossStream[i]!, loss.logKeep);
    } else if (loss.kind === LossKind.gilbertElliott) {
      s.lossStream[i] = bank.add(root, linkStreamKey(name, monitor, 'loss'));
      s.lossStateStream[i] = bank.add(root, linkStreamKey(name, monitor, 'loss-state'));
      s.initialLossState[i] = stationaryStart(bank, s.lossStateStream[i]!, loss.stationaryBad);
    }
    if (link.transport === 'tcp') s.ackDelayStream[i] = bank.add(root, linkStreamKey(name, monitor, 'ack-delay'));
    if (duplicates) {
      s.duplicateStream[i] = bank.add(root, linkStreamKey(name, monitor, 'duplicate'));
      s.duplicateDelayStream[i] = bank.add(root, linkStreamKey(name, monitor, 'duplicate-delay'));
    }
  }
  return s;
}
