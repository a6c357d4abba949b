import { describe, expect, it } from 'vitest';
import { computeBatch } from './compute-batch.js';
import { assignment, baseInputs, day, rowOn } from './fixtures.js';
import { interpolationConfidence } from './temperature.js';
import type { EngineInputs } from './types.js';

const D = 20; // the day under test (day number)

function withReadings(readings: [number, number][], profile: [number, number][] = []): EngineInputs {
  const inputs = baseInputs();
  inputs.assignments = [assignment(1, 1)];
  inputs.placements = [{ assignmentId: 1, placementDate: day(1), count: 1000, avgWeightG: 10 }];
  inputs.temperatures = readings.map(([d, avgC]) => ({ containerId: 101, date: day(d), avgC }));
  inputs.temperatureProfileDays = profile.map(([dayNumber, temperatureC]) => ({ dayNumber, temperatureC }));
  return inputs;
}

function rowAt(inputs: EngineInputs, n = D) {
  const r = computeBatch(inputs, { asOf: day(45) });
  return { row: rowOn(r.rows, 1, n)!, result: r };
}

describe('temperature (§5.4)', () => {
  it('A4 — (a) daily mean of the readings', () => {
    const { row } = rowAt(withReadings([[D, 12.5]]));
    expect(row.tempC).toBe(12.5);
    expect(row.sources.temp).toBe('measured');
    expect(row.confidence.temp).toBe(1);
    // Two daily means for one container-day (not produced by the loader) are averaged.
    expect(rowAt(withReadings([[D, 12.4], [D, 12.6]])).row.tempC).toBe(12.5);
  });

  it('A4 — (b) 0.0 °C is a valid reading', () => {
    const { row } = rowAt(withReadings([[D, 0.0], [D - 1, 9], [D + 1, 9]]));
    expect(row.tempC).toBe(0);
    expect(row.sources.temp).toBe('measured');
    expect(row.confidence.temp).toBe(1);
  });

  it('A4 — (c) interpolation between d − 2 and d + 1', () => {
    const { row } = rowAt(withReadings([[D - 2, 8.0], [D + 1, 11.0]]));
    expect(row.tempC).toBe(10);
    expect(row.sources.temp).toBe('interpolated');
    expect(row.confidence.temp).toBe(0.8);
  });

  it('A4 — (d) interpolation confidence by span', () => {
    expect(rowAt(withReadings([[D - 7, 8.0], [D + 7, 11.0]])).row.confidence.temp).toBe(0.433);
    expect(rowAt(withReadings([[D - 1, 8.0], [D + 1, 11.0]])).row.confidence.temp).toBe(0.833);
    expect(interpolationConfidence(3)).toBeCloseTo(0.8, 12);
    expect(interpolationConfidence(7)).toBeCloseTo(0.6667, 4);
    expect(interpolationConfidence(30)).toBe(0.4);
  });

  it('A4 — (e) nearest before / nearest after', () => {
    const before = rowAt(withReadings([[D - 3, 7.5]])).row;
    expect(before.tempC).toBe(7.5);
    expect(before.sources.temp).toBe('nearest_before');
    expect(before.confidence.temp).toBe(0.6);
    const after = rowAt(withReadings([[D + 5, 6.25]])).row;
    expect(after.tempC).toBe(6.25);
    expect(after.sources.temp).toBe('nearest_after');
    expect(after.confidence.temp).toBe(0.6);
  });

  it('A4 — (f) readings beyond 7 days are not used; profile interpolation', () => {
    const profile: [number, number][] = [
      [1, 8.0],
      [11, 9.0],
    ];
    const r = computeBatch(withReadings([[D - 8, 15]], profile), { asOf: day(45) });
    const at = (n: number) => rowOn(r.rows, 1, n)!;
    expect(at(D).sources.temp).toBe('profile');
    expect(at(D).confidence.temp).toBe(0.5);
    expect(at(D).tempC).toBe(9); // after the last profile day
    const early = computeBatch(withReadings([], profile), { asOf: day(45) });
    expect(rowOn(early.rows, 1, 5)!.tempC).toBe(8.4);
    expect(rowOn(early.rows, 1, 5)!.sources.temp).toBe('profile');
    expect(rowOn(early.rows, 1, 40)!.tempC).toBe(9);
    expect(rowOn(early.rows, 1, 1)!.tempC).toBe(8);
    expect(rowOn(early.rows, 1, 11)!.tempC).toBe(9);
  });

  it('A4 — (g) no readings, no profile: 10 °C default caps the weight confidence', () => {
    const { row, result } = rowAt(withReadings([]));
    expect(row.tempC).toBe(10);
    expect(row.sources.temp).toBe('default');
    expect(row.confidence.temp).toBe(0.3);
    expect(row.confidence.weight).toBe(0.3);
    expect(result.diagnostics.filter((d) => d.code === 'TEMPERATURE_DEFAULT_USED')).toHaveLength(1);
  });

  it('growth uses max(T, 0): negative temperatures do not shrink fish', () => {
    const r = computeBatch(withReadings([[1, -1.5], [2, -0.5]]), { asOf: day(2), trace: true });
    expect(r.trace!.map((t) => t.weightG)).toEqual([10, 10]);
    expect(r.rows[0]!.tempC).toBe(-1.5);
  });
});
