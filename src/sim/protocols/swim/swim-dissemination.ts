/**
 * How SWIM members spread what they know (memberlist state.go, queue.go, net.go):
 * broadcasts queued per member and gossiped to GossipNodes peers every GossipInterval
 * while any are left; aliveNode / suspectNode / deadNode with incarnations; Lifeguard's
 * suspicion timer (max down to min as independent confirmations arrive); refutation;
 * push/pull anti-entropy (remote SUSPECT or DEAD merged as a suspicion); every view
 * change reported to the metrics; converged views compacted (views.ts).
 */
import { DROPPED } from '../../network/links.js';
import { Msg } from '../../metrics/membership-tallies.js';
import { remainingSuspicionTimeUs } from './memberlist.js';
import { NO_RECORD, View, VR, V_CHANGE_US, V_CONFIRMER_COUNT, V_DEADLINE, V_GENERATION, V_INC, V_STATE, V_TIMER_K, V_TIMER_N } from './views.js';
import { COMPOUND_HEADER, F_ALIVE, F_DEAD, F_SUSPECT, PIGGY_MAX, SIZE, UDP_BUFFER } from './broadcasts.js';

import { SwimCore, EV_GOSSIP_TICK, EV_PUSHPULL, EV_PUSHPULL_TICK, EV_SUSPICION, PK_GOSSIP } from './swim-core.js';

export abstract class SwimDissemination extends SwimCore {
  protected newFact(subject: number, kind: number, inc: number, from: number): number {
    return this.facts.add(subject, kind, inc, from);
  }

  /** Queues a broadcast and arms the gossip ticker if it was idle. */
  protected enqueue(m: number, fact: number, nowUs: number): void {
    this.queues.push(m, fact);
    if (this.gossipArmed[m] === 0 && this.ml.gossipNodes > 0) {
      this.gossipArmed[m] = 1;
      // The gossip ticker's next tick on m's clock (phase: a local reading).
      const g = this.ml.gossipIntervalUs;
      const phase = this.gossipPhaseUs[m]!;
      this.at(this.trueUs(m, phase + (Math.floor((this.localUs(m, nowUs) - phase) / g) + 1) * g, nowUs), EV_GOSSIP_TICK, m, this.epoch[m]!, 0);
    }
  }

  protected onGossipTick(m: number, nowUs: number): void {
    const queues = this.queues;
    if (queues.length(m) === 0) {
      this.gossipArmed[m] = 0;
      return;
    }
    const count = this.kRandom(m, this.ml.gossipNodes, -1, true, nowUs);
    for (let i = 0; i < count; i++) {
      const peer = this.picked[i]!;
      if (queues.length(m) === 0) break;
      const pk = this.allocPacket();
      this.pkType[pk] = PK_GOSSIP;
      this.pkSrc[pk] = m;
      this.pkDst[pk] = peer;
      queues.take(m, this.pkFacts, pk * PIGGY_MAX, 0, UDP_BUFFER - COMPOUND_HEADER);
      this.pkFactCount[pk] = queues.takenCount;
      this.transmit(pk, m, peer, Msg.gossip, queues.takenBytes + COMPOUND_HEADER, nowUs, this.knowsAll(peer, pk, queues.takenCount));
    }
    if (queues.length(m) === 0) {
      this.gossipArmed[m] = 0;
      return;
    }
    this.at(this.afterLocal(m, nowUs, this.ml.gossipIntervalUs), EV_GOSSIP_TICK, m, this.epoch[m]!, 0);
  }

  protected receiveFact(o: number, fact: number, nowUs: number): void {
    const kind = this.facts.kind[fact]!;
    if (kind === F_ALIVE) this.aliveNode(o, fact, nowUs);
    else if (kind === F_SUSPECT) this.suspectNode(o, fact, nowUs);
    else this.deadNode(o, fact, nowUs);
  }

  protected aliveNode(o: number, fact: number, nowUs: number): void {
    const s = this.facts.subject[fact]!;
    const inc = this.facts.inc[fact]!;
    if (s === o) {
      // Someone claims an incarnation of ours we never had (a restart): refute.
      if (inc > this.selfInc[o]!) this.refute(o, inc, nowUs);
      return;
    }
    const rec = this.views.find(o, s);
    const known = rec === NO_RECORD ? this.views.implicitInc(o, s) : this.views.rec[rec * VR + V_INC]!;
    if (inc <= known) return;
    const r = rec === NO_RECORD ? this.views.ensure(o, s) : rec;
    this.views.rec[r * VR + V_DEADLINE] = Number.NaN;
    this.enqueue(o, fact, nowUs);
    this.views.rec[r * VR + V_INC] = inc;
    if (this.views.rec[r * VR + V_STATE] !== View.alive) this.setState(r, o, s, View.alive, nowUs);
  }

