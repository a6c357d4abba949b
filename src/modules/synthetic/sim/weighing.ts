/**
 * Weighing n fish from a container (growth samples, transfer samples, vaccination weighings):
 * lognormal weights around the container's truth weight and Fulton's-K-based lengths.
 */
import type { Rng } from './prng.js';
import { roundHalfEven } from './rounding.js';

/** A weighing, aggregated from the individual values *as stored* (rounded to 2 dp). */
export interface Weighing {
  sampleSize: number;
  avgWeightG: number;
  stdDevWeightG: number;
  minWeightG: number;
  maxWeightG: number;
  avgLengthCm: number;
  stdDevLengthCm: number;
  /** Mean Fulton's K = 100·w/L³ over the fish (3 dp). */
  conditionFactor: number;
  /** Individual weights (g, 2 dp), fish 1..n. */
  weightsG: Float64Array;
  /** Individual lengths (cm, 2 dp), fish 1..n. */
  lengthsCm: Float64Array;
}

export interface WeighingParameters {
  /** Within-container coefficient of variation of weight. */
  cv: number;
  conditionFactorMean: number;
  conditionFactorSd: number;
}

/** Smallest storable weight/length (numeric(…,2) > 0). */
const MIN_STORED = 0.01;

/**
 * Weigh `n` fish: fish i uses slots 2i (weight) and 2i + 1 (condition factor) of `rng`.
 * w = W·exp(σz − σ²/2) with σ = √ln(1 + CV²) (mean-preserving); L = (100·w/K)^(1/3),
 * K ~ N(mean, sd). Aggregates use the sample (n − 1) standard deviation.
 */
export function weighFish(rng: Rng, n: number, meanWeightG: number, parameters: WeighingParameters): Weighing {
  const sigma = Math.sqrt(Math.log(1 + parameters.cv * parameters.cv));
  const weightsG = new Float64Array(n);
  const lengthsCm = new Float64Array(n);
  let sumW = 0;
  let sumL = 0;
  let sumK = 0;
  let minW = Infinity;
  let maxW = -Infinity;
  for (let i = 0; i < n; i++) {
    const weight = Math.max(MIN_STORED, roundHalfEven(meanWeightG * Math.exp(sigma * rng.normal(2 * i) - (sigma * sigma) / 2), 2));
    // K is kept positive so a far-tail draw cannot produce an infinite length.
    const k = Math.max(0.3, parameters.conditionFactorMean + parameters.conditionFactorSd * rng.normal(2 * i + 1));
    const length = Math.max(MIN_STORED, roundHalfEven(Math.cbrt((100 * weight) / k), 2));
    weightsG[i] = weight;
    lengthsCm[i] = length;
    sumW += weight;
    sumL += length;
    sumK += (100 * weight) / (length * length * length);
    if (weight < minW) minW = weight;
    if (weight > maxW) maxW = weight;
  }
  const meanW = sumW / n;
  const meanL = sumL / n;
  let squaresW = 0;
  let squaresL = 0;
  for (let i = 0; i < n; i++) {
    squaresW += (weightsG[i]! - meanW) ** 2;
    squaresL += (lengthsCm[i]! - meanL) ** 2;
  }
  const sd = (squares: number) => (n > 1 ? Math.sqrt(squares / (n - 1)) : 0);
  return {
    sampleSize: n,
    avgWeightG: Math.max(MIN_STORED, roundHalfEven(meanW, 2)),
    stdDevWeightG: roundHalfEven(sd(squaresW), 2),
    minWeightG: minW,
    maxWeightG: maxW,
    avgLengthCm: roundHalfEven(meanL, 2),
    stdDevLengthCm: roundHalfEven(sd(squaresL), 2),
    conditionFactor: roundHalfEven(sumK / n, 3),
    weightsG,
    lengthsCm,
  };
}
