/**
 * The `hbsim` entry point (`npm start`, `npm run hbsim`, bin/hbsim.js): runs the
 * command line with the real process and sets the exit code. It never calls
 * process.exit(), so stdout is fully flushed even into a pipe.
 */
import { runCli } from './cli.js';
import { processIo } from './io.js';

process.exitCode = await runCli(process.argv.slice(2), processIo());
