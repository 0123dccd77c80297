/**
 * `hbsim configure [SCENARIO] --detection-bound D --mistake-recurrence R --mistake-duration M`:
 * Chen, Toueg & Aguilera's configuration procedure for NFD-S (IEEE Trans. Computers 2002). Given
 * the scenario's link (its average loss and delay law) and three QoS targets — crashes
 * detected within D, at most one mistake per R on average, mistakes lasting at most M
 * on average — it finds the largest heartbeat interval η and the shift δ = D − η that
 * meet them (scanning η, since the bound is not monotone in η), and checks the result
 * forward with the closed form. The answer is rounded to whole milliseconds (interval
 * down, shift down, so the detection bound still holds) and re-checked, then given as a
 * fixed timeout (what most systems have) and in the scenario's `knobs:` settings.
 */
import { configureNfds, nfdsQos } from '../../analytic/index.js';
import { averageLinkLoss } from '../../analytic/loss.js';
import { build } from '../../scenarios/build.js';
import { knobsText, renderKnobs } from '../../scenarios/knobs.js';
import { withSets } from '../../scenarios/load.js';
import { parseSet } from '../../scenarios/sets.js';
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

/** "3.2 days", "41 years", or "longer than a million years" (the rate no run can show). */
function longDuration(seconds: number): string {
  const years = seconds / (365.25 * 86_400);
  if (!Number.isFinite(seconds) || years > 1e6) return 'more than a million years';
  if (years >= 1) return `${years.toPrecision(3)} years`;
  if (seconds >= 86_400) return `${(seconds / 86_400).toPrecision(3)} days`;
  if (seconds >= 3600) return `${(seconds / 3600).toPrecision(3)} hours`;
  return `${seconds.toPrecision(3)} s`;
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
  // Settings a real system accepts: whole milliseconds. Rounding both down keeps the
  // detection bound η + δ ≤ D; the forward check below is of the rounded values.
  const intervalUs = Math.max(1000, Math.floor(result.intervalUs / 1000) * 1000);
  const shiftUs = Math.max(0, Math.floor((detectionBoundUs - intervalUs) / 1000) * 1000);
  const check = nfdsQos({ intervalUs, shiftUs, lossProbability, delay });
  const meets = check.meanMistakeRecurrenceS * 1e6 >= recurrenceUs && check.meanMistakeDurationS * 1e6 <= durationUs;
  out.write(`NFD-S (Chen, Toueg & Aguilera): heartbeat interval ${formatDuration(intervalUs)}, shift δ ${formatDuration(shiftUs)} (whole milliseconds; exact ${formatDuration(result.intervalUs)} and ${formatDuration(result.shiftUs)})\n`);
  out.write(
    `Forward check: detection ≤ ${formatDuration(check.detectionBoundUs)}, one mistake every ${longDuration(check.meanMistakeRecurrenceS)} on average, ` +
      `lasting ${(check.meanMistakeDurationS * 1000).toPrecision(3)} ms on average, P_A = ${check.queryAccuracy.toPrecision(8)}${meets ? '' : ' (the rounding costs a target: round by hand with care)'}\n\n`,
  );
  // A fixed timeout counted from the last arrival detects a crash within timeout + that
  // heartbeat's delay; η + δ − base delay gives the same bound when delays sit at their base.
  const timeoutUs = Math.max(intervalUs + 1000, Math.ceil((intervalUs + shiftUs - delay.baseUs) / 1000) * 1000);
  out.write('As scenario fields (independent loss and delay only: check them with hbsim run, which adds your faults):\n');
  out.write(`heartbeat: { interval: ${formatDuration(intervalUs)} }\n`);
  out.write(`detector: { kind: nfd_s, shift: ${formatDuration(shiftUs)} }\n`);
  out.write(`or, as a fixed timeout (counted from the last heartbeat received; detection within it plus one delay):\n`);
  out.write(`detector: { kind: timeout, timeout: ${formatDuration(timeoutUs)} }\n`);
  const knobs = loaded!.scenario.knobs;
  if (knobs !== undefined) {
    const fixed = withSets(loaded!, [parseSet(`heartbeat.interval=${intervalUs}us`, 'configure'), parseSet(`detector={kind: timeout, timeout: ${timeoutUs}us}`, 'configure')]);
    const rendered = renderKnobs(knobs, fixed.scenario);
    if (rendered.settings.length > 0) out.write(`\nIn ${rendered.system}'s own settings (the fixed timeout):\n${knobsText(rendered, true)}\n`);
  }
  return ExitCode.ok;
}
