/**
 * Shards, partial files and checkpoints in-process (src/sweep/shard.ts, task-codec.ts,
 * checkpoint.ts, run-resumable.ts): the split is a partition, outputs survive JSON
 * bit for bit, results assembled from outputs read back equal a single run's bytes,
 * merging refuses parts that are not every shard of one run, and a resumed run
 * recomputes only what the checkpoint lacks. The processes themselves:
 * test/cli/shard.test.ts.
 */
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { serializeResults } from '../../src/results/results-file.js';
import { loadPreset } from '../../src/scenarios/load.js';
import { parseSet } from '../../src/scenarios/sets.js';
import { Checkpoint } from '../../src/cli/checkpoint.js';
import { allOutputs, runResumable } from '../../src/sweep/run-resumable.js';
import { assembleResults, prepareScenario, runScenario } from '../../src/sweep/run-scenario.js';
import { runTasks } from '../../src/sweep/run-tasks.js';
import { identityOf, mergeParts, parsePartial, partialFileOf, runDigest, serializePartial, shardTasks, ShardError, type ScenarioRecipe } from '../../src/sweep/shard.js';
import { decodeOutput, encodeOutput } from '../../src/sweep/task-codec.js';
import type { TaskResult } from '../../src/sweep/tasks.js';

/** db-ha cut to 4 cells × (2 replications + a pause search) = 12 tasks of 10 simulated minutes. */
const SETS = ['duration=10m', 'sweep.heartbeat.interval=[1s, 2s]', 'sweep.detector.timeout=[2x, 3x]', 'replications=2'];
const small = (extra: string[] = []) => loadPreset('db-ha', { sets: [...SETS, ...extra].map((s) => parseSet(s)) });
const RECIPE: ScenarioRecipe = { text: '', file: 'f', source: 's', dir: '.', sets: [] };

async function outputsOf(extra: string[] = [], pauseSurvival = true) {
  const prepared = prepareScenario(small(extra), pauseSurvival);
  const outputs = await runTasks(prepared.tasks, { workers: 1, timelineLimit: prepared.timelineLimit });
  return { prepared, outputs };
}

function partsOf(prepared: ReturnType<typeof prepareScenario>, outputs: readonly TaskResult[], count: number, version = 'test') {
  const identity = identityOf(prepared, version, 'run');
  const digest = runDigest(prepared, identity);
  const byTask = new Map(outputs.map((o, k) => [k, o]));
  return Array.from({ length: count }, (_, i) => {
    const text = serializePartial(partialFileOf(digest, identity, { index: i + 1, count }, RECIPE, byTask));
    return { label: `part${i + 1}.json`, partial: parsePartial(text, `part${i + 1}.json`) };
  });
}

describe('shardTasks', () => {
  it('splits any number of tasks into n shards that cover every task exactly once', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 500 }), fc.integer({ min: 1, max: 40 }), (tasks, count) => {
        const all = Array.from({ length: count }, (_, i) => shardTasks(tasks, { index: i + 1, count })).flat();
        expect(all.sort((a, b) => a - b)).toEqual(Array.from({ length: tasks }, (_, k) => k));
        // Balanced: shard sizes differ by at most one task.
        const sizes = Array.from({ length: count }, (_, i) => shardTasks(tasks, { index: i + 1, count }).length);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }),
      { seed: 15, numRuns: 200 },
    );
  });
});

describe('task outputs as JSON', () => {
  it('read back bit for bit: typed arrays, −0, infinities, NaN and nested objects', () => {
    fc.assert(
      fc.property(fc.array(fc.double()), fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })), fc.double(), (doubles, ints, x) => {
        const value = { a: new Float64Array(doubles), b: new Int32Array(ints), c: new Uint8Array(ints.map((i) => i & 255)), x, nested: [{ y: x, z: null, s: 'é' }] };
        const back = decodeOutput(JSON.parse(JSON.stringify(encodeOutput(value)))) as typeof value;
        expect(back.a).toBeInstanceOf(Float64Array);
        expect(Buffer.from(back.a.buffer).equals(Buffer.from(value.a.buffer))).toBe(true);
        expect(Array.from(back.b)).toEqual(ints);
        expect(back.c).toBeInstanceOf(Uint8Array);
        expect(Object.is(back.x, x)).toBe(true);
        expect(Object.is(back.nested[0]!.y, x)).toBe(true);
        expect(back.nested[0]!.s).toBe('é');
      }),
      { seed: 15, numRuns: 200 },
    );
  });

  it('refuses what it could not have written', () => {
    expect(() => decodeOutput({ $: 'f64', b64: 'AAA' })).toThrow(/bytes/);
    expect(() => decodeOutput({ $: 'num', v: '12' })).toThrow(/number/);
    expect(() => encodeOutput(() => 1)).toThrow(/function/);
  });
});

