import { describe, expect, it } from 'vitest';
import { parseIsoDate } from '../modules/synthetic/sim/index.js';
import { dateText, intText, jsonbCanonical, jsonbFlatText, jsonbText, NULL, nullableNumericText, numericText, textText, timestampText } from './pg-text.js';

describe('COPY text spelled as PostgreSQL prints it', () => {
  it('prints numeric with exactly the column scale, rounding half-even first', () => {
    expect(numericText(12.5, 4)).toBe('12.5000');
    expect(numericText(0, 2)).toBe('0.00');
    expect(numericText(-0, 2)).toBe('0.00');
    expect(numericText(2.675, 2)).toBe('2.68');
    expect(numericText(0.125, 2)).toBe('0.12');
    expect(numericText(-1.5, 1)).toBe('-1.5');
    expect(numericText(3.5, 0)).toBe('4');
    expect(nullableNumericText(null, 3)).toBe(NULL);
  });

  it('prints dates and UTC timestamps', () => {
    const day = parseIsoDate('2023-05-26');
    expect(dateText(day)).toBe('2023-05-26');
    expect(timestampText(day, 6)).toBe('2023-05-26 06:00:00+00');
    expect(timestampText(day, 23, 59, 59)).toBe('2023-05-26 23:59:59+00');
  });

  it('escapes text for COPY and refuses non-integers in integer columns', () => {
    expect(textText('a\tb\\c\nd')).toBe('a\\tb\\\\c\\nd');
    expect(textText('Baseline – FO-2023-001')).toBe('Baseline – FO-2023-001');
    expect(() => intText(1.5)).toThrow(/Not an integer/);
    expect(intText(2 ** 52 + 7)).toBe('4503599627370503');
  });

  it('orders jsonb keys by length, then bytes, with ": " and ", " separators', () => {
    const sources = { weight: 'measured', temp: 'measured', mortality: 'actual', feed: 'none', fcr: 'insufficient_data', calibrated: false };
    const expected = '{"fcr": "insufficient_data", "feed": "none", "temp": "measured", "weight": "measured", "mortality": "actual", "calibrated": false}';
    expect(jsonbCanonical(sources)).toBe(expected);
    expect(jsonbFlatText(sources)).toBe(expected);
    expect(jsonbFlatText({ overall: 0.4, fcr: 0, weight: 0.95 })).toBe('{"fcr": 0, "weight": 0.95, "overall": 0.4}');
    expect(jsonbText({ note: 'line\nbreak' })).toBe('{"note": "line\\\\nbreak"}');
    expect(() => jsonbCanonical(1e-7)).toThrow(/re-spelled/);
  });
});
