/**
 * Round-half-even on the number's shortest round-trip decimal string (`String(x)`), the rule of
 * growth-engine.md §5.13, so stored simulator values and engine values round identically.
 * PostgreSQL rounds numeric half away from zero, so rounding is never left to SQL.
 */

import { roundHalfEven as engineRoundHalfEven } from '../../growth/engine/rounding.js';

/**
 * `x` rounded half-even to `decimals` (0–8) fraction digits, decided on `String(x)`: the engine's rounder, so
 * stored simulator values and engine values round identically. Throws where the engine would pass a value through.
 * Vectors: 2.675 → 2.68, 0.125 → 0.12, 0.375 → 0.38, 101.785 → 101.78, 2.5 → 2, 3.5 → 4.
 */
export function roundHalfEven(x: number, decimals: number): number {
  if (!Number.isFinite(x)) throw new Error(`Cannot round non-finite value ${x}`);
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 8) throw new Error(`Unsupported decimals ${decimals}`);
  return engineRoundHalfEven(x, decimals);
}

/** An independent reference (decimal digit arithmetic on `String(x)`), the oracle the property tests compare with. */
export function roundHalfEvenOnString(x: number, decimals: number): number {
  const negative = x < 0;
  const { digits, pointIndex } = decimalDigits(Math.abs(x));
  // digits[0 .. pointIndex) is the integer part; keep pointIndex + decimals digits.
  const keep = pointIndex + decimals;
  if (digits.length <= keep) return x === 0 ? 0 : x;
  const kept = digits.slice(0, keep);
  const first = digits[keep]!;
  let roundUp: boolean;
  if (first !== 5) roundUp = first > 5;
  else if (digits.slice(keep + 1).some((d) => d !== 0)) roundUp = true;
  else roundUp = kept.length > 0 && kept[kept.length - 1]! % 2 === 1;
  if (roundUp) {
    let i = kept.length - 1;
    while (i >= 0 && kept[i] === 9) {
      kept[i] = 0;
      i -= 1;
    }
    if (i >= 0) kept[i] = kept[i]! + 1;
    else kept.unshift(1);
  }
  const integerLength = kept.length - decimals;
  const intPart = integerLength > 0 ? kept.slice(0, integerLength).join('') : '0';
  const fracPart = kept.slice(Math.max(integerLength, 0)).join('').padStart(decimals, '0');
  const value = Number(decimals > 0 ? `${intPart}.${fracPart}` : intPart);
  return negative && value !== 0 ? -value : value;
}

/** Decimal digits of a non-negative finite number as printed by String(), with the point position. */
function decimalDigits(value: number): { digits: number[]; pointIndex: number } {
  const text = String(value);
  const [mantissa, exponentText] = text.split('e');
  const exponent = exponentText === undefined ? 0 : Number(exponentText);
  const [intText, fracText = ''] = mantissa!.split('.');
  const all = (intText! + fracText).split('').map(Number);
  let pointIndex = intText!.length + exponent;
  // Normalise so the point index is within [0, digits.length].
  while (pointIndex < 0) {
    all.unshift(0);
    pointIndex += 1;
  }
  while (all.length < pointIndex) all.push(0);
  return { digits: all, pointIndex };
}