  protected suspectNode(o: number, fact: number, nowUs: number): void {
    const s = this.facts.subject[fact]!;
    const inc = this.facts.inc[fact]!;
    const from = this.facts.from[fact]!;
    if (s === o) {
      if (inc >= this.selfInc[o]!) this.refute(o, inc, nowUs);
      return;
    }
    const views = this.views;
    const rec = views.find(o, s);
    if (inc < (rec === NO_RECORD ? views.implicitInc(o, s) : views.rec[rec * VR + V_INC]!)) return;
    if (rec !== NO_RECORD && !Number.isNaN(views.rec[rec * VR + V_DEADLINE]!)) {
      if (this.confirm(rec, from, nowUs)) this.enqueue(o, fact, nowUs);
      return;
    }
    if (rec !== NO_RECORD && views.rec[rec * VR + V_STATE] !== View.alive) return;
    const r = rec === NO_RECORD ? views.ensure(o, s) : rec;
    this.enqueue(o, fact, nowUs);
    views.rec[r * VR + V_INC] = inc;
    this.setState(r, o, s, View.suspect, nowUs);
    // newSuspicion: the originator is not a confirmation; start at max (min when k < 1).
    views.rec[r * VR + V_CONFIRMER_COUNT] = 0;
    views.addConfirmer(r, from);
    views.rec[r * VR + V_TIMER_N] = 0;
    views.rec[r * VR + V_TIMER_K] = this.suspicionK;
    views.timerMinUs[r] = this.suspicionMinUs;
    views.timerMaxUs[r] = this.suspicionMaxUs;
    views.timerStartUs[r] = nowUs;
    const timeout = this.suspicionK < 1 ? this.suspicionMinUs : this.suspicionMaxUs;
    this.armSuspicion(r, this.afterLocal(o, nowUs, timeout));
  }

  protected confirm(r: number, from: number, nowUs: number): boolean {
    const views = this.views;
    if (views.rec[r * VR + V_TIMER_N]! >= views.rec[r * VR + V_TIMER_K]!) return false;
    if (views.hasConfirmer(r, from)) return false;
    views.addConfirmer(r, from);
    const confirmations = ++views.rec[r * VR + V_TIMER_N]!;
    // suspicion.go Confirm: elapsed = time.Since(start), timer.Reset(remaining), on the observer's clock.
    const o = views.observer[r]!;
    const elapsedUs = this.localUs(o, nowUs) - this.localUs(o, views.timerStartUs[r]!);
    const remaining = remainingSuspicionTimeUs(confirmations, views.rec[r * VR + V_TIMER_K]!, elapsedUs, views.timerMinUs[r]!, views.timerMaxUs[r]!);
    this.armSuspicion(r, remaining > 0 ? this.afterLocal(o, nowUs, remaining) : nowUs);
    return true;
  }

  protected armSuspicion(r: number, deadlineUs: number): void {
    this.views.rec[r * VR + V_DEADLINE] = deadlineUs;
    this.at(deadlineUs, EV_SUSPICION, r, this.views.rec[r * VR + V_GENERATION]!, deadlineUs);
  }

  protected onSuspicionTimer(r: number, gen: number, deadlineUs: number, nowUs: number): void {
    const views = this.views;
    if (views.rec[r * VR + V_GENERATION] !== gen || views.rec[r * VR + V_DEADLINE] !== deadlineUs || views.rec[r * VR + V_STATE] !== View.suspect) return;
    const o = views.observer[r]!;
    const s = views.subject[r]!;
    const fact = this.newFact(s, F_DEAD, views.rec[r * VR + V_INC]!, o);
    if (this.up[s] === 1 && views.rec[r * VR + V_INC]! >= this.metrics.rejoinInc[s]! && nowUs >= this.warmupUs) this.metrics.t.deathsOriginated++;
    this.deadNode(o, fact, nowUs);
  }

  protected deadNode(o: number, fact: number, nowUs: number): void {
    const s = this.facts.subject[fact]!;
    const inc = this.facts.inc[fact]!;
    if (s === o) {
      if (inc >= this.selfInc[o]!) this.refute(o, inc, nowUs);
      return;
    }
    const views = this.views;
    const rec = views.find(o, s);
    if (inc < (rec === NO_RECORD ? views.implicitInc(o, s) : views.rec[rec * VR + V_INC]!)) return;
    const r = rec === NO_RECORD ? views.ensure(o, s) : rec;
    views.rec[r * VR + V_DEADLINE] = Number.NaN;
    if (views.rec[r * VR + V_STATE] === View.dead) return;
    this.enqueue(o, fact, nowUs);
    views.rec[r * VR + V_INC] = inc;
    this.setState(r, o, s, View.dead, nowUs);
  }

