import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import { BigIntScalar, DateScalar } from '../../graphql/common/scalars.js';
import type { AssignmentBucket, BatchBucket, ConfidenceComponents, RowSources } from './engine/index.js';

/**
 * GraphQL shapes of the growth series (data-model.md §6.2). Provenance is stored lower case in jsonb and exposed
 * as upper-case enums (data-model.md §3).
 */
export enum WeightSource {
  MEASURED = 'measured',
  TGC_COMPUTED = 'tgc_computed',
  UNCHANGED = 'unchanged',
}
export enum TempSource {
  MEASURED = 'measured',
  INTERPOLATED = 'interpolated',
  NEAREST_BEFORE = 'nearest_before',
  NEAREST_AFTER = 'nearest_after',
  PROFILE = 'profile',
  DEFAULT = 'default',
}
export enum MortalitySource {
  ACTUAL = 'actual',
  MODEL = 'model',
}
export enum FeedSource {
  ACTUAL = 'actual',
  NONE = 'none',
}
export enum FcrSource {
  CALCULATED = 'calculated',
  INSUFFICIENT_DATA = 'insufficient_data',
}
registerEnumType(WeightSource, {
  name: 'WeightSource',
  description: 'Where a weight came from: a measurement (anchor), the TGC model, or carried over an empty day.',
});
registerEnumType(TempSource, {
  name: 'TempSource',
  description: 'Where a temperature came from; MEASURED, INTERPOLATED and NEAREST_* are sensor-derived.',
});
registerEnumType(MortalitySource, { name: 'MortalitySource', description: 'Recorded deaths (ACTUAL) or the scenario model.' });
registerEnumType(FeedSource, { name: 'FeedSource', description: 'Whether feed was recorded for the day.' });
registerEnumType(FcrSource, { name: 'FcrSource', description: 'Whether FCR could be computed (feed > 0 and growth > 1 kg).' });

@ObjectType({ description: 'Where each value of a daily state came from (growth-engine.md §3.2).' })
export class Provenance {
  @Field(() => WeightSource, { description: 'Source of the average weight.' })
  weight!: WeightSource;

  @Field(() => TempSource, { description: 'Source of the temperature.' })
  temp!: TempSource;

  @Field(() => MortalitySource, { description: 'Source of the death count.' })
  mortality!: MortalitySource;

  @Field(() => FeedSource, { description: 'Whether feed was recorded.' })
  feed!: FeedSource;

  @Field(() => FcrSource, { description: 'Whether FCR was computable.' })
  fcr!: FcrSource;

  @Field(() => Boolean, {
    description: 'True on model days of a calibrated segment: the curve was fitted to pass through the next measurement.',
  })
  calibrated!: boolean;
}

@ObjectType({ description: 'Reliability of each value, 0–1 (growth-engine.md §3.2).' })
export class Confidence {
  @Field(() => Float, { description: 'Weight confidence: 1.0 on a growth sample, decaying with days since the last measurement.' })
  weight!: number;

  @Field(() => Float, { description: 'Temperature confidence: 1.0 measured, lower when interpolated, 0.5 profile, 0.3 default.' })
  temp!: number;

  @Field(() => Float, { description: 'Mortality confidence: 1.0 recorded, 0.4 modelled.' })
  mortality!: number;

  @Field(() => Float, { description: 'Feed availability: 1.0 when feed was recorded, else 0.' })
  feed!: number;

  @Field(() => Float, { description: 'FCR availability: 0.9 when computable, else 0.' })
  fcr!: number;

  @Field(() => Float, { description: 'Overall: the minimum of weight, temperature and mortality.' })
  overall!: number;
}

/** One bucket (a day, an ISO week or a month) of an assignment's series. */
@ObjectType({
  description:
    "An assignment's state over one bucket of its daily series (a single day with bucket DAY). Stocks are the values at `lastDate`; flows are sums over the bucket.",
})
export class DailyAssignmentState implements AssignmentBucket {
  @Field(() => DateScalar, { description: 'First day of the bucket (cut to the requested range).' })
  bucketStart!: string;

  @Field(() => DateScalar, { description: 'Last day of the bucket (cut to the requested range).' })
  bucketEnd!: string;

  @Field(() => DateScalar, { description: 'Last day in the bucket with data: stocks and sources are taken from it.' })
  lastDate!: string;

  @Field(() => Boolean, { description: 'True when the requested range cuts the calendar bucket.' })
  partial!: boolean;

  @Field(() => Int, { description: 'Batch day number of lastDate (batch start = day 1).' })
  dayNumber!: number;

  @Field(() => Int, { description: 'Fish at the end of lastDate.' })
  population!: number;

  @Field(() => Float, { description: 'Biomass at the end of lastDate, kg.' })
  biomassKg!: number;

  @Field(() => Float, { description: 'Mean weight at the end of lastDate, g.' })
  avgWeightG!: number;

  @Field(() => Int, { description: 'Fish arriving alive over the bucket (placements and incoming transfers).' })
  inflowCount!: number;

  @Field(() => Int, { description: 'Fish leaving over the bucket (outgoing transfers incl. transfer deaths, harvests).' })
  outflowCount!: number;

  @Field(() => Int, { description: 'Deaths in the container over the bucket (excludes transfer mortality).' })
  mortalityCount!: number;

  @Field(() => Float, { description: 'Feed attributed over the bucket, kg.' })
  feedKg!: number;

  @Field(() => Float, { description: 'Biological growth over the bucket (incl. fish that died), kg.' })
  growthKg!: number;

  @Field(() => Float, { description: 'Mean temperature over the bucket, °C.' })
  tempC!: number;

