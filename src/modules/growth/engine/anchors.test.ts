import { describe, expect, it } from 'vitest';
import { computeBatch } from './compute-batch.js';
import { a8Inputs, assignment, baseInputs, dailyTemps, day, rowOn, rowsOf, stage, traceOn, transfer } from './fixtures.js';
import { growthKgOf, tgcStep } from './growth.js';
import { roundHalfEven } from './rounding.js';
import type { EngineInputs, SelectionMethod } from './types.js';

function a6Inputs(method: SelectionMethod, emptying: boolean): EngineInputs {
  const D = 11;
  const inputs = baseInputs({ tgc: 2.75, mortalityPct: 0 });
  inputs.assignments = [assignment(1, 1, emptying ? D : null), assignment(2, D)];
  inputs.placements = [{ assignmentId: 1, placementDate: day(1), count: 1000, avgWeightG: 90 }];
  inputs.temperatures = [...dailyTemps(101, 1, 20, 10), ...dailyTemps(102, 1, 20, 10)];
  inputs.transfers = [
    {
      id: 1,
      sourceAssignmentId: 1,
      destAssignmentId: 2,
      executionDate: day(D),
      transferredCount: emptying ? 1000 : 400,
      mortalityDuringTransfer: 0,
      measuredAvgWeightG: 100.0,
      measuredSampleSize: 30,
      selectionMethod: method,
    },
  ];
  return inputs;
}

