import { describe, expect, it } from 'vitest';
import { computeBatch } from './compute-batch.js';
import { addDays } from './dates.js';
import { downsample, downsampleBatchSeries } from './downsample.js';
import { assignment, baseInputs, dailyTemps, day } from './fixtures.js';
import type { BatchDailyStateRow } from './types.js';

function batchRow(date: string, population: number, feedKg: number): BatchDailyStateRow {
  return {
    batchId: 1,
    date,
    dayNumber: 0,
    population,
    biomassKg: population / 100,
    avgWeightG: 10,
    tempC: 10,
    feedKg,
    growthKg: 0.5,
    mortalityCount: 1,
    placementCount: 0,
    transferMortalityCount: 0,
    harvestCount: 0,
    countAdjustment: 0,
    fcr: null,
    containerCount: 1,
    anchorCount: 0,
    dominantStageId: 1,
    minConfidence: { weight: 0.8, temp: 1, mortality: 0.4, feed: 1, fcr: 0, overall: 0.4 },
  };
}

describe('downsampling (§7)', () => {
  it('A23 — weekly bucket of a batch series', () => {
    const pops = [1000, 1000, 999, 999, 998, 998, 997];
    const series = pops.map((p, i) => batchRow(day(i + 1), p, 1));
    const [week, ...rest] = downsample(series, { from: day(1), to: day(7) }, 'WEEK');
    expect(rest).toHaveLength(0);
    expect(week!.bucketStart).toBe('2024-01-01');
    expect(week!.bucketEnd).toBe('2024-01-07');
    expect(week!.lastDate).toBe('2024-01-07');
    expect(week!.partial).toBe(false);
    expect(week!.population).toBe(997);
    expect(week!.feedKg).toBe(7);
    expect(week!.growthKg).toBe(3.5);
    expect(week!.fcr).toBe(2);
    expect(week!.mortalityCount).toBe(7);
  });

  it('A23 — monthly buckets cut by the range', () => {
    const series: BatchDailyStateRow[] = [];
    for (let i = 0; i < 91; i++) series.push(batchRow(addDays('2024-01-01', i), 10_000 - i, 1));
    const buckets = downsampleBatchSeries(series, { from: '2024-01-20', to: '2024-03-10' }, 'MONTH');
    expect(buckets.map((b) => [b.bucketStart, b.bucketEnd, b.lastDate, b.partial])).toEqual([
      ['2024-01-20', '2024-01-31', '2024-01-31', true],
      ['2024-02-01', '2024-02-29', '2024-02-29', false],
      ['2024-03-01', '2024-03-10', '2024-03-10', true],
    ]);
    expect(buckets.map((b) => b.population)).toEqual([10_000 - 30, 10_000 - 59, 10_000 - 69]);
    expect(buckets.map((b) => b.feedKg)).toEqual([12, 29, 10]);
  });

  it('A23 — assignment series: sources of the last date, minimum confidence', () => {
    const inputs = baseInputs({ mortalityPct: 0.05 });
    inputs.assignments = [assignment(1, 1)];
    inputs.placements = [{ assignmentId: 1, placementDate: day(1), count: 1000, avgWeightG: 10 }];
    inputs.temperatures = dailyTemps(101, 1, 7, 10).filter((t) => t.date !== '2024-01-03');
    inputs.growthSamples = [{ assignmentId: 1, sampleDate: day(7), avgWeightG: 11.0, sampleSize: 20 }];
    const { rows } = computeBatch(inputs, { asOf: day(7) });
    expect(rows[2]!.sources.temp).toBe('interpolated');
    const [week] = downsample(rows, { from: day(1), to: day(7) }, 'WEEK');
    expect(week!.lastDate).toBe('2024-01-07');
    expect(week!.sources).toEqual(rows[6]!.sources);
    expect(week!.sources.weight).toBe('measured');
    expect(week!.confidence).toEqual({ weight: 0.8, temp: 0.833, mortality: 0.4, feed: 0.0, fcr: 0.0, overall: 0.4 });
    expect(week!.population).toBe(rows[6]!.population);
    expect(week!.avgWeightG).toBe(11);
    expect(week!.tempC).toBe(10);
    expect(week!.anchorCount).toBe(1);
  });

  it('DAY buckets are never partial; empty ranges give no buckets; input order does not matter', () => {
    const series = [batchRow(day(3), 5, 1), batchRow(day(1), 7, 1), batchRow(day(2), 6, 1)];
    const days = downsample(series, { from: day(1), to: day(3) }, 'DAY');
    expect(days.map((b) => [b.bucketStart, b.population, b.partial])).toEqual([
      [day(1), 7, false],
      [day(2), 6, false],
      [day(3), 5, false],
    ]);
    expect(downsample(series, { from: day(10), to: day(20) }, 'WEEK')).toEqual([]);
    expect(downsample([] as BatchDailyStateRow[], { from: day(1), to: day(3) }, 'DAY')).toEqual([]);
    // A week cut by the range is partial; stocks come from the last date with data.
    const [cut] = downsample(series, { from: day(2), to: day(3) }, 'WEEK');
    expect([cut!.bucketStart, cut!.bucketEnd, cut!.partial, cut!.population]).toEqual([day(2), day(3), true, 5]);
  });
});
