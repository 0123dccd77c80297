/**
 * One run of the centralized heartbeat protocols (the seed's architecture): every
 * monitored node talks to one observer (the monitor), whose detector turns what
 * arrives into ALIVE / SUSPECTED / DEAD. This file only assembles the run: the
 * kernel and shared services (run-services.ts), the fault service, and the protocol
 * modules of src/sim/protocols/central — the monitor, push heartbeats, pull probes,
 * leases — chosen by the detector. Decentralised protocols are other modules on the
 * same kernel (see engine/run-protocols.ts).
 *
 * The observer is an entity like any node (entity index = node count); pair i is
 * (monitor, node i); link i carries node i → monitor and link n + i the reverse.
 */
import type { LinkConfig, SimConfig } from '../config.js';
import { selectNodes } from '../faults/faults.js';
import { FaultService } from '../faults/fault-service.js';
import { Cause } from '../metrics/recorder.js';
import type { LinkRules, PairLinkOverride } from '../network/network.js';
import { Leases } from '../protocols/central/leases.js';
import { CentralMonitor } from '../protocols/central/monitor.js';
import { PullProbes } from '../protocols/central/pull-probes.js';
import { PushHeartbeats } from '../protocols/central/push-heartbeats.js';
import { PROGRESS_EVERY_EVENTS, type RunHooks, type RunResult } from './run-result.js';
import { RunServices } from './run-services.js';
import { schedulerSizing, validateConfig } from './validate-config.js';

export type { RunResult } from './run-result.js';

export class Simulation {
  readonly config: SimConfig;
  private readonly run_: RunServices;

  constructor(config: SimConfig) {
    validateConfig(config);
    this.config = config;
    const names = config.nodeNames;
    const n = names.length;
    const run = new RunServices({
      root: { seed: config.seed, replication: config.replication },
      entityNames: [...names, config.monitorName],
      crashableNames: names,
      durationUs: config.durationUs,
      warmupUs: config.warmupUs,
      links: centralLinkRules(config),
      crashes: config.crashes,
      queue: schedulerSizing(config, n),
      bankCapacity: 4 * n + 16,
    });
    this.run_ = run;
    const faults = new FaultService(run.kernel, run.network, run.clocks, config, run.root, run.bank);
    const monitor = new CentralMonitor(run.ctx, faults, config);
    run.install(monitor);
    const leases = config.detector.kind === 'lease' ? new Leases(run.ctx, faults, monitor, config) : null;
    const push = monitor.push ? new PushHeartbeats(run.ctx, faults, monitor, config, run.root) : null;
    const pull = monitor.pull ? new PullProbes(run.ctx, faults, monitor) : null;
    if (leases && push) push.grantedSeq = leases.grantedSeq;
    if (leases) run.install(leases);
    if (push) run.install(push);
    if (pull) run.install(pull);
    run.open({ warmupUs: config.warmupUs, transitionLogLimit: config.transitionLogLimit, flapWindowUs: config.flapWindowUs ?? 60_000_000 });
    const recorder = run.books.recorder;
    if (monitor.readiness) recorder.trackReadiness();
    if (config.monitorFailover) recorder.trackFailover();
    faults.tell({
      senderPaused: (node, nowUs) => recorder.onPauseStart(node, nowUs),
      senderResumed: (node, burst, nowUs) => {
        // The pause is blamed for suspicions until the node's next news arrives (issue #13).
        recorder.onPauseEnd(node, nowUs);
        monitor.senderResumed(node);
        // The resumed process reads what waited in its socket (grants, probes), then its timers.
        leases?.resumed(node, nowUs);
        pull?.resumed(node, nowUs);
        push?.resumed(node, burst, nowUs);
      },
      observerResumed: (backlog, nowUs) => monitor.resume(backlog, nowUs),
      // Readiness truth: the node turned unhealthy, or healthy again.
      healthChanged: (node, healthy, nowUs) => {
        if (monitor.readiness) recorder.onHealth(node, nowUs, healthy);
      },
      // Deadlines on the observer's wall clock moved: re-check every pair now.
      observerClockStepped: (nowUs) => monitor.evaluateAll(nowUs, Cause.timer),
    });
    // First events (the kernel's same-instant order does not depend on this one).
    push?.start();
    pull?.start();
    run.crashes.start();
    faults.start();
    monitor.start();
  }

  get nowUs(): number {
    return this.run_.kernel.nowUs;
  }

  /** Instant of the next event (+Infinity when nothing is left). */
  peekUs(): number {
    return this.run_.kernel.peekUs();
  }

  /** Processes one event. Returns false when the queue is empty. */
  step(): boolean {
    return this.run_.kernel.step();
  }

  /** Processes every event at or before `endUs`. */
  runUntil(endUs: number): void {
    this.run_.kernel.runUntil(endUs);
  }

  /** Runs to the configured duration and closes the books. */
  run(hooks?: RunHooks): RunResult {
    const endUs = this.config.durationUs;
    const onProgress = hooks?.onProgress;
    if (onProgress === undefined) this.runUntil(endUs);
    else {
      // In slices of events, so a caller (a worker thread) can report progress from
      // within a long run; the hot loop itself is untouched.
      const kernel = this.run_.kernel;
      let more = true;
      while (more) {
        for (let k = 0; k < PROGRESS_EVERY_EVENTS && (more = kernel.step(endUs)); k++);
        onProgress(Math.min(1, kernel.nowUs / endUs));
      }
    }
    const { tallies, log } = this.run_.books.recorder.finish(endUs);
    return { tallies, log, events: this.run_.kernel.eventCount, endUs };
  }
}

/**
 * The central topology's link classes: `link` towards the monitor, `reverseLink`
 * (or `link`) from it, and the overrides of selected nodes, as per-pair rules.
 */
function centralLinkRules(config: SimConfig): LinkRules {
  const names = config.nodeNames;
  const monitor = config.monitorName;
  const toMonitor = new Map<number, LinkConfig>();
  const fromMonitor = new Map<number, LinkConfig>();
  if (config.reverseLink) names.forEach((_, node) => fromMonitor.set(node, config.reverseLink!));
  for (const override of config.linkOverrides ?? []) {
    for (const node of selectNodes(override.nodes, names)) {
      if (override.toObserver) toMonitor.set(node, override.toObserver);
      if (override.fromObserver) fromMonitor.set(node, override.fromObserver);
    }
  }
  const pairs: PairLinkOverride[] = [];
  for (const [node, link] of toMonitor) pairs.push({ from: names[node]!, to: monitor, link });
  for (const [node, link] of fromMonitor) pairs.push({ from: monitor, to: names[node]!, link });
  return { default: config.link, pairs };
}
