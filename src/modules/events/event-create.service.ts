import type { EntityManager } from '@mikro-orm/postgresql';
import { txQuery } from '../../db/raw-sql.js';
import type { UserError } from '../../graphql/common/user-error.js';
import type { WriteResult } from '../operations/operation.js';
import { assertInsideInterval, InputChecks, lockAssignment, roundTo } from '../operations/rules.js';
import type { GrowthSampleCreateInput, MortalityEventCreateInput, MortalityReportSetInput } from './event-create.inputs.js';
import { GrowthSample, GrowthSampleFish } from './growth-sample.entity.js';
import { MortalityEvent } from './mortality.entity.js';

/** Most fish one growth sample may list. */
export const MAX_SAMPLE_FISH = 10_000;
/** numeric(10,2) and numeric(6,2)/(6,3) limits of the growth_sample columns. */
export const WEIGHT_LIMIT_G = 1e8;
const LENGTH_LIMIT_CM = 1e4;
const CONDITION_FACTOR_LIMIT = 1e3;

/** Aggregates of a growth sample as stored (rounded to the column scales). */
export interface SampleAggregates {
  sampleSize: number;
  avgWeightG: number;
  stdDevWeightG: number | null;
  minWeightG: number | null;
  maxWeightG: number | null;
  avgLengthCm: number | null;
  stdDevLengthCm: number | null;
  conditionFactor: number | null;
}

const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;

/** Sample standard deviation (n − 1); null below two values. */
function sampleStdDev(values: number[]): number | null {
  if (values.length < 2) return null;
  const m = mean(values);
  return Math.sqrt(values.reduce((sum, v) => sum + (v - m) ** 2, 0) / (values.length - 1));
}

/**
 * Aggregates of individual fish: n, mean, SD (n − 1), min and max weight; mean and SD of the lengths given; and
 * the mean of Fulton's K = 100 × W (g) / L (cm)³ over the fish with a length (data-model.md §5).
 */
export function aggregateFish(fish: ReadonlyArray<{ weightG: number; lengthCm?: number | null }>): SampleAggregates {
  const weights = fish.map((f) => f.weightG);
  const measured = fish.filter((f): f is { weightG: number; lengthCm: number } => f.lengthCm != null);
  const lengths = measured.map((f) => f.lengthCm);
  const sdWeight = sampleStdDev(weights);
  const sdLength = sampleStdDev(lengths);
  return {
    sampleSize: fish.length,
    avgWeightG: roundTo(mean(weights), 2),
    stdDevWeightG: sdWeight == null ? null : roundTo(sdWeight, 2),
    minWeightG: roundTo(Math.min(...weights), 2),
    maxWeightG: roundTo(Math.max(...weights), 2),
    avgLengthCm: lengths.length ? roundTo(mean(lengths), 2) : null,
    stdDevLengthCm: sdLength == null ? null : roundTo(sdLength, 2),
    conditionFactor: measured.length ? roundTo(mean(measured.map((f) => (100 * f.weightG) / f.lengthCm ** 3)), 3) : null,
  };
}

/** The aggregate fields of a growth sample as sent (create input, or an update merged over the stored sample). */
export interface SampleAggregateFields {
  sampleSize?: number | null;
  avgWeightG?: number | null;
  stdDevWeightG?: number | null;
  minWeightG?: number | null;
  maxWeightG?: number | null;
  avgLengthCm?: number | null;
  stdDevLengthCm?: number | null;
}

/** Names of the aggregate fields, which exclude fish[]. */
export const SAMPLE_AGGREGATE_FIELDS = ['sampleSize', 'avgWeightG', 'stdDevWeightG', 'minWeightG', 'maxWeightG', 'avgLengthCm', 'stdDevLengthCm'] as const;

/** What checkGrowthSampleInput reads: the day, and either fish[] or the aggregates. */
export interface GrowthSampleFields extends SampleAggregateFields {
  sampleDate?: string | null;
  fish?: ReadonlyArray<{ weightG: number; lengthCm?: number | null }> | null;
}

