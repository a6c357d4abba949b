/**
 * Plain input and output types of the growth assimilation engine (growth-engine.md §3, §4, §7).
 *
 * Ids are JavaScript numbers, dates are `YYYY-MM-DD` strings (UTC calendar days). Inputs are plain
 * arrays so that SQL rows map onto them one to one; the engine never mutates them.
 */

export type MortalityFrequency = 'DAILY' | 'WEEKLY';
export type SelectionMethod = 'AVERAGE' | 'LARGEST' | 'SMALLEST';
export type AnchorType = 'growth_sample' | 'transfer' | 'treatment';
export type WeightSource = 'measured' | 'tgc_computed' | 'unchanged';
export type TempSource =
  | 'measured'
  | 'interpolated'
  | 'nearest_before'
  | 'nearest_after'
  | 'profile'
  | 'default';
export type MortalitySource = 'actual' | 'model';
export type FeedSource = 'actual' | 'none';
export type FcrSource = 'calculated' | 'insufficient_data';
export type AdjustmentReason = 'TRANSFER_COUNT_RECONCILIATION' | 'CLAMP';
export type TimeBucket = 'DAY' | 'WEEK' | 'MONTH';

export type DiagnosticCode =
  | 'NO_OPENING_PLACEMENT'
  | 'COUNT_MISMATCH'
  | 'POPULATION_CLAMPED'
  | 'IMPLICIT_DEPARTURE'
  | 'CALIBRATION_OUT_OF_RANGE'
  | 'NEGATIVE_SEGMENT'
  | 'UNATTRIBUTED_FEED'
  | 'EVENT_OUTSIDE_RANGE'
  | 'TEMPERATURE_DEFAULT_USED'
  | 'ANCHOR_WITHOUT_ROW'
  | 'OUTFLOW_AFTER_DEPARTURE'
  | 'INVALID_TRANSFER';

// ---------------------------------------------------------------------------------------------
// Inputs (§4)
// ---------------------------------------------------------------------------------------------

/** The batch. `scenarioId` is already resolved by the caller (batch → species default); null → NO_SCENARIO. */
export interface BatchInput {
  id: number;
  startDate: string;
  scenarioId: number | null;
}

/** A lifecycle stage of the batch's species. The next stage is the one with the next higher `order`. */
export interface LifecycleStageInput {
  id: number;
  order: number;
  maxWeightG: number | null;
  /** TGC per 1000 °C·day. */
  defaultTgc: number | null;
  /** Percent per day (0.05 = 0.05 %/day). */
  defaultDailyMortalityPct: number | null;
}

export interface ScenarioInput {
  id: number;
  /** TGC per 1000 °C·day. */
  baseTgc: number;
  /** Percent per `baseMortalityFrequency`. */
  baseMortalityRatePct: number;
  baseMortalityFrequency: MortalityFrequency;
}

export interface ScenarioStageParameterInput {
  lifecycleStageId: number;
  tgc: number | null;
  mortalityRatePct: number | null;
  mortalityFrequency: MortalityFrequency;
}

/** Scenario temperature profile, indexed by batch day number (day 1 = batch start). */
export interface TemperatureProfileDayInput {
  dayNumber: number;
  temperatureC: number;
}

export interface AssignmentInput {
  id: number;
  containerId: number;
  /** Operational stage at arrival. */
  lifecycleStageId: number;
  assignmentDate: string;
  /** Exclusive end of the interval; null = open. */
  departureDate: string | null;
}

export interface PlacementInput {
  assignmentId: number;
  placementDate: string;
  count: number;
  avgWeightG: number;
}

/** A COMPLETED transfer action (the loader filters on status). */
export interface TransferInput {
  id: number;
  sourceAssignmentId: number;
  destAssignmentId: number;
  executionDate: string;
  /** Fish arriving alive. */
  transferredCount: number;
  mortalityDuringTransfer: number;
  measuredAvgWeightG: number | null;
  measuredSampleSize: number | null;
  selectionMethod: SelectionMethod;
}

export interface HarvestInput {
  assignmentId: number;
  harvestDate: string;
  count: number;
}

export interface GrowthSampleInput {
  assignmentId: number;
  sampleDate: string;
  avgWeightG: number;
  sampleSize: number;
}

/** A treatment with `includesWeighing`. */
export interface WeighedTreatmentInput {
  assignmentId: number;
  treatmentDate: string;
  avgWeightG: number;
  weighedCount: number;
}

/** Σ MortalityEvent.count per (assignment, date). */
export interface MortalitySumInput {
  assignmentId: number;
  date: string;
  count: number;
}

/** A MortalityReport day marker: deaths of that day are complete (possibly zero). */
export interface MortalityReportInput {
  assignmentId: number;
  date: string;
}

/** Σ unlinked FeedingEvent.amountKg per (container, date). */
export interface ContainerFeedInput {
  containerId: number;
  date: string;
  amountKg: number;
}

/** Σ FeedingEvent.amountKg linked to an assignment per (assignment, date). */
export interface AssignmentFeedInput {
  assignmentId: number;
  date: string;
  amountKg: number;
}

/** Daily mean of the container's TEMPERATURE readings. */
export interface ContainerTemperatureInput {
  containerId: number;
  date: string;
  avgC: number;
}

