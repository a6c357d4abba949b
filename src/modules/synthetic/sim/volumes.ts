/**
 * Row-count formulas of synthetic-farm.md §4.3 for one batch, with days clipped to the batch's
 * age. The plan uses them for `est_rows` and progress ETAs; verification V2 evaluates them on the
 * realised (age, H, R).
 */
import type { Profile } from './profile.js';
import { stageStartDays } from './profile.js';

/** Estimated rows per table for one batch. `total` is §4.3's "All rows". */
export interface EstimatedRows {
  containerDays: number;
  environmentalReadings: number;
  feedingEvents: number;
  mortalityEvents: number;
  dailyStates: number;
  growthSamples: number;
  growthSampleFish: number;
  liceCounts: number;
  liceCountEntries: number;
  treatments: number;
  treatmentFish: number;
  transferWorkflows: number;
  transferActions: number;
  assignments: number;
  reservations: number;
  harvestEvents: number;
  harvestLots: number;
  batchRows: number;
  placements: number;
  /** Not in the totals (§4.3). */
  environmentalDaily: number;
  /** Not in the totals (§4.3). */
  mortalityReports: number;
  total: number;
}

/** Expected harvest lots per ring (§4.1: "≈ 5 lots per ring"). */
export const LOTS_PER_RING_ESTIMATE = 5;

/** Number of integers d in [from, to) with d mod step = 0 (from, to ≥ 0). */
export function multiplesInRange(from: number, to: number, step: number): number {
  if (to <= from) return 0;
  return Math.floor((to - 1) / step) - Math.ceil(from / step) + 1;
}

/**
 * §4.3 formulas for a batch of age `ageDays` (day index of today), harvest day `harvestDay`
 * (batch day index H) and `rings` R. Days are clipped to [0, ageDays].
 */
export function estimateBatchRows(profile: Profile, ageDays: number, harvestDay: number, rings: number): EstimatedRows {
  const F = profile.schedule.freshwaterContainersPerStage;
  const starts = stageStartDays(profile);
  const seaDay = starts[starts.length - 1]!;
  const last = ageDays + 1; // exclusive end of simulated days
  const clip = (from: number, to: number): [number, number] => [Math.max(0, from), Math.min(to, last)];
  const span = ([from, to]: [number, number]): number => Math.max(0, to - from);
  const fwRange = clip(0, seaDay);
  const seaRange = clip(seaDay, harvestDay);
  const fedFromDay = starts[profile.stages.findIndex((stage) => stage.biologicalFcr !== null)] ?? seaDay;
  const fedFwRange = clip(fedFromDay, seaDay);
  const fwDays = span(fwRange);
  const seaDays = span(seaRange);
  const containerDays = fwDays * F + seaDays * rings;
  const hours = profile.climate.readingHoursUtc.length;
  const fwParameters = profile.topology.freshwaterSensors.filter(
    (code) => profile.chemistry || !profile.waterQuality.chemistryCodes.includes(code),
  ).length;
  const seaParameters = profile.topology.seaSensors.length;
  const meals = profile.feeding.mealHoursUtc.length;
  const fish = profile.sampling.fishPerSample;
  const growthSamples =
    multiplesInRange(fedFwRange[0], fedFwRange[1], profile.sampling.freshwaterIntervalDays) * F +
    multiplesInRange(seaRange[0], seaRange[1], profile.sampling.seaIntervalDays) * rings;
  const liceCounts = multiplesInRange(seaRange[0], seaRange[1], profile.lice.intervalDays) * rings;
  let treatments = 0;
  let treatmentFish = 0;
  for (const event of profile.vaccination.events) {
    if (event.day > ageDays) continue;
    treatments += F;
    if (event.includesWeighing && profile.individualObservations) treatmentFish += event.weighedCount * F;
  }
  let transferWorkflows = 0;
  let transferActions = 0;
  let assignments = 0;
  starts.forEach((start, index) => {
    if (start > ageDays) return;
    const atSea = index === starts.length - 1;
    assignments += atSea ? rings : F;
    if (index === 0) return;
    transferWorkflows += 1;
    transferActions += atSea ? (rings === F ? F : F + rings - 1) : F;
  });
  const harvested = harvestDay <= ageDays;
  const harvestEvents = harvested ? rings : 0;
  const harvestLots = harvested && profile.harvestGrading ? LOTS_PER_RING_ESTIMATE * rings : 0;
  const rows: Omit<EstimatedRows, 'total'> = {
    containerDays,
    environmentalReadings: hours * (fwParameters * fwDays * F + seaParameters * seaDays * rings),
    feedingEvents: meals * (span(fedFwRange) * F + seaDays * rings),
    mortalityEvents: containerDays,
    dailyStates: containerDays,
    growthSamples,
    growthSampleFish: profile.individualObservations ? growthSamples * fish : 0,
    liceCounts,
    liceCountEntries: liceCounts * profile.lice.shares.length,
    treatments,
    treatmentFish,
    transferWorkflows,
    transferActions,
    assignments,
    reservations: assignments,
    harvestEvents,
    harvestLots,
    batchRows: 3,
    placements: F,
    environmentalDaily: fwParameters * fwDays * F + seaParameters * seaDays * rings,
    mortalityReports: containerDays,
  };
  const total =
    rows.environmentalReadings +
    rows.feedingEvents +
    rows.mortalityEvents +
    rows.dailyStates +
    rows.growthSamples +
    rows.growthSampleFish +
    rows.liceCounts +
    rows.liceCountEntries +
    rows.treatments +
    rows.treatmentFish +
    rows.transferWorkflows +
    rows.transferActions +
    rows.assignments +
    rows.reservations +
    rows.harvestEvents +
    rows.harvestLots +
    rows.batchRows +
    rows.placements;
  return { ...rows, total };
}
