/**
 * The cluster (its nodes and the monitor), the heartbeat schedule, and node
 * selectors: which nodes a fault or a link class applies to.
 */
import { z } from 'zod';
import { nodeNamesOf } from '../../results/node-names.js';
import { jitterSchema } from './distributions.js';
import { expects, MAX_NODES, meta, name, positiveDuration } from './leaves.js';

export const nodeListSchema = z.array(name('A node name.'), expects('a list of node names')).min(1, expects('at least one node name')).max(MAX_NODES);

export const nodeSelectorSchema = (description = 'Which nodes the fault applies to: `all`, one name, or a list of names from `cluster`.') =>
  z
    .union([z.literal('all'), name('A node name.'), nodeListSchema], expects('"all", a node name or a list of node names'))
    .meta(meta({ description, type: '"all", name or list' }));

export type NodeSelectorSpec = 'all' | string | readonly string[];

/** The node names a `cluster.nodes` value stands for, sorted (their order fixes the engine's indices). */
export { nodeNamesOf };

/** The names a node selector stands for, or null for `all`. */
export function selectedNames(selector: NodeSelectorSpec): readonly string[] | null {
  if (selector === 'all') return null;
  return typeof selector === 'string' ? [selector] : selector;
}

export const clusterSchema = z.strictObject({
  nodes: z
    .union([z.int().min(1).max(MAX_NODES), nodeListSchema], expects(`a node count (1 to ${MAX_NODES}) or a list of node names`))
    .meta(meta({ description: 'Monitored nodes: a count (named node-01, node-02, … zero-padded so they sort) or a list of names. Each node sends heartbeats over its own link to the monitor.', type: 'integer or list of names' }))
    .prefault(10),
  monitor: name('Name of the observer that receives the heartbeats and runs the detector.').prefault('monitor'),
});

export const heartbeatSchema = z.strictObject({
  interval: positiveDuration('Nominal time between two heartbeats of one node (for `pull_check`, between two probes). Shorter intervals detect sooner and send more messages.').prefault('1s'),
  jitter: jitterSchema.prefault({ dist: 'constant', value: 0 }),
});
