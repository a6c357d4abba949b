/**
 * Modelled mortality (growth-engine.md §5.9): daily rates, weekly conversion, and integer deaths
 * with a carried remainder so cumulative modelled deaths never drift from the expected value.
 */
import type { MortalityFrequency } from './types.js';

/** Tolerance absorbing float error in `base · r` sums (e.g. 0.4995 + 0.5005 → 1). */
export const DEATHS_EPSILON = 1e-9;

/**
 * Daily mortality as a fraction from a percent rate: daily rates divide by 100; weekly rates
 * convert as `r = 1 − (1 − w)^(1/7)` (0.7 %/week → 0.100301 %/day).
 */
export function dailyMortalityFraction(ratePct: number, frequency: MortalityFrequency): number {
  const f = ratePct / 100;
  if (frequency === 'WEEKLY') return 1 - Math.pow(1 - f, 1 / 7);
  return f;
}

/** Result of one modelled-deaths step. */
export interface ModelDeaths {
  deaths: number;
  carry: number;
}

/**
 * Integer modelled deaths for one day: `x = base·r + c`, `M = floor(x + 1e−9)`, `c' = max(0, x − M)`.
 * `base` is the residents after outflows, excluding the day's arrivals.
 */
export function modelDeaths(base: number, rate: number, carry: number): ModelDeaths {
  const x = base * rate + carry;
  const deaths = Math.floor(x + DEATHS_EPSILON);
  return { deaths, carry: Math.max(0, x - deaths) };
}