describe('merging shards', () => {
  it('assembles results byte-identical to a single run, for 1, 3 and 5 shards', async () => {
    const { prepared, outputs } = await outputsOf();
    const single = serializeResults(await runScenario(small(), { toolVersion: 'test', workers: 1, pauseSurvival: true }));
    expect(prepared.tasks.length).toBe(12);
    for (const count of [1, 3, 5]) {
      const parts = partsOf(prepared, outputs, count);
      // Any order of parts: a merge sorts by task, not by the order of the files.
      const merged = mergeParts([...parts].reverse());
      expect(serializeResults(assembleResults(prepared, merged.outputs, 'test'))).toBe(single);
    }
  });

  it('refuses a missing shard, a duplicate, mixed counts, and shards of another run, naming what differs', async () => {
    const { prepared, outputs } = await outputsOf();
    const parts = partsOf(prepared, outputs, 4);
    const refusal = (ps: typeof parts) => {
      try {
        mergeParts(ps);
      } catch (e) {
        expect(e).toBeInstanceOf(ShardError);
        return (e as Error).message;
      }
      throw new Error('merged');
    };
    expect(refusal([parts[0]!, parts[1]!, parts[3]!])).toMatch(/missing shard 3\/4 of db-ha \(got 3 of 4\); run hbsim with --shard 3\/4/);
    expect(refusal([parts[0]!, parts[1]!, parts[2]!, parts[3]!, parts[1]!])).toMatch(/shard 2\/4 given twice: part2\.json and part2\.json/);
    expect(refusal([])).toMatch(/no partial results files/);
    const three = partsOf(prepared, outputs, 3);
    expect(refusal([...parts.slice(0, 3), three[2]!])).toMatch(/shard 3\/3 but part1\.json is shard 1\/4; every shard of a run must use the same count/);

    const demo = prepareScenario(loadPreset('seed-demo'), false);
    const demoParts = partsOf(demo, await runTasks(demo.tasks, { workers: 1, timelineLimit: demo.timelineLimit }), 4);
    expect(refusal([parts[0]!, ...demoParts.slice(1)])).toMatch(/part2\.json is from another run than part1\.json: scenario "db-ha" vs "seed-demo"; merge each scenario's shards on their own \(e\.g\. hbsim merge parts\/db-ha\.shard-\*\.json\)/);
    const seed = await outputsOf(['seed=7']);
    expect(refusal([parts[0]!, ...partsOf(seed.prepared, seed.outputs, 4).slice(1)])).toMatch(/part2\.json is from another run than part1\.json: seed "42" vs "7"/);
    const other = partsOf(prepared, outputs, 4, '9.9.9');
    expect(refusal([parts[0]!, ...other.slice(1)])).toMatch(/hbsim version "test" vs "9\.9\.9"/);
    const noPause = await outputsOf([], false);
    expect(refusal([parts[0]!, ...partsOf(noPause.prepared, noPause.outputs, 4).slice(1)])).toMatch(/pause survival \(--no-pause-survival\) true vs false/);
    // Same name, seed, version and options, another scenario: only the digest tells.
    const loss = await outputsOf(['link.loss=2%']);
    expect(refusal([parts[0]!, ...partsOf(loss.prepared, loss.outputs, 4).slice(1)])).toMatch(/the scenario or an option differs/);
  });

  it('refuses a partial file that is truncated, edited, or not a partial file', async () => {
    const { prepared, outputs } = await outputsOf();
    const text = serializePartial(partsOf(prepared, outputs, 2)[0]!.partial);
    const edited = JSON.parse(text) as { outputs: unknown[] };
    edited.outputs.pop();
    expect(() => parsePartial(JSON.stringify(edited), 'p.json')).toThrow(/p\.json: shard 1\/2 should hold 6 tasks \(0, 2, 4, 6, …, 10\), it holds 5/);
    expect(() => parsePartial(text.slice(0, 1000), 'p.json')).toThrow(/p\.json: not a partial results file \(not JSON/);
    expect(() => parsePartial(JSON.stringify({ schema: 'hbsim.results/1' }), 'r.json')).toThrow(/r\.json: expected a partial results file .* got a complete results file/);
  });
});

describe('checkpoints and --resume', () => {
  const keyOf = (prepared: ReturnType<typeof prepareScenario>) => ({ name: 'db-ha', digest: runDigest(prepared, identityOf(prepared, 'test', 'run')), tasks: prepared.tasks.length });

  it('recompute only the tasks the checkpoint lacks, and give the same bytes', async () => {
    const out = mkdtempSync(join(tmpdir(), 'hbsim-resume-'));
    const prepared = prepareScenario(small(), true);
    const key = keyOf(prepared);
    const first = await runResumable(prepared, Checkpoint.open(out, key, false), { workers: 1 });
    expect(first.computed).toBe(12);
    const single = serializeResults(assembleResults(prepared, allOutputs(prepared, first.outputs), 'test'));
    const path = Checkpoint.open(out, key, true).path;
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(12);

    // A crash after 7 tasks, the 8th cut short mid-line.
    writeFileSync(path, `${lines.slice(0, 7).join('\n')}\n${lines[7]!.slice(0, 200)}`);
    const store = Checkpoint.open(out, key, true);
    expect([store.restored.size, store.discarded]).toEqual([7, 1]);
    const resumed = await runResumable(prepared, store, { workers: 1 });
    expect([resumed.restored, resumed.computed]).toEqual([7, 5]);
    expect(serializeResults(assembleResults(prepared, allOutputs(prepared, resumed.outputs), 'test'))).toBe(single);
    // The torn line was dropped and the recomputed tasks appended: a complete checkpoint again.
    const again = Checkpoint.open(out, key, true);
    expect([again.restored.size, again.discarded]).toEqual([12, 0]);
    again.remove();
  });

  it('read restored outputs back instead of recomputing them', async () => {
    const out = mkdtempSync(join(tmpdir(), 'hbsim-resume-'));
    const prepared = prepareScenario(small(), false);
    const checkpoint = Checkpoint.open(out, keyOf(prepared), false);
    // Plant an output for task 0 that no simulation gives: if the resumed run used it, the results show it.
    const real = (await runTasks([prepared.tasks[0]!], { workers: 1, timelineLimit: prepared.timelineLimit }))[0]!;
    if (real.kind !== 'replication') throw new Error('task 0 is a replication');
    checkpoint.record(0, { ...real, tallies: { ...real.tallies, heartbeatsSent: real.tallies.heartbeatsSent + 1_000_000 } });
    checkpoint.close();
    const resumed = await runResumable(prepared, Checkpoint.open(out, keyOf(prepared), true), { workers: 1 });
    expect([resumed.restored, resumed.computed]).toEqual([1, 7]);
    const planted = resumed.outputs.get(0)!;
    expect(planted.kind === 'replication' && planted.tallies.heartbeatsSent).toBe(real.tallies.heartbeatsSent + 1_000_000);
  });

  it('records the outputs of worker threads as they arrive, with the same bytes as inline', async () => {
    const out = mkdtempSync(join(tmpdir(), 'hbsim-resume-'));
    const prepared = prepareScenario(small(), false);
    const inline = await runResumable(prepared, Checkpoint.open(out, { ...keyOf(prepared), name: 'inline' }, false), { workers: 1 });
    const pooled = await runResumable(prepared, Checkpoint.open(out, { ...keyOf(prepared), name: 'pooled' }, false), { workers: 2 });
    const bytesOf = (r: typeof inline) => serializeResults(assembleResults(prepared, allOutputs(prepared, r.outputs), 'test'));
    expect(bytesOf(pooled)).toBe(bytesOf(inline));
    const back = Checkpoint.open(out, { ...keyOf(prepared), name: 'pooled' }, true);
    expect([back.restored.size, back.discarded]).toEqual([8, 0]);
    const resumed = await runResumable(prepared, back, { workers: 2 });
    expect([resumed.restored, resumed.computed]).toEqual([8, 0]);
    expect(bytesOf(resumed)).toBe(bytesOf(inline));
  });

  it('a shard resumes only its own tasks', async () => {
    const out = mkdtempSync(join(tmpdir(), 'hbsim-resume-'));
    const prepared = prepareScenario(small(), false);
    const shard = { index: 2, count: 3 };
    const run = await runResumable(prepared, Checkpoint.open(out, { ...keyOf(prepared), shard }, false), { workers: 1, shard });
    expect([...run.outputs.keys()]).toEqual(shardTasks(8, shard));
    expect(Checkpoint.open(out, keyOf(prepared), true).restored.size).toBe(0);
    expect(Checkpoint.open(out, { ...keyOf(prepared), shard }, true).restored.size).toBe(3);
  });

  it('ignore lines of another run or with a bad checksum', () => {
    const out = mkdtempSync(join(tmpdir(), 'hbsim-resume-'));
    const key = { name: 'x', digest: 'a'.repeat(64), tasks: 3 };
    const c = Checkpoint.open(out, key, false);
    c.record(1, { kind: 'pauseSurvival', cell: 0, survival: { longest_ms: 1, pauses_per_probe: 3, failures_at_longest: 0, failure_ci95: [0, 0.5], capped: false, budget_heartbeats: 1e8, stopped_by_budget: false } });
    c.close();
    appendFileSync(c.path, `{"task":7,"sha256":"00","output":{}}\n{"task":2,"sha256":"00","output":{}}\nnot json\n`);
    const back = Checkpoint.open(out, key, true);
    expect([[...back.restored.keys()], back.discarded]).toEqual([[1], 3]);
    back.remove();
  });
});
