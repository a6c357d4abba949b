/**
 * Counter-based random numbers for the synthetic farm (synthetic-farm.md §7).
 *
 * Every draw is a pure function of (run seed, stream, entity, ordinal, day, slot):
 * Philox4x32-10 is keyed by (seed, stream) and its 128-bit counter is (entity, ordinal, day, block).
 * Nothing is sequential, so batches, containers and days can be generated in any order, on any
 * worker, and still give identical values.
 *
 * A *slot* is two consecutive 32-bit output words; every distribution draw consumes exactly one
 * slot, so draw j of a key never depends on which distribution was used for draw j − 1.
 */

const PHILOX_M0 = 0xd2511f53;
const PHILOX_M1 = 0xcd9e8d57;
const PHILOX_W0 = 0x9e3779b9;
const PHILOX_W1 = 0xbb67ae85;

const TWO_POW_32 = 4294967296;

/**
 * Stream codes. APPEND-ONLY: never renumber or reorder, a new stream gets the next free code,
 * otherwise every generated dataset (and its content hash) changes.
 */
export const STREAM = {
  CLIMATE: 1,
  SENSOR: 2,
  GROWTH_FACTOR: 3,
  MORTALITY: 4,
  TRANSFER_LOSS: 5,
  FEED_NOISE: 6,
  SAMPLE_FISH: 7,
  LICE: 8,
  TARGET_WEIGHT: 9,
  CAUSE: 10,
  /** Innovations of the container-level AR(1) daily level of non-temperature parameters. */
  SENSOR_LEVEL: 11,
  /** Coordinates jitter of stations and sea areas. */
  SITE_JITTER: 12,
  /** Per-batch egg count spread (`eggsJitterPct`). */
  EGG_JITTER: 13,
  /** 30-fish weighing of a transfer source (`measuredAvgWeightG`). */
  TRANSFER_SAMPLE: 14,
  /** 30-fish weighing during a vaccination (TreatmentFish). */
  TREATMENT_FISH: 15,
} as const;

export type StreamName = keyof typeof STREAM;
export type StreamCode = (typeof STREAM)[StreamName];

/** High 32 bits of the 64-bit product of two uint32 values, exact in double arithmetic. */
function mulhi32(a: number, b: number): number {
  // Splitting a into 16-bit halves keeps both partial products below 2^48, so they are exact.
  const lowProduct = (a & 0xffff) * b;
  const highProduct = (a >>> 16) * b;
  const carry = highProduct + Math.floor(lowProduct / 65536);
  return Math.floor(carry / 65536) >>> 0;
}

/**
 * Philox4x32-10 block function (Salmon et al. 2011, Random123). Writes the four output words of
 * counter (c0, c1, c2, c3) under key (k0, k1) into `out[0..3]`. All inputs are taken as uint32.
 */
export function philox4x32(
  c0: number,
  c1: number,
  c2: number,
  c3: number,
  k0: number,
  k1: number,
  out: Uint32Array,
): void {
  let x0 = c0 >>> 0;
  let x1 = c1 >>> 0;
  let x2 = c2 >>> 0;
  let x3 = c3 >>> 0;
  let key0 = k0 >>> 0;
  let key1 = k1 >>> 0;
  for (let round = 0; round < 10; round++) {
    if (round > 0) {
      key0 = (key0 + PHILOX_W0) >>> 0;
      key1 = (key1 + PHILOX_W1) >>> 0;
    }
    const lo0 = Math.imul(PHILOX_M0, x0) >>> 0;
    const hi0 = mulhi32(PHILOX_M0, x0);
    const lo1 = Math.imul(PHILOX_M1, x2) >>> 0;
    const hi1 = mulhi32(PHILOX_M1, x2);
    x0 = (hi1 ^ x1 ^ key0) >>> 0;
    x1 = lo1;
    x2 = (hi0 ^ x3 ^ key1) >>> 0;
    x3 = lo0;
  }
  out[0] = x0;
  out[1] = x1;
  out[2] = x2;
  out[3] = x3;
}

/** A uint32 word as a uniform in the open interval (0, 1): never 0, so `log(u)` is always finite. */
export function wordToUniform(word: number): number {
  return (word + 0.5) / TWO_POW_32;
}

/** Poisson and binomial switch to the normal approximation at this mean / variance (§3.5). */
export const NORMAL_APPROXIMATION_THRESHOLD = 50;

/**
 * Random draws for one key (seed, stream, entity, ordinal, day). Draw `slot` j is a pure function
 * of the key and j. The object only caches the last Philox block; `reset` re-keys it without
 * allocating, which the per-container-day hot loops use.
 */
