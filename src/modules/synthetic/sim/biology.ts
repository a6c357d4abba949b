/**
 * Closed-form pieces of the hidden truth model shared by the planner and the batch simulation
 * (synthetic-farm.md §3.1, §3.3, §3.5).
 */
import type { ClimateTables } from './climate.js';
import { meanDiurnalOffsetC, seaTemperatureC } from './climate.js';
import type { EpochDay } from './dates.js';
import type { Profile, StageSpec } from './profile.js';
import { seaTransferDay } from './profile.js';

/**
 * Expected number of fish stocked at sea from `eggs`: the product of the freshwater daily
 * survivals and of every transfer's handling survival, the sea transfer included
 * (≈ 0.774 × eggs for the defaults). Used for ring sizing, which must be known at plan time.
 */
export function expectedSeaStockCount(profile: Profile, eggs: number): number {
  let survival = 1;
  for (const stage of profile.stages) {
    if (stage.transferInLossPct !== null) survival *= 1 - stage.transferInLossPct / 100;
    if (stage.environment === 'FRESHWATER') survival *= (1 - stage.mortalityPctPerDay / 100) ** (stage.days ?? 0);
  }
  return eggs * survival;
}

/** Ring max biomass (kg) of the sea stage's container type. */
export function ringMaxBiomassKg(profile: Profile): number {
  const seaStage = profile.stages[profile.stages.length - 1]!;
  const type = profile.containerTypes.find((candidate) => candidate.code === seaStage.containerTypeCode);
  if (!type) throw new Error(`Unknown container type ${seaStage.containerTypeCode}`);
  return type.volumeM3 * type.maxDensityKgM3;
}

/**
 * Sea ring count R (§3.3): `clamp(⌈N_sea · W_target_kg · headroom / ringMaxBiomassKg⌉, minRings,
 * ringsPerArea)`, or the fixed count of `ringSizing: {mode: fixed}`.
 */
export function ringCount(profile: Profile, expectedSeaFish: number, targetWeightG: number): number {
  const sizing = profile.sea.ringSizing;
  if (sizing.mode === 'fixed') return sizing.rings;
  const needed = Math.ceil((expectedSeaFish * (targetWeightG / 1000) * sizing.headroom) / ringMaxBiomassKg(profile));
  return Math.min(profile.topology.ringsPerArea, Math.max(sizing.minRings, needed));
}

/** Thrown when the climate tables end before a predicted harvest. */
export class HarvestPredictionError extends Error {}

/**
 * Planned harvest day H_pred (batch day index, §3.3): nominal growth (g = 1) of the sea stage's k
 * from its entry weight at the sea-transfer day, with the area's climate plus the mean diurnal
 * offset of the reading hours; H_pred is the morning after the first day at or above target.
 */
export function predictHarvestDay(
  profile: Profile,
  climate: ClimateTables,
  areaId: number,
  startDay: EpochDay,
  targetWeightG: number,
): number {
  const seaStage = profile.stages[profile.stages.length - 1]!;
  const offset = meanDiurnalOffsetC(profile, 'sea');
  const seaDay = seaTransferDay(profile);
  let cubeRoot = Math.cbrt(seaStage.weightInG);
  if (seaStage.weightInG >= targetWeightG) return seaDay;
  for (let d = seaDay; startDay + d <= climate.lastDay; d++) {
    const temperature = seaTemperatureC(climate, areaId, startDay + d) + offset;
    cubeRoot += seaStage.growthK * Math.max(temperature, 0);
    if (cubeRoot ** 3 >= targetWeightG) return d + 1;
  }
  throw new HarvestPredictionError(
    `Target ${targetWeightG.toFixed(0)} g not reached within the climate tables (area ${areaId}); raise climate.horizonDays`,
  );
}

/** Mortality stress multiplier on batch day d: `1 + A·e^(−t/τ)` for t = d − seaDay ≥ 0, else 1. */
export function mortalityStress(profile: Profile, d: number, seaDay: number): number {
  if (d < seaDay) return 1;
  const { seaStressAmplitude, seaStressDecayDays } = profile.mortality;
  return 1 + seaStressAmplitude * Math.exp(-(d - seaDay) / seaStressDecayDays);
}

/** Name of the feed used by a stage at a start-of-day weight (g); null if the stage is not fed. */
export function feedNameFor(stage: StageSpec, startWeightG: number): string | null {
  for (const choice of stage.feeds) {
    if (choice.belowWeightG === undefined || startWeightG < choice.belowWeightG) return choice.feed;
  }
  return stage.feeds.length > 0 ? stage.feeds[stage.feeds.length - 1]!.feed : null;
}
