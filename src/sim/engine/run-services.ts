/**
 * The shared services of one run, wired once: kernel, streams, node-to-node network,
 * book-keeper, clocks, crash service, and the `ProtocolContext` protocol modules get.
 * Both compositions use it — `runProtocols` (any set of modules) and `Simulation`
 * (the central monitor's protocols plus the episodic fault service).
 */
import type { CrashFault, Fault } from '../config.js';
import { Clocks } from '../faults/clock.js';
import { CrashService } from '../faults/crash-service.js';
import { MemberFaultService } from '../faults/member-faults.js';
import { PairBooks, type BooksOptions } from '../metrics/books.js';
import { DropReason } from '../network/links.js';
import { DROPPED, Network, type LinkRules, type NodePlacement } from '../network/network.js';
import type { TcpConnections } from '../network/tcp.js';
import { openTcp, resetTcpOf } from './tcp-links.js';
import type { ProtocolContext, ProtocolModule } from '../protocols/protocol.js';
import { nodeStreamKey, observedPairStreamKey } from '../random/stream-keys.js';
import { firstUniform, StreamBank, type SeedRoot } from '../random/streams.js';
import { Kernel } from './kernel.js';
import type { SchedulerOptions } from './scheduler.js';

export interface RunServicesSpec {
  readonly root: SeedRoot;
  /** Every entity that sends or observes, in index order (the central monitor is the last). */
  readonly entityNames: readonly string[];
  readonly durationUs: number;
  readonly warmupUs: number;
  readonly links: LinkRules;
  readonly placement?: readonly NodePlacement[] | null;
  readonly crashes: readonly CrashFault[];
  /** Names the crash rules select from (the monitored nodes; default: every entity). */
  readonly crashableNames?: readonly string[];
  readonly queue: SchedulerOptions;
  readonly bankCapacity: number;
  /**
   * Faults of the members of a decentralised run (pauses, starvation, slow I/O,
   * partitions, clocks: faults/member-faults.ts), served to modules as `ctx.faults`.
   * The central run leaves it out (its FaultService is monitor-shaped).
   */
  readonly memberFaults?: readonly Fault[];
}

export class RunServices {
  readonly kernel: Kernel;
  readonly bank: StreamBank;
  readonly root: SeedRoot;
  readonly network: Network;
  readonly books: PairBooks;
  readonly clocks: Clocks;
  readonly crashes: CrashService;
  readonly faults: MemberFaultService;
  readonly ctx: ProtocolContext;
  /** TCP connections of the links whose class says `transport: tcp` (null: all UDP); set by `open`. */
  tcp: TcpConnections | null = null;
  private readonly modules: ProtocolModule[] = [];
  private readonly names: readonly string[];
  private readonly warmupUs: number;

  constructor(spec: RunServicesSpec) {
    const names = spec.entityNames;
    this.names = names;
    this.warmupUs = spec.warmupUs;
    this.root = spec.root;
    this.kernel = new Kernel(spec.queue);
    this.bank = new StreamBank(spec.bankCapacity);
    this.network = new Network(names, spec.links, spec.placement ?? null);
    this.books = new PairBooks(names.length);
    this.clocks = new Clocks(names.length);
    this.crashes = new CrashService(this.kernel, this.books, spec.crashes, spec.crashableNames ?? names, spec.root, this.bank);
    this.faults = new MemberFaultService(this.kernel, this.clocks, spec.memberFaults ?? [], names, spec.durationUs, spec.root, this.bank);
    if (this.faults.active) this.network.guard(this.faults);
    const { kernel, bank, network, books, root, faults } = this;
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the context's closures read `tcp` once it is opened
    const services = this;
    const warmupUs = spec.warmupUs;
    this.ctx = {
      nodeNames: names,
      nodeCount: names.length,
      warmupUs,
      durationUs: spec.durationUs,
      events: kernel,
      network,
      books,
      nodes: this.crashes,
      clocks: this.clocks,
      faults,
      bank,
      stream: (key) => bank.add(root, key),
      firstDraw: (key) => firstUniform(root, key),
      nodeStream: (node, purpose) => bank.add(root, nodeStreamKey(names[node]!, purpose)),
      pairStream: (observer, target, purpose) => bank.add(root, observedPairStreamKey(names[observer]!, names[target]!, purpose)),
      send(link, departUs, kind, entity, arg, arg2) {
        const counted = kernel.nowUs >= warmupUs;
        const r = books.recorder;
        if (counted) r.heartbeatsSent++;
        const tcp = services.tcp;
        if (tcp !== null && tcp.isTcp(link)) {
          // Over TCP a message is late, not lost, unless the connection is down.
          if (faults.active) departUs += faults.sendDelayUs(network.senderOf(link));
          if (!tcp.send(link, departUs, kind, entity, arg, arg2) && counted) r.heartbeatsLost++;
          return departUs;
        }
        const arrivalUs = network.transmit(link, departUs);
        if (arrivalUs === DROPPED) {
          if (counted) {
            if (network.lastDropReason === DropReason.partition) r.heartbeatsPartitioned++;
            else r.heartbeatsLost++;
          }
          return DROPPED;
        }
        kernel.schedule(arrivalUs, kind, entity, arg, arg2);
        const dup = network.duplicateArrivalUs;
        if (dup !== DROPPED) kernel.schedule(dup, kind, entity, arg, arg2);
        return arrivalUs;
      },
      delivered(nowUs) {
        if (nowUs >= warmupUs) books.recorder.heartbeatsDelivered++;
      },
      post(link, departUs, kind, entity, arg, arg2) {
        const tcp = services.tcp;
        if (tcp !== null && tcp.isTcp(link)) {
          if (faults.active) departUs += faults.sendDelayUs(network.senderOf(link));
          tcp.send(link, departUs, kind, entity, arg, arg2);
          return;
        }
        const arrivalUs = network.transmit(link, departUs);
        if (arrivalUs === DROPPED) return;
        kernel.schedule(arrivalUs, kind, entity, arg, arg2);
        const dup = network.duplicateArrivalUs;
        if (dup !== DROPPED) kernel.schedule(dup, kind, entity, arg, arg2);
      },
    };
  }

  /** Installs a module: it defines its events, links, pairs and first events now. */
  install(module: ProtocolModule): void {
    module.install(this.ctx);
    this.modules.push(module);
    if (module.onNodeDown || module.onNodeUp) this.crashes.listen(module);
  }

  /** Closes registration: links and pairs are final, the books are sized. */
  open(books: BooksOptions): void {
    this.network.open(this.bank, this.root);
    this.books.open(books);
    const tcp = openTcp(this.network, this.kernel, this.bank, this.root, this.names, this.warmupUs);
    this.tcp = tcp;
    if (tcp !== null) {
      const network = this.network;
      const recorder = this.books.recorder;
      recorder.trackTransport(tcp.counters);
      // A process's connections die with it; its restart opens new ones.
      this.crashes.listen({ onNodeDown: (node) => resetTcpOf(tcp, network, node) });
      // A suspicion while TCP holds back a message between the pair's ends is blamed on TCP.
      this.books.stallProbe = (observer, target, nowUs) => {
        const forward = network.find(target, observer);
        const backward = network.find(observer, target);
        return (forward >= 0 && tcp.isTcp(forward) && tcp.isStalled(forward, nowUs)) || (backward >= 0 && tcp.isTcp(backward) && tcp.isStalled(backward, nowUs));
      };
    }
  }
}
