/**
 * The commands of the `hbsim` command line as yargs declares them: one function per
 * command adds its positionals, options, examples and handler to the parser (cli.ts
 * adds them in this order, the order `hbsim --help` lists them). Each handler loads
 * its command's module only when that command runs, so `--help` and the other
 * commands do not pay for the simulator.
 */
import type { Argv } from 'yargs';
import { DEFAULT_PRESET } from '../scenarios/presets/index.js';
import type { CliIo } from './io.js';

/** Runs a command and records its exit code (cli.ts turns what it throws into one). */
export type Handle = (command: () => number | Promise<number>) => Promise<void>;

/** Adds one command to the parser. */
export type CommandDefinition = (cli: Argv, handle: Handle, io: CliIo) => Argv;

export const EPILOGUE = [
  'Exit codes: 0 success; 1 a check failed; 2 bad input or usage; 3 internal error.',
  'Scenario format: docs/scenarios.md. Results JSON: docs/results.md. Set NO_COLOR=1 for plain output.',
].join('\n');

/** Repeated options arrive as an array, a single one as a string. */
const list = (value: unknown): string[] => (value === undefined ? [] : Array.isArray(value) ? value.map(String) : [String(value)]);
const optional = (value: unknown): string | undefined => (value === undefined ? undefined : String(Array.isArray(value) ? value[value.length - 1] : value));

const overrideOptions = {
  set: { type: 'string', description: 'Override a field: path=value, e.g. link.loss=2% (repeatable)', requiresArg: true },
  seed: { type: 'string', description: 'Root seed (same as --set seed=N)', requiresArg: true },
  replications: { type: 'string', description: 'Replications per scenario (same as --set replications=N)', requiresArg: true },
} as const;

const shardOptions = {
  shard: { type: 'string', description: 'Compute only shard i of n (counted from 1) and write <out>/<name>.shard-i-of-n.json for hbsim merge (docs/scale-out.md)', requiresArg: true },
  'shard-count': { type: 'string', description: 'Shard count n, the index taken from HBSIM_SHARD_INDEX (1..n) or JOB_COMPLETION_INDEX (0..n-1); or set HBSIM_SHARD_COUNT', requiresArg: true },
  resume: { type: 'boolean', default: false, description: 'Reuse the tasks an interrupted run finished (checkpointed in <out>/.hbsim-checkpoints/) and compute only the rest' },
} as const;

const runCommand: CommandDefinition = (cli, handle, io) =>
  cli.command(
    'run [scenario..]',
    `Simulate scenarios (files or preset names; default: ${DEFAULT_PRESET}) and write <out>/<name>.json`,
    (y) =>
      y
        .positional('scenario', { type: 'string', array: true, description: 'Scenario files (.yaml, .yml, .json) or preset names' })
        .options(overrideOptions)
        .option('out', { type: 'string', default: 'reports/', description: 'Directory for the results files', requiresArg: true })
        .option('json', { type: 'boolean', default: false, description: 'Print the results JSON on stdout instead of the table' })
        .option('workers', { type: 'string', description: 'Worker threads for sweep cells and replications (default: one per core); results do not depend on it', requiresArg: true })
        .option('report', { type: 'boolean', default: true, description: 'Also write the HTML report <out>/<name>.html (--no-report to skip)' })
        .option('pause-survival', { type: 'boolean', default: true, description: "Search each cell's longest survivable sender pause (--no-pause-survival to skip)" })
        .option('rare', { type: 'boolean', default: false, description: 'Also estimate each cell\'s false-suspicion rate by importance sampling, for rates too rare to observe (fixed timeout under loss and pauses; docs/tune.md)' })
        .options(shardOptions)
        .example('$0 run', `Run the default scenario (${DEFAULT_PRESET})`)
        .example('$0 run k8s etcd --out results/', 'Run two presets')
        .example('$0 run my.yaml --set link.loss=2% --set heartbeat.interval=500ms', 'Run a file with two fields overridden')
        .example('$0 run db-ha --seed 7 --replications 10 --json > out.json', 'Another seed, more replications, JSON on stdout')
        .epilogue(EPILOGUE),
    (args) =>
      handle(async () =>
        (await import('./commands/run.js')).runCommand(
          {
            scenarios: list(args.scenario),
            out: optional(args.out) ?? 'reports/',
            json: args.json === true,
            workers: optional(args.workers),
            report: args.report !== false,
            pauseSurvival: args['pause-survival'] !== false,
            rare: args.rare === true,
            shard: optional(args.shard),
            shardCount: optional(args['shard-count']),
            resume: args.resume === true,
            set: list(args.set),
            seed: optional(args.seed),
            replications: optional(args.replications),
          },
          io,
          io.signal,
        ),
      ),
  );

