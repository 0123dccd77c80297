/**
 * Cross-field rules: checks that need more than one section (node names against
 * selectors, the detector's timeout against the heartbeat interval, the protocol
 * against the cluster). They are refinements with a path, so the loader can point
 * at the offending line.
 */
import type { z } from 'zod';
import { formatDuration, MAX_DURATION_TEXT, MAX_DURATION_US } from '../units.js';
import { nodeNamesOf, type NodeSelectorSpec } from './cluster.js';
import type { DetectorSpec } from './detectors.js';
import { faultEntry } from './faults.js';
import { protocolRules } from './protocol.js';
import type { ScenarioDraft } from './sections.js';
import { deadAfterUsOf, relativeUs, timeoutUsOf } from './timings.js';

/** Probes in flight per node in the engine's pull checker (src/sim/detectors/pull-check.ts). */
const PULL_WINDOW_INTERVALS = 62;

export function crossFieldRules(s: ScenarioDraft, ctx: z.RefinementCtx): void {
  if (s.warmup >= s.duration) {
    ctx.addIssue({ code: 'custom', path: ['warmup'], message: `the warm-up (${formatDuration(s.warmup)}) must be shorter than the duration (${formatDuration(s.duration)})` });
  }
  const names = nodeNamesOf(s.cluster.nodes);
  if (new Set(names).size !== names.length) {
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    ctx.addIssue({ code: 'custom', path: ['cluster', 'nodes'], message: `node names must be unique; "${dup}" appears more than once` });
  }
  if (names.includes(s.cluster.monitor)) {
    ctx.addIssue({ code: 'custom', path: ['cluster', 'monitor'], message: `the monitor "${s.cluster.monitor}" must not also be a monitored node` });
  }
  const known = new Set(names);
  const checkNodes = (selector: NodeSelectorSpec | undefined, path: (string | number)[]) => {
    if (selector === undefined || selector === 'all') return;
    const list = typeof selector === 'string' ? [selector] : selector;
    list.forEach((nodeName, j) => {
      if (!known.has(nodeName)) {
        ctx.addIssue({
          code: 'custom',
          path: typeof selector === 'string' ? path : [...path, j],
          message: `no node named "${nodeName}" in cluster.nodes`,
          params: { candidates: names.length <= 1000 ? names : [] },
        });
      }
    });
  };
  s.faults.forEach((fault, i) => {
    const { kind, spec } = faultEntry(fault);
    checkNodes(spec.nodes as NodeSelectorSpec | undefined, ['faults', i, kind, 'nodes']);
  });
  for (const [className, linkClass] of Object.entries(s.link_classes)) checkNodes(linkClass.nodes, ['link_classes', className, 'nodes']);
  monitorCrashRules(s, ctx);
  detectorRules(s, ctx);
  const around = {
    faultKinds: s.faults.map((f) => faultEntry(f).kind),
    detectorKind: s.detector.kind,
    reverseLink: s.reverse_link !== undefined,
    linkClasses: Object.keys(s.link_classes).length > 0,
    monitorClocks: s.faults.map((f) => faultEntry(f).spec.monitor === true),
  };
  for (const issue of protocolRules(s.protocol, names.length, around)) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
}

/** The field whose value sets the detector's timeout, for locating a timeout out of range. */
const TIMEOUT_FIELD: Readonly<Record<DetectorSpec['kind'], string>> = {
  timeout: 'timeout',
  liveness_readiness: 'timeout',
  lease: 'lease',
  phi_akka: 'threshold',
  phi_cassandra: 'max_interval',
  nfd_s: 'shift',
  nfd_e: 'margin',
  pull_check: 'unhealthy_threshold',
};

/** One monitor, so one `monitor_crash` entry; and a standby that probes is not modelled. */
function monitorCrashRules(s: ScenarioDraft, ctx: z.RefinementCtx): void {
  const entries = s.faults.flatMap((f, i) => (f.monitor_crash === undefined ? [] : [i]));
  if (entries.length > 1) {
    ctx.addIssue({ code: 'custom', path: ['faults', entries[1]!, 'monitor_crash'], message: 'there is one monitor: give at most one monitor_crash (its onsets may repeat: `every`, `rate`, `period`)' });
  }
  if (entries.length > 0 && (s.detector.kind === 'pull_check' || s.detector.kind === 'liveness_readiness')) {
    ctx.addIssue({ code: 'custom', path: ['faults', entries[0]!, 'monitor_crash'], message: `monitor failover is modelled for pushed heartbeats and leases, not for the ${s.detector.kind} detector (a standby that probes would rebuild its probe schedule)` });
  }
}