/** Aggregates given directly; K from the mean weight and mean length when both are known. */
export function givenAggregates(input: SampleAggregateFields): SampleAggregates {
  const avgWeightG = roundTo(input.avgWeightG!, 2);
  const avgLengthCm = input.avgLengthCm == null ? null : roundTo(input.avgLengthCm, 2);
  return {
    sampleSize: input.sampleSize!,
    avgWeightG,
    stdDevWeightG: input.stdDevWeightG == null ? null : roundTo(input.stdDevWeightG, 2),
    minWeightG: input.minWeightG == null ? null : roundTo(input.minWeightG, 2),
    maxWeightG: input.maxWeightG == null ? null : roundTo(input.maxWeightG, 2),
    avgLengthCm,
    stdDevLengthCm: input.stdDevLengthCm == null ? null : roundTo(input.stdDevLengthCm, 2),
    conditionFactor: avgLengthCm ? roundTo((100 * input.avgWeightG!) / input.avgLengthCm! ** 3, 3) : null,
  };
}

/**
 * Checks individual weighed fish (of a growth sample or a treatment weighing) under `fish`: weights, lengths, and
 * a plausible mean condition factor. The caller checks the list's length.
 */
export function checkWeighedFish(checks: InputChecks, fish: ReadonlyArray<{ weightG: number; lengthCm?: number | null }>): InputChecks {
  const before = checks.errors.length;
  fish.forEach((f, i) => {
    checks.check(Number.isFinite(f.weightG) && f.weightG >= 0.005 && f.weightG < WEIGHT_LIMIT_G, `weightG must be at least 0.01 and below ${WEIGHT_LIMIT_G} (got ${f.weightG})`, 'fish', i, 'weightG');
    checks.positiveBelow(f.lengthCm, LENGTH_LIMIT_CM, 'fish', i, 'lengthCm');
  });
  if (checks.errors.length === before && fish.length > 0) {
    const k = aggregateFish(fish).conditionFactor;
    checks.check(k == null || k < CONDITION_FACTOR_LIMIT, `The condition factor of these fish (${k}) is implausible: check weights (g) and lengths (cm)`, 'fish');
  }
  return checks;
}

/**
 * Checks on the input alone (nothing read), all reported at once. `partial` (an update's changes, before they are
 * merged over the stored sample): fields left out are not required.
 */
export function checkGrowthSampleInput(input: GrowthSampleFields, options: { partial?: boolean } = {}): UserError[] {
  const checks = new InputChecks().notFuture(input.sampleDate, 'sampleDate');
  if (input.fish) {
    checks.check(input.fish.length >= 1 && input.fish.length <= MAX_SAMPLE_FISH, `fish must list 1 to ${MAX_SAMPLE_FISH} fish`, 'fish');
    for (const name of SAMPLE_AGGREGATE_FIELDS) {
      checks.check(input[name] == null, `${name} is computed from fish[]: give either fish or the aggregates`, name);
    }
    return checkWeighedFish(checks, input.fish).errors;
  }
  if (!options.partial) {
    checks
      .check(input.sampleSize != null, 'sampleSize is required without fish[]', 'sampleSize')
      .check(input.avgWeightG != null, 'avgWeightG is required without fish[]', 'avgWeightG');
  }
  checks
    .check(input.sampleSize == null || input.sampleSize >= 1, `sampleSize must be at least 1 (got ${input.sampleSize})`, 'sampleSize')
    .check(input.avgWeightG == null || (input.avgWeightG >= 0.005 && input.avgWeightG < WEIGHT_LIMIT_G), `avgWeightG must be at least 0.01 and below ${WEIGHT_LIMIT_G}`, 'avgWeightG')
    .nonNegativeBelow(input.stdDevWeightG, WEIGHT_LIMIT_G, 'stdDevWeightG')
    .positiveBelow(input.minWeightG, WEIGHT_LIMIT_G, 'minWeightG')
    .positiveBelow(input.maxWeightG, WEIGHT_LIMIT_G, 'maxWeightG')
    .positiveBelow(input.avgLengthCm, LENGTH_LIMIT_CM, 'avgLengthCm')
    .nonNegativeBelow(input.stdDevLengthCm, LENGTH_LIMIT_CM, 'stdDevLengthCm');
  const avg = input.avgWeightG;
  if (avg != null) {
    checks
      .check(input.minWeightG == null || input.minWeightG <= avg, 'minWeightG must not exceed avgWeightG', 'minWeightG')
      .check(input.maxWeightG == null || input.maxWeightG >= avg, 'maxWeightG must not be below avgWeightG', 'maxWeightG');
    if (input.avgLengthCm) {
      const k = (100 * avg) / input.avgLengthCm ** 3;
      checks.check(k < CONDITION_FACTOR_LIMIT, `The condition factor of avgWeightG and avgLengthCm (${k.toFixed(1)}) is implausible`, 'avgLengthCm');
    }
  }
  return checks.errors;
}

