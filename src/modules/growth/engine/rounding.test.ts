import { describe, expect, it } from 'vitest';
import { addDays, dateOf, dayIndex, diffDays, isoWeekStart, monthBounds } from './dates.js';
import { roundHalfEven } from './rounding.js';
import { computeBatch } from './compute-batch.js';
import { assignment, baseInputs, dailyTemps, day } from './fixtures.js';

describe('roundHalfEven (§5.13)', () => {
  it('A19 — rounding vectors of §5.13', () => {
    expect(roundHalfEven(2.675, 2)).toBe(2.68);
    expect(roundHalfEven(0.125, 2)).toBe(0.12);
    expect(roundHalfEven(0.375, 2)).toBe(0.38);
    expect(roundHalfEven(101.785, 2)).toBe(101.78);
    expect(roundHalfEven(1.0005, 3)).toBe(1.0);
    expect(roundHalfEven(1.2345, 3)).toBe(1.234);
    expect(roundHalfEven(2.5, 0)).toBe(2);
    expect(roundHalfEven(3.5, 0)).toBe(4);
  });

  it('A19 — vectors through the row writer', () => {
    // A placement weight that is never stepped (0 °C) is stored through the row rounding.
    for (const [w, stored] of [
      [2.675, 2.68],
      [0.125, 0.12],
      [0.375, 0.38],
      [101.785, 101.78],
    ] as const) {
      const inputs = baseInputs();
      inputs.assignments = [assignment(1, 1)];
      inputs.placements = [{ assignmentId: 1, placementDate: day(1), count: 1000, avgWeightG: w }];
      inputs.temperatures = dailyTemps(101, 1, 1, 0);
      const { rows } = computeBatch(inputs, { asOf: day(1) });
      expect(rows[0]!.avgWeightG).toBe(stored);
    }
  });

  it('handles exponent notation, large numbers, negatives and carries', () => {
    expect(String(1e-7)).toBe('1e-7');
    expect(roundHalfEven(1e-7, 2)).toBe(0);
    expect(roundHalfEven(1e-7, 7)).toBe(1e-7);
    expect(roundHalfEven(2.5e-7, 7)).toBe(2e-7);
    expect(roundHalfEven(3.5e-7, 7)).toBe(4e-7);
    expect(roundHalfEven(5e-7, 6)).toBe(0);
    expect(roundHalfEven(1.5e-6, 6)).toBe(2e-6);
    expect(roundHalfEven(1.5e21, 2)).toBe(1.5e21);
    expect(roundHalfEven(123456789012.125, 2)).toBe(123456789012.12);
    expect(roundHalfEven(123456789012.135, 2)).toBe(123456789012.14);
    expect(roundHalfEven(9.995, 2)).toBe(10);
    expect(roundHalfEven(0.995, 2)).toBe(1);
    expect(roundHalfEven(0.015, 2)).toBe(0.02);
    expect(roundHalfEven(0.005, 2)).toBe(0);
    expect(roundHalfEven(-2.675, 2)).toBe(-2.68);
    expect(Object.is(roundHalfEven(-0.001, 2), 0)).toBe(true);
    expect(Object.is(roundHalfEven(-0, 2), 0)).toBe(true);
    expect(roundHalfEven(0.1 + 0.2, 2)).toBe(0.3);
    expect(roundHalfEven(1.00049999, 3)).toBe(1);
    expect(roundHalfEven(1.0005000001, 3)).toBe(1.001);
    expect(roundHalfEven(0.8333333333333334, 3)).toBe(0.833);
  });

  it('agrees with a reference decimal implementation on many values', () => {
    // Reference: BigInt arithmetic on the shortest decimal string.
    const reference = (x: number, dp: number): number => {
      const s = String(Math.abs(x));
      const [m, e] = s.split('e') as [string, string | undefined];
      const [ip, fp = ''] = m.split('.') as [string, string | undefined];
      let digits = BigInt(ip + fp);
      let scale = fp.length - Number(e ?? 0); // value = digits · 10^−scale
      if (scale <= dp) return Math.abs(x);
      const div = 10n ** BigInt(scale - dp);
      let q = digits / div;
      const r = digits % div;
      const twice = 2n * r;
      if (twice > div || (twice === div && q % 2n === 1n)) q += 1n;
      digits = q;
      scale = dp;
      return Number(`${digits}e-${scale}`);
    };
    let seed = 12345;
    const next = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let i = 0; i < 20000; i++) {
      const dp = [0, 2, 3, 4][i % 4]!;
      const magnitude = 10 ** Math.floor(next() * 9 - 3);
      // Half the values are exact ties at the target scale.
      const x = i % 2 === 0 ? next() * magnitude : (Math.floor(next() * 1e6) + 0.5) / 10 ** dp;
      expect(roundHalfEven(x, dp)).toBe(reference(x, dp));
    }
  });
});

describe('date helpers', () => {
  it('indexes UTC days and does date arithmetic', () => {
    expect(dayIndex('1970-01-01')).toBe(0);
    expect(dateOf(dayIndex('2024-02-29'))).toBe('2024-02-29');
    expect(addDays('2024-02-28', 2)).toBe('2024-03-01');
    expect(diffDays('2024-03-31', '2024-01-01')).toBe(90);
    expect(dateOf(isoWeekStart(dayIndex('2024-01-07')))).toBe('2024-01-01');
    expect(dateOf(isoWeekStart(dayIndex('2024-01-08')))).toBe('2024-01-08');
    const feb = monthBounds(dayIndex('2024-02-10'));
    expect([dateOf(feb.start), dateOf(feb.end)]).toEqual(['2024-02-01', '2024-02-29']);
    expect(() => dayIndex('2024-02-30')).toThrow();
    expect(() => dayIndex('2024/01/01')).toThrow();
  });
});

describe('dayIndex', () => {
  it('equals Date.UTC over four centuries', () => {
    for (let i = -40_000; i < 120_000; i += 7) {
      const date = new Date(i * 86_400_000).toISOString().slice(0, 10);
      expect(dayIndex(date)).toBe(i);
      expect(dateOf(i)).toBe(date);
    }
    expect(() => dayIndex('2023-02-29')).toThrow();
    expect(dayIndex('2000-02-29')).toBe(Date.UTC(2000, 1, 29) / 86_400_000);
  });
});