const checkCommand: CommandDefinition = (cli, handle, io) =>
  cli.command(
    'check <scenario..>',
    "Run scenarios and judge their expect: thresholds (the CI gate): exit 1 when one is breached",
    (y) =>
      y
        .positional('scenario', { type: 'string', array: true, description: 'Scenario files (.yaml, .yml, .json) or preset names' })
        .options(overrideOptions)
        .option('cell', { type: 'string', description: 'Cells to check: all, recommended or a cell id such as 500ms/3x (default: expect_options.cell)', requiresArg: true })
        .option('junit', { type: 'string', description: 'Also write the verdicts as JUnit XML to this file', requiresArg: true })
        .option('baseline', { type: 'string', description: 'Compare with the baseline saved in this directory and flag metrics that got worse beyond their intervals', requiresArg: true })
        .option('save-baseline', { type: 'string', description: "Save this run's metrics as the baseline in this directory", requiresArg: true })
        .option('fail-on-regression', { type: 'boolean', default: false, description: 'Exit 1 when a metric got worse than the baseline (default: a warning)' })
        .option('out', { type: 'string', default: 'reports/', description: 'Directory for the results files and reports', requiresArg: true })
        .option('report', { type: 'boolean', default: true, description: 'Also write the HTML report <out>/<name>.html (--no-report to skip)' })
        .option('workers', { type: 'string', description: 'Worker threads (default: one per core); results do not depend on it', requiresArg: true })
        .options(shardOptions)
        .example('$0 check scenarios/*.yaml --junit reports/hbsim.xml', 'Gate every scenario of a repository and write JUnit for the CI')
        .example('$0 check my.yaml --baseline baselines/ --fail-on-regression', 'Also fail when a metric got worse than the saved baseline')
        .example('$0 check my.yaml --save-baseline baselines/', 'Accept this run as the baseline')
        .epilogue(`${EPILOGUE}\nThresholds, GitHub Actions and GitLab CI: docs/ci.md.`),
    (args) =>
      handle(async () =>
        (await import('./commands/check.js')).checkCommand(
          {
            scenarios: list(args.scenario),
            cell: optional(args.cell),
            junit: optional(args.junit),
            baseline: optional(args.baseline),
            saveBaseline: optional(args['save-baseline']),
            failOnRegression: args['fail-on-regression'] === true,
            out: optional(args.out) ?? 'reports/',
            report: args.report !== false,
            workers: optional(args.workers),
            shard: optional(args.shard),
            shardCount: optional(args['shard-count']),
            resume: args.resume === true,
            set: list(args.set),
            seed: optional(args.seed),
            replications: optional(args.replications),
          },
          io,
          io.signal,
        ),
      ),
  );

const mergeCommand: CommandDefinition = (cli, handle, io) =>
  cli.command(
    'merge <part..>',
    'Merge the partial results of every shard (hbsim run|check --shard i/n) into the results a single run writes, byte for byte',
    (y) =>
      y
        .positional('part', { type: 'string', array: true, description: 'Partial results files <name>.shard-i-of-n.json, or folders of them' })
        .option('out', { type: 'string', default: 'reports/', description: 'Directory for the results file and report', requiresArg: true })
        .option('json', { type: 'boolean', default: false, description: 'Print the results JSON on stdout instead of the table (shards of hbsim run)' })
        .option('report', { type: 'boolean', default: true, description: 'Also write the HTML report <out>/<name>.html (--no-report to skip)' })
        .option('junit', { type: 'string', description: 'Shards of hbsim check: also write the verdicts as JUnit XML to this file', requiresArg: true })
        .option('baseline', { type: 'string', description: 'Shards of hbsim check: compare with the baseline saved in this directory', requiresArg: true })
        .option('save-baseline', { type: 'string', description: "Shards of hbsim check: save the merged metrics as the baseline in this directory", requiresArg: true })
        .option('fail-on-regression', { type: 'boolean', default: false, description: 'Shards of hbsim check: exit 1 when a metric got worse than the baseline' })
        .example('$0 merge parts/*.shard-*.json --out reports/', 'Write reports/<name>.json and .html from every shard')
        .example('$0 merge parts/ --junit reports/hbsim.xml', 'Merge shards of hbsim check and judge their thresholds')
        .epilogue(`${EPILOGUE}\nSharding, resuming, GitHub Actions and Kubernetes: docs/scale-out.md.`),
    (args) =>
      handle(async () =>
        (await import('./commands/merge.js')).mergeCommand(
          {
            parts: list(args.part),
            out: optional(args.out) ?? 'reports/',
            json: args.json === true,
            report: args.report !== false,
            junit: optional(args.junit),
            baseline: optional(args.baseline),
            saveBaseline: optional(args['save-baseline']),
            failOnRegression: args['fail-on-regression'] === true,
          },
          io,
        ),
      ),
  );

