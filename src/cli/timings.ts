/**
 * Where a command's time goes, for `HBSIM_TIMINGS=1` (bench/suites/cli.ts and
 * heartbeat.ts read it): each phase's wall time and the CPU time of the whole process
 * (every thread, workers included) since the previous mark, printed on stderr at the
 * end as `timing: <phase> <wall ms> ms wall, <cpu ms> ms cpu`. The first phase, from
 * the process's start to the command's, is node's start-up and the loading of the
 * command's modules. Off by default; it never touches a results file.
 */
import type { CliIo } from './io.js';

interface Phase {
  readonly name: string;
  readonly wallMs: number;
  readonly cpuMs: number;
}

const phases: Phase[] = [];
/** Points other threads reached (the report's chart thread), printed after the phases. */
const notes: string[] = [];
let last: { wallMs: number; cpuMs: number } | undefined;

function cpuMs(): number {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
}

/** Closes the phase named `name` (it ran since the previous mark, or since the process started). */
export function markPhase(name: string): void {
  const now = { wallMs: performance.now(), cpuMs: cpuMs() };
  phases.push({ name, wallMs: now.wallMs - (last?.wallMs ?? 0), cpuMs: now.cpuMs - (last?.cpuMs ?? 0) });
  last = now;
}

/**
 * A point another thread reached, at `atMs` on this thread's clock (performance.now(),
 * the process's start = 0), printed as `timing: note <what> at <ms> ms`. (Node 20 has no
 * per-thread CPU clock: the phases' CPU is the whole process's.)
 */
export function noteTiming(what: string, atMs: number): void {
  notes.push(`${what} at ${atMs.toFixed(0)} ms`);
}

/** Prints (and forgets) the phases marked so far, when HBSIM_TIMINGS is set. */
export function printPhases(io: CliIo): void {
  const on = io.env.HBSIM_TIMINGS;
  if (on !== undefined && on !== '' && on !== '0') {
    for (const p of phases) io.stderr.write(`timing: ${p.name} ${p.wallMs.toFixed(0)} ms wall, ${p.cpuMs.toFixed(0)} ms cpu\n`);
    for (const n of notes) io.stderr.write(`timing: note ${n}\n`);
  }
  phases.length = 0;
  notes.length = 0;
}