describe('anchors and calibrated segments (§5.6, §5.7)', () => {
  it('A6 — (a) selection bias on a partial transfer', () => {
    const expected: Record<SelectionMethod, [number, number]> = {
      LARGEST: [88.0, 89.64],
      SMALLEST: [112.0, 113.93],
      AVERAGE: [100.0, 101.79],
    };
    for (const method of ['LARGEST', 'SMALLEST', 'AVERAGE'] as const) {
      const r = computeBatch(a6Inputs(method, false), { asOf: day(12) });
      const anchor = rowOn(r.rows, 1, 10)!;
      expect(anchor.avgWeightG).toBe(expected[method][0]);
      expect(anchor.sources.weight).toBe('measured');
      expect(anchor.anchorType).toBe('transfer');
      expect(anchor.confidence.weight).toBe(0.95);
      const next = rowOn(r.rows, 1, 11)!;
      expect(next.population).toBe(600);
      expect(next.outflowCount).toBe(400);
      expect(next.avgWeightG).toBe(expected[method][1]);
      // The destination always arrives at the raw measured weight.
      expect(rowOn(r.rows, 2, 11)!.avgWeightG).toBe(101.79);
    }
  });

  it('A6 — (b) an emptying transfer has no selection bias', () => {
    for (const method of ['LARGEST', 'SMALLEST'] as const) {
      const r = computeBatch(a6Inputs(method, true), { asOf: day(12), trace: true });
      const anchor = rowOn(r.rows, 1, 10)!;
      expect(anchor.avgWeightG).toBe(100);
      expect(anchor.sources.weight).toBe('measured');
      expect(rowOn(r.rows, 1, 11)).toBeUndefined();
      expect(rowOn(r.rows, 2, 11)!.avgWeightG).toBe(101.79);
      expect(traceOn(r.trace, 2, 11)!.startWeightG).toBe(100);
    }
  });

  it('A7 — same-day samples are combined; a same-day weighed treatment is ignored', () => {
    const inputs = a8Inputs();
    inputs.weighedTreatments = [{ assignmentId: 1, treatmentDate: day(5), avgWeightG: 150, weighedCount: 30 }];
    const row = rowOn(computeBatch(inputs, { asOf: day(20) }).rows, 1, 5)!;
    expect(row.avgWeightG).toBe(111.5);
    expect(row.anchorType).toBe('growth_sample');
    expect(row.confidence.weight).toBe(1);
  });

  it('A7 — a weighed treatment alone anchors at 0.90; a transfer beats a treatment', () => {
    const inputs = a8Inputs();
    inputs.growthSamples = [];
    inputs.weighedTreatments = [
      { assignmentId: 1, treatmentDate: day(5), avgWeightG: 110, weighedCount: 30 },
      { assignmentId: 1, treatmentDate: day(5), avgWeightG: 114, weighedCount: 10 },
    ];
    const row = rowOn(computeBatch(inputs, { asOf: day(20) }).rows, 1, 5)!;
    expect(row.avgWeightG).toBe(111);
    expect(row.anchorType).toBe('treatment');
    expect(row.confidence.weight).toBe(0.9);
  });

  it('A8 — anchor sequence with calibrated segments', () => {
    const r = computeBatch(a8Inputs(), { asOf: day(20) });
    const rows = rowsOf(r.rows, 1);
    expect(rows).toHaveLength(20);
    const table: [number, number, number, string, boolean][] = [
      [1, 102.23, 3.4302, 'tgc_computed', true],
      [2, 104.5, 3.4302, 'tgc_computed', true],
      [3, 106.8, 3.4302, 'tgc_computed', true],
      [4, 109.13, 3.4302, 'tgc_computed', true],
      [5, 111.5, 3.4302, 'measured', false],
      [6, 113.27, 2.527, 'tgc_computed', true],
      [10, 120.51, 2.527, 'tgc_computed', true],
      [14, 128.06, 2.527, 'tgc_computed', true],
      [15, 130.0, 2.527, 'measured', false],
      [16, 132.13, 2.75, 'tgc_computed', false],
      [20, 140.88, 2.75, 'tgc_computed', false],
    ];
    for (const [n, w, tgc, source, calibrated] of table) {
      const row = rows[n - 1]!;
      expect(row.avgWeightG).toBe(w);
      expect(row.tgcUsed).toBe(tgc);
      expect(row.sources.weight).toBe(source);
      expect(row.sources.calibrated).toBe(calibrated);
      expect(row.confidence.weight).toBe(source === 'measured' ? 1 : 0.8);
    }
    // No saw-tooth: the curve is monotone through the anchors (no jump on day 5, no drop on day 15).
    expect(rows[3]!.avgWeightG).not.toBe(107.28);
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.avgWeightG).toBeGreaterThan(rows[i - 1]!.avgWeightG);
    expect(r.diagnostics).toEqual([]);
  });

  it('A9 — (a) negative segment holds the weight', () => {
    const inputs = a8Inputs();
    inputs.growthSamples = [{ assignmentId: 1, sampleDate: day(5), avgWeightG: 98.0, sampleSize: 30 }];
    const r = computeBatch(inputs, { asOf: day(6) });
    const rows = rowsOf(r.rows, 1);
    expect(rows.slice(0, 5).map((x) => x.avgWeightG)).toEqual([100, 100, 100, 100, 98]);
    expect(rows.slice(0, 5).every((x) => x.growthKg === 0)).toBe(true);
    expect(rows.slice(0, 4).every((x) => !x.sources.calibrated && x.tgcUsed === 0)).toBe(true);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['NEGATIVE_SEGMENT']);
  });

  it('A9 — (b) no thermal sum: model TGC and a jump on the anchor day', () => {
    const inputs = a8Inputs();
    inputs.temperatures = dailyTemps(101, 1, 10, 0);
    inputs.growthSamples = [{ assignmentId: 1, sampleDate: day(3), avgWeightG: 101.0, sampleSize: 30 }];
    const r = computeBatch(inputs, { asOf: day(3) });
    expect(r.rows.map((x) => x.avgWeightG)).toEqual([100, 100, 101]);
    expect(r.rows.every((x) => x.growthKg === 0)).toBe(true);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['CALIBRATION_OUT_OF_RANGE']);
  });

  it('A9 — (c) TGC_eff above 10: model day 1, jump on day 2, growth from the model step', () => {
    const inputs = a8Inputs();
    inputs.placements = [{ assignmentId: 1, placementDate: day(1), count: 1000, avgWeightG: 100 }];
    inputs.growthSamples = [{ assignmentId: 1, sampleDate: day(2), avgWeightG: 140.0, sampleSize: 30 }];
    const r = computeBatch(inputs, { asOf: day(2), trace: true });
    expect(r.rows.map((x) => x.avgWeightG)).toEqual([101.79, 140]);
    expect(r.rows[1]!.tgcUsed).toBe(2.75);
    expect(r.rows[1]!.sources.calibrated).toBe(false);
    const w1 = r.trace![0]!.weightG;
    expect(r.rows[1]!.growthKg).toBe(roundHalfEven(growthKgOf(1000, 0, w1, tgcStep(w1, 0.00275, 10)), 2));
    expect(r.rows[1]!.growthKg).toBe(1.81);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['CALIBRATION_OUT_OF_RANGE']);
    expect(r.diagnostics[0]!.detail).toContain('27.55');
  });

  it('A15 — weight continuity across transfers', () => {
    // (a) egg tray at 0.10 g (TGC 0) emptied into a Fry tank (TGC 2.25, 12 °C), no measured weight.
    const egg = baseInputs({ stages: [stage(1, 1, 0, 0), stage(2, 2, 2.25, 0)] });
    egg.assignments = [assignment(1, 1, 11, 1), assignment(2, 11, null, 2)];
    egg.placements = [{ assignmentId: 1, placementDate: day(1), count: 5000, avgWeightG: 0.1 }];
    egg.temperatures = [...dailyTemps(101, 1, 12, 8), ...dailyTemps(102, 1, 12, 12)];
    egg.transfers = [transfer(1, 1, 2, 11, 5000)];
    const a = computeBatch(egg, { asOf: day(11), trace: true });
    expect(rowOn(a.rows, 1, 10)!.avgWeightG).toBe(0.1);
    expect(rowOn(a.rows, 2, 11)!.avgWeightG).toBe(0.12);
    expect(Math.abs(traceOn(a.trace, 2, 11)!.weightG - 0.1184857)).toBeLessThan(5e-8);

    // (b) post-smolt source at 520.00 g → Adult destination (TGC 3.1, 9 °C).
    const sea = baseInputs({ stages: [stage(5, 5, 0, 0), stage(6, 6, 3.1, 0)] });
    sea.assignments = [assignment(1, 1, 3, 5), assignment(2, 3, null, 6)];
    sea.placements = [{ assignmentId: 1, placementDate: day(1), count: 5000, avgWeightG: 520 }];
    sea.temperatures = [...dailyTemps(101, 1, 3, 9), ...dailyTemps(102, 1, 3, 9)];
    sea.transfers = [transfer(1, 1, 2, 3, 5000)];
    const b = computeBatch(sea, { asOf: day(3) });
    expect(rowOn(b.rows, 1, 2)!.avgWeightG).toBe(520);
    expect(rowOn(b.rows, 2, 3)!.avgWeightG).toBe(525.43);

    // (c) measured 100.0 g AVERAGE → destination first row 101.79 at 10 °C, TGC 2.75.
    const c = computeBatch(a6Inputs('AVERAGE', false), { asOf: day(11) });
    expect(rowOn(c.rows, 2, 11)!.avgWeightG).toBe(101.79);
  });

  it('A18 — stages: one step per day, never back', () => {
    const inputs = baseInputs({
      stages: [stage(1, 1, 2.25, 0, 6), stage(2, 2, 2.75, 0, 60), stage(3, 3, 2.75, 0, 180)],
    });
    inputs.assignments = [assignment(1, 1, null, 1)];
    inputs.placements = [{ assignmentId: 1, placementDate: day(1), count: 1000, avgWeightG: 5.5 }];
    inputs.temperatures = dailyTemps(101, 1, 10, 12);
    inputs.growthSamples = [
      { assignmentId: 1, sampleDate: day(1), avgWeightG: 70.0, sampleSize: 30 },
      { assignmentId: 1, sampleDate: day(5), avgWeightG: 70.0, sampleSize: 30 },
      { assignmentId: 1, sampleDate: day(8), avgWeightG: 50.0, sampleSize: 30 },
    ];
    const r = computeBatch(inputs, { asOf: day(9) });
    const rows = rowsOf(r.rows, 1);
    expect(rows.map((x) => x.avgWeightG)).toEqual([70, 70, 70, 70, 70, 70, 70, 50, 51.36]);
    expect(rows.map((x) => x.lifecycleStageId)).toEqual([2, 3, 3, 3, 3, 3, 3, 3, 3]);
    // Segment 1 (day 1) is uncalibrated (TGC_eff 196.34): model Fry TGC and a jump.
    expect(rows[0]!.tgcUsed).toBe(2.25);
    expect(r.diagnostics.find((d) => d.code === 'CALIBRATION_OUT_OF_RANGE')!.detail).toContain('196.34');
    // Segment 2 (days 2–5) is calibrated with TGC_eff 0.
    expect(rows.slice(1, 4).every((x) => x.sources.calibrated && x.tgcUsed === 0)).toBe(true);
    // Days 6–7 held (negative segment), day 8 steps down, day 9 projects at Smolt TGC.
    expect(rows[5]!.sources.calibrated).toBe(false);
    expect(r.diagnostics.some((d) => d.code === 'NEGATIVE_SEGMENT' && d.date === day(8))).toBe(true);
    expect(rows[8]!.tgcUsed).toBe(2.75);
  });

  it('regression: stage transition does not spike weight (A15/A18)', () => {
    // A Fry tank reaching its max weight moves to Parr without any weight change, and a destination
    // of a higher stage starts from the source weight, never from a stage minimum or maximum.
    const inputs = baseInputs({ stages: [stage(1, 1, 2.25, 0, 6), stage(2, 2, 2.75, 0, 60), stage(3, 3, 2.75, 0, 180)] });
    inputs.assignments = [assignment(1, 1, 30, 1), assignment(2, 30, null, 3)];
    inputs.placements = [{ assignmentId: 1, placementDate: day(1), count: 1000, avgWeightG: 5.0 }];
    inputs.temperatures = [...dailyTemps(101, 1, 40, 12), ...dailyTemps(102, 1, 40, 12)];
    inputs.transfers = [transfer(1, 1, 2, 30, 1000)];
    const r = computeBatch(inputs, { asOf: day(40), trace: true });
    const all = [...rowsOf(r.rows, 1), ...rowsOf(r.rows, 2)];
    const traces = [...r.trace!.filter((t) => t.assignmentId === 1), ...r.trace!.filter((t) => t.assignmentId === 2)];
    for (let i = 1; i < traces.length; i++) {
      const ratio = traces[i]!.weightG / traces[i - 1]!.weightG;
      expect(ratio).toBeGreaterThan(1);
      expect(ratio).toBeLessThan(1.1);
    }
    expect(all.some((x) => x.lifecycleStageId === 2)).toBe(true);
    expect(traceOn(r.trace, 2, 30)!.startWeightG).toBe(traceOn(r.trace, 1, 29)!.weightG);
    expect(rowOn(r.rows, 2, 30)!.lifecycleStageId).toBe(3);
  });
});