const validateCommand: CommandDefinition = (cli, handle, io) =>
  cli.command(
    'validate <scenario..>',
    'Check scenario files (and presets) without running them',
    (y) =>
      y
        .positional('scenario', { type: 'string', array: true, description: 'Scenario files or preset names' })
        .options(overrideOptions)
        .example('$0 validate my.yaml', 'Report every problem with file:line:column')
        .example('$0 validate my.yaml --set detector.timeout=2x', 'Check an override too')
        .epilogue(EPILOGUE),
    (args) => handle(async () => (await import('./commands/validate.js')).validateCommand({ scenarios: list(args.scenario), set: list(args.set), seed: optional(args.seed), replications: optional(args.replications) }, io)),
  );

const presetsCommand: CommandDefinition = (cli, handle, io) =>
  cli.command(
    'presets [name]',
    'List the built-in scenarios, or print one',
    (y) =>
      y
        .positional('name', { type: 'string', description: 'A preset to print as YAML' })
        .example('$0 presets', 'List presets with a one-line description')
        .example('$0 presets k8s > my-cluster.yaml', 'Start your own scenario from a preset')
        .epilogue(EPILOGUE),
    (args) => handle(async () => (await import('./commands/presets.js')).presetsCommand({ name: optional(args.name) }, io)),
  );

const tuneCommand: CommandDefinition = (cli, handle, io) =>
  cli.command(
    'tune [scenario]',
    'Search parameters for the cheapest setting meeting targets (sequential testing); write <out>/<name>.tune.json',
    (y) =>
      y
        .positional('scenario', { type: 'string', description: `A scenario file or preset name (default: ${DEFAULT_PRESET})` })
        .options(overrideOptions)
        .option('target', { type: 'string', description: "A target on a results metric: metric<=bound, e.g. 'detection_latency_ms.p99<=5s' (repeatable; replaces tune.targets)", requiresArg: true })
        .option('minimise', { type: 'string', description: 'The metric to minimise (default: tune.minimise, else messages_per_node_s)', requiresArg: true })
        .option('maximise', { type: 'string', description: 'The metric to maximise instead', requiresArg: true })
        .option('param', { type: 'string', description: "A parameter and its values as a sweep writes them: path=[a, b] or path={from, to, steps, scale} (repeatable; replaces tune.params)", requiresArg: true })
        .option('max-replications', { type: 'string', description: 'Most replications one candidate may get (default: tune.max_replications, else 16)', requiresArg: true })
        .option('rare', { type: 'boolean', default: false, description: 'Judge false-suspicion targets by importance sampling where it applies (rates too rare to observe; docs/tune.md)' })
        .option('out', { type: 'string', default: 'reports/', description: 'Directory for the results file and report', requiresArg: true })
        .option('json', { type: 'boolean', default: false, description: 'Print the results JSON on stdout instead of the answer' })
        .option('report', { type: 'boolean', default: true, description: 'Also write the HTML report <out>/<name>.tune.html (--no-report to skip)' })
        .option('workers', { type: 'string', description: 'Worker threads (default: one per core); results do not depend on it', requiresArg: true })
        .example(
          "$0 tune db-ha --target 'detection_latency_ms.p99<=5s' --target 'false_suspicions.per_node_day<=1' --param 'heartbeat.interval={from: 250ms, to: 4s, steps: 9, scale: log}' --param 'detector.timeout={from: 1.5x, to: 12x, steps: 9, scale: log}'",
          'The fewest messages that detect within 5 s with at most one false suspicion per node-day',
        )
        .epilogue(`${EPILOGUE}\nExit 1 when no setting meets every target. Tuning: docs/tune.md.`),
    (args) =>
      handle(async () =>
        (await import('./commands/tune.js')).tuneCommand(
          {
            scenario: optional(args.scenario),
            targets: list(args.target),
            minimise: optional(args.minimise),
            maximise: optional(args.maximise),
            params: list(args.param),
            maxReplications: optional(args['max-replications']),
            rare: args.rare === true,
            out: optional(args.out) ?? 'reports/',
            json: args.json === true,
            report: args.report !== false,
            workers: optional(args.workers),
            set: list(args.set),
            seed: optional(args.seed),
            replications: optional(args.replications),
          },
          io,
          io.signal,
        ),
      ),
  );

