import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonbFlatText, numericText } from '../../db/pg-text.js';
import { dailyStateCopyLine, rowConfidenceJsonb, rowSourcesJsonb } from './daily-state-copy.js';
import type { DailyAssignmentStateRow } from './engine/index.js';
import { roundHalfEven } from './engine/rounding.js';

const rounded = (scale: number, max: number) => fc.double({ min: 0, max, noNaN: true }).map((x) => roundHalfEven(x, scale));
const sources = fc.record({
  weight: fc.constantFrom('measured', 'tgc_computed', 'unchanged'),
  temp: fc.constantFrom('measured', 'interpolated', 'nearest_before', 'nearest_after', 'profile', 'default'),
  mortality: fc.constantFrom('actual', 'model'),
  feed: fc.constantFrom('actual', 'none'),
  fcr: fc.constantFrom('calculated', 'insufficient_data'),
  calibrated: fc.boolean(),
} as const);
const confidence = fc.record({
  weight: rounded(3, 1),
  temp: rounded(3, 1),
  mortality: rounded(3, 1),
  feed: rounded(3, 1),
  fcr: rounded(3, 1),
  overall: rounded(3, 1),
});

describe('daily row COPY spelling', () => {
  it('spells provenance and confidence as the general jsonb encoder does (PostgreSQL’s own output)', () => {
    fc.assert(
      fc.property(sources, confidence, (s, c) => {
        expect(rowSourcesJsonb(s)).toBe(jsonbFlatText(s));
        expect(rowConfidenceJsonb(c)).toBe(jsonbFlatText(c));
      }),
      { numRuns: 500 },
    );
  });

  it('prints the engine’s pre-rounded numbers exactly as rounding them again would', () => {
    fc.assert(
      fc.property(rounded(2, 1e7), rounded(3, 10), rounded(4, 100), sources, confidence, (value, fcr, tgc, s, c) => {
        const row = {
          assignmentId: 7, date: '2025-03-01', containerId: 3, dayNumber: 60, lifecycleStageId: 2, population: 1000,
          inflowCount: 0, outflowCount: 0, mortalityCount: 1, avgWeightG: value, biomassKg: value, tempC: value,
          feedKg: value, growthKg: value, fcr, tgcUsed: tgc, anchorType: null, sources: s, confidence: c,
          scenarioId: 1, engineVersion: '1.0.0',
        } as unknown as DailyAssignmentStateRow;
        const fields = dailyStateCopyLine('9', row, 'T').slice(0, -1).split('\t');
        expect(fields.slice(10, 17)).toEqual([
          numericText(value, 2), numericText(value, 2), numericText(value, 2), numericText(value, 2), numericText(value, 2),
          numericText(fcr, 3), numericText(tgc, 4),
        ]);
        expect(fields[17]).toBe('\\N');
      }),
      { numRuns: 500 },
    );
  });
});
