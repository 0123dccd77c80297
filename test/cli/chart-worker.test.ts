/**
 * The report's chart thread (src/cli/chart-worker.ts): charts rendered on the thread
 * that warmed vega up while the run simulated are the same bytes as charts rendered on
 * the main thread; a job is not held back by the warm-up; a thread that dies or fails
 * costs time, not the report; `hbsim run` uses it only for an inline run with a report.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { chartJobSoon, chartRenderer, chartWorkerThread, startChartWorkerEarly, startChartWorker, stopChartWorker, wantsChartWorker } from '../../src/cli/chart-worker.js';
import { warmUpResults } from '../../src/results/warm-up-results.js';
import { runCli } from '../../src/cli/cli.js';
import { writePair } from '../../src/cli/commands/run.js';
import type { CliIo } from '../../src/cli/io.js';
import { printPhases } from '../../src/cli/timings.js';
import { breachScreen } from '../../src/check/screen.js';
import { buildCharts, type ChartSet } from '../../src/report/charts.js';
import { reportModel } from '../../src/report/data.js';
import { renderReportHtml } from '../../src/report/html.js';
import { renderAllSvg } from '../../src/report/svg.js';
import type { ResultsFile } from '../../src/results/results-file.js';
import { recommendationTargetsOf } from '../../src/scenarios/build.js';
import { loadPreset } from '../../src/scenarios/load.js';
import { parseSet } from '../../src/scenarios/sets.js';
import { simulatedSweep, syntheticSweep } from '../report/fixtures.js';

afterEach(() => stopChartWorker());
// The thread's mechanics are checked on charts it really renders: a chart cache holding their
// finished SVGs would answer on this thread and give the thread no job. The report test below
// turns it on, in a directory of its own.
const chartCacheSetting = process.env.HBSIM_CHART_CACHE;
beforeEach(() => {
  process.env.HBSIM_CHART_CACHE = 'off';
});
afterAll(() => {
  if (chartCacheSetting === undefined) delete process.env.HBSIM_CHART_CACHE;
  else process.env.HBSIM_CHART_CACHE = chartCacheSetting;
});

function capture(env: Record<string, string> = {}): { io: CliIo; stderr: () => string } {
  const err: string[] = [];
  return { io: { stdout: { write: () => true }, stderr: { write: (s: string) => err.push(s) }, env }, stderr: () => err.join('') };
}

/** The chart thread's `timing: note` lines so far (HBSIM_TIMINGS), in the order its messages came. */
function allThreadNotes(): string[] {
  const c = capture({ HBSIM_TIMINGS: '1' });
  printPhases(c.io);
  return c.stderr()
    .split('\n')
    .filter((l) => l.startsWith('timing: note chart thread: '))
    .map((l) => l.replace(/^timing: note chart thread: (.*) at \d+ ms$/, '$1'));
}

/** The same without the thread's note that it lowered its priority (Linux only: chart-worker-priority.ts). */
function threadNotes(): string[] {
  return allThreadNotes().filter((n) => !/^nice \d+$/.test(n));
}

const chartsOf = (results: ResultsFile): ChartSet => buildCharts(reportModel(results));

