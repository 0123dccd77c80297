/**
 * The `hbsim` command line: yargs declares the commands and options (command-definitions.ts); each command
 * is a function of its options and a `CliIo`, loaded only when used (so `--help`
 * does not pay for the simulator). `runCli` never throws and never
 * exits: it returns the exit code (docs/cli.md), so main.ts sets it and tests can
 * run the CLI in-process. Scenario problems and usage errors print one line each
 * and give 2; anything unexpected is a bug and gives 3, with the stack trace only
 * under HBSIM_DEBUG=1.
 */
import yargs, { type Argv } from 'yargs';
import { FileReadError } from '../io/bounded-read.js';
import { OutputError } from '../io/output-pair.js';
import { ScenarioError } from '../scenarios/errors.js';
import { DEFAULT_PRESET } from '../scenarios/presets/index.js';
import { COMMAND_DEFINITIONS, COMMANDS, EPILOGUE, type Handle } from './command-definitions.js';
import { ExitCode } from './exit-codes.js';
import { UsageError, type CliIo } from './io.js';
import { terminalSafe } from './terminal-text.js';
import { startChartWorkerEarly } from './chart-worker.js';
import { toolVersion } from '../results/tool-version.js';

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  // The report's chart thread warms vega up on a spare core while the arguments are parsed and the command loads.
  startChartWorkerEarly(argv, io.env);
  let code: number | undefined;
  const handle = async (command: () => number | Promise<number>) => {
    code = await guarded(command, io);
  };
  const cli = withoutHelpCache(parser(argv, handle, io));
  let output = '';
  try {
    await cli.parseAsync([...argv], {}, (_error, _args, text) => {
      output = text;
    });
  } catch (e) {
    if (code !== undefined) return code;
    return usageError(e instanceof Error ? e.message : String(e), argv, io);
  }
  if (output !== '') io.stdout.write(`${output}\n`);
  return code ?? ExitCode.ok;
}

/** The parser: every command (command-definitions.ts), the general examples and yargs' settings. */
export function parser(argv: readonly string[], handle: Handle, io: CliIo): Argv {
  let cli: Argv = yargs([...argv])
    .scriptName('hbsim')
    .usage('$0 <command> [options]\n\nSimulate heartbeat failure detectors and measure detection time against false suspicions.');
  for (const define of COMMAND_DEFINITIONS) cli = define(cli, handle, io);
  return cli
    .example('$0 run', `Run the default scenario (${DEFAULT_PRESET}) and write reports/${DEFAULT_PRESET}.json`)
    .example('$0 run k8s --set link.loss=1%', 'Run a preset with more loss')
    .example('$0 check my.yaml --junit reports/hbsim.xml', "Fail (exit 1) when a scenario's expect: thresholds are breached")
    .example('$0 validate my.yaml', 'Check a scenario file')
    .example('$0 presets', 'List the presets')
    .epilogue(EPILOGUE)
    .demandCommand(1, 'no command given')
    .recommendCommands()
    .strict()
    .help()
    .alias('h', 'help')
    .version(toolVersion())
    .exitProcess(false)
    .fail(false)
    .wrap(Math.min(100, io.stdout.columns ?? 100));
}

/**
 * yargs renders the whole help text of a command (every option, wrapped to the
 * terminal: ~90 ms, the largest part of yargs' cost) each time it runs one, and keeps
 * it for a later `showHelp()` from inside the handler. Our handlers never call it, and
 * `--help` is answered before any handler runs (it renders its own text), so the cache
 * is turned off. yargs is pinned (package.json), and test/cli/help-text.test.ts checks
 * both that the hook is still there and that the help texts are unchanged.
 */
export function withoutHelpCache(cli: Argv): Argv {
  const usage = (cli as unknown as { getInternalMethods(): { getUsageInstance(): { cacheHelpMessage?: () => void } } }).getInternalMethods().getUsageInstance();
  // Should a yargs upgrade drop the hook, the CLI still works (only slower); the test fails.
  if (typeof usage.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => {};
  return cli;
}

function usageError(message: string, argv: readonly string[], io: CliIo): number {
  const command = COMMANDS.find((c) => c === argv[0]);
  io.stderr.write(`hbsim: ${terminalSafe(message)}\nRun "hbsim ${command === undefined ? '' : `${command} `}--help" for usage.\n`);
  return ExitCode.badInput;
}

/** Runs a command and turns whatever it throws into an exit code and a message. */
async function guarded(command: () => number | Promise<number>, io: CliIo): Promise<number> {
  try {
    return await command();
  } catch (e) {
    if (e instanceof ScenarioError) {
      // common.js pulls in the scenario loader (zod, yaml): loaded only to print a scenario error.
      (await import('./commands/common.js')).printIssues(io, e.issues, 'error');
      return ExitCode.badInput;
    }
    if (e instanceof UsageError || e instanceof OutputError || e instanceof FileReadError) {
      io.stderr.write(`hbsim: ${terminalSafe(e.message)}\n`);
      return ExitCode.badInput;
    }
    const message = terminalSafe(e instanceof Error ? e.message.split('\n')[0]! : String(e));
    const debug = io.env.HBSIM_DEBUG !== undefined && io.env.HBSIM_DEBUG !== '' && io.env.HBSIM_DEBUG !== '0';
    io.stderr.write(`hbsim: internal error: ${message}\n`);
    io.stderr.write(debug && e instanceof Error && e.stack ? `${e.stack}\n` : 'This is a bug in hbsim. Run again with HBSIM_DEBUG=1 to see the stack trace, and please report it.\n');
    return ExitCode.internalError;
  }
}
