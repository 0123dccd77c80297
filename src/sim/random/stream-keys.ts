/**
 * Every stream key of the simulator, spelled once. A key names the entity that owns
 * a stream and the purpose it draws for; keys are names, never creation order, so
 * adding a node, a link or a fault rule leaves every other stream untouched (see
 * streams.ts). Changing a spelling here changes every result: the golden files and
 * CI baselines pin them.
 */

/** A directed link's stream: `link/<from>><to>/<purpose>` (delay, loss, duplicate, …). */
export function linkStreamKey(fromName: string, toName: string, purpose: string): string {
  return `link/${fromName}>${toName}/${purpose}`;
}

/** A node's own stream: `node/<name>/<purpose>` (phase, jitter, or a protocol's own purpose). */
export function nodeStreamKey(name: string, purpose: string): string {
  return `node/${name}/${purpose}`;
}

/** An (observer, target) pair's stream, named by its target: `pair/<target>/<purpose>`. */
export function pairStreamKey(targetName: string, purpose: string): string {
  return `pair/${targetName}/${purpose}`;
}

/** A fault rule's stream: `fault/<rule>-<kind>/<member>` (member: node/<name>, observer, group). */
export function faultStreamKey(rule: number, kind: string, member: string): string {
  return `fault/${rule}-${kind}/${member}`;
}

/** A fault rule's per-node extra-delay stream (slow I/O, CPU starvation). */
export function faultDelayStreamKey(rule: number, kind: string, nodeName: string): string {
  return `fault/${rule}-${kind}/node/${nodeName}/delay`;
}

/** A crash rule's stream: `crash/<rule>/<member>` (member: node/<name> or rack/<k>). */
export function crashStreamKey(rule: number, member: string): string {
  return `crash/${rule}/${member}`;
}

/** The member part of fault and crash keys. */
export const memberOfNode = (name: string): string => `node/${name}`;
export const memberOfRack = (rack: number): string => `rack/${rack}`;

/** A stream of the pair in which `observer` watches `target`: `pair/<observer>><target>/<purpose>`. */
export function observedPairStreamKey(observerName: string, targetName: string, purpose: string): string {
  return `pair/${observerName}>${targetName}/${purpose}`;
}

/** The monitor's crash onsets (issue #13, monitor failover). */
export function monitorFailoverStreamKey(monitorName: string): string {
  return `monitor/${monitorName}/failover`;
}