  protected refute(o: number, accusedInc: number, nowUs: number): void {
    let inc = this.selfInc[o]! + 1;
    if (accusedInc >= inc) inc = accusedInc + 1;
    this.selfInc[o] = inc;
    if (this.lifeguard) this.adjustAwareness(o, 1, nowUs);
    if (nowUs >= this.warmupUs) this.metrics.t.refutations++;
    this.enqueue(o, this.newFact(o, F_ALIVE, inc, o), nowUs);
  }

  protected onPushPullTick(m: number, nowUs: number): void {
    this.at(this.afterLocal(m, nowUs, this.pushPullUs), EV_PUSHPULL_TICK, m, this.epoch[m]!, 0);
    if (this.kRandom(m, 1, -1, false, nowUs) === 0) return;
    const peer = this.picked[0]!;
    if (nowUs >= this.warmupUs) {
      this.metrics.t.messages[Msg.pushPull]! += 2;
      this.metrics.t.bytes[Msg.pushPull]! += 2 * this.n * SIZE.pushPullEntry;
    }
    if (this.blocked(m, peer) || this.blocked(peer, m)) return;
    // A TCP exchange: the peer merges our state on arrival, we merge its reply a round trip later.
    const there = this.links.transmit(this.linkOf(m, peer), nowUs);
    if (there === DROPPED) return;
    const back = this.links.transmit(this.linkOf(peer, m), there);
    if (back === DROPPED) return;
    this.at(back, EV_PUSHPULL, m, peer, this.epoch[m]!);
  }

  protected onPushPull(m: number, peer: number, nowUs: number): void {
    if (this.up[peer] === 0 || this.pausedDepth[peer]! > 0) return;
    this.mergeState(peer, m, nowUs);
    this.mergeState(m, peer, nowUs);
  }

  /** mergeRemoteState: remote ALIVE → aliveNode; SUSPECT or DEAD → suspectNode (from: the local member). */
  protected mergeState(local: number, remote: number, nowUs: number): void {
    const views = this.views;
    const subjects = views.dirty;
    for (let i = 0; i < subjects.length; i++) {
      const s = subjects[i]!;
      let state: number;
      let inc: number;
      if (s === remote) {
        state = View.alive;
        inc = this.selfInc[remote]!;
      } else {
        const rec = views.find(remote, s);
        if (rec === NO_RECORD) {
          // The remote's implicit view: ALIVE with its baseline (0: nothing to tell).
          inc = views.implicitInc(remote, s);
          if (inc === 0) continue;
          state = View.alive;
        } else {
          state = views.rec[rec * VR + V_STATE]!;
          inc = views.rec[rec * VR + V_INC]!;
        }
      }
      if (s === local) {
        if (state === View.alive) continue;
      } else {
        const localRec = views.find(local, s);
        if (localRec !== NO_RECORD) {
          if (views.rec[localRec * VR + V_STATE] === state && views.rec[localRec * VR + V_INC] === inc) continue;
        } else if (state === View.alive && views.implicitInc(local, s) === inc) continue;
      }
      const fact = this.newFact(s, state === View.alive ? F_ALIVE : F_SUSPECT, inc, local);
      if (state === View.alive) this.aliveNode(local, fact, nowUs);
      else this.suspectNode(local, fact, nowUs);
    }
    // The remote's own entry is always current.
    const alive = this.newFact(remote, F_ALIVE, this.selfInc[remote]!, remote);
    if (this.selfInc[remote]! > views.incOf(local, remote)) this.aliveNode(local, alive, nowUs);
  }

  protected setState(r: number, o: number, s: number, next: number, nowUs: number): void {
    const views = this.views;
    const prev = views.rec[r * VR + V_STATE]!;
    if (prev === next) return;
    views.setStateOf(r, next);
    views.rec[r * VR + V_CHANGE_US] = nowUs;
    this.metrics.viewChanged(o, s, prev, next, views.rec[r * VR + V_INC]!, nowUs);
  }

  /**
   * Every `compactionUs` (COMPACTION_US by default), drops the records of subjects whose views have converged
   * (views.ts). Changes no view, draws nothing, schedules nothing: results are the same
   * with or without it; only memory is.
   */
  protected compactViews(nowUs: number): void {
    this.nextCompactionUs = nowUs + this.compactionUs;
    const views = this.views;
    for (const s of views.dirty) {
      if (views.countOf(s) === 0) continue;
      views.compact(s, this.metrics.upCount - this.up[s]!, this.up);
    }
  }
}
