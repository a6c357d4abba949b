import { describe, expect, it } from 'vitest';
import { computeBatch } from './compute-batch.js';
import { assignment, baseInputs, dailyTemps, day, rowOn, traceOn } from './fixtures.js';
import { computedWeightConfidence, fcrOf, growthKgOf, tgcStep } from './growth.js';
import type { EngineInputs } from './types.js';

/** Within half a unit of the last printed digit of `printed`. */
function closeToPrinted(actual: number, printed: string): void {
  const decimals = printed.split('.')[1]?.length ?? 0;
  expect(Math.abs(actual - Number(printed))).toBeLessThanOrEqual(0.5 * 10 ** -decimals);
}

function single(weightG: number, count: number, days: number, tempC: number, opts: { tgc?: number; mortalityPct?: number } = {}): EngineInputs {
  const inputs = baseInputs({ tgc: opts.tgc ?? 2.75, mortalityPct: opts.mortalityPct ?? 0 });
  inputs.assignments = [assignment(1, 1)];
  inputs.placements = [{ assignmentId: 1, placementDate: day(1), count, avgWeightG: weightG }];
  inputs.temperatures = dailyTemps(101, 1, days, tempC);
  return inputs;
}

describe('growth step (§5.5)', () => {
  it('A1 — TGC step: 1 day, 100 days, and an exact copy at 0 °C', () => {
    closeToPrinted(tgcStep(100, 2.75 / 1000, 10), '101.78796002');
    const r = computeBatch(single(100, 1000, 100, 10), { asOf: day(100), trace: true });
    expect(rowOn(r.rows, 1, 1)!.avgWeightG).toBe(101.79);
    closeToPrinted(traceOn(r.trace, 1, 1)!.weightG, '101.78796002');
    expect(rowOn(r.rows, 1, 100)!.avgWeightG).toBe(403.84);
    closeToPrinted(traceOn(r.trace, 1, 100)!.weightG, '403.84378359');
    // TGC stored 2.75 is used as k = 0.00275.
    expect(rowOn(r.rows, 1, 1)!.tgcUsed).toBe(2.75);

    const cold = computeBatch(single(100, 1000, 10, 0), { asOf: day(10), trace: true });
    for (const t of cold.trace!) expect(t.weightG).toBe(100);
    expect(cold.rows.every((row) => row.avgWeightG === 100)).toBe(true);
    expect(tgcStep(100, 0.00275, 0)).toBe(100);
    expect(tgcStep(100, 0.00275, -3)).toBe(100);
  });

  it('A2 — three-day end-to-end', () => {
    const r = computeBatch(single(2.0, 1000, 3, 10.0, { mortalityPct: 0.05 }), { asOf: day(3), trace: true });
    expect(r.rows).toHaveLength(3);
    const expected = [
      { pop: 1000, mort: 0, carry: 0, w: '2.133839830', avg: 2.13, bio: 2.13, growth: 0.13 },
      { pop: 1000, mort: 0, carry: 0.5, w: '2.273521332', avg: 2.27, bio: 2.27, growth: 0.14 },
      { pop: 999, mort: 1, carry: 0, w: '2.419169289', avg: 2.42, bio: 2.42, growth: 0.15 },
    ];
    expected.forEach((e, i) => {
      const row = r.rows[i]!;
      const t = r.trace![i]!;
      expect(row.dayNumber).toBe(i + 1);
      expect(row.date).toBe(day(i + 1));
      expect(row.population).toBe(e.pop);
      expect(row.mortalityCount).toBe(e.mort);
      expect(t.carry).toBeCloseTo(e.carry, 12);
      closeToPrinted(t.weightG, e.w);
      expect(row.avgWeightG).toBe(e.avg);
      expect(row.biomassKg).toBe(e.bio);
      expect(row.growthKg).toBe(e.growth);
      expect(row.tempC).toBe(10);
      expect(row.feedKg).toBe(0);
      expect(row.fcr).toBeNull();
      expect(row.sources).toEqual({
        weight: 'tgc_computed',
        calibrated: false,
        temp: 'measured',
        mortality: 'model',
        feed: 'none',
        fcr: 'insufficient_data',
      });
      expect(row.confidence).toEqual({ weight: 0.8, temp: 1.0, mortality: 0.4, feed: 0.0, fcr: 0.0, overall: 0.4 });
      expect(row.inflowCount).toBe(i === 0 ? 1000 : 0);
      expect(row.outflowCount).toBe(0);
      expect(row.anchorType).toBeNull();
      expect(row.scenarioId).toBe(7);
      expect(row.engineVersion).toBe('1.0.0');
      expect(row.lifecycleStageId).toBe(1);
      expect(row.containerId).toBe(101);
      expect(row.batchId).toBe(1);
    });
  });

  it('A3 — units and no rounding stall (engine-level k = 0.000025)', () => {
    // (a) validation of TGC values belongs to mutations; the engine applies what it is given.
    const r = computeBatch(single(2.0, 1000, 5, 10, { tgc: 0.025 }), { asOf: day(5), trace: true });
    expect(r.rows.map((row) => row.avgWeightG)).toEqual([2.0, 2.0, 2.0, 2.0, 2.01]);
    closeToPrinted(r.trace![4]!.weightG, '2.00595866');
    let prev = 2.0;
    for (const t of r.trace!) {
      expect(t.weightG).toBeGreaterThan(prev);
      prev = t.weightG;
    }
    expect(r.rows[0]!.tgcUsed).toBe(0.025);
  });

  it('A10 — confidence decay', () => {
    const inputs = single(10, 1000, 80, 10);
    const r = computeBatch(inputs, { asOf: day(80), trace: true });
    const conf = (n: number): number => rowOn(r.rows, 1, n)!.confidence.weight;
    for (let d = 1; d <= 20; d++) expect(conf(d)).toBe(0.8);
    expect(conf(21)).toBe(0.79);
    expect(conf(25)).toBe(0.75);
    expect(conf(45)).toBe(0.55);
    expect(conf(59)).toBe(0.41);
    for (let d = 60; d <= 80; d++) expect(conf(d)).toBe(0.4);
    for (let d = 1; d <= 80; d++) expect(traceOn(r.trace, 1, d)!.daysSinceAnchor).toBe(d);

    // Interpolated temperature of confidence 0.6 (span 9) caps the weight confidence.
    const gap = single(10, 1000, 0, 10);
    gap.temperatures = dailyTemps(101, 1, 80, 10).filter((t) => t.date < day(31) || t.date > day(38));
    const g = computeBatch(gap, { asOf: day(80) });
    const row = rowOn(g.rows, 1, 35)!;
    expect(row.sources.temp).toBe('interpolated');
    expect(row.confidence.temp).toBe(0.6);
    expect(row.confidence.weight).toBeLessThanOrEqual(0.6);
    expect(computedWeightConfidence(5, 0.6)).toBe(0.6);
  });
});

