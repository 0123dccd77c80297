/**
 * The `hbsim` entry point (`npm start`, `npm run hbsim`, bin/hbsim.js): runs the
 * command line with the real process and sets the exit code. It never calls
 * process.exit(), so stdout is fully flushed even into a pipe.
 */
import { processIo } from './io.js';
import { toolVersion } from '../results/tool-version.js';

const argv = process.argv.slice(2);
if (argv.length === 1 && argv[0] === '--version') {
  // Scripts call `hbsim --version` to check what is installed; it needs neither the
  // argument parser (~60-100 ms to load) nor the simulator.
  process.stdout.write(`${toolVersion()}\n`);
} else {
  const { runCli } = await import('./cli.js');
  process.exitCode = await runCli(argv, processIo());
}