function detectorRules(s: ScenarioDraft, ctx: z.RefinementCtx): void {
  const d = s.detector;
  const intervalUs = s.heartbeat.interval;
  // Relative values ("1000000x") and thresholds resolve to times the engine must hold exactly.
  const timeoutUs = timeoutUsOf(s);
  if (!(timeoutUs <= MAX_DURATION_US)) {
    ctx.addIssue({ code: 'custom', path: ['detector', TIMEOUT_FIELD[d.kind]], message: `the detector's timeout resolves to ${Number.isFinite(timeoutUs) ? `${timeoutUs.toExponential(2)} µs` : 'no finite time'}; it must be at most ${MAX_DURATION_TEXT}` });
    return;
  }
  const deadUs = deadAfterUsOf(s);
  if (Number.isFinite(deadUs) && !(deadUs <= MAX_DURATION_US)) {
    ctx.addIssue({ code: 'custom', path: ['detector', 'dead_after' in d ? 'dead_after' : 'confirm_after'], message: `the silence before DEAD resolves to ${deadUs.toExponential(2)} µs; it must be at most ${MAX_DURATION_TEXT}` });
    return;
  }
  if (d.kind === 'timeout' || d.kind === 'liveness_readiness') {
    const timeoutUs = timeoutUsOf(s);
    if (timeoutUs === 0) {
      ctx.addIssue({ code: 'custom', path: ['detector', 'timeout'], message: 'the timeout resolves to 0; it must be at least 1us' });
    } else if (timeoutUs <= intervalUs && !(d.kind === 'timeout' && d.allow_short_timeout)) {
      ctx.addIssue({
        code: 'custom',
        path: ['detector', 'timeout'],
        message:
          `the timeout (${formatDuration(timeoutUs)}) is not longer than heartbeat.interval (${formatDuration(intervalUs)}), ` +
          'so every node would be suspected between two heartbeats; set detector.allow_short_timeout: true if that is what you want',
      });
    }
    const deadUs = deadAfterUsOf(s);
    if (deadUs < timeoutUs) {
      ctx.addIssue({ code: 'custom', path: ['detector', 'dead_after'], message: `dead_after (${formatDuration(deadUs)}) must not be shorter than the timeout (${formatDuration(timeoutUs)})` });
    }
    if (d.kind === 'liveness_readiness' && d.probe_timeout > PULL_WINDOW_INTERVALS * d.readiness_interval) {
      ctx.addIssue({
        code: 'custom',
        path: ['detector', 'probe_timeout'],
        message: `probe_timeout (${formatDuration(d.probe_timeout)}) is more than ${PULL_WINDOW_INTERVALS} readiness intervals (${formatDuration(d.readiness_interval)}); the simulator keeps at most that many probes in flight`,
      });
    }
  } else if (d.kind === 'lease') {
    const leaseUs = timeoutUsOf(s);
    if (leaseUs <= intervalUs) {
      ctx.addIssue({
        code: 'custom',
        path: ['detector', 'lease'],
        message: `the lease (${formatDuration(leaseUs)}) must be longer than the renewal interval, heartbeat.interval (${formatDuration(intervalUs)}), or it expires before every renewal`,
      });
    }
    const deadUs = deadAfterUsOf(s);
    if (deadUs < leaseUs) {
      ctx.addIssue({ code: 'custom', path: ['detector', 'dead_after'], message: `dead_after (${formatDuration(deadUs)}) must not be shorter than the lease (${formatDuration(leaseUs)})` });
    }
  } else if (d.kind === 'pull_check') {
    if (d.dead_threshold !== undefined && d.dead_threshold !== null && d.dead_threshold < d.unhealthy_threshold) {
      ctx.addIssue({ code: 'custom', path: ['detector', 'dead_threshold'], message: `dead_threshold (${d.dead_threshold}) must not be below unhealthy_threshold (${d.unhealthy_threshold})` });
    }
    if (d.probe_timeout > PULL_WINDOW_INTERVALS * intervalUs) {
      ctx.addIssue({
        code: 'custom',
        path: ['detector', 'probe_timeout'],
        message: `probe_timeout (${formatDuration(d.probe_timeout)}) is more than ${PULL_WINDOW_INTERVALS} probe intervals (heartbeat.interval ${formatDuration(intervalUs)}); the simulator keeps at most that many probes in flight`,
      });
    }
  } else if (d.kind === 'nfd_s' || d.kind === 'nfd_e') {
    const field = d.kind === 'nfd_s' ? 'shift' : 'margin';
    if (relativeUs(s, field) === 0) {
      ctx.addIssue({ code: 'custom', path: ['detector', field], message: 'resolves to 0; it must be at least 1us' });
    }
  }
}