/** Everything the engine reads for one batch (§4), loaded before computing. */
export interface EngineInputs {
  batch: BatchInput;
  stages: readonly LifecycleStageInput[];
  scenario: ScenarioInput | null;
  stageParameters: readonly ScenarioStageParameterInput[];
  temperatureProfileDays: readonly TemperatureProfileDayInput[];
  assignments: readonly AssignmentInput[];
  placements: readonly PlacementInput[];
  transfers: readonly TransferInput[];
  harvests: readonly HarvestInput[];
  growthSamples: readonly GrowthSampleInput[];
  weighedTreatments: readonly WeighedTreatmentInput[];
  mortalitySums: readonly MortalitySumInput[];
  mortalityReports: readonly MortalityReportInput[];
  feedByContainer: readonly ContainerFeedInput[];
  feedByAssignment: readonly AssignmentFeedInput[];
  temperatures: readonly ContainerTemperatureInput[];
}

export interface EngineOptions {
  /** Last day computed (inclusive); nothing after it is computed. */
  asOf: string;
  /** Defaults to {@link ENGINE_VERSION}. */
  engineVersion?: string;
  /**
   * When true the result carries `trace`: the full-precision state behind every row (same order
   * as `rows`). For tests and diagnostics; it costs one extra object per row.
   */
  trace?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Outputs (§3, §7)
// ---------------------------------------------------------------------------------------------

export interface RowSources {
  weight: WeightSource;
  temp: TempSource;
  mortality: MortalitySource;
  feed: FeedSource;
  fcr: FcrSource;
  /** True only on `tgc_computed` days of a calibrated segment. */
  calibrated: boolean;
}

/** Confidences 0–1, rounded to 3 dp. */
export interface ConfidenceComponents {
  weight: number;
  temp: number;
  mortality: number;
  feed: number;
  fcr: number;
  overall: number;
}

/** One DailyAssignmentState row (§3.1); numeric values already rounded (§5.13). */
export interface DailyAssignmentStateRow {
  assignmentId: number;
  batchId: number;
  containerId: number;
  date: string;
  dayNumber: number;
  /** Stage at the end of the day. */
  lifecycleStageId: number;
  population: number;
  inflowCount: number;
  outflowCount: number;
  mortalityCount: number;
  avgWeightG: number;
  biomassKg: number;
  tempC: number;
  feedKg: number;
  growthKg: number;
  fcr: number | null;
  /** TGC per 1000 °C·day actually applied that day. */
  tgcUsed: number;
  anchorType: AnchorType | null;
  sources: RowSources;
  confidence: ConfidenceComponents;
  scenarioId: number;
  engineVersion: string;
}

/** One BatchDailyState row (§7), computed from rounded row values. */
export interface BatchDailyStateRow {
  batchId: number;
  date: string;
  dayNumber: number;
  population: number;
  biomassKg: number;
  /** Population-weighted mean; null when the batch holds no fish that day. */
  avgWeightG: number | null;
  /** Population-weighted mean (plain mean when no fish); null when no row exists that day. */
  tempC: number | null;
  feedKg: number;
  growthKg: number;
  mortalityCount: number;
  placementCount: number;
  transferMortalityCount: number;
  harvestCount: number;
  countAdjustment: number;
  fcr: number | null;
  containerCount: number;
  anchorCount: number;
  /** Stage holding the most fish (ties: higher order); null when no row exists that day. */
  dominantStageId: number | null;
  /** Minimum per component over the day's rows; null when no row exists that day. */
  minConfidence: ConfidenceComponents | null;
}

export interface PopulationAdjustmentRow {
  assignmentId: number;
  date: string;
  /** Signed: positive = unaccounted loss, negative = fish found. Subtracted in the balances. */
  count: number;
  reason: AdjustmentReason;
}

export interface Diagnostic {
  code: DiagnosticCode;
  assignmentId: number | null;
  date: string | null;
  detail: string;
}

/** Full-precision state behind one row (only with `options.trace`). */
export interface RowTrace {
  assignmentId: number;
  date: string;
  /** Start-of-day weight W_s (after arrivals). */
  startWeightG: number;
  /** End-of-day weight W_d (the anchor value on anchor days). */
  weightG: number;
  /** Weight used for growth (segment-rule step on uncalibrated anchor days). */
  growthEndWeightG: number;
  /** False while the assignment never held fish with a known weight. */
  weightKnown: boolean;
  /** Mortality carry after the day. */
  carry: number;
  /** Days since the last anchor in the fish's lineage. */
  daysSinceAnchor: number;
  tgc: number;
  tempC: number;
  biomassKg: number;
  feedKg: number;
  growthKg: number;
  /** True on empty days (§5.3.3). */
  empty: boolean;
}

export interface EngineResult {
  /** Sorted by (assignmentId, date). */
  rows: DailyAssignmentStateRow[];
  /** Sorted by date, contiguous. */
  batchDaily: BatchDailyStateRow[];
  /** Sorted by (assignmentId, date, reason). */
  adjustments: PopulationAdjustmentRow[];
  /** Sorted by (date, assignmentId, code, detail). */
  diagnostics: Diagnostic[];
  /** Present when `options.trace` is true; parallel to `rows`. */
  trace?: RowTrace[];
}

export type EngineErrorCode = 'NO_SCENARIO' | 'INVALID_INPUT';

/** A fatal error: the job fails and nothing is written. */
export class EngineError extends Error {
  readonly code: EngineErrorCode;

  constructor(code: EngineErrorCode, message: string) {
    super(message);
    this.name = 'EngineError';
    this.code = code;
  }
}