  @Field(() => Float, { nullable: true, description: 'Feed ÷ growth over the bucket (null when growth ≤ 1 kg or no feed), capped at 10.' })
  fcr!: number | null;

  @Field(() => Int, { description: 'Days in the bucket anchored to a measured weight.' })
  anchorCount!: number;

  @Field(() => Provenance, { description: 'Sources of lastDate.' })
  sources!: RowSources;

  @Field(() => Confidence, { description: 'Minimum confidence per component over the bucket.' })
  confidence!: ConfidenceComponents;

  @Field(() => Float, {
    description:
      'TGC the engine applied on lastDate (model or calibrated), per 1000 °C·day; like the stocks, the value of the last day with data, not a mean over the bucket.',
  })
  tgcUsed!: number;

  @Field(() => String, { description: 'Version of the growth engine that computed the row of lastDate, e.g. 1.0.0.' })
  engineVersion!: string;

  assignmentId!: number;
  batchId!: number;
  containerId!: number;
  lifecycleStageId!: number;
  /** Stored lower case; exposed upper case by the `anchorType` field resolver. */
  anchorType!: AssignmentBucket['anchorType'];
  scenarioId!: number;
}

/** One bucket of a batch's aggregate series. */
@ObjectType({
  description:
    "A batch's aggregate over one bucket of its daily series: sums over all its containers, stocks at `lastDate`, flows summed over the bucket.",
})
export class BatchDailyPoint implements BatchBucket {
  @Field(() => DateScalar, { description: 'First day of the bucket (cut to the requested range).' })
  bucketStart!: string;

  @Field(() => DateScalar, { description: 'Last day of the bucket (cut to the requested range).' })
  bucketEnd!: string;

  @Field(() => DateScalar, { description: 'Last day in the bucket with data: stocks are taken from it.' })
  lastDate!: string;

  @Field(() => Boolean, { description: 'True when the requested range cuts the calendar bucket.' })
  partial!: boolean;

  @Field(() => Int, { description: 'Batch day number of lastDate.' })
  dayNumber!: number;

  @Field(() => BigIntScalar, { description: 'Fish in all containers at the end of lastDate.' })
  population!: number;

  @Field(() => Float, { description: 'Biomass at the end of lastDate, kg.' })
  biomassKg!: number;

  @Field(() => Float, { nullable: true, description: 'Population-weighted mean weight at lastDate, g (null without fish).' })
  avgWeightG!: number | null;

  @Field(() => Float, { nullable: true, description: 'Population-weighted mean temperature over the bucket, °C.' })
  tempC!: number | null;

  @Field(() => Float, { description: 'Feed over the bucket, kg.' })
  feedKg!: number;

  @Field(() => Float, { description: 'Biological growth over the bucket, kg.' })
  growthKg!: number;

  @Field(() => Int, { description: 'Deaths in containers over the bucket.' })
  mortalityCount!: number;

  @Field(() => Int, { description: 'Deaths during transfers over the bucket.' })
  transferMortalityCount!: number;

  @Field(() => Int, { description: 'Fish entering the batch from outside over the bucket.' })
  placementCount!: number;

  @Field(() => Int, { description: 'Fish harvested over the bucket.' })
  harvestCount!: number;

  @Field(() => Int, {
    description: 'Count reconciliations over the bucket (positive = unaccounted loss, negative = fish found).',
  })
  countAdjustment!: number;

  @Field(() => Float, { nullable: true, description: 'Σ feed ÷ Σ growth over the bucket (null when not computable), capped at 10.' })
  fcr!: number | null;

  @Field(() => Int, { description: 'Containers holding fish at lastDate.' })
  containerCount!: number;

  @Field(() => Int, { description: 'Container-days anchored to a measured weight over the bucket.' })
  anchorCount!: number;

  @Field(() => Confidence, { nullable: true, description: 'Minimum confidence per component over the bucket.' })
  minConfidence!: ConfidenceComponents | null;

  batchId!: number;
  dominantStageId!: number | null;
}

@ObjectType({ description: "Key figures of a batch on a day (from the daily series; nothing here is stored as a 'current' value)." })
export class BatchKpis {
  @Field(() => DateScalar, { description: 'Day the figures describe (the latest day with data on or before the requested asOf).' })
  asOf!: string;

  @Field(() => BigIntScalar, { description: 'Fish in the batch.' })
  population!: number;

  @Field(() => Float, { description: 'Biomass, kg.' })
  biomassKg!: number;

  @Field(() => Float, { nullable: true, description: 'Population-weighted mean weight, g.' })
  avgWeightG!: number | null;

  @Field(() => Int, { description: 'Containers holding fish.' })
  containerCount!: number;

  @Field(() => Int, { description: 'Days since the batch started (start day = 1).' })
  daysInProduction!: number;

  @Field(() => Float, { nullable: true, description: 'Deaths (incl. transfer deaths) since start ÷ fish placed, %.' })
  cumulativeMortalityPct!: number | null;

  @Field(() => Float, { nullable: true, description: '100 − cumulative mortality, %.' })
  survivalPct!: number | null;

  @Field(() => BigIntScalar, { description: 'Fish harvested since start.' })
  harvestedCount!: number;

  @Field(() => Float, { nullable: true, description: 'Σ feed ÷ Σ growth over the last 30 days (null when not computable).' })
  fcr30d!: number | null;

  @Field(() => Float, { nullable: true, description: 'Specific growth rate over the last 30 days, % per day.' })
  sgr30d!: number | null;

  @Field(() => DateScalar, { nullable: true, description: 'Day of the latest growth sample.' })
  lastSampleDate!: string | null;

  currentStageId!: number | null;
}
