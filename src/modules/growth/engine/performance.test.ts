import { describe, expect, it } from 'vitest';
import { computeBatch } from './compute-batch.js';
import { syntheticBatch } from './fixtures.js';

/**
 * A24 — the generated 900-day batch (65 assignments, ~10,000 rows). Timing is measured by the
 * benchmark, never asserted in tests; this checks the result is correct at that size.
 */
describe('A24 — generated 900-day batch', () => {
  const { inputs, asOf, expectedRows } = syntheticBatch();
  const result = computeBatch(inputs, { asOf });

  it('A24 — emits one row per assignment-day of coverage, sorted, with exact balances', () => {
    expect(inputs.assignments).toHaveLength(65);
    expect(expectedRows).toBeGreaterThan(9_500);
    expect(expectedRows).toBeLessThan(10_500);
    expect(result.rows).toHaveLength(expectedRows);
    for (let i = 1; i < result.rows.length; i++) {
      const a = result.rows[i - 1]!;
      const b = result.rows[i]!;
      expect(a.assignmentId < b.assignmentId || (a.assignmentId === b.assignmentId && a.date < b.date)).toBe(true);
    }
    // Counts of transfers and harvests match the populations: no adjustments, no clamps.
    expect(result.adjustments).toEqual([]);
    const codes = new Set(result.diagnostics.map((d) => d.code));
    for (const code of ['COUNT_MISMATCH', 'POPULATION_CLAMPED', 'INVALID_TRANSFER', 'IMPLICIT_DEPARTURE', 'UNATTRIBUTED_FEED', 'EVENT_OUTSIDE_RANGE']) {
      expect(codes.has(code as never)).toBe(false);
    }
    let prevId = -1;
    let prev = 0;
    for (const r of result.rows) {
      if (r.assignmentId !== prevId) prev = 0;
      prevId = r.assignmentId;
      expect(r.population).toBe(prev + r.inflowCount - r.outflowCount - r.mortalityCount);
      expect(r.sources.temp).toBe('measured');
      expect(r.sources.mortality).toBe('actual');
      prev = r.population;
    }
  });

  it('A24 — batch aggregate balances every day and carries the whole batch', () => {
    let prev = 0;
    for (const b of result.batchDaily) {
      expect(b.population).toBe(
        prev + b.placementCount - b.mortalityCount - b.transferMortalityCount - b.harvestCount - b.countAdjustment,
      );
      prev = b.population;
    }
    expect(result.batchDaily[0]!.population).toBeGreaterThan(3_000_000);
    expect(result.batchDaily.at(-1)!.population).toBe(0);
    expect(result.batchDaily.reduce((s, b) => s + b.placementCount, 0)).toBe(3_500_000);
    const feed = result.rows.reduce((s, r) => s + r.feedKg, 0);
    const batchFeed = result.batchDaily.reduce((s, b) => s + b.feedKg, 0);
    expect(Math.abs(feed - batchFeed)).toBeLessThan(1e-6);
  });

  it('A24 — weights follow the anchors and stages only move forward', () => {
    const anchors = result.rows.filter((r) => r.anchorType !== null);
    expect(anchors.length).toBeGreaterThan(300);
    const sample = new Map(inputs.growthSamples.map((s) => [`${s.assignmentId}|${s.sampleDate}`, s.avgWeightG]));
    for (const r of anchors) {
      const w = sample.get(`${r.assignmentId}|${r.date}`);
      if (w !== undefined) expect(r.avgWeightG).toBe(w);
    }
    const order = new Map(inputs.stages.map((s) => [s.id, s.order]));
    let prevId = -1;
    let prevOrder = -Infinity;
    for (const r of result.rows) {
      if (r.assignmentId !== prevId) prevOrder = -Infinity;
      prevId = r.assignmentId;
      expect(order.get(r.lifecycleStageId)!).toBeGreaterThanOrEqual(prevOrder);
      prevOrder = order.get(r.lifecycleStageId)!;
    }
    const adults = result.rows.filter((r) => r.assignmentId > 50);
    expect(Math.max(...adults.map((r) => r.avgWeightG))).toBeGreaterThan(2_000);
  });

  it('A24 — deterministic', () => {
    expect(computeBatch(inputs, { asOf })).toEqual(result);
  });
});
