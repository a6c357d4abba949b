import { describe, expect, it } from 'vitest';
import { computeBatch } from './compute-batch.js';
import { a27Inputs, assignment, baseInputs, dailyTemps, day, rowOn, rowsOf, stage, traceOn, transfer, withTemps } from './fixtures.js';
import type { BatchDailyStateRow, EngineInputs, EngineResult } from './types.js';

function batchOn(r: EngineResult, n: number): BatchDailyStateRow {
  const row = r.batchDaily.find((b) => b.dayNumber === n);
  if (!row) throw new Error(`no batch row on day ${n}`);
  return row;
}

/** Batch balance (§7) over consecutive aggregate rows. */
function expectBatchBalance(r: EngineResult): void {
  let prev = 0;
  for (const b of r.batchDaily) {
    expect(b.population).toBe(
      prev + b.placementCount - b.mortalityCount - b.transferMortalityCount - b.harvestCount - b.countAdjustment,
    );
    prev = b.population;
  }
}

/** Per-row balance (§3.1) for every assignment. */
function expectRowBalance(r: EngineResult): void {
  const adj = new Map<string, number>();
  for (const a of r.adjustments) adj.set(`${a.assignmentId}|${a.date}`, (adj.get(`${a.assignmentId}|${a.date}`) ?? 0) + a.count);
  let prevId = -1;
  let prev = 0;
  for (const row of r.rows) {
    if (row.assignmentId !== prevId) prev = 0;
    prevId = row.assignmentId;
    const a = adj.get(`${row.assignmentId}|${row.date}`) ?? 0;
    expect(row.population).toBe(prev + row.inflowCount - row.outflowCount - row.mortalityCount - a);
    prev = row.population;
  }
}

