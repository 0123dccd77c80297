/**
 * Watch rings (issue #11): Akka-style monitors (k = 9 on a hashed ring, phi accrual,
 * reaper every second) at 1 000 and 5 000 members, each workload in a fresh process
 * (bench/watch-ring-workload.ts prints one JSON line). What it shows: memory grows with
 * members + watched pairs (no n² tables), CPU with the events.
 */
import { fixed } from '../lib/format.js';
import { measureProcess } from '../lib/measure.js';
import type { BenchSuite } from '../lib/suite.js';
import { resolve } from 'node:path';

const suite: BenchSuite = {
  id: 'watch-rings',
  title: 'Decentralised protocols — Akka cluster monitors (watch ring, k = 9, phi 8)',
  order: 62,
  async run(context) {
    const script = resolve(context.repo, 'bench/watch-ring-workload.ts');
    const sizes: (readonly [number, number])[] = context.quick ? [[1_000, 600]] : [[1_000, 600], [5_000, 600]];
    const rows: string[][] = [];
    for (const [members, seconds] of sizes) {
      context.progress(`monitors, ${members} members × ${seconds / 60} min`);
      const m = measureProcess(process.execPath, ['--import', 'tsx', script, String(members), String(seconds), 'monitors'], { cwd: context.repo });
      const r = JSON.parse(m.stdout.trim().split('\n').pop()!) as Record<string, number>;
      rows.push([
        `${members} members × ${seconds / 60} min`,
        fixed(m.wallS, 1),
        fixed(m.cpuS, 1),
        fixed(r.events! / 1e6, 1),
        String(r.ns_per_event),
        fixed(m.peakRssMb, 0),
        String(r.heap_bytes_per_member),
        String(r.peak_view_records),
        String(r.messages_per_member_s),
      ]);
    }
    return {
      title: suite.title,
      header: ['workload (whole process)', 'wall s', 'cpu s', 'M events', 'ns/event', 'peak MB', 'heap B/member', 'peak view records', 'msgs/member-s'],
      rows,
      notes: [
        '0.1 % loss, 0.2 ms + Exp(0.3 ms) one way, every member crashes once per 100 h and returns after ~2 min; heartbeat every 1 s.',
        'Peak RSS is mostly the detectors\' inter-arrival histories (Akka max-sample-size 1 000 per watched pair, filled as the run goes): O(watched pairs).',
      ],
    };
  },
};

export default suite;
