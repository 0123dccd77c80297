/** Measurements shared between suites of one bench run (a workload measured once, read twice). */
import type { BenchContext } from './suite.js';

export function cached<T>(context: BenchContext, key: string, measure: () => T): T {
  if (context.shared.has(key)) return context.shared.get(key) as T;
  const value = measure();
  context.shared.set(key, value);
  return value;
}
