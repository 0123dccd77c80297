/**
 * Opens the TCP connections of a run's network: every registered link whose class
 * says `transport: tcp` gets one (src/sim/network/tcp.ts), driven by the kernel. Its
 * segments go through the link table (loss, partitions, delay); its acks travel the
 * reverse direction's delay law from a stream of their own (`link/<from>><to>/ack-delay`);
 * its timers are kernel events of class `send` (a node's own timer that transmits).
 * A crash kills the connections of the crashed node, both directions.
 */
import { EventClass, type Kernel } from './kernel.js';
import { DurationSampler } from '../random/distributions.js';
import { linkStreamKey } from '../random/stream-keys.js';
import type { SeedRoot, StreamBank } from '../random/streams.js';
import { DropReason } from '../network/links.js';
import type { Network } from '../network/network.js';
import { TCP_DEFAULTS, TcpConnections, type TcpHost, type TcpSettings } from '../network/tcp.js';

/** The TCP connections of `network`'s TCP links, or null when every link is UDP. */
export function openTcp(network: Network, kernel: Kernel, bank: StreamBank, root: SeedRoot, names: readonly string[], warmupUs: number): TcpConnections | null {
  if (!network.anyClass((link) => link.transport === 'tcp')) return null;
  const linkCount = network.linkCount;
  const settings: TcpSettings[] = [];
  const settingsIndex = new Map<TcpSettings, number>();
  const profileOf = new Uint16Array(linkCount).fill(0xffff);
  const ackSampler: (DurationSampler | null)[] = new Array(linkCount).fill(null);
  const ackBaseUs = new Float64Array(linkCount);
  const ackStream = new Int32Array(linkCount);
  let any = false;
  for (let link = 0; link < linkCount; link++) {
    const { from, to } = network.endsOf(link);
    const cls = network.classOf(from, to);
    if (cls.transport !== 'tcp') continue;
    any = true;
    const s = cls.tcp ?? TCP_DEFAULTS;
    let k = settingsIndex.get(s);
    if (k === undefined) {
      k = settings.length;
      settings.push(s);
      settingsIndex.set(s, k);
    }
    profileOf[link] = k;
    const back = network.classOf(to, from);
    ackSampler[link] = new DurationSampler(back.delay.random, bank, 'tcp ack delay');
    ackBaseUs[link] = back.delay.baseUs;
    ackStream[link] = bank.add(root, linkStreamKey(names[from]!, names[to]!, 'ack-delay'));
  }
  if (!any) return null;
  let timerKind = 0;
  const host: TcpHost = {
    attempt: (link, departUs) => network.attempt(link, departUs),
    lastLossWasCut: () => network.lastDropReason === DropReason.partition,
    ackDelayUs: (link) => ackBaseUs[link]! + ackSampler[link]!.sampleUs(ackStream[link]!),
    setTimer: (link, atUs) => kernel.schedule(atUs, timerKind, link, atUs),
    deliver: (_link, kind, entity, arg, arg2, atUs) => kernel.schedule(atUs, kind, entity, arg, arg2),
  };
  const tcp = new TcpConnections(host, settings, profileOf, warmupUs);
  timerKind = kernel.defineEvent('tcp-timer', EventClass.send, (link, atUs) => tcp.onTimer(link, atUs));
  return tcp;
}

/** Resets the connections of every TCP link from or to `node` (its process died). */
export function resetTcpOf(tcp: TcpConnections, network: Network, node: number): void {
  for (let link = 0; link < network.linkCount; link++) {
    if (!tcp.isTcp(link)) continue;
    const { from, to } = network.endsOf(link);
    if (from === node || to === node) tcp.reset(link);
  }
}
