/** A .json scenario is strict JSON (#14: a trailing comma or a # comment was accepted as YAML). */
import { describe, expect, it } from 'vitest';
import { loadScenarioText } from '../../src/scenarios/load.js';
import { ScenarioError } from '../../src/scenarios/errors.js';

const issueOf = (text: string, file: string) => {
  try {
    loadScenarioText(text, file);
  } catch (e) {
    if (e instanceof ScenarioError) return e.issues[0]!;
    throw e;
  }
  return undefined;
};

describe('.json scenarios', () => {
  it('refuse a trailing comma and a comment, at their line and column', () => {
    expect(issueOf('{"cluster":{"nodes":3,},}', 's.json')).toMatchObject({ file: 's.json', line: 1, column: 23, message: expect.stringMatching(/^not valid JSON: .*strict JSON/) });
    expect(issueOf('{\n  # nodes\n  "cluster": {"nodes": 3}\n}', 's.json')).toMatchObject({ line: 2, column: 3 });
    expect(issueOf('{"cluster": ', 's.json')).toMatchObject({ line: 1, column: 13 });
  });

  it('accept strict JSON, and YAML files keep YAML', () => {
    expect(issueOf('{"cluster": {"nodes": 3}}', 's.json')).toBeUndefined();
    expect(issueOf('{"cluster":{"nodes":3,},}', 's.yaml')).toBeUndefined();
  });
});