/** Records a growth sample (a weight anchor); marks the assignment dirty from the sample day. */
export async function createGrowthSample(tx: EntityManager, input: GrowthSampleCreateInput, viewerName: string): Promise<WriteResult> {
  const { assignment } = await lockAssignment(tx, input.assignmentId, 'assignmentId');
  assertInsideInterval(assignment, input.sampleDate, 'sampleDate');
  const aggregates = input.fish ? aggregateFish(input.fish) : givenAggregates(input);
  const sample = tx.create(GrowthSample, { assignment, sampleDate: input.sampleDate, ...aggregates, recordedBy: viewerName });
  input.fish?.forEach((fish, i) =>
    tx.create(GrowthSampleFish, {
      growthSample: sample,
      fishNo: i + 1,
      weightG: roundTo(fish.weightG, 2),
      lengthCm: fish.lengthCm == null ? null : roundTo(fish.lengthCm, 2),
    }),
  );
  await tx.flush();
  return { resource: { type: 'GrowthSample', id: sample.id }, marks: [{ assignmentId: assignment.id, date: input.sampleDate }] };
}

/** The checked fields of a mortality event (a create input, or an update's changes: absent fields are skipped). */
export interface MortalityFields {
  count?: number | null;
  biomassKg?: number | null;
  eventDate?: string | null;
}

export function checkMortalityInput(input: MortalityFields): UserError[] {
  const checks = new InputChecks();
  if (input.count != null) checks.positive(input.count, 'count');
  return checks
    .nonNegativeBelow(input.biomassKg, 1e8, 'biomassKg')
    .notFuture(input.eventDate, 'eventDate').errors;
}

/**
 * Records deaths in an assignment, and the day's MortalityReport with them ("deaths for this day are counted").
 * Marks the assignment dirty from the event day.
 */
export async function createMortalityEvent(tx: EntityManager, input: MortalityEventCreateInput, viewerName: string): Promise<WriteResult> {
  const { assignment, batch } = await lockAssignment(tx, input.assignmentId, 'assignmentId');
  assertInsideInterval(assignment, input.eventDate, 'eventDate');
  const event = tx.create(MortalityEvent, {
    batch,
    assignment,
    eventDate: input.eventDate,
    count: input.count,
    cause: input.cause,
    biomassKg: input.biomassKg == null ? null : roundTo(input.biomassKg, 2),
    description: input.description ?? null,
    recordedBy: viewerName,
  });
  await tx.flush();
  await upsertReport(tx, assignment.id, input.eventDate, viewerName);
  return { resource: { type: 'MortalityEvent', id: event.id }, marks: [{ assignmentId: assignment.id, date: input.eventDate }] };
}

export function checkMortalityReportInput(input: MortalityReportSetInput): UserError[] {
  return new InputChecks().notFuture(input.reportDate, 'reportDate').errors;
}

export interface MortalityReportResult extends WriteResult {
  assignmentId: number;
  created: boolean;
}

/**
 * States that the assignment's deaths on a day are complete (possibly zero), so the engine uses the recorded
 * count instead of modelling deaths. Setting an existing report changes nothing and queues nothing.
 */
export async function setMortalityReport(tx: EntityManager, input: MortalityReportSetInput, viewerName: string): Promise<MortalityReportResult> {
  const { assignment } = await lockAssignment(tx, input.assignmentId, 'assignmentId');
  assertInsideInterval(assignment, input.reportDate, 'reportDate');
  const created = await upsertReport(tx, assignment.id, input.reportDate, viewerName);
  return {
    resource: null,
    assignmentId: assignment.id,
    created,
    marks: created ? [{ assignmentId: assignment.id, date: input.reportDate }] : [],
  };
}

/** Inserts the (assignment, day) report unless it exists; true when inserted. */
export async function upsertReport(tx: EntityManager, assignmentId: number, date: string, viewerName: string): Promise<boolean> {
  const { rowCount } = await txQuery(
    tx,
    `insert into mortality_report (assignment_id, report_date, recorded_by) values ($1, $2, $3)
     on conflict (assignment_id, report_date) do nothing`,
    [assignmentId, date, viewerName],
  );
  return rowCount === 1;
}
