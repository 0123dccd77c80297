/**
 * `hbsim configure [SCENARIO] --detection-bound D --mistake-recurrence R --mistake-duration M`:
 * Chen, Toueg & Aguilera's configuration procedure for NFD-S (reference §1.5a). Given
 * the scenario's link (its average loss and delay law) and three QoS targets — crashes
 * detected within D, at most one mistake per R on average, mistakes lasting at most M
 * on average — it finds the largest heartbeat interval η and the shift δ = D − η that
 * meet them (scanning η, since the bound is not monotone in η), and checks the result
 * forward with the closed form.
 */
import { configureNfds, nfdsQos } from '../../analytic/index.js';
import { averageLinkLoss } from '../../analytic/loss.js';
import { build } from '../../scenarios/build.js';
import { formatDuration, parseDurationUs } from '../../scenarios/units.js';
import { ExitCode } from '../exit-codes.js';
import { UsageError, type CliIo } from '../io.js';
import { loadScenarios, overridesFrom, type OverrideOptions } from './common.js';

export interface ConfigureOptions extends OverrideOptions {
  readonly scenario: string | undefined;
  readonly detectionBound: string | undefined;
  readonly mistakeRecurrence: string | undefined;
  readonly mistakeDuration: string | undefined;
}

function duration(text: string | undefined, option: string): number {
  if (text === undefined) throw new UsageError(`${option} is required (a duration such as 2s, 1d)`);
  const parsed = parseDurationUs(text);
  if (!parsed.ok) throw new UsageError(`${option} ${text}: expected a duration such as 2s, 500ms or 1d${parsed.reason === '' ? '' : ` (${parsed.reason})`}`);
  if (!(parsed.value > 0)) throw new UsageError(`${option} must be greater than 0`);
  return parsed.value;
}

export function configureCommand(options: ConfigureOptions, io: CliIo): number {
  const detectionBoundUs = duration(options.detectionBound, '--detection-bound');
  const recurrenceUs = duration(options.mistakeRecurrence, '--mistake-recurrence');
  const durationUs = duration(options.mistakeDuration, '--mistake-duration');
  const [loaded] = loadScenarios(options.scenario === undefined ? [] : [options.scenario], overridesFrom(options));
  const { config } = build(loaded!.scenario);
  const lossProbability = averageLinkLoss(config.link);
  const delay = config.link.delay;
  const result = configureNfds({
    detectionBoundUs,
    mistakeRecurrenceLowerS: recurrenceUs / 1e6,
    mistakeDurationUpperS: durationUs / 1e6,
    lossProbability,
    delay,
  });
  const out = io.stdout;
  out.write(`Link of ${loaded!.source}: ${(lossProbability * 100).toPrecision(3)} % loss, delay ${formatDuration(delay.baseUs)} + ${delay.random.kind}\n`);
  out.write(`Targets: detection within ${formatDuration(detectionBoundUs)}, one mistake per ${formatDuration(recurrenceUs)} at most, mistakes of ${formatDuration(durationUs)} at most (means)\n\n`);
  if ('unreachable' in result) {
    out.write(`Unreachable: ${result.unreachable}\n`);
    return ExitCode.checkFailed;
  }
  const check = nfdsQos({ intervalUs: result.intervalUs, shiftUs: result.shiftUs, lossProbability, delay });
  out.write(`NFD-S (Chen, Toueg & Aguilera §1.5a): heartbeat interval ${formatDuration(result.intervalUs)}, shift δ ${formatDuration(result.shiftUs)}\n`);
  out.write(
    `Forward check: detection ≤ ${formatDuration(check.detectionBoundUs)}, E(T_MR) = ${check.meanMistakeRecurrenceS.toPrecision(4)} s, ` +
      `E(T_M) = ${(check.meanMistakeDurationS * 1000).toPrecision(4)} ms, P_A = ${check.queryAccuracy.toPrecision(8)}\n\n`,
  );
  out.write('As scenario fields (the i.i.d. model: check it with hbsim run, which adds your faults):\n');
  out.write(`heartbeat: { interval: ${formatDuration(result.intervalUs)} }\n`);
  out.write(`detector: { kind: nfd_s, shift: ${formatDuration(result.shiftUs)} }\n`);
  return ExitCode.ok;
}
