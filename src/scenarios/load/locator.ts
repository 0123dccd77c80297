/**
 * Where a field's value came from: the line and column of the file (from the YAML
 * document's node ranges; zod knows only paths), or the `--set` that wrote it. An
 * override's value has no line, so problems inside it point at the `--set`.
 */
import { isAlias, isMap, isScalar, isSeq, type Node as YamlNode } from 'yaml';
import type { ScenarioIssue } from '../errors.js';
import type { PathSegment, SetOverride } from '../sets.js';
import type { ScenarioOrigin } from './origin.js';

type Location = Pick<ScenarioIssue, 'line' | 'column' | 'set'>;

/** Maps a field path to the place that gave it its value: a `--set`, or a line and column of the file. */
export class Locator {
  readonly file: string;
  private readonly origin: ScenarioOrigin;

  constructor(origin: ScenarioOrigin) {
    this.origin = origin;
    this.file = origin.file;
  }

  atOffset(offset: number): Location {
    const pos = this.origin.lines.linePos(offset);
    return { line: pos.line, column: pos.col };
  }

  /** `key`: point at the field's name rather than its value (for unknown fields). */
  locate(path: readonly PathSegment[], key = false): Location {
    const sets = this.origin.sets;
    const blame = (set: SetOverride): Location => (set.at === undefined ? { set: set.label } : { line: set.at.line, column: set.at.column });
    for (let i = sets.length - 1; i >= 0; i--) {
      if (startsWith(path, sets[i]!.path)) return blame(sets[i]!);
    }
    const found = this.find(path);
    if (!found.complete) {
      // The field is not in the file: an override that created it is the better culprit.
      for (let i = sets.length - 1; i >= 0; i--) {
        if (startsWith(sets[i]!.path, path) && sets[i]!.path.length > 0) return blame(sets[i]!);
      }
    }
    const offset = key || !found.complete ? (found.keyOffset ?? found.valueOffset) : (found.valueOffset ?? found.keyOffset);
    return offset === undefined ? { line: 1, column: 1 } : this.atOffset(offset);
  }

  /** Walks the YAML nodes along `path`, as far as they go. */
  private find(path: readonly PathSegment[]): { complete: boolean; keyOffset?: number; valueOffset?: number } {
    const yaml = this.origin.yaml;
    let node: unknown = yaml?.contents;
    let keyOffset: number | undefined;
    for (const segment of path) {
      if (isAlias(node) && yaml) node = node.resolve(yaml);
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
        if (!pair) return { complete: false, ...offsets(keyOffset, node) };
        keyOffset = (pair.key as YamlNode).range?.[0];
        node = pair.value;
      } else if (isSeq(node) && typeof segment === 'number' && segment < node.items.length) {
        node = node.items[segment];
        keyOffset = (node as YamlNode | null)?.range?.[0];
      } else {
        return { complete: false, ...offsets(keyOffset, node) };
      }
    }
    return { complete: true, ...offsets(keyOffset, node) };
  }
}

function offsets(keyOffset: number | undefined, node: unknown): { keyOffset?: number; valueOffset?: number } {
  const range = (node as YamlNode | null | undefined)?.range;
  const valueOffset = range !== undefined && range !== null && !(isScalar(node) && node.value === null && range[0] === range[1]) ? range[0] : undefined;
  return { ...(keyOffset === undefined ? {} : { keyOffset }), ...(valueOffset === undefined ? {} : { valueOffset }) };
}

export function startsWith(path: readonly PathSegment[], prefix: readonly PathSegment[]): boolean {
  return prefix.length <= path.length && prefix.every((s, i) => String(s) === String(path[i]));
}
