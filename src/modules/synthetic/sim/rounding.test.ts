import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { roundHalfEven, roundHalfEvenOnString } from './rounding.js';

describe('roundHalfEven', () => {
  it.each([
    [2.675, 2, 2.68],
    [0.125, 2, 0.12],
    [0.375, 2, 0.38],
    [101.785, 2, 101.78],
    [1.0005, 3, 1.0],
    [1.2345, 3, 1.234],
    [2.5, 0, 2],
    [3.5, 0, 4],
    [-2.675, 2, -2.68],
    [9.995, 2, 10],
    [5e-7, 2, 0],
    [1e21, 2, 1e21],
  ])('rounds %d to %d dp as %d (growth-engine.md §5.13 vectors)', (x, decimals, expected) => {
    expect(roundHalfEven(x, decimals)).toBe(expected);
  });

  it('never returns -0', () => {
    expect(Object.is(roundHalfEven(-0.001, 2), 0)).toBe(true);
  });

  it('fast path equals the string reference everywhere', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e9, max: 1e9, noNaN: true }), fc.integer({ min: 0, max: 4 }), (x, decimals) => {
        expect(roundHalfEven(x, decimals)).toBe(roundHalfEvenOnString(x, decimals));
      }),
      { numRuns: 20_000 },
    );
    fc.assert(
      fc.property(fc.integer({ min: -10_000_000, max: 10_000_000 }), fc.integer({ min: 1, max: 4 }), (n, decimals) => {
        // Exact decimal ties: n + 0.5 units of the last kept digit.
        const x = Number(`${(n / 10 ** decimals).toFixed(decimals)}5`);
        expect(roundHalfEven(x, decimals)).toBe(roundHalfEvenOnString(x, decimals));
      }),
      { numRuns: 5_000 },
    );
  });
});