describe('the chart thread', () => {
  it('renders the same SVG bytes as the main thread, job after job, and the same report page', async () => {
    startChartWorker();
    const render = chartRenderer();
    const sweep = syntheticSweep({ intervalsMs: [100, 250, 1000, 2000], timeoutFactors: [1.5, 3, 8], timelineEntries: 600 });
    const simulated = simulatedSweep({ intervalsMs: [250, 1000], timeoutFactors: [2, 4], minutes: 20, nodes: 4 });
    const single = syntheticSweep({ intervalsMs: [1000], timeoutFactors: [3] });
    for (const results of [sweep, simulated, single]) {
      const set = chartsOf(results);
      const here = await renderAllSvg(set);
      const there = await render(set);
      expect(there).toEqual(here);
      expect(there.length).toBe(set.charts.length);
    }
    // The thread really rendered them (a renderer that fell back to this thread would pass the above too).
    expect(threadNotes().filter((n) => /^job \d+ rendered$/.test(n))).toHaveLength(3);
    const options = { targets: { maxFalseSuspicionsPerNodeDay: 0.5 } };
    expect(await renderReportHtml(sweep, options, render)).toBe(await renderReportHtml(sweep, options));
  });

  it('takes a job between two warm-up charts: a job that comes at once cuts the warm-up short', async () => {
    threadNotes(); // forget earlier notes
    startChartWorker();
    const set = chartsOf(syntheticSweep({ intervalsMs: [250, 1000], timeoutFactors: [2, 4] }));
    await chartRenderer()(set);
    const all = allThreadNotes();
    // On Linux the thread first lowers its own priority (nice 19), before vega loads.
    if (process.platform === 'linux') expect(all[0]).toBe('nice 19');
    const notes = all.filter((n) => n !== 'nice 19');
    // Without a turn of the event loop between warm-up charts the job would wait for every round (WARM_UP_ROUNDS).
    expect(notes.slice(0, 3)).toEqual(['vega loaded', 'warm-up cut short in round 1', expect.stringMatching(/^job \d+ starts$/)]);
    expect(notes.some((n) => n.startsWith('warm-up round'))).toBe(false);
  });

  it('starts no further warm-up chart once told a job is near (the simulation ended)', async () => {
    threadNotes();
    startChartWorker();
    chartJobSoon();
    // The job itself comes only after the thread has stopped warming up.
    const seen: string[] = [];
    while (!seen.some((n) => n.startsWith('warm-up'))) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      seen.push(...threadNotes());
    }
    await chartRenderer()(chartsOf(syntheticSweep({ intervalsMs: [250, 1000], timeoutFactors: [2, 4] })));
    seen.push(...threadNotes());
    expect(seen.slice(0, 3)).toEqual(['vega loaded', 'warm-up cut short in round 1 (a job is near)', expect.stringMatching(/^job \d+ starts$/)]);
  });

  it('warms up on every chart kind a simulated sweep shows, without a warning', async () => {
    const warm = chartsOf(warmUpResults());
    const real = chartsOf(simulatedSweep({ intervalsMs: [250, 1000], timeoutFactors: [2, 4], minutes: 20, nodes: 4 }));
    expect(warm.charts.map((c) => c.id)).toEqual(real.charts.map((c) => c.id));
    expect(warm.charts.map((c) => c.id)).toEqual(['chart-tradeoff', 'chart-heatmap-fs', 'chart-heatmap-p99', 'chart-heatmap-qa', 'chart-cost', 'chart-cdf', 'chart-timeline']);
    const warnings: string[] = [];
    await renderAllSvg(warm, warnings);
    expect(warnings).toEqual([]);
    // A fixed function of nothing: the same object every call.
    expect(warmUpResults()).toEqual(warmUpResults());
  });

  it('renders on this thread when the chart thread died, and reports an error as this thread would', async () => {
    const set = chartsOf(syntheticSweep({ intervalsMs: [250, 1000], timeoutFactors: [2, 4] }));
    const here = await renderAllSvg(set);
    startChartWorker();
    const pending = chartRenderer()(set);
    await chartWorkerThread()!.terminate();
    expect(await pending).toEqual(here);
    // Dead for good: the next job does not wait for it.
    expect(await chartRenderer()(set)).toEqual(here);
    await stopChartWorker();

    // vega fails on the thread: the charts are rendered again here, and the error is this thread's.
    startChartWorker();
    const broken: ChartSet = { datasets: set.datasets, charts: [{ ...set.charts[0]!, spec: { ...set.charts[0]!.spec, transform: [{ calculate: 'datum.a +', as: 'b' }] } as never }] };
    const error = await renderAllSvg(broken).then(
      () => 'rendered',
      (e: Error) => e.message,
    );
    expect(error).toMatch(/unexpected end of input/i);
    await expect(chartRenderer()(broken)).rejects.toThrow(error as string);
    expect(threadNotes().some((n) => /^job \d+ starts$/.test(n))).toBe(true);
  });

  it('is wanted only for an inline run that writes a report on a machine with a second core to spare, unless forced', () => {
    expect(wantsChartWorker(true, true, 2, 0.3)).toBe(true);
    expect(wantsChartWorker(true, true, 64, 20)).toBe(true);
    expect(wantsChartWorker(false, true, 2, 0)).toBe(false);
    expect(wantsChartWorker(true, false, 2, 0)).toBe(false);
    expect(wantsChartWorker(true, true, 1, 0)).toBe(false);
    // Every core already has a task queued: the warm-up would only slow the simulation.
    expect(wantsChartWorker(true, true, 2, 2)).toBe(false);
    expect(wantsChartWorker(true, true, 2, 16)).toBe(false);
    // HBSIM_CHART_THREAD decides, but never without a report or for a run on worker threads.
    expect(wantsChartWorker(true, true, 2, 16, '1')).toBe(true);
    expect(wantsChartWorker(true, true, 1, 0, '1')).toBe(true);
    expect(wantsChartWorker(true, true, 2, 0, '0')).toBe(false);
    expect(wantsChartWorker(false, true, 2, 0, '1')).toBe(false);
    expect(wantsChartWorker(true, false, 2, 0, '1')).toBe(false);
  });
});