const configureCommand: CommandDefinition = (cli, handle, io) =>
  cli.command(
    'configure [scenario]',
    "Chen's procedure: the largest heartbeat interval and NFD-S shift meeting detection and accuracy targets on a scenario's link",
    (y) =>
      y
        .positional('scenario', { type: 'string', description: 'Scenario file or preset whose link (loss, delay) to use' })
        .options(overrideOptions)
        .option('detection-bound', { type: 'string', description: 'Crashes detected within this (T_D^U)', requiresArg: true })
        .option('mistake-recurrence', { type: 'string', description: 'At most one false suspicion per this, on average (T_MR^L)', requiresArg: true })
        .option('mistake-duration', { type: 'string', description: 'False suspicions last at most this, on average (T_M^U)', requiresArg: true })
        .option('simulate', { type: 'boolean', default: true, description: "Also simulate the suggestion on the scenario as written, faults included, beside the closed form's i.i.d. prediction (--no-simulate to skip)" })
        .example('$0 configure db-ha --detection-bound 2s --mistake-recurrence 1d --mistake-duration 1s', 'Interval and shift for the db-ha link')
        .epilogue(EPILOGUE),
    (args) =>
      handle(async () =>
        (await import('./commands/configure.js')).configureCommand(
          {
            scenario: optional(args.scenario),
            set: list(args.set),
            seed: optional(args.seed),
            replications: optional(args.replications),
            detectionBound: optional(args['detection-bound']),
            mistakeRecurrence: optional(args['mistake-recurrence']),
            mistakeDuration: optional(args['mistake-duration']),
            simulate: args.simulate !== false,
          },
          io,
        ),
      ),
  );

const replayCommand: CommandDefinition = (cli, handle, io) =>
  cli.command(
    'replay <log>',
    'Feed a recorded heartbeat log through detector settings and list when each would have suspected which node',
    (y) =>
      y
        .positional('log', { type: 'string', description: 'CSV of node,arrival[,seq,sent] or a Cassandra dumpInterArrivalTimes file' })
        .options(overrideOptions)
        .option('scenario', { type: 'string', description: 'Scenario or preset whose detector (and detector sweep) to replay with; default: a 3x timeout', requiresArg: true })
        .option('format', { type: 'string', description: 'csv or cassandra (default: cassandra for .dat/.txt, csv otherwise)', requiresArg: true })
        .option('unit', { type: 'string', description: 'Time unit of numeric log times: s, ms, us or ns (default: inferred from epoch-sized timestamps, else s for CSV and ns for Cassandra; a reading that gives an implausible heartbeat interval is refused)', requiresArg: true })
        .option('crash', { type: 'string', description: 'Mark a real crash: node@time, in the log\'s unit (repeatable); otherwise every suspicion counts as false', requiresArg: true })
        .option('out', { type: 'string', default: 'reports/', description: 'Directory for <log>.replay.json and .html', requiresArg: true })
        .option('json', { type: 'boolean', default: false, description: 'Print the results JSON on stdout' })
        .option('report', { type: 'boolean', default: true, description: 'Also write the HTML report (--no-report to skip)' })
        .option('changes', { type: 'number', default: 20, description: 'State changes listed per setting' })
        .example('$0 replay heartbeats.csv --set detector.timeout=5s', 'When would a 5 s timeout have suspected each node?')
        .example("$0 replay heartbeats.csv --set 'sweep.detector.timeout=[2s, 5s, 10s]'", 'Three settings side by side')
        .example('$0 replay failuredetector-123.dat --scenario cassandra', "Cassandra's own inter-arrival dump through Cassandra's detector")
        .epilogue(EPILOGUE),
    (args) =>
      handle(async () =>
        (await import('./commands/replay.js')).replayCommand(
          {
            log: String(args.log),
            scenario: optional(args.scenario),
            format: optional(args.format),
            unit: optional(args.unit),
            crash: list(args.crash),
            out: optional(args.out) ?? 'reports/',
            json: args.json === true,
            report: args.report !== false,
            changes: typeof args.changes === 'number' && Number.isFinite(args.changes) ? Math.max(0, Math.floor(args.changes)) : 20,
            set: list(args.set),
            seed: optional(args.seed),
            replications: optional(args.replications),
          },
          io,
        ),
      ),
  );

/** Every command, in the order `hbsim --help` lists them. */
export const COMMAND_DEFINITIONS: readonly CommandDefinition[] = [runCommand, checkCommand, mergeCommand, validateCommand, presetsCommand, tuneCommand, configureCommand, replayCommand];

/** The command names, for the "Run hbsim <command> --help" hint. */
export const COMMANDS = ['run', 'check', 'merge', 'validate', 'presets', 'configure', 'replay', 'tune'] as const;
