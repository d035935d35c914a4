/**
 * The pacer's estimates, pure: confidence bounds on a measured share and empirical
 * duration distributions (how likely something that has lasted `s` seconds ends within
 * the next `h`).
 */

/** One-sided 95%: the bound the pacer leans on errs toward fewer lines 19 times in 20. */
export const Z = 1.645;

export interface Bounds {
  low: number;
  high: number;
}

/** Wilson score interval of `hits` out of `n`; the whole [0, 1] with no sample. */
export function wilson(hits: number, n: number, z = Z): Bounds {
  if (n <= 0) return { low: 0, high: 1 };
  const p = hits / n;
  const z2 = z * z;
  const centre = p + z2 / (2 * n);
  const half = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  const d = 1 + z2 / n;
  return { low: Math.max(0, (centre - half) / d), high: Math.min(1, (centre + half) / d) };
}

/** Standard normal density and distribution function (Abramowitz–Stegun 7.1.26, |error| < 1.5e-7). */
export function phi(x: number): number {
  return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
}

export function Phi(x: number): number {
  const t = 1 / (1 + 0.3275911 * (Math.abs(x) / Math.SQRT2));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-(x * x) / 2);
  return x >= 0 ? 0.5 * (1 + y) : 0.5 * (1 - y);
}

/** E[max(D, 0)] for D ~ Normal(mean, sd²). */
export function expectedExcess(mean: number, sd: number): number {
  if (sd <= 1e-9) return Math.max(0, mean);
  const z = mean / sd;
  return mean * Phi(z) + sd * phi(z);
}

/**
 * Durations measured (seconds), as an empirical distribution. Without samples it falls
 * back to `fallbackMean` seconds, memoryless.
 */
export class Durations {
  private readonly sorted: number[];
  readonly mean: number;
  private readonly memo = new Map<number, number>();

  constructor(samples: readonly number[], fallbackMean: number) {
    this.sorted = samples.filter((s) => Number.isFinite(s) && s >= 0).sort((a, b) => a - b);
    this.mean = this.sorted.length ? this.sorted.reduce((n, s) => n + s, 0) / this.sorted.length : fallbackMean;
  }

  get size(): number {
    return this.sorted.length;
  }

  /** Share of the samples at most `x`. */
  cdf(x: number): number {
    const a = this.sorted;
    if (!a.length) return x <= 0 ? 0 : 1 - Math.exp(-x / this.mean);
    let lo = 0;
    let hi = a.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (a[mid] <= x) lo = mid + 1;
      else hi = mid;
    }
    return lo / a.length;
  }

  /** The value below which `q` of the samples lie. */
  quantile(q: number): number {
    const a = this.sorted;
    if (!a.length) return -Math.log(1 - Math.min(0.999, q)) * this.mean;
    return a[Math.min(a.length - 1, Math.max(0, Math.floor(q * a.length)))];
  }

  /**
   * P(it ends within `h` more seconds | it has lasted `s`). Past the longest sample, the
   * rest is taken as memoryless with the distribution's mean (it could end any moment).
   * Memoised on whole seconds, so a pass over many agents costs a lookup each.
   */
  endsWithin(s: number, h: number): number {
    if (h <= 0) return 0;
    const key = Math.floor(s) * 8192 + Math.round(h * 8);
    const hit = this.memo.get(key);
    if (hit !== undefined) return hit;
    const e = Math.floor(s);
    const survive = 1 - this.cdf(e);
    const p = survive <= 1e-9 ? 1 - Math.exp(-h / Math.max(1, this.mean)) : Math.max(0, this.cdf(e + h) - this.cdf(e)) / survive;
    this.memo.set(key, p);
    return p;
  }
}

/** Calls whose outcome is known, and of them those a person answered. */
export interface Sample {
  calls: number;
  human: number;
}

/** A share with its bounds (fractions). */
export interface RateBounds extends Bounds {
  rate: number;
}

/** Below this many calls an hour's or a list's own rate is not weighed at all. */
export const MIN_SEGMENT = 30;
/**
 * An hour's or a list's rate is weighed against the rate it is shrunk toward as if that
 * one were this many calls: `n / (n + SHRINK)` on the segment's own bounds. 30 calls weigh
 * 13%, 200 half, 1,000 83%, 5,000 96%.
 */
export const SHRINK = 200;

export function boundsOf(s: Sample): RateBounds {
  return { rate: s.calls ? s.human / s.calls : 0, ...wilson(s.human, s.calls) };
}

/** The weight a segment of `n` calls gets against the rate it is shrunk toward. */
export function segmentWeight(n: number): number {
  return n < MIN_SEGMENT ? 0 : n / (n + SHRINK);
}

/**
 * A segment's (an hour of day's, a list's) rate shrunk toward a broader one by its sample:
 * the rate and each bound are `w·segment + (1 − w)·broader`, `w = segmentWeight(n)`. A
 * small segment stays close to the broader rate; a large one is its own, with its own
 * (narrow) bounds. Bounds widen as the segment shrinks (Wilson), and the blend inherits them.
 */
export function shrinkToward(segment: Sample, broader: RateBounds): RateBounds & { weight: number } {
  const w = segmentWeight(segment.calls);
  const s = boundsOf(segment);
  const mix = (a: number, b: number) => w * a + (1 - w) * b;
  return { weight: w, rate: mix(s.rate, broader.rate), low: mix(s.low, broader.low), high: mix(s.high, broader.high) };
}