describe('starting the chart thread early (runCli, before the arguments are parsed)', () => {
  it('starts it for run and check that look like they write a report, and for nothing else', async () => {
    const on = { HBSIM_CHART_THREAD: '1' };
    const started = async (argv: readonly string[], env: Record<string, string> = on) => {
      await stopChartWorker();
      startChartWorkerEarly(argv, env);
      return chartWorkerThread() !== undefined;
    };
    expect(await started(['run'])).toBe(true);
    expect(await started(['run', 'db-ha', '--out', 'x'])).toBe(true);
    expect(await started(['check', 'k8s'])).toBe(true);
    for (const argv of [['run', '--no-report'], ['run', '--report', 'false'], ['check', 'k8s', '--shard', '1/2'], ['run', '--shard-count', '3'], ['run', '--help'], ['run', '-h'], ['validate', 'x.yaml'], ['presets'], [], ['tune', 'db-ha']]) {
      expect(await started(argv), argv.join(' ')).toBe(false);
    }
    expect(await started(['run'], { ...on, HBSIM_SHARD_COUNT: '4' })).toBe(false);
    expect(await started(['run'], { HBSIM_CHART_THREAD: '0' })).toBe(false);
  });
});

describe('the hbsim process with a chart thread', () => {
  it('ends as soon as its command does: a run that fails before its report exits at once', async () => {
    const bin = fileURLToPath(new URL('../../bin/hbsim.js', import.meta.url));
    const dir = mkdtempSync(join(tmpdir(), 'hbsim-chart-exit-'));
    const run = (args: readonly string[]) =>
      new Promise<{ code: number | null; ms: number; stderr: string }>((resolve) => {
        const started = performance.now();
        execFile(process.execPath, [bin, ...args], { cwd: dir, env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', HBSIM_CHART_THREAD: '1' }, timeout: 30_000 }, (error, _stdout, stderr) =>
          resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, ms: performance.now() - started, stderr }),
        );
      });
    // The thread is started in runCli, before the scenario is read; the run then fails (exit 2).
    // It used to stay ref'd (a 'message' listener added after unref) and the process never ended.
    for (const args of [['run', 'nonexistent.yaml'], ['run', '--set', 'link.loss=300%']]) {
      const r = await run(args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.ms).toBeLessThan(20_000);
    }
  });
});

