/**
 * Temperature per container and day (growth-engine.md §5.4): measured → interpolated →
 * nearest_before / nearest_after → scenario profile → 10 °C default, first match wins.
 */
import type { TempSource, TemperatureProfileDayInput } from './types.js';

/** Source codes stored in the resolved arrays, indexed by {@link TEMP_SOURCES}. */
export const TEMP_SOURCES: readonly TempSource[] = [
  'measured',
  'interpolated',
  'nearest_before',
  'nearest_after',
  'profile',
  'default',
];
export const TEMP_MEASURED = 0;
export const TEMP_INTERPOLATED = 1;
export const TEMP_NEAREST_BEFORE = 2;
export const TEMP_NEAREST_AFTER = 3;
export const TEMP_PROFILE = 4;
export const TEMP_DEFAULT = 5;

/** Readings further than this many days away are not used. */
export const TEMP_WINDOW_DAYS = 7;
export const DEFAULT_TEMPERATURE_C = 10;

/** Confidence of an interpolated temperature over a gap of `span` days (`da − db`). */
export function interpolationConfidence(span: number): number {
  return Math.max(0.4, 0.9 - span / 30);
}

/** Profile lookup by batch day number: exact, else linear between neighbours, else first/last. */
export class TemperatureProfile {
  private readonly days: number[];
  private readonly temps: number[];

  constructor(profileDays: readonly TemperatureProfileDayInput[]) {
    const sorted = [...profileDays].sort((a, b) => a.dayNumber - b.dayNumber || a.temperatureC - b.temperatureC);
    this.days = [];
    this.temps = [];
    for (const p of sorted) {
      // Duplicate day numbers cannot occur in stored data (primary key); keep the first.
      if (this.days.length > 0 && this.days[this.days.length - 1] === p.dayNumber) continue;
      this.days.push(p.dayNumber);
      this.temps.push(p.temperatureC);
    }
  }

  get isEmpty(): boolean {
    return this.days.length === 0;
  }

  /** Profile temperature at `dayNumber`; NaN when the profile is empty. */
  at(dayNumber: number): number {
    const days = this.days;
    const n = days.length;
    if (n === 0) return Number.NaN;
    if (dayNumber <= days[0]!) return this.temps[0]!;
    if (dayNumber >= days[n - 1]!) return this.temps[n - 1]!;
    let lo = 0;
    let hi = n - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (days[mid]! <= dayNumber) lo = mid;
      else hi = mid;
    }
    const d0 = days[lo]!;
    const t0 = this.temps[lo]!;
    if (d0 === dayNumber) return t0;
    const d1 = days[hi]!;
    const t1 = this.temps[hi]!;
    return t0 + ((t1 - t0) * (dayNumber - d0)) / (d1 - d0);
  }
}

/** Resolved daily temperatures of one container over the computed day range. */
export interface ResolvedTemperatures {
  valueC: Float64Array;
  /** Index into {@link TEMP_SOURCES}. */
  source: Uint8Array;
  confidence: Float64Array;
}

/**
 * Resolves every day `o ∈ [0, length)` of one container.
 *
 * @param measured daily means, NaN where there is none; `measured[o + TEMP_WINDOW_DAYS]` is day o,
 *   so the array covers the 7 days before and after the range.
 * @param dayNumberOfFirst batch day number of day 0.
 */
export function resolveContainerTemperatures(
  measured: Float64Array,
  length: number,
  profile: TemperatureProfile,
  dayNumberOfFirst: number,
): ResolvedTemperatures {
  const valueC = new Float64Array(length);
  const source = new Uint8Array(length);
  const confidence = new Float64Array(length);
  const w = TEMP_WINDOW_DAYS;
  for (let o = 0; o < length; o++) {
    const m = o + w;
    const v = measured[m]!;
    if (!Number.isNaN(v)) {
      valueC[o] = v;
      source[o] = TEMP_MEASURED;
      confidence[o] = 1;
      continue;
    }
    let b = 0;
    for (let j = 1; j <= w; j++) {
      if (!Number.isNaN(measured[m - j]!)) {
        b = j;
        break;
      }
    }
    let a = 0;
    for (let j = 1; j <= w; j++) {
      if (!Number.isNaN(measured[m + j]!)) {
        a = j;
        break;
      }
    }
    if (b > 0 && a > 0) {
      const tb = measured[m - b]!;
      const ta = measured[m + a]!;
      const span = a + b;
      valueC[o] = tb + ((ta - tb) * b) / span;
      source[o] = TEMP_INTERPOLATED;
      confidence[o] = interpolationConfidence(span);
    } else if (b > 0) {
      valueC[o] = measured[m - b]!;
      source[o] = TEMP_NEAREST_BEFORE;
      confidence[o] = 0.6;
    } else if (a > 0) {
      valueC[o] = measured[m + a]!;
      source[o] = TEMP_NEAREST_AFTER;
      confidence[o] = 0.6;
    } else if (!profile.isEmpty) {
      valueC[o] = profile.at(dayNumberOfFirst + o);
      source[o] = TEMP_PROFILE;
      confidence[o] = 0.5;
    } else {
      valueC[o] = DEFAULT_TEMPERATURE_C;
      source[o] = TEMP_DEFAULT;
      confidence[o] = 0.3;
    }
  }
  return { valueC, source, confidence };
}
