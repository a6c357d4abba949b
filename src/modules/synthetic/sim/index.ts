/**
 * Public API of the pure synthetic-farm simulator (synthetic-farm.md). No I/O, no clock, no
 * Math.random: the same profile, seed and today always give the same plan and the same batches.
 */
export { STREAM, Rng, philox4x32, wordToUniform, NORMAL_APPROXIMATION_THRESHOLD, type StreamCode, type StreamName } from './prng.js';
export { parseIsoDate, formatIsoDate, dayOfYear, yearOf, epochMs, type EpochDay } from './dates.js';
export { roundHalfEven, roundHalfEvenOnString } from './rounding.js';
export {
  ProfileSchema,
  ProfileError,
  loadProfile,
  profileHash,
  canonicalJson,
  stageStartDays,
  seaTransferDay,
  type Profile,
  type StageSpec,
  type TopologySpec,
  type GeographySpec,
  type TopologyPreset,
  type AreaGroupSpec,
} from './profile.js';
export { DEFAULT_PROFILE, TOPOLOGY_PRESETS } from './profile-defaults.js';
export * from './topology.js';
export {
  buildClimate,
  seasonalSeaC,
  seaTemperatureC,
  hallTemperatureC,
  diurnalOffsetC,
  meanDiurnalOffsetC,
  dailyMeanOfStoredReadings,
  environmentalDaily,
  ReadingContext,
  type ClimateTables,
  type ContainerReadings,
  type EnvironmentalDailyColumns,
  type LoggedParameter,
} from './climate.js';
export { expectedSeaStockCount, ringCount, ringMaxBiomassKg, predictHarvestDay, mortalityStress, feedNameFor, HarvestPredictionError } from './biology.js';
export { estimateBatchRows, multiplesInRange, LOTS_PER_RING_ESTIMATE, type EstimatedRows } from './volumes.js';
export {
  scheduleBatches,
  firstSimulatedDay,
  transferWorkflowNumber,
  planRun,
  prepareRun,
  PlanningError,
  type ScheduledBatch,
  type StagePlan,
  type BatchPlan,
  type Reservation,
  type RunPlan,
  type PlanInput,
  type PreparedRun,
} from './planner.js';
export { gradeHarvest, largestRemainder, normalCdf, type GradedLot, type SizeClass } from './grading.js';
export { weighFish, type Weighing, type WeighingParameters } from './weighing.js';
export * from './batch-sim.js';
