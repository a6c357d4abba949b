/**
 * Public API of the growth assimilation engine (growth-engine.md). Pure functions over plain data:
 * no ORM, GraphQL, I/O, clock or randomness.
 */
export { computeBatch, ENGINE_VERSION } from './compute-batch.js';
export { aggregateBatchDaily } from './aggregate.js';
export type { AggregateBatchDailyArgs, BatchFlowDay } from './aggregate.js';
export { downsample, downsampleAssignmentSeries, downsampleBatchSeries } from './downsample.js';
export type { AssignmentBucket, BatchBucket, BucketBounds, DateRange } from './downsample.js';
export { planWeightSegments, rewriteFromDates, segmentStartOnOrBefore } from './segments.js';
export type { DirtyMark, RewriteFrom, RewriteScopeArgs, WeightSegment } from './segments.js';
export { roundHalfEven, SCALE } from './rounding.js';
export { addDays, dateOf, dayIndex, diffDays } from './dates.js';
export { dailyMortalityFraction, modelDeaths } from './mortality.js';
export type { ModelDeaths } from './mortality.js';
export { computedWeightConfidence, fcrOf, growthKgOf, tgcStep } from './growth.js';
export { interpolationConfidence } from './temperature.js';
export { EngineError } from './types.js';
export type * from './types.js';