describe('population bookkeeping (§5.3)', () => {
  it('A11 — no double count on a destination opened by a transfer', () => {
    const inputs = baseInputs({ mortalityPct: 0.05 });
    // A holds 306,090 fish at the end of D − 1 (day 1); D = day 2 empties it into new B.
    inputs.assignments = [assignment(1, 1, 2), assignment(2, 2)];
    inputs.placements = [{ assignmentId: 1, placementDate: day(1), count: 306_090, avgWeightG: 5 }];
    inputs.transfers = [transfer(1, 1, 2, 2, 306_090)];
    withTemps(inputs, 3);
    const r = computeBatch(inputs, { asOf: day(3) });
    expect(rowOn(r.rows, 1, 1)!.population).toBe(306_090);
    const bD = rowOn(r.rows, 2, 2)!;
    expect(bD.population).toBe(306_090);
    expect(bD.inflowCount).toBe(306_090);
    expect(bD.mortalityCount).toBe(0);
    expect(rowOn(r.rows, 2, 3)!.population).toBe(305_937);
    expect(rowOn(r.rows, 2, 3)!.mortalityCount).toBe(153);
    expect(r.adjustments).toEqual([]);
  });

  it('regression: destination first day counts transferred fish once (A11 double count)', () => {
    const inputs = baseInputs({ mortalityPct: 0.05 });
    inputs.assignments = [assignment(1, 1, 2), assignment(2, 2)];
    inputs.placements = [{ assignmentId: 1, placementDate: day(1), count: 306_090, avgWeightG: 5 }];
    inputs.transfers = [transfer(1, 1, 2, 2, 306_090)];
    withTemps(inputs, 3);
    const r = computeBatch(inputs, { asOf: day(3) });
    for (const n of [2, 3]) {
      const pop = rowOn(r.rows, 2, n)!.population;
      expect(pop).not.toBe(612_180);
      expect(pop).not.toBe(612_027);
      expect(batchOn(r, n).population).toBeLessThanOrEqual(306_090);
    }
    expect(batchOn(r, 2).population).toBe(306_090);
  });

  it('A12 — 3.5 M egg batch, ten trays into ten Fry tanks', () => {
    const inputs = baseInputs({ stages: [stage(1, 1, 0, 0.15), stage(2, 2, 2.25, 0.05)] });
    for (let i = 1; i <= 10; i++) {
      inputs.assignments = [...inputs.assignments, assignment(i, 1, 91, 1), assignment(10 + i, 91, null, 2)];
      inputs.placements = [...inputs.placements, { assignmentId: i, placementDate: day(1), count: 350_000, avgWeightG: 0.1 }];
      inputs.transfers = [...inputs.transfers, transfer(i, i, 10 + i, 91, 306_229)];
    }
    withTemps(inputs, 92, 6);
    const r = computeBatch(inputs, { asOf: day(92) });
    for (let i = 1; i <= 10; i++) {
      expect(rowOn(r.rows, i, 90)!.population).toBe(306_229);
      expect(rowOn(r.rows, i, 91)).toBeUndefined();
      expect(rowOn(r.rows, 10 + i, 91)!.population).toBe(306_229);
    }
    expect(batchOn(r, 90).population).toBe(3_062_290);
    expect(batchOn(r, 91).population).toBe(3_062_290);
    expect(batchOn(r, 91).population).toBeGreaterThanOrEqual(2_800_000);
    expect(batchOn(r, 91).population).toBeLessThanOrEqual(3_200_000);
    expect(batchOn(r, 92).population).toBe(3_060_760);
    expect(r.adjustments).toEqual([]);
    expectBatchBalance(r);
  });

  /** A13's setup: S1..S10 (ids 1..10) hold 101,000..110,000 fish on day 1; D = day 2. */
  function a13Inputs(s1Counts: [number, number] = [50_495, 50_495]): EngineInputs {
    const inputs = baseInputs({ mortalityPct: 0 });
    const D = 2;
    for (let i = 1; i <= 10; i++) {
      inputs.assignments = [
        ...inputs.assignments,
        assignment(i, 1, i <= 9 ? D : null),
        assignment(100 + i, D),
        assignment(200 + i, D),
      ];
      inputs.placements = [
        ...inputs.placements,
        { assignmentId: i, placementDate: day(1), count: 100_000 + 1000 * i, avgWeightG: 50 },
      ];
      if (i <= 9) {
        const half = (100_000 + 1000 * i - 10 * i) / 2;
        const [a, b] = i === 1 ? s1Counts : [half, half];
        inputs.transfers = [
          ...inputs.transfers,
          transfer(2 * i - 1, i, 100 + i, D, a, { mortalityDuringTransfer: 10 * i }),
          transfer(2 * i, i, 200 + i, D, b),
        ];
      }
    }
    inputs.transfers = [
      ...inputs.transfers,
      transfer(19, 10, 110, D, 40_000, { mortalityDuringTransfer: 100 }),
      transfer(20, 10, 210, D, 40_000),
    ];
    inputs.mortalitySums = [
      { assignmentId: 101, date: day(D), count: 25 },
      { assignmentId: 202, date: day(D), count: 15 },
      { assignmentId: 10, date: day(D), count: 50 },
    ];
    withTemps(inputs, 2);
    return inputs;
  }

  it('A13 — conservation in a 10 → 20 split', () => {
    const r = computeBatch(a13Inputs(), { asOf: day(2) });
    const dests = r.rows.filter((x) => x.assignmentId > 100 && x.dayNumber === 2);
    expect(dests).toHaveLength(20);
    expect(dests.reduce((s, x) => s + x.population, 0)).toBe(1_024_510);
    expect(rowOn(r.rows, 101, 2)!.population).toBe(50_470);
    const s10 = rowOn(r.rows, 10, 2)!;
    expect(s10.population).toBe(29_850);
    expect(s10.outflowCount).toBe(80_100);
    expect(s10.mortalityCount).toBe(50);
    for (let i = 1; i <= 9; i++) expect(rowOn(r.rows, i, 2)).toBeUndefined();
    const b = batchOn(r, 2);
    expect(b.population).toBe(1_054_360);
    expect(b.population).toBe(1_055_000 - 550 - 90);
    expect(b.mortalityCount).toBe(90);
    expect(b.transferMortalityCount).toBe(550);
    expect(b.countAdjustment).toBe(0);
    expect(r.adjustments).toEqual([]);
    expectBatchBalance(r);
    expectRowBalance(r);
  });

  it('A14 — count mismatch on an emptied source is reconciled', () => {
    const r = computeBatch(a13Inputs([50_000, 50_900]), { asOf: day(2) });
    expect(r.adjustments).toEqual([
      { assignmentId: 1, date: day(2), count: 90, reason: 'TRANSFER_COUNT_RECONCILIATION' },
    ]);
    expect(r.diagnostics.filter((d) => d.code === 'COUNT_MISMATCH').map((d) => [d.assignmentId, d.date])).toEqual([
      [1, day(2)],
    ]);
    expect(rowOn(r.rows, 101, 2)!.population).toBe(49_975);
    expect(rowOn(r.rows, 201, 2)!.population).toBe(50_900);
    expect(batchOn(r, 2).countAdjustment).toBe(90);
    expectBatchBalance(r);
  });

  it('A17 — feed split between assignments of one container; unattributed feed', () => {
    const inputs = baseInputs();
    inputs.assignments = [assignment(1, 1, null, 1, 500), assignment(2, 1, null, 1, 500)];
    inputs.placements = [
      { assignmentId: 1, placementDate: day(1), count: 3000, avgWeightG: 100 },
      { assignmentId: 2, placementDate: day(1), count: 1000, avgWeightG: 100 },
    ];
    inputs.temperatures = dailyTemps(500, 1, 2, 0);
    inputs.feedByContainer = [
      { containerId: 500, date: day(1), amountKg: 20 },
      { containerId: 600, date: day(1), amountKg: 7 },
    ];
    inputs.feedByAssignment = [{ assignmentId: 2, date: day(1), amountKg: 4 }];
    const r = computeBatch(inputs, { asOf: day(2) });
    expect(rowOn(r.rows, 1, 1)!.biomassKg).toBe(300);
    expect(rowOn(r.rows, 2, 1)!.biomassKg).toBe(100);
    expect(rowOn(r.rows, 1, 1)!.feedKg).toBe(15);
    expect(rowOn(r.rows, 2, 1)!.feedKg).toBe(9);
    expect(batchOn(r, 1).feedKg).toBe(24);
    const unattributed = r.diagnostics.filter((d) => d.code === 'UNATTRIBUTED_FEED');
    expect(unattributed).toHaveLength(1);
    expect(unattributed[0]!.detail).toContain('container 600');
  });

  it('A20 — coverage', () => {
    const make = (departure: number | null): EngineInputs => {
      const inputs = baseInputs();
      inputs.assignments = [assignment(1, 1, departure)];
      inputs.placements = [{ assignmentId: 1, placementDate: day(1), count: 100, avgWeightG: 10 }];
      inputs.harvests = departure === null ? [] : [{ assignmentId: 1, harvestDate: day(departure), count: 100 }];
      withTemps(inputs, 30);
      return inputs;
    };
    const ten = computeBatch(make(11), { asOf: day(20) });
    expect(ten.rows.map((x) => x.date)).toEqual(Array.from({ length: 10 }, (_, i) => day(i + 1)));
    const seven = computeBatch(make(8), { asOf: day(20) });
    expect(seven.rows.map((x) => x.date)).toEqual(Array.from({ length: 7 }, (_, i) => day(i + 1)));
    expect(computeBatch(make(null), { asOf: day(20) }).rows).toHaveLength(20);
    const late = computeBatch(make(25), { asOf: day(20) });
    expect(late.rows).toHaveLength(20);
    expect(late.rows.at(-1)!.date).toBe(day(20));
    expect(late.batchDaily.at(-1)!.date).toBe(day(20));
    expect(late.batchDaily.every((b) => b.harvestCount === 0)).toBe(true);
    expect(late.adjustments).toEqual([]);
  });

  it('A25 — back-transfer', () => {
    const inputs = baseInputs({ tgc: 2.75, mortalityPct: 0 });
    inputs.assignments = [assignment(1, 1), assignment(2, 10)];
    inputs.placements = [{ assignmentId: 1, placementDate: day(1), count: 10_000, avgWeightG: 100 }];
    inputs.transfers = [transfer(1, 1, 2, 10, 4_000), transfer(2, 2, 1, 40, 1_000, { mortalityDuringTransfer: 10 })];
    inputs.temperatures = [...dailyTemps(101, 1, 45, 10), ...dailyTemps(102, 1, 45, 12)];
    const r = computeBatch(inputs, { asOf: day(45), trace: true });
    expect(rowOn(r.rows, 1, 39)!.population).toBe(6_000);
    expect(rowOn(r.rows, 1, 39)!.avgWeightG).toBe(186.57);
    expect(rowOn(r.rows, 2, 39)!.population).toBe(4_000);
    expect(rowOn(r.rows, 2, 39)!.avgWeightG).toBe(203.2);
    expect(Math.abs(traceOn(r.trace, 1, 39)!.weightG - 186.5696357)).toBeLessThan(5e-8);
    expect(Math.abs(traceOn(r.trace, 2, 39)!.weightG - 203.2029776)).toBeLessThan(5e-8);
    const a40 = rowOn(r.rows, 1, 40)!;
    expect(a40.population).toBe(7_000);
    expect(a40.inflowCount).toBe(1_000);
    const ws = traceOn(r.trace, 1, 40)!.startWeightG;
    expect(Math.abs(ws - 188.9458274)).toBeLessThan(5e-8);
    expect(ws).toBe((6_000 * traceOn(r.trace, 1, 39)!.weightG + 1_000 * traceOn(r.trace, 2, 39)!.weightG) / 7_000);
    expect(a40.avgWeightG).toBe(191.68);
    const b40 = rowOn(r.rows, 2, 40)!;
    expect(b40.population).toBe(2_990);
    expect(b40.outflowCount).toBe(1_010);
    expect(batchOn(r, 39).population).toBe(10_000);
    expect(batchOn(r, 40).population).toBe(9_990);
    expect(batchOn(r, 40).transferMortalityCount).toBe(10);
    expect(batchOn(r, 40).countAdjustment).toBe(0);
    expectBatchBalance(r);
    // Stepping order does not matter: reversed assignment ids give the same rows.
    const reversed = { ...inputs, assignments: [...inputs.assignments].reverse(), transfers: [...inputs.transfers].reverse() };
    expect(computeBatch(reversed, { asOf: day(45) }).rows).toEqual(computeBatch(inputs, { asOf: day(45) }).rows);
  });

  function a26Inputs(deathsOnDay3 = 0): EngineInputs {
    const inputs = baseInputs({ tgc: 2.75, mortalityPct: 0 });
    inputs.assignments = [assignment(1, 1), assignment(2, 5), assignment(3, 8)];
    inputs.placements = [{ assignmentId: 1, placementDate: day(1), count: 1_000, avgWeightG: 10 }];
    inputs.transfers = [transfer(1, 1, 2, 5, 1_000), transfer(2, 1, 3, 8, 300)];
    if (deathsOnDay3 > 0) inputs.mortalitySums = [{ assignmentId: 1, date: day(3), count: deathsOnDay3 }];
    withTemps(inputs, 10);
    return inputs;
  }

  it('A26 — outflow from an assignment without fish', () => {
    const r = computeBatch(a26Inputs(), { asOf: day(10), trace: true });
    expect(rowsOf(r.rows, 1).map((x) => x.dayNumber)).toEqual([1, 2, 3, 4]);
    expect(r.diagnostics.some((d) => d.code === 'IMPLICIT_DEPARTURE' && d.assignmentId === 1 && d.date === day(5))).toBe(true);
    const c8 = rowOn(r.rows, 3, 8)!;
    expect(c8.population).toBe(300);
    expect(c8.inflowCount).toBe(300);
    expect(Math.abs(traceOn(r.trace, 3, 8)!.startWeightG - 11.61126)).toBeLessThan(5e-6);
    expect(traceOn(r.trace, 3, 8)!.startWeightG).toBe(traceOn(r.trace, 1, 4)!.weightG);
    expect(c8.avgWeightG).toBe(12.04);
    expect(r.adjustments).toEqual([{ assignmentId: 1, date: day(8), count: -300, reason: 'CLAMP' }]);
    expect(r.diagnostics.some((d) => d.code === 'OUTFLOW_AFTER_DEPARTURE' && d.date === day(8))).toBe(true);
    expect(r.diagnostics.some((d) => d.code === 'POPULATION_CLAMPED')).toBe(false);
    expect(batchOn(r, 7).population).toBe(1_000);
    expect(batchOn(r, 8).population).toBe(1_300);
    expect(batchOn(r, 8).countAdjustment).toBe(-300);
    expectBatchBalance(r);
    expectRowBalance(r);
  });

  it('A26 — with recorded deaths emptying the source first', () => {
    const r = computeBatch(a26Inputs(1_200), { asOf: day(10) });
    expect(rowOn(r.rows, 1, 3)!.population).toBe(0);
    expect(rowsOf(r.rows, 1).map((x) => x.dayNumber)).toEqual([1, 2, 3, 4]);
    expect(r.adjustments).toEqual([
      { assignmentId: 1, date: day(3), count: -200, reason: 'CLAMP' },
      { assignmentId: 1, date: day(5), count: -1_000, reason: 'CLAMP' },
      { assignmentId: 1, date: day(8), count: -300, reason: 'CLAMP' },
    ]);
    expect(r.diagnostics.some((d) => d.code === 'OUTFLOW_AFTER_DEPARTURE' && d.date === day(5))).toBe(true);
    expect(rowOn(r.rows, 2, 5)!.population).toBe(1_000);
    expectBatchBalance(r);
    expectRowBalance(r);
  });

  it('A27 — provisional implicit departure', () => {
    const r = computeBatch(a27Inputs(true), { asOf: day(12), trace: true });
    const a = (n: number) => rowOn(r.rows, 1, n)!;
    expect(rowsOf(r.rows, 1)).toHaveLength(12);
    expect([a(4).population, a(4).avgWeightG, a(4).biomassKg, a(4).growthKg, a(4).tgcUsed]).toEqual([1_000, 12, 12, 0.52, 3.3748]);
    expect([a(4).sources.weight, a(4).confidence.weight, a(4).anchorType]).toEqual(['measured', 0.95, 'transfer']);
    expect([a(5).population, a(5).inflowCount, a(5).outflowCount]).toEqual([0, 0, 1_000]);
    for (const n of [5, 6, 7, 8]) {
      const row = a(n);
      expect([row.population, row.avgWeightG, row.biomassKg, row.growthKg, row.tgcUsed]).toEqual([0, 12, 0, 0, 0]);
      expect([row.sources.weight, row.confidence.weight]).toEqual(['unchanged', 0.95]);
      expect(row.feedKg).toBe(0);
      expect(row.mortalityCount).toBe(0);
      expect(row.anchorType).toBeNull();
      expect(row.lifecycleStageId).toBe(1);
    }
    expect([a(9).population, a(9).inflowCount, a(9).outflowCount]).toEqual([2_000, 2_000, 0]);
    expect([a(9).avgWeightG, a(9).biomassKg, a(9).growthKg, a(9).tgcUsed]).toEqual([51.13, 102.26, 2.26, 2.75]);
    expect([a(9).sources.weight, a(9).confidence.weight]).toEqual(['tgc_computed', 0.8]);
    expect(traceOn(r.trace, 1, 9)!.startWeightG).toBe(50);
    expect(Math.abs(traceOn(r.trace, 1, 9)!.weightG - 51.12807621)).toBeLessThan(5e-9);
    expect([a(12).population, a(12).avgWeightG, a(12).biomassKg, a(12).growthKg, a(12).tgcUsed]).toEqual([
      2_000, 54.61, 109.23, 2.36, 2.75,
    ]);
    expect([a(12).sources.weight, a(12).confidence.weight]).toEqual(['tgc_computed', 0.8]);
    // C's day 8 is anchored by the measured transfer to A.
    expect(rowOn(r.rows, 3, 8)!.avgWeightG).toBe(50);
    expect(r.diagnostics.some((d) => d.code === 'UNATTRIBUTED_FEED' && d.date === day(6))).toBe(true);
    expect(r.diagnostics.some((d) => d.code === 'EVENT_OUTSIDE_RANGE' && d.assignmentId === 1 && d.date === day(7))).toBe(true);
    expect(r.diagnostics.some((d) => d.code === 'IMPLICIT_DEPARTURE')).toBe(false);
    expect(r.adjustments).toEqual([]);
    for (let n = 1; n <= 4; n++) expect(batchOn(r, n).population).toBe(6_000);
    for (let n = 5; n <= 12; n++) expect(batchOn(r, n).population).toBe(5_400);
    expect(batchOn(r, 5).harvestCount).toBe(600);
    expectBatchBalance(r);
    expectRowBalance(r);
  });

  it('A27 — without the arrival, or with the arrival after asOf, A departs implicitly', () => {
    for (const [inputs, asOf] of [
      [a27Inputs(false), day(12)],
      [a27Inputs(true), day(8)],
    ] as const) {
      const r = computeBatch(inputs, { asOf });
      expect(rowsOf(r.rows, 1).map((x) => x.dayNumber)).toEqual([1, 2, 3, 4]);
      expect(r.diagnostics.some((d) => d.code === 'IMPLICIT_DEPARTURE' && d.assignmentId === 1 && d.date === day(5))).toBe(true);
      expect(r.adjustments).toEqual([]);
      expectBatchBalance(r);
    }
  });
});
