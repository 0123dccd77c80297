/**
 * Two-sample tests for the skipping tests, sized so a correct sampler fails about once
 * in 10 000 runs per comparison (fixed seeds make the suite repeatable anyway).
 */

/** Two-sample Kolmogorov–Smirnov statistic (ties handled: equal values advance together). */
export function ksTwoSample(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const x = Float64Array.from(a).sort();
  const y = Float64Array.from(b).sort();
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < x.length && j < y.length) {
    const v = Math.min(x[i]!, y[j]!);
    while (i < x.length && x[i] === v) i++;
    while (j < y.length && y[j] === v) j++;
    d = Math.max(d, Math.abs(i / x.length - j / y.length));
  }
  return d;
}

/**
 * Critical value of the two-sample KS statistic at level α (asymptotic,
 * c(α) = √(−ln(α/2)/2)); conservative for integer-valued (tied) data.
 */
export function ksCritical(n: number, m: number, alpha = 1e-4): number {
  return Math.sqrt(-Math.log(alpha / 2) / 2) * Math.sqrt((n + m) / (n * m));
}

/**
 * Chi-square test of homogeneity of two histograms (same bins): the statistic and its
 * degrees of freedom. Bins empty in both samples are dropped.
 */
export function chiSquareTwoSample(a: readonly number[], b: readonly number[]): { statistic: number; df: number } {
  const na = a.reduce((s, v) => s + v, 0);
  const nb = b.reduce((s, v) => s + v, 0);
  let statistic = 0;
  let bins = 0;
  for (let k = 0; k < a.length; k++) {
    const total = a[k]! + b[k]!;
    if (total === 0) continue;
    bins++;
    const ea = (total * na) / (na + nb);
    const eb = (total * nb) / (na + nb);
    statistic += (a[k]! - ea) ** 2 / ea + (b[k]! - eb) ** 2 / eb;
  }
  return { statistic, df: bins - 1 };
}

/**
 * Upper critical value of χ² with df degrees of freedom at level 1e-4, by the
 * Wilson–Hilferty cube approximation (z = 3.719 for 1e-4; accurate to a few % for df ≥ 3).
 */
export function chiSquareCritical(df: number): number {
  const z = 3.719;
  const h = 2 / (9 * df);
  return df * (1 - h + z * Math.sqrt(h)) ** 3;
}

/** Mean and its standard error. */
export function meanAndSe(xs: ArrayLike<number>): { mean: number; se: number } {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i]!;
  const mean = s / xs.length;
  let v = 0;
  for (let i = 0; i < xs.length; i++) v += (xs[i]! - mean) ** 2;
  return { mean, se: Math.sqrt(v / (xs.length - 1) / xs.length) };
}
