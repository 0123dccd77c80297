/**
 * SWIM's links: one per sender and link class (swim-core.ts linkOf picks it), so
 * nothing is drawn per pair at 10 000 members.
 */
import type { LinkConfig, SimConfig } from '../../config.js';
import { selectNodes } from '../../faults/faults.js';
import { LinkTable } from '../../network/links.js';
import type { SeedRoot, StreamBank } from '../../random/streams.js';
import { linkStreamKey } from '../../random/stream-keys.js';

/**
 * Link classes: a member's class is the last override naming it; a message between two
 * members of one class uses that class's link, any other the default `link`. Streams
 * are per sender and class, not per pair (key `link/<sender>>*` + class + purpose).
 */
export function linkClasses(config: SimConfig, bank: StreamBank, root: SeedRoot): { links: LinkTable; nodeClass: Int32Array; classCount: number } {
  const names = config.nodeNames;
  const n = names.length;
  const profiles: LinkConfig[] = [config.link];
  const nodeClass = new Int32Array(n);
  for (const o of config.linkOverrides ?? []) {
    const link = o.toObserver ?? o.fromObserver;
    if (!link) continue;
    profiles.push(link);
    for (const node of selectNodes(o.nodes, names)) nodeClass[node] = profiles.length - 1;
  }
  const classCount = profiles.length;
  const profileOfLink = new Uint16Array(n * classCount);
  for (let node = 0; node < n; node++) for (let c = 0; c < classCount; c++) profileOfLink[node * classCount + c] = c;
  const classKey = (c: number) => (c === 0 ? 'default' : `class-${c}`);
  const links = new LinkTable(bank, root, profiles, profileOfLink, (link, purpose) =>
    linkStreamKey(names[Math.floor(link / classCount)]!, '*', `${classKey(link % classCount)}/${purpose}`),
  );
  return { links, nodeClass, classCount };
}

