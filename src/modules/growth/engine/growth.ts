/**
 * Growth arithmetic (growth-engine.md §5.5, §5.10, §5.12): the TGC step, biological growth, FCR
 * and weight confidence. TGC is per 1000 °C·day; the daily coefficient is k = TGC / 1000.
 */

/** FCR is only computed above this growth (kg), and capped at {@link FCR_CAP}. */
export const FCR_MIN_GROWTH_KG = 1.0;
export const FCR_CAP = 10.0;

/**
 * One thermal-growth day: `W_d = (cbrt(W_s) + k·max(T, 0))³`, copied exactly when `k·max(T, 0) = 0`
 * (a cube-root round trip is not exact in floating point).
 */
export function tgcStep(startWeightG: number, k: number, tempC: number): number {
  const x = k * (tempC > 0 ? tempC : 0);
  if (x === 0) return startWeightG;
  const c = Math.cbrt(startWeightG) + x;
  return c * c * c;
}

/**
 * Biological growth in kg: `(P_d + M_d)·(W_d − W_s)/1000`, the gain of every fish fed that day,
 * survivors plus those that died. Never negative.
 */
export function growthKgOf(populationEnd: number, deaths: number, startWeightG: number, endWeightG: number): number {
  const g = ((populationEnd + deaths) * (endWeightG - startWeightG)) / 1000;
  return g > 0 ? g : 0;
}

/** FCR per §5.10: `feed / growth` when feed > 0 and growth > 1 kg, capped at 10; else null. */
export function fcrOf(feedKg: number, growthKg: number): number | null {
  if (!(feedKg > 0) || !(growthKg > FCR_MIN_GROWTH_KG)) return null;
  const f = feedKg / growthKg;
  return f > FCR_CAP ? FCR_CAP : f;
}

/** Weight confidence on computed days: `min(max(0.4, 1 − n/100), tempConfidence, 0.8)`. */
export function computedWeightConfidence(daysSinceAnchor: number, tempConfidence: number): number {
  const decay = Math.max(0.4, 1 - daysSinceAnchor / 100);
  return Math.min(decay, tempConfidence, 0.8);
}
