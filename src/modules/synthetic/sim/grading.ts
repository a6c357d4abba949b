/**
 * Harvest size grading (synthetic-farm.md §4.1): lot counts from the ring's lognormal weight
 * distribution, rounded by largest remainder so they sum exactly to the harvested count.
 */
import { roundHalfEven } from './rounding.js';

/**
 * Standard normal CDF via the complementary error function (Numerical Recipes `erfcc`,
 * |relative error| < 1.2e-7). Built-in Math only, so it is portable and deterministic.
 */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * z);
  const erfc =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - 0.5 * erfc : 0.5 * erfc;
}

/**
 * Split an integer `total` proportionally to `weights` (Hamilton / largest remainder). Ties of
 * the fractional part go to the lower index. The result sums exactly to `total`.
 */
export function largestRemainder(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((acc, weight) => acc + weight, 0);
  if (total === 0 || sum <= 0) return weights.map(() => 0);
  const quotas = weights.map((weight) => (total * weight) / sum);
  const counts = quotas.map((quota) => Math.floor(quota));
  let remaining = total - counts.reduce((acc, count) => acc + count, 0);
  const order = quotas
    .map((quota, index) => ({ index, fraction: quota - Math.floor(quota) }))
    .sort((a, b) => b.fraction - a.fraction || a.index - b.index);
  for (let i = 0; remaining > 0; i = (i + 1) % order.length, remaining--) counts[order[i]!.index]! += 1;
  return counts;
}

export interface SizeClass {
  code: string;
  /** Exclusive upper bound (g); null for the open last class. */
  upperG: number | null;
}

export interface GradedLot {
  sizeClass: string;
  count: number;
  /** Conditional mean weight of the class under the lognormal, rounded to 2 dp (g). */
  avgWeightG: number;
}

/**
 * Lots of one harvest event: weights ~ lognormal with mean `meanWeightG` and coefficient of
 * variation `cv`; empty classes are omitted.
 */
export function gradeHarvest(count: number, meanWeightG: number, cv: number, classes: readonly SizeClass[]): GradedLot[] {
  const sigma2 = Math.log(1 + cv * cv);
  const sigma = Math.sqrt(sigma2);
  const mu = Math.log(meanWeightG) - sigma2 / 2;
  const cdf = (bound: number | null, shift: number): number =>
    bound === null ? 1 : bound <= 0 ? 0 : normalCdf((Math.log(bound) - mu - shift) / sigma);
  const probabilities: number[] = [];
  const partialMeans: number[] = [];
  let lower: number | null = 0;
  for (const sizeClass of classes) {
    probabilities.push(Math.max(0, cdf(sizeClass.upperG, 0) - cdf(lower, 0)));
    partialMeans.push(Math.max(0, cdf(sizeClass.upperG, sigma2) - cdf(lower, sigma2)));
    lower = sizeClass.upperG;
  }
  const counts = largestRemainder(count, probabilities);
  const lots: GradedLot[] = [];
  classes.forEach((sizeClass, index) => {
    const lotCount = counts[index]!;
    if (lotCount === 0) return;
    const probability = probabilities[index]!;
    const lowerG = index === 0 ? 0 : classes[index - 1]!.upperG!;
    let avg = probability > 0 ? (meanWeightG * partialMeans[index]!) / probability : meanWeightG;
    // Far-tail classes divide two tiny CDF differences; keep the mean inside its class.
    avg = Math.max(avg, lowerG);
    if (sizeClass.upperG !== null) avg = Math.min(avg, sizeClass.upperG);
    lots.push({ sizeClass: sizeClass.code, count: lotCount, avgWeightG: roundHalfEven(avg, 2) });
  });
  return lots;
}
