import { describe, expect, it } from 'vitest';
import { computeBatch } from './compute-batch.js';
import { assignment, baseInputs, dailyTemps, day, rowOn, rowsOf, traceOn } from './fixtures.js';
import { dailyMortalityFraction, modelDeaths } from './mortality.js';
import type { EngineInputs } from './types.js';

function pond(count: number, days: number, mortalityPct: number): EngineInputs {
  const inputs = baseInputs({ mortalityPct });
  inputs.assignments = [assignment(1, 1)];
  inputs.placements = [{ assignmentId: 1, placementDate: day(1), count, avgWeightG: 50 }];
  inputs.temperatures = dailyTemps(101, 1, days, 10);
  return inputs;
}

describe('mortality (§5.9)', () => {
  it('A5 — (a) recorded deaths are summed, actual 1.0', () => {
    const inputs = pond(1000, 3, 0.05);
    // Two events on the day arrive summed from SQL; two sums for one day are added as well.
    inputs.mortalitySums = [
      { assignmentId: 1, date: day(2), count: 3 },
      { assignmentId: 1, date: day(2), count: 2 },
    ];
    inputs.mortalityReports = [{ assignmentId: 1, date: day(2) }];
    const row = rowOn(computeBatch(inputs, { asOf: day(3) }).rows, 1, 2)!;
    expect(row.mortalityCount).toBe(5);
    expect(row.sources.mortality).toBe('actual');
    expect(row.confidence.mortality).toBe(1);
    expect(row.population).toBe(995);
  });

  it('A5 — (b) a report without events means 0 actual deaths', () => {
    const inputs = pond(1000, 3, 5);
    inputs.mortalityReports = [{ assignmentId: 1, date: day(2) }];
    const row = rowOn(computeBatch(inputs, { asOf: day(3) }).rows, 1, 2)!;
    expect(row.mortalityCount).toBe(0);
    expect(row.sources.mortality).toBe('actual');
    expect(row.confidence.mortality).toBe(1);
  });

  it('A5 — (c) modelled deaths with carry after an opening of 1,000', () => {
    const r = computeBatch(pond(1000, 7, 0.05), { asOf: day(7), trace: true });
    const six = rowsOf(r.rows, 1).slice(1, 7);
    expect(six.map((x) => x.mortalityCount)).toEqual([0, 1, 0, 0, 1, 0]);
    expect(six.map((x) => x.population)).toEqual([1000, 999, 999, 999, 998, 998]);
    const carries = [0.5, 0, 0.4995, 0.999, 0.4985, 0.9975];
    carries.forEach((c, i) => expect(traceOn(r.trace, 1, i + 2)!.carry).toBeCloseTo(c, 9));
    expect(six.every((x) => x.sources.mortality === 'model' && x.confidence.mortality === 0.4)).toBe(true);
    // The opening day has no modelled deaths: base = residents = 0.
    expect(rowOn(r.rows, 1, 1)!.mortalityCount).toBe(0);
  });

  it('A5 — (d) base 306,090 at 0.05 %', () => {
    const m = modelDeaths(306_090, dailyMortalityFraction(0.05, 'DAILY'), 0);
    expect(m.deaths).toBe(153);
    expect(m.carry).toBeCloseTo(0.045, 9);
    expect(modelDeaths(1000, 0.0005, 0)).toEqual({ deaths: 0, carry: 0.5 });
    expect(modelDeaths(1000, 0.0005, 0.5).deaths).toBe(1);
  });

  it('A5 — (e) weekly rates convert to daily', () => {
    expect(dailyMortalityFraction(0.7, 'WEEKLY')).toBeCloseTo(0.00100301, 8);
    expect(dailyMortalityFraction(5, 'WEEKLY')).toBeCloseTo(0.00730083, 8);
    // Engine-level: a weekly scenario rate is applied as its daily equivalent.
    const inputs = pond(100_000, 3, 0.7);
    inputs.scenario = { ...inputs.scenario!, baseMortalityFrequency: 'WEEKLY' };
    const r = computeBatch(inputs, { asOf: day(3) });
    expect(rowOn(r.rows, 1, 2)!.mortalityCount).toBe(Math.floor(100_000 * 0.0010030130653529978 + 1e-9));
  });

  it('A5 — (f) recorded deaths above the fish present clamp to 0', () => {
    const inputs = pond(1000, 4, 0);
    inputs.mortalitySums = [{ assignmentId: 1, date: day(2), count: 1200 }];
    const r = computeBatch(inputs, { asOf: day(3) });
    const row = rowOn(r.rows, 1, 2)!;
    expect(row.population).toBe(0);
    expect(row.mortalityCount).toBe(1200);
    expect(row.biomassKg).toBe(0);
    expect(r.adjustments).toEqual([{ assignmentId: 1, date: day(2), count: -200, reason: 'CLAMP' }]);
    expect(r.diagnostics.some((d) => d.code === 'POPULATION_CLAMPED' && d.date === day(2))).toBe(true);
    // Per-row balance holds: 0 = 1000 + 0 − 0 − 1200 − (−200).
    expect(rowOn(r.rows, 1, 3)!.population).toBe(0);
  });

  it('stage parameters win over stage defaults, which win over the scenario', () => {
    const inputs = pond(100_000, 3, 1);
    inputs.stages = [{ id: 1, order: 1, maxWeightG: null, defaultTgc: 2.0, defaultDailyMortalityPct: 0.5 }];
    expect(rowOn(computeBatch(inputs, { asOf: day(2) }).rows, 1, 2)!.mortalityCount).toBe(500);
    inputs.stageParameters = [{ lifecycleStageId: 1, tgc: 3.0, mortalityRatePct: 0.2, mortalityFrequency: 'DAILY' }];
    const row = rowOn(computeBatch(inputs, { asOf: day(2) }).rows, 1, 2)!;
    expect(row.mortalityCount).toBe(200);
    expect(row.tgcUsed).toBe(3);
  });
});
