/**
 * Decentralised protocols (issue #11): SWIM + Lifeguard with memberlist's LAN defaults,
 * each workload in a fresh process (bench/swim-workload.ts prints one JSON line).
 * Targets (issue 11): 10 000 members × 1 simulated hour < 60 s; memory linear in members.
 */
import { fixed } from '../lib/format.js';
import { measureProcess } from '../lib/measure.js';
import type { BenchSuite } from '../lib/suite.js';
import { resolve } from 'node:path';

const suite: BenchSuite = {
  id: 'protocols',
  title: 'Decentralised protocols — SWIM + Lifeguard (memberlist DefaultLANConfig)',
  order: 60,
  async run(context) {
    const script = resolve(context.repo, 'bench/swim-workload.ts');
    const sizes: (readonly [number, number])[] = context.quick ? [[1_000, 3_600]] : [[1_000, 3_600], [10_000, 3_600]];
    const rows: string[][] = [];
    for (const [members, seconds] of sizes) {
      context.progress(`SWIM + Lifeguard, ${members} members × ${seconds / 3600} h`);
      const m = measureProcess(process.execPath, ['--expose-gc', '--import', 'tsx', script, String(members), String(seconds)], { cwd: context.repo });
      const r = JSON.parse(m.stdout.trim().split('\n').pop()!) as Record<string, number>;
      rows.push([
        `${members} members × ${seconds / 3600} h`,
        fixed(m.wallS, 1),
        fixed(m.cpuS, 1),
        fixed(r.events! / 1e6, 1),
        String(r.ns_per_event),
        fixed(m.peakRssMb, 0),
        fixed((m.peakRssMb * 1024 * 1024) / members, 0),
        String(r.retained_bytes_per_member),
        String(r.view_records),
        String(r.messages_per_member_s),
      ]);
    }
    return {
      title: suite.title,
      header: ['workload (whole process)', 'wall s', 'cpu s', 'M events', 'ns/event', 'peak MB', 'peak B/member', 'retained B/member', 'view records', 'msgs/member-s'],
      rows,
      notes: [
        '0.1 % loss, 0.2 ms + Exp(0.3 ms) one way, every member crashes once per 100 h (≈ 1 % per hour) and returns after ~2 min.',
        'target (issue 11): 10 000 members × 1 h < 60 s, memory linear in members (retained B/member flat from 1 000 to 10 000).',
        'retained B/member: heap held by the simulation at the end after a forced GC; view records: (observer, subject) views not compacted yet (views.ts).',
      ],
    };
  },
};

export default suite;
