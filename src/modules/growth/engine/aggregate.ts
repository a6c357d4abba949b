/**
 * BatchDailyState (growth-engine.md §7): one row per batch per day, computed from the rounded row
 * values so that SQL can reproduce it. Sums of rounded values are re-rounded to the column scale
 * with the same half-even rounder, which removes float noise (0.1 + 0.2 → 0.30).
 */
import { dateOf, dayIndex } from './dates.js';
import { fcrOf } from './growth.js';
import { roundHalfEven } from './rounding.js';
import type {
  BatchDailyStateRow,
  ConfidenceComponents,
  DailyAssignmentStateRow,
  PopulationAdjustmentRow,
} from './types.js';

/** Batch-level flows of one day that rows do not carry. */
export interface BatchFlowDay {
  date: string;
  /** Σ BatchPlacement.count applied that day (fish entering the batch). */
  placementCount: number;
  /** Σ mortalityDuringTransfer of the transfers executed that day. */
  transferMortalityCount: number;
  /** Σ HarvestEvent.count booked that day. */
  harvestCount: number;
}

export interface AggregateBatchDailyArgs {
  batchId: number;
  /** Batch start date (day number 1). */
  startDate: string;
  rows: readonly DailyAssignmentStateRow[];
  adjustments: readonly PopulationAdjustmentRow[];
  flows: readonly BatchFlowDay[];
  /** Stage id → order, for the dominant-stage tie break (higher order wins). */
  stageOrder: ReadonlyMap<number, number>;
}

interface DayAcc {
  population: number;
  biomassKg: number;
  weightedWeight: number;
  weightedTemp: number;
  tempSum: number;
  rowCount: number;
  feedKg: number;
  growthKg: number;
  mortalityCount: number;
  placementCount: number;
  transferMortalityCount: number;
  harvestCount: number;
  countAdjustment: number;
  containerCount: number;
  anchorCount: number;
  stagePopulation: Map<number, number>;
  minConfidence: ConfidenceComponents | null;
}

function emptyAcc(): DayAcc {
  return {
    population: 0,
    biomassKg: 0,
    weightedWeight: 0,
    weightedTemp: 0,
    tempSum: 0,
    rowCount: 0,
    feedKg: 0,
    growthKg: 0,
    mortalityCount: 0,
    placementCount: 0,
    transferMortalityCount: 0,
    harvestCount: 0,
    countAdjustment: 0,
    containerCount: 0,
    anchorCount: 0,
    stagePopulation: new Map(),
    minConfidence: null,
  };
}

/**
 * Aggregates assignment rows, adjustments and batch flows into contiguous BatchDailyState rows,
 * from the first to the last date holding a row, a flow or an adjustment.
 */
export function aggregateBatchDaily(args: AggregateBatchDailyArgs): BatchDailyStateRow[] {
  const { rows, adjustments, flows, stageOrder } = args;
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  const indexCache = new Map<string, number>();
  const idx = (date: string): number => {
    let i = indexCache.get(date);
    if (i === undefined) {
      i = dayIndex(date);
      indexCache.set(date, i);
    }
    return i;
  };
  const touch = (d: number): void => {
    if (d < first) first = d;
    if (d > last) last = d;
  };
  for (const r of rows) touch(idx(r.date));
  for (const a of adjustments) if (a.count !== 0) touch(idx(a.date));
  for (const f of flows) {
    if (f.placementCount !== 0 || f.transferMortalityCount !== 0 || f.harvestCount !== 0) touch(idx(f.date));
  }
  if (first > last) return [];
  const n = last - first + 1;
  const acc: DayAcc[] = new Array<DayAcc>(n);
  for (let i = 0; i < n; i++) acc[i] = emptyAcc();

  for (const r of rows) {
    const a = acc[idx(r.date) - first]!;
    a.population += r.population;
    a.biomassKg += r.biomassKg;
    a.feedKg += r.feedKg;
    a.growthKg += r.growthKg;
    a.mortalityCount += r.mortalityCount;
    a.tempSum += r.tempC;
    a.rowCount++;
    if (r.population > 0) {
      a.weightedWeight += r.population * r.avgWeightG;
      a.weightedTemp += r.population * r.tempC;
      a.containerCount++;
    }
    if (r.anchorType !== null) a.anchorCount++;
    a.stagePopulation.set(r.lifecycleStageId, (a.stagePopulation.get(r.lifecycleStageId) ?? 0) + r.population);
    const c = r.confidence;
    const m = a.minConfidence;
    if (m === null) a.minConfidence = { ...c };
    else {
      if (c.weight < m.weight) m.weight = c.weight;
      if (c.temp < m.temp) m.temp = c.temp;
      if (c.mortality < m.mortality) m.mortality = c.mortality;
      if (c.feed < m.feed) m.feed = c.feed;
      if (c.fcr < m.fcr) m.fcr = c.fcr;
      if (c.overall < m.overall) m.overall = c.overall;
    }
  }
  for (const adj of adjustments) {
    const d = idx(adj.date) - first;
    if (d >= 0 && d < n) acc[d]!.countAdjustment += adj.count;
  }
  for (const f of flows) {
    const d = idx(f.date) - first;
    if (d < 0 || d >= n) continue;
    const a = acc[d]!;
    a.placementCount += f.placementCount;
    a.transferMortalityCount += f.transferMortalityCount;
    a.harvestCount += f.harvestCount;
  }

  const startIdx = dayIndex(args.startDate);
  const dateStrings: (string | undefined)[] = new Array<string | undefined>(n);
  for (const [date, i] of indexCache) dateStrings[i - first] = date;
  const out: BatchDailyStateRow[] = new Array<BatchDailyStateRow>(n);
  for (let i = 0; i < n; i++) {
    const a = acc[i]!;
    const day = first + i;
    const feedKg = roundHalfEven(a.feedKg, 2);
    const growthKg = roundHalfEven(a.growthKg, 2);
    const fcr = fcrOf(feedKg, growthKg);
    let dominantStageId: number | null = null;
    let best = -1;
    let bestOrder = Number.NEGATIVE_INFINITY;
    for (const [stageId, pop] of a.stagePopulation) {
      const order = stageOrder.get(stageId) ?? Number.NEGATIVE_INFINITY;
      if (
        pop > best ||
        (pop === best && (order > bestOrder || (order === bestOrder && dominantStageId !== null && stageId > dominantStageId)))
      ) {
        best = pop;
        bestOrder = order;
        dominantStageId = stageId;
      }
    }
    out[i] = {
      batchId: args.batchId,
      date: dateStrings[i] ?? dateOf(day),
      dayNumber: day - startIdx + 1,
      population: a.population,
      biomassKg: roundHalfEven(a.biomassKg, 2),
      avgWeightG: a.population > 0 ? roundHalfEven(a.weightedWeight / a.population, 2) : null,
      tempC:
        a.rowCount === 0
          ? null
          : a.population > 0
            ? roundHalfEven(a.weightedTemp / a.population, 2)
            : roundHalfEven(a.tempSum / a.rowCount, 2),
      feedKg,
      growthKg,
      mortalityCount: a.mortalityCount,
      placementCount: a.placementCount,
      transferMortalityCount: a.transferMortalityCount,
      harvestCount: a.harvestCount,
      countAdjustment: a.countAdjustment,
      fcr: fcr === null ? null : roundHalfEven(fcr, 3),
      containerCount: a.containerCount,
      anchorCount: a.anchorCount,
      dominantStageId,
      minConfidence: a.minConfidence,
    };
  }
  return out;
}
