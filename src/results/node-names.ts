/**
 * The names of a scenario's monitored nodes: one rule for the engine's node list, the
 * results file and the report (which must draw a node that did nothing, not only those
 * that appear in the transition log).
 */
export function nodeNamesOf(nodes: number | readonly string[]): string[] {
  if (typeof nodes !== 'number') return [...nodes].sort();
  const width = Math.max(2, String(nodes).length);
  return Array.from({ length: nodes }, (_, i) => `node-${String(i + 1).padStart(width, '0')}`);
}

/** The monitored nodes a results file describes: a replayed log's own names, else the scenario's cluster; [] when it says neither. */
export function monitoredNodesOf(scenario: unknown): string[] {
  if (typeof scenario !== 'object' || scenario === null) return [];
  const s = scenario as { replay?: { node_names?: unknown }; cluster?: { nodes?: unknown } };
  const logged = s.replay?.node_names;
  if (Array.isArray(logged) && logged.every((n) => typeof n === 'string')) return [...(logged as string[])];
  const nodes = s.cluster?.nodes;
  if (typeof nodes === 'number' && Number.isSafeInteger(nodes) && nodes > 0 && nodes <= 1_000_000) return nodeNamesOf(nodes);
  if (Array.isArray(nodes) && nodes.every((n) => typeof n === 'string')) return nodeNamesOf(nodes as string[]);
  return [];
}