describe('feed, growth and FCR (§5.10)', () => {
  it('A16 — FCR rules', () => {
    // (a) P 10,000, no deaths, W_s 10 → W_d 18, feed 100 kg.
    const a = growthKgOf(10_000, 0, 10, 18);
    expect(a).toBe(80);
    expect(fcrOf(100, a)).toBe(1.25);
    // (b) 50 deaths: (9,950 + 50)·8/1000 = net change 79.10 + dead biomass 0.90.
    const b = growthKgOf(9_950, 50, 10, 18);
    expect(b).toBe(80);
    expect((9_950 * 18 - 10_000 * 10) / 1000 + (50 * 18) / 1000).toBeCloseTo(80, 10);
    expect(fcrOf(100, b)).toBe(1.25);
    // (d)–(f)
    expect(fcrOf(0, 10)).toBeNull();
    expect(fcrOf(5, 0.5)).toBeNull();
    expect(fcrOf(5, 1.0)).toBeNull();
    expect(fcrOf(200, 10)).toBe(10);
  });

  it('A16 — (c) engine-level: 100,000 fish at 200 g, feed 250 kg', () => {
    const inputs = single(200, 100_000, 1, 10);
    inputs.feedByContainer = [{ containerId: 101, date: day(1), amountKg: 250 }];
    const row = computeBatch(inputs, { asOf: day(1) }).rows[0]!;
    expect(row.avgWeightG).toBe(202.83);
    expect(row.growthKg).toBe(283.47);
    expect(row.fcr).toBe(0.882);
    expect(row.feedKg).toBe(250);
    expect(row.sources.fcr).toBe('calculated');
    expect(row.sources.feed).toBe('actual');
    expect(row.confidence.fcr).toBe(0.9);
    expect(row.confidence.feed).toBe(1);
  });

  it('A16 — (f) engine-level cap at 10.000', () => {
    // 1,000 fish at 100 g grow 1.78796 kg on day 1; 200 kg of feed → capped.
    const inputs = single(100, 1000, 1, 10);
    inputs.feedByContainer = [{ containerId: 101, date: day(1), amountKg: 200 }];
    const row = computeBatch(inputs, { asOf: day(1) }).rows[0]!;
    expect(row.fcr).toBe(10);
    expect(row.sources.fcr).toBe('calculated');
  });

  it('A16 — (g) top-up growth excludes mixing', () => {
    const inputs = single(100, 10_000, 0, 10);
    inputs.temperatures = [...dailyTemps(101, 1, 1, 0), ...dailyTemps(101, 2, 2, 10)];
    inputs.placements = [
      { assignmentId: 1, placementDate: day(1), count: 10_000, avgWeightG: 100 },
      { assignmentId: 1, placementDate: day(2), count: 5_000, avgWeightG: 130 },
    ];
    const r = computeBatch(inputs, { asOf: day(2), trace: true });
    expect(traceOn(r.trace, 1, 2)!.startWeightG).toBe(110);
    const row = rowOn(r.rows, 1, 2)!;
    expect(row.avgWeightG).toBe(111.9);
    expect(row.growthKg).toBe(28.57);
    expect(row.inflowCount).toBe(5000);
    expect(row.population).toBe(15_000);
  });
});
