/**
 * SWIM's crashes and faults (swim-simulation.ts dispatches their events): a crashed
 * member does nothing and loses its state (it rejoins with a higher incarnation and a
 * push/pull); a paused member handles everything it missed when the pause ends (the
 * event loop defers its events); a CPU-starved member handles each arriving packet late;
 * slow I/O delays its sends (swim-core.ts departureUs); partitions cut the links between
 * a group and the rest (or one way). Clock steps do not apply (monotonic clocks), and
 * drift is static (swim-core.ts afterLocal).
 */
import { exponentialUs } from '../../random/distributions.js';
import { nextOnsetUs, type FaultProcess } from '../../faults/faults.js';
import { NO_RECORD, VR, V_STATE } from './views.js';
import { SwimDissemination } from './swim-dissemination.js';
import { EV_FAULT_END, EV_FAULT_START, EV_PROBE_TICK, EV_PUSHPULL_TICK, EV_RECOVER, REC, R_EPOCH, R_PASS_INDEX, R_PROBE_ACTIVE, R_SUCCESS_AT_US, R_TIMEOUT_UNARMED, type Cut } from './swim-core.js';

export abstract class SwimFaults extends SwimDissemination {
  /** 1 when member m is down, paused or starved of CPU: its events take the slow path in dispatch. */
  protected refreshHindered(m: number): void {
    this.hindered[m] = this.up[m] === 0 || this.pausedDepth[m]! > 0 || this.starvingDepth[m]! > 0 ? 1 : 0;
  }


  protected onCrash(index: number, nowUs: number): void {
    const episode = this.crashProcesses[index]!;
    const fault = this.config.crashes[episode.rule]!;
    this.setCrashPending(index, Number.POSITIVE_INFINITY);
    for (const node of episode.nodes) this.crashMember(node, nowUs);
    const downUs = fault.kind === 'crashRecover' ? (fault.restartDelayUs ?? 0) + exponentialUs(episode.stream, fault.mttrUs) : fault.downUs;
    if (downUs !== null) this.at(nowUs + Math.max(1, downUs), EV_RECOVER, index, 0, 0);
  }

  protected crashMember(m: number, nowUs: number): void {
    if (this.up[m] === 0) return;
    this.metrics.memberDown(m, nowUs);
    this.up[m] = 0;
    this.refreshHindered(m);
    this.rec[m * REC + R_EPOCH]!++;
    this.epoch[m]!++;
    this.rec[m * REC + R_PROBE_ACTIVE] = 0;
    this.rec[m * REC + R_TIMEOUT_UNARMED] = 0;
    if (this.lifeguard) this.settleAwareness(m, nowUs);
    this.rec[m * REC + R_SUCCESS_AT_US] = Number.POSITIVE_INFINITY; // an ack arriving after the crash is lost
    this.gossipArmed[m] = 0;
    this.queues.clear(m);
    // As observer: its views are gone (a restarted process starts afresh).
    const views = this.views;
    for (const s of views.dirty) {
      const rec = views.find(m, s);
      if (rec === NO_RECORD) continue;
      this.metrics.viewDropped(s, views.rec[rec * VR + V_STATE]!, nowUs);
      views.remove(rec);
    }
    views.died(m);
    for (const s of views.dirty) this.metrics.checkDissemination(s, nowUs);
  }

  protected onRecover(index: number, nowUs: number): void {
    const episode = this.crashProcesses[index]!;
    for (const node of episode.nodes) this.recoverMember(node, nowUs);
    const fault = this.config.crashes[episode.rule]!;
    if (fault.kind === 'crashRecover') this.scheduleCrash(index, nowUs + Math.max(1, exponentialUs(episode.stream, fault.mttfUs)));
  }

  protected recoverMember(m: number, nowUs: number): void {
    if (this.up[m] === 1) return;
    this.metrics.memberUp(m, nowUs);
    this.up[m] = 1;
    this.refreshHindered(m);
    this.views.reborn(m);
    const epoch = this.rec[m * REC + R_EPOCH]!;
    this.rec[m * REC + R_PASS_INDEX] = this.n;
    // Rejoin: announce a higher incarnation, then a push/pull with a random member.
    this.refute(m, this.selfInc[m]!, nowUs);
    this.metrics.rejoinInc[m] = this.selfInc[m]!;
    this.at(nowUs, EV_PROBE_TICK, m, epoch, 0);
    this.at(this.afterLocal(m, nowUs, this.pushPullUs), EV_PUSHPULL_TICK, m, epoch, 0);
    if (this.kRandom(m, 1, -1, false, nowUs) > 0 && this.up[this.picked[0]!] === 1) this.mergeState(m, this.picked[0]!, nowUs);
  }

  protected onFaultStart(index: number, nowUs: number): void {
    const episode = this.faultProcesses[index]!;
    const next = nextOnsetUs(episode.onset!, episode.stream, nowUs);
    if (next !== null && next <= this.endUs) this.at(next, EV_FAULT_START, index, 0, 0);
    if (!episode.duration) return; // clock steps do not apply to the protocols
    const endUs = nowUs + Math.max(1, episode.duration.sampleUs(episode.stream.index));
    if (episode.active) {
      if (endUs > episode.activeUntilUs) {
        episode.activeUntilUs = endUs;
        this.extendPause(episode, endUs);
        this.at(endUs, EV_FAULT_END, index, endUs, 0);
      }
      return;
    }
    episode.active = true;
    episode.activeUntilUs = endUs;
    this.at(endUs, EV_FAULT_END, index, endUs, 0);
    this.applyFault(episode, true, endUs);
  }

  protected extendPause(episode: FaultProcess, endUs: number): void {
    if (this.config.faults![episode.rule]!.kind !== 'senderPause') return;
    for (const node of episode.nodes) if (endUs > this.pausedUntilUs[node]!) this.pausedUntilUs[node] = endUs;
  }

  protected onFaultEnd(index: number, endUs: number, _nowUs: number): void {
    const episode = this.faultProcesses[index]!;
    if (!episode.active || endUs !== episode.activeUntilUs) return;
    episode.active = false;
    this.applyFault(episode, false, endUs);
  }

  protected applyFault(episode: FaultProcess, starting: boolean, endUs: number): void {
    const fault = this.config.faults![episode.rule]!;
    const delta = starting ? 1 : -1;
    switch (fault.kind) {
      case 'senderPause':
        for (const node of episode.nodes) {
          this.pausedDepth[node]! += delta;
          this.refreshHindered(node);
          if (starting && endUs > this.pausedUntilUs[node]!) this.pausedUntilUs[node] = endUs;
        }
        return;
      case 'cpuStarvation':
        for (const node of episode.nodes) {
          this.starvingDepth[node]! += delta;
          this.refreshHindered(node);
          if (starting) this.starvingRule[node] = episode.rule;
        }
        return;
      case 'partition': {
        if (starting) {
          const inGroup = new Uint8Array(this.n);
          for (const node of episode.nodes) inGroup[node] = 1;
          const cut: Cut = { inGroup, direction: fault.direction };
          this.cuts.push(cut);
          this.cutOf.set(episode, cut);
        } else {
          const cut = this.cutOf.get(episode);
          const at = cut ? this.cuts.indexOf(cut) : -1;
          if (at >= 0) this.cuts.splice(at, 1);
          this.cutOf.delete(episode);
        }
        return;
      }
      default:
        return;
    }
  }
}
