/**
 * The transition log of one sample run, as plain records for the results file and
 * the report's timeline: what the observer believed about each node and when, with
 * the true crashes and recoveries in between.
 */
import { CAUSE_NAMES, LogKind, type TransitionLog } from '../sim/metrics/recorder.js';
import { STATUS_NAMES, type StatusName } from '../sim/status.js';

export type TimelineEntry =
  | { readonly t_ms: number; readonly node: string; readonly event: 'verdict'; readonly from: StatusName; readonly to: StatusName; readonly cause: string }
  | { readonly t_ms: number; readonly node: string; readonly event: 'crash' | 'recover' };

export interface Timeline {
  readonly entries: readonly TimelineEntry[];
  /** Entries beyond the log limit that were not kept. */
  readonly dropped: number;
}

export function timelineOf(log: TransitionLog, nodeNameOfPair: (pair: number) => string): Timeline {
  const entries: TimelineEntry[] = [];
  for (let i = 0; i < log.length; i++) {
    const t_ms = log.timeUs[i]! / 1000;
    const node = nodeNameOfPair(log.pair[i]!);
    const kind = log.kind[i]!;
    if (kind === LogKind.verdict) {
      entries.push({
        t_ms,
        node,
        event: 'verdict',
        from: STATUS_NAMES[log.from[i]!]!,
        to: STATUS_NAMES[log.to[i]!]!,
        cause: CAUSE_NAMES[log.cause[i]!]!,
      });
    } else {
      entries.push({ t_ms, node, event: kind === LogKind.crash ? 'crash' : 'recover' });
    }
  }
  return { entries, dropped: log.dropped };
}
