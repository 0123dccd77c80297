import { describe, expect, it } from 'vitest';
import { EventClass, Kernel } from '../../../src/sim/engine/kernel.js';

function kernel(): Kernel {
  return new Kernel({ bucketWidthUs: 10, bucketCount: 16 });
}

describe('Kernel: the same-instant order (time, class, entity, sequence)', () => {
  it('fires classes in physical order — world, send, deliver, timer — whatever the scheduling order', () => {
    const k = kernel();
    const seen: string[] = [];
    const timer = k.defineEvent('timer', EventClass.timer, () => seen.push('timer'));
    const deliver = k.defineEvent('deliver', EventClass.deliver, () => seen.push('deliver'));
    const send = k.defineEvent('send', EventClass.send, () => seen.push('send'));
    const world = k.defineEvent('crash', EventClass.world, () => seen.push('world'));
    for (const kind of [timer, deliver, send, world]) k.schedule(1_000, kind, 0);
    k.runUntil(1_000);
    expect(seen).toEqual(['world', 'send', 'deliver', 'timer']);
  });

  it('a heartbeat arriving exactly at a deadline is seen by the timer of that instant', () => {
    const k = kernel();
    let lastArrivalUs = -1;
    let verdict = '';
    const check = k.defineEvent('deadline', EventClass.timer, (_e, deadlineUs, _b, nowUs) => {
      verdict = nowUs - lastArrivalUs >= deadlineUs ? 'suspect' : 'trust';
    });
    const arrive = k.defineEvent('arrive', EventClass.deliver, (_e, _a, _b, nowUs) => {
      lastArrivalUs = nowUs;
    });
    k.schedule(3_000, check, 0, 3_000); // scheduled first
    k.schedule(3_000, arrive, 0);
    k.runUntil(10_000);
    expect(verdict).toBe('trust');
  });

  it('within a class, lower entity first; within an entity, scheduling order', () => {
    const k = kernel();
    const seen: string[] = [];
    const ev = k.defineEvent('e', EventClass.deliver, (entity, arg) => seen.push(`${entity}:${arg}`));
    k.schedule(50, ev, 7, 1);
    k.schedule(50, ev, 2, 1);
    k.schedule(50, ev, 7, 2);
    k.schedule(50, ev, 2, 2);
    k.schedule(40, ev, 9, 0);
    k.runUntil(100);
    expect(seen).toEqual(['9:0', '2:1', '2:2', '7:1', '7:2']);
  });

  it('an event scheduled for now in an earlier class fires next, never in the past', () => {
    const k = kernel();
    const seen: string[] = [];
    const send = k.defineEvent('send', EventClass.send, (e, _a, _b, nowUs) => seen.push(`send ${e} @${nowUs}`));
    const timer = k.defineEvent('timer', EventClass.timer, (e, _a, _b, nowUs) => {
      seen.push(`timer ${e} @${nowUs}`);
      if (e === 0) k.schedule(nowUs, send, 5);
    });
    k.schedule(20, timer, 0);
    k.schedule(20, timer, 1);
    k.runUntil(100);
    expect(seen).toEqual(['timer 0 @20', 'send 5 @20', 'timer 1 @20']);
  });

  it('now, peek, step and runUntil', () => {
    const k = kernel();
    const ev = k.defineEvent('e', EventClass.timer, () => {});
    expect(k.peekUs()).toBe(Number.POSITIVE_INFINITY);
    k.schedule(5, ev, 0);
    k.schedule(500, ev, 0);
    expect(k.peekUs()).toBe(5);
    expect(k.step()).toBe(true);
    expect(k.nowUs).toBe(5);
    k.runUntil(499);
    expect(k.eventCount).toBe(1);
    expect(k.pending).toBe(1);
    k.runUntil(500);
    expect(k.eventCount).toBe(2);
    expect(k.step()).toBe(false);
    expect(k.kindName(ev)).toBe('e');
  });
});