describe('hbsim run with the chart thread', () => {
  it('lets the last report end the thread once its page is made, before the files are written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hbsim-chart-after-'));
    const results = syntheticSweep({ intervalsMs: [250, 1000], timeoutFactors: [2, 4] });
    startChartWorker();
    const seen: boolean[] = [];
    await writePair(results, dir, {}, () => {
      seen.push(existsSync(join(dir, `${results.name}.json`)) || existsSync(join(dir, `${results.name}.html`)));
      void stopChartWorker();
    });
    expect(seen).toEqual([false]);
    expect(chartWorkerThread()).toBeUndefined();
    expect(existsSync(join(dir, `${results.name}.html`))).toBe(true);
    // Without a report the hook still runs, once, before the results file is written.
    const plain: boolean[] = [];
    await writePair(results, join(dir, 'b'), null, () => plain.push(existsSync(join(dir, 'b', `${results.name}.json`))));
    expect(plain).toEqual([false]);
  });

  it('writes the report the main thread would have written, and starts no thread without a report', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hbsim-chart-thread-'));
    // A chart cache of its own (the thread reads the same variable): the first run renders every chart.
    threadNotes(); // forget earlier tests' notes
    const cacheDir = process.env.HBSIM_CODE_CACHE_DIR;
    process.env.HBSIM_CODE_CACHE_DIR = join(dir, 'cache');
    delete process.env.HBSIM_CHART_CACHE;
    onTestFinished(() => {
      if (cacheDir === undefined) delete process.env.HBSIM_CODE_CACHE_DIR;
      else process.env.HBSIM_CODE_CACHE_DIR = cacheDir;
    });
    const small = ['--set', 'duration=10m', '--set', 'warmup=0s', '--set', 'replications=1', '--set', 'sweep.heartbeat.interval=[500ms, 1s]', '--no-pause-survival'];
    const timed = capture({ HBSIM_TIMINGS: '1', HBSIM_CHART_THREAD: '1' });
    expect(await runCli(['run', 'db-ha', '--out', join(dir, 'a'), ...small], timed.io)).toBe(0);
    const notes = timed.stderr().split('\n').filter((l) => l.startsWith('timing: note chart thread: job'));
    expect(notes).toHaveLength(2);
    // Run again: the results are the same bytes, so every chart comes back whole from the
    // cache on this thread, the chart thread is given no job, and the page is the same.
    await stopChartWorker();
    const again = capture({ HBSIM_TIMINGS: '1', HBSIM_CHART_THREAD: '1' });
    expect(await runCli(['run', 'db-ha', '--out', join(dir, 'a2'), ...small], again.io)).toBe(0);
    expect(again.stderr()).not.toMatch(/chart thread: job/);
    expect(readFileSync(join(dir, 'a2', 'db-ha.html'), 'utf8')).toBe(readFileSync(join(dir, 'a', 'db-ha.html'), 'utf8'));
    threadNotes();
    const results = JSON.parse(readFileSync(join(dir, 'a', 'db-ha.json'), 'utf8')) as ResultsFile;
    const loaded = loadPreset('db-ha', { sets: small.filter((_, i) => small[i - 1] === '--set').map((text) => parseSet(text)) });
    const html = await renderReportHtml(results, { targets: recommendationTargetsOf(loaded.scenario), screen: breachScreen(loaded.expectations) });
    // The written page also names the digest of its results file (src/io/output-pair.ts), in one line of its own.
    const written = readFileSync(join(dir, 'a', 'db-ha.html'), 'utf8').split('\n');
    expect(written.filter((l) => l.startsWith('<meta name="hbsim-results-digest"'))).toHaveLength(1);
    expect(written.filter((l) => !l.startsWith('<meta name="hbsim-results-digest"')).join('\n')).toBe(html);

    await stopChartWorker();
    const plain = capture({ HBSIM_TIMINGS: '1', HBSIM_CHART_THREAD: '1' });
    expect(await runCli(['run', 'db-ha', '--no-report', '--out', join(dir, 'b'), ...small], plain.io)).toBe(0);
    expect(chartWorkerThread()).toBeUndefined();
    expect(plain.stderr()).not.toMatch(/chart thread/);

    // Without the thread (HBSIM_CHART_THREAD=0): the same page, rendered here.
    const here = capture({ HBSIM_TIMINGS: '1', HBSIM_CHART_THREAD: '0' });
    expect(await runCli(['run', 'db-ha', '--out', join(dir, 'c'), ...small], here.io)).toBe(0);
    expect(chartWorkerThread()).toBeUndefined();
    expect(here.stderr()).not.toMatch(/chart thread/);
    expect(readFileSync(join(dir, 'c', 'db-ha.html'), 'utf8')).toBe(readFileSync(join(dir, 'a', 'db-ha.html'), 'utf8'));

    // hbsim check writes its report the same way, on the thread when it runs inline.
    for (const [flag, sub] of [['1', 'e'], ['0', 'f']] as const) {
      await stopChartWorker();
      expect(await runCli(['check', 'db-ha', '--out', join(dir, sub), ...small.filter((a) => a !== '--no-pause-survival')], capture({ HBSIM_CHART_THREAD: flag }).io)).toBeLessThanOrEqual(1);
      expect(chartWorkerThread() !== undefined).toBe(flag === '1');
    }
    expect(readFileSync(join(dir, 'e', 'db-ha.html'), 'utf8')).toBe(readFileSync(join(dir, 'f', 'db-ha.html'), 'utf8'));
    await stopChartWorker();
    threadNotes(); // check prints no timings: forget what its thread noted

    // A run big enough for worker threads ends the thread it started before reading the scenarios.
    const pooled = capture({ HBSIM_TIMINGS: '1', HBSIM_CHART_THREAD: '1' });
    expect(await runCli(['run', 'db-ha', '--no-pause-survival', '--replications', '60', '--set', 'sweep.detector.timeout=[3x]', '--out', join(dir, 'd')], pooled.io)).toBe(0);
    expect(pooled.stderr()).toMatch(/simulate \(worker threads\)/);
    expect(chartWorkerThread()).toBeUndefined();
    expect(pooled.stderr()).not.toMatch(/chart thread: job/);
  });
});
