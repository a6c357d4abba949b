import { describe, expect, it } from 'vitest';
import { computeBatch } from './compute-batch.js';
import { assignment, baseInputs, day, rowOn, rowsOf, traceOn, transfer, withTemps } from './fixtures.js';
import { EngineError, type EngineInputs } from './types.js';

function opened(count = 1000, weightG = 10): EngineInputs {
  const inputs = baseInputs();
  inputs.assignments = [assignment(1, 1)];
  inputs.placements = [{ assignmentId: 1, placementDate: day(1), count, avgWeightG: weightG }];
  withTemps(inputs, 30);
  return inputs;
}

describe('fatal errors and degenerate inputs', () => {
  it('NO_SCENARIO is fatal', () => {
    const inputs = opened();
    inputs.batch = { ...inputs.batch, scenarioId: null };
    expect(() => computeBatch(inputs, { asOf: day(3) })).toThrowError(EngineError);
    try {
      computeBatch(inputs, { asOf: day(3) });
    } catch (e) {
      expect((e as EngineError).code).toBe('NO_SCENARIO');
    }
    const noScenario = opened();
    noScenario.scenario = null;
    expect(() => computeBatch(noScenario, { asOf: day(3) })).toThrow(/scenario/);
  });

  it('rejects malformed dates and duplicate assignment ids as INVALID_INPUT', () => {
    const bad = opened();
    bad.placements = [{ assignmentId: 1, placementDate: '2024-13-01', count: 1, avgWeightG: 1 }];
    expect(() => computeBatch(bad, { asOf: day(3) })).toThrow(EngineError);
    const dup = opened();
    dup.assignments = [assignment(1, 1), assignment(1, 2)];
    expect(() => computeBatch(dup, { asOf: day(3) })).toThrow(/duplicate/);
  });

  it('computes nothing before the batch starts or after asOf', () => {
    const r = computeBatch(opened(), { asOf: '2023-12-31' });
    expect(r.rows).toEqual([]);
    expect(r.batchDaily).toEqual([]);
    expect(r.adjustments).toEqual([]);
    expect(computeBatch(baseInputs(), { asOf: day(5) })).toEqual({ rows: [], batchDaily: [], adjustments: [], diagnostics: [] });
  });

  it('an assignment without an opening placement opens at 0 and starts from a later arrival', () => {
    const inputs = opened();
    inputs.placements = [{ assignmentId: 1, placementDate: day(4), count: 500, avgWeightG: 20 }];
    const r = computeBatch(inputs, { asOf: day(5), trace: true });
    expect(r.diagnostics.map((d) => d.code)).toContain('NO_OPENING_PLACEMENT');
    expect(rowsOf(r.rows, 1).map((x) => x.population)).toEqual([0, 0, 0, 500, 500]);
    expect(traceOn(r.trace, 1, 4)!.startWeightG).toBe(20);
    expect(rowOn(r.rows, 1, 4)!.inflowCount).toBe(500);
  });

  it('invalid transfers are ignored on both sides', () => {
    const inputs = opened();
    inputs.assignments = [assignment(1, 1), assignment(2, 5, 8)];
    inputs.transfers = [transfer(1, 1, 1, 3, 100), transfer(2, 1, 2, 9, 100), transfer(3, 1, 2, 4, 100)];
    withTemps(inputs, 10);
    const r = computeBatch(inputs, { asOf: day(10) });
    expect(r.diagnostics.filter((d) => d.code === 'INVALID_TRANSFER')).toHaveLength(3);
    expect(rowsOf(r.rows, 1).every((x) => x.outflowCount === 0 && x.population === 1000)).toBe(true);
    expect(rowsOf(r.rows, 2).every((x) => x.inflowCount === 0)).toBe(true);
  });

  it('a measured transfer dated the day after asOf anchors the asOf row (nightly append)', () => {
    const inputs = opened();
    inputs.assignments = [assignment(1, 1), assignment(2, 6)];
    inputs.transfers = [transfer(1, 1, 2, 6, 400, { measuredAvgWeightG: 12.5 })];
    withTemps(inputs, 10);
    const r = computeBatch(inputs, { asOf: day(5) });
    expect(rowOn(r.rows, 1, 5)!.avgWeightG).toBe(12.5);
    expect(rowOn(r.rows, 1, 5)!.anchorType).toBe('transfer');
    expect(rowOn(r.rows, 1, 5)!.population).toBe(1000);
    expect(rowsOf(r.rows, 2)).toEqual([]);
  });

  it('closing an assignment with fish left books a reconciliation on its departure date', () => {
    const inputs = opened();
    inputs.assignments = [assignment(1, 1, 4)];
    const r = computeBatch(inputs, { asOf: day(6) });
    expect(rowsOf(r.rows, 1)).toHaveLength(3);
    expect(r.adjustments).toEqual([{ assignmentId: 1, date: day(4), count: 1000, reason: 'TRANSFER_COUNT_RECONCILIATION' }]);
    expect(r.batchDaily.at(-1)).toMatchObject({ date: day(4), population: 0, countAdjustment: 1000 });
  });

  it('an operational stage missing from the stage list falls back to scenario parameters', () => {
    const inputs = opened();
    inputs.assignments = [assignment(1, 1, null, 99)];
    const r = computeBatch(inputs, { asOf: day(2) });
    expect(r.rows.map((x) => [x.lifecycleStageId, x.tgcUsed])).toEqual([
      [99, 2.75],
      [99, 2.75],
    ]);
  });
});
