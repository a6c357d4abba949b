import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gradeHarvest, largestRemainder, normalCdf } from './grading.js';
import { DEFAULT_PROFILE } from './profile-defaults.js';

describe('harvest grading', () => {
  it('uses an accurate normal CDF', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-1)).toBeCloseTo(0.158655, 6);
  });

  it('splits by largest remainder so counts always sum to the total (property)', () => {
    fc.assert(
      fc.property(fc.nat(10_000_000), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 9 }), (total, weights) => {
        const counts = largestRemainder(total, weights);
        if (weights.some((w) => w > 0)) expect(counts.reduce((a, b) => a + b, 0)).toBe(total);
        expect(counts.every((c) => Number.isInteger(c) && c >= 0)).toBe(true);
      }),
    );
    expect(largestRemainder(10, [1, 1, 1])).toEqual([4, 3, 3]);
  });

  it('grades a ring into size classes with class means inside their class, omitting empty ones', () => {
    const lots = gradeHarvest(200_000, 5_200, 0.18, DEFAULT_PROFILE.harvest.sizeClasses);
    expect(lots.reduce((sum, lot) => sum + lot.count, 0)).toBe(200_000);
    expect(lots.map((lot) => lot.sizeClass)).toEqual(['<2kg', '2-3kg', '3-4kg', '4-5kg', '5-6kg', '6-7kg', '>=7kg'].filter((code) => lots.some((lot) => lot.sizeClass === code)));
    const bounds: Record<string, [number, number]> = { '3-4kg': [3000, 4000], '4-5kg': [4000, 5000], '5-6kg': [5000, 6000], '6-7kg': [6000, 7000] };
    for (const lot of lots) {
      const range = bounds[lot.sizeClass];
      if (range) expect(lot.avgWeightG >= range[0] && lot.avgWeightG <= range[1]).toBe(true);
    }
    const mean = lots.reduce((sum, lot) => sum + lot.count * lot.avgWeightG, 0) / 200_000;
    expect(Math.abs(mean / 5_200 - 1)).toBeLessThan(0.002);
    expect(lots.length).toBeGreaterThanOrEqual(5);
  });
});
