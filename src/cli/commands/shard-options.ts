/**
 * Which shard this process computes (docs/scale-out.md): `--shard i/n` (counted from
 * 1, like Jest's and Playwright's), or the count from `--shard-count n` /
 * HBSIM_SHARD_COUNT with the index from the environment: HBSIM_SHARD_INDEX (1..n, what
 * a CI matrix sets) or JOB_COMPLETION_INDEX (0..n−1, what Kubernetes sets in each pod
 * of an Indexed Job).
 */
import { MAX_SHARDS, type ShardSpec } from '../../sweep/shard.js';
import { UsageError } from '../io.js';

export interface ShardOptions {
  readonly shard?: string;
  readonly shardCount?: string;
}

const wholeNumber = (text: string) => (/^\s*\d+\s*$/.test(text) ? Number(text) : NaN);

function count(text: string, where: string): number {
  const n = wholeNumber(text);
  if (!Number.isInteger(n) || n < 1 || n > MAX_SHARDS) throw new UsageError(`${where} ${JSON.stringify(text)}: expected a whole number of shards from 1 to ${MAX_SHARDS}`);
  return n;
}

export function shardOf(options: ShardOptions, env: Readonly<Record<string, string | undefined>>): ShardSpec | undefined {
  const set = (v: string | undefined): v is string => v !== undefined && v.trim() !== '';
  if (options.shard !== undefined) {
    if (options.shardCount !== undefined) throw new UsageError('give either --shard i/n or --shard-count n (with the index from the environment), not both');
    const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(options.shard);
    if (!m) throw new UsageError(`--shard ${options.shard}: expected i/n, e.g. --shard 2/4 for the second of four shards (counted from 1)`);
    const n = count(m[2]!, '--shard count');
    const i = Number(m[1]);
    if (i < 1 || i > n) throw new UsageError(`--shard ${options.shard}: the index must be from 1 to ${n} (shards are counted from 1)`);
    return { index: i, count: n };
  }
  const countText = options.shardCount ?? (set(env.HBSIM_SHARD_COUNT) ? env.HBSIM_SHARD_COUNT : undefined);
  if (countText === undefined) return undefined;
  const where = options.shardCount !== undefined ? '--shard-count' : 'HBSIM_SHARD_COUNT';
  const n = count(countText, where);
  const fromMatrix = set(env.HBSIM_SHARD_INDEX) ? wholeNumber(env.HBSIM_SHARD_INDEX) : undefined;
  const fromJob = set(env.JOB_COMPLETION_INDEX) ? wholeNumber(env.JOB_COMPLETION_INDEX) : undefined;
  if (fromMatrix !== undefined && (!Number.isInteger(fromMatrix) || fromMatrix < 1 || fromMatrix > n)) {
    throw new UsageError(`HBSIM_SHARD_INDEX=${env.HBSIM_SHARD_INDEX}: expected a shard index from 1 to ${n} (counted from 1)`);
  }
  if (fromJob !== undefined && (!Number.isInteger(fromJob) || fromJob < 0 || fromJob >= n)) {
    throw new UsageError(`JOB_COMPLETION_INDEX=${env.JOB_COMPLETION_INDEX}: expected a completion index from 0 to ${n - 1} for ${n} shards (set the Job's completions to ${n})`);
  }
  if (fromMatrix !== undefined && fromJob !== undefined && fromMatrix !== fromJob + 1) {
    throw new UsageError(`HBSIM_SHARD_INDEX=${fromMatrix} and JOB_COMPLETION_INDEX=${fromJob} name different shards (${fromMatrix} and ${fromJob + 1} of ${n}); unset one`);
  }
  const index = fromMatrix ?? (fromJob === undefined ? undefined : fromJob + 1);
  if (index === undefined) {
    throw new UsageError(`${where} ${n} needs this process's shard index: --shard i/${n}, HBSIM_SHARD_INDEX (1..${n}, e.g. from a CI matrix) or JOB_COMPLETION_INDEX (0..${n - 1}, set by a Kubernetes Indexed Job)`);
  }
  return { index, count: n };
}