export class Rng {
  private readonly block = new Uint32Array(4);
  private cachedBlock = -1;
  private seed = 0;
  private stream = 0;
  private entity = 0;
  private ordinal = 0;
  private day = 0;

  constructor(seed: number, stream: StreamCode, entity: number, ordinal: number, day: number) {
    this.reset(seed, stream, entity, ordinal, day);
  }

  /** Re-key this generator. `day` may be a batch day index or an epoch day; it is used modulo 2^32. */
  reset(seed: number, stream: StreamCode, entity: number, ordinal: number, day: number): this {
    this.seed = seed >>> 0;
    this.stream = stream;
    this.entity = entity >>> 0;
    this.ordinal = ordinal >>> 0;
    this.day = day >>> 0;
    this.cachedBlock = -1;
    return this;
  }

  /** Raw output word `index` (0-based) of this key's sequence. */
  word(index: number): number {
    const blockIndex = Math.floor(index / 4);
    if (blockIndex !== this.cachedBlock) {
      philox4x32(this.entity, this.ordinal, this.day, blockIndex, this.seed, this.stream, this.block);
      this.cachedBlock = blockIndex;
    }
    return this.block[index & 3]!;
  }

  /** Uniform on (0, 1) from slot j (first word of the slot). */
  uniform(slot: number): number {
    return wordToUniform(this.word(2 * slot));
  }

  /** Uniform on [min, max) from slot j. */
  uniformRange(slot: number, min: number, max: number): number {
    return min + (max - min) * this.uniform(slot);
  }

  /** Standard normal from slot j: Box–Muller, cosine branch, with the slot's two uniforms. */
  normal(slot: number): number {
    const u1 = wordToUniform(this.word(2 * slot));
    const u2 = wordToUniform(this.word(2 * slot + 1));
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** Lognormal `exp(mu + sigma·z)` from slot j. */
  lognormal(slot: number, mu: number, sigma: number): number {
    return Math.exp(mu + sigma * this.normal(slot));
  }

  /**
   * Poisson(lambda) from slot j: exact CDF inversion below the threshold, otherwise
   * `round(lambda + sqrt(lambda)·z)` clamped at 0 (§3.5).
   */
  poisson(slot: number, lambda: number): number {
    if (!(lambda > 0)) return 0;
    if (lambda >= NORMAL_APPROXIMATION_THRESHOLD) {
      return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * this.normal(slot)));
    }
    return poissonInversion(lambda, this.uniform(slot));
  }

  /**
   * Binomial(n, p) from slot j: normal approximation when n·p·(1−p) ≥ threshold (rounded and
   * clamped to [0, n]), otherwise exact CDF inversion on min(p, 1−p).
   */
  binomial(slot: number, n: number, p: number): number {
    if (n <= 0 || !(p > 0)) return 0;
    if (p >= 1) return n;
    const q = p <= 0.5 ? p : 1 - p;
    const variance = n * q * (1 - q);
    let x: number;
    if (variance >= NORMAL_APPROXIMATION_THRESHOLD) {
      x = Math.round(n * q + Math.sqrt(variance) * this.normal(slot));
      x = Math.min(n, Math.max(0, x));
    } else {
      x = binomialInversion(n, q, this.uniform(slot));
    }
    return q === p ? x : n - x;
  }
}

/** Poisson CDF inversion; lambda < 50 keeps e^−λ far from underflow. */
function poissonInversion(lambda: number, u: number): number {
  let probability = Math.exp(-lambda);
  let cumulative = probability;
  let x = 0;
  // The cap only guards against float stagnation of the CDF just below u ≈ 1.
  const cap = Math.ceil(lambda + 40 * Math.sqrt(lambda) + 40);
  while (u > cumulative && x < cap) {
    x += 1;
    probability *= lambda / x;
    cumulative += probability;
  }
  return x;
}

/** Binomial CDF inversion for q ≤ 0.5 and n·q·(1−q) < 50, so (1−q)^n ≥ e^−100 never underflows. */
function binomialInversion(n: number, q: number, u: number): number {
  let probability = Math.exp(n * Math.log1p(-q));
  let cumulative = probability;
  const ratio = q / (1 - q);
  let x = 0;
  while (u > cumulative && x < n) {
    probability *= ((n - x) / (x + 1)) * ratio;
    x += 1;
    cumulative += probability;
  }
  return x;
}

/** Convenience: a one-off generator for a key (allocates; avoid in per-day loops). */
export function rngFor(
  seed: number,
  stream: StreamCode,
  entity: number,
  ordinal: number,
  day: number,
): Rng {
  return new Rng(seed, stream, entity, ordinal, day);
}
