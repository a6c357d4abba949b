/**
 * Round-half-even on the shortest round-trip decimal string of a double (growth-engine.md §5.13).
 *
 * `2.675` is stored as 2.67499999999999982236431605997495353221893310546875, but its shortest
 * round-trip string is "2.675", and aquagraph rounds that decimal: 2.675 → 2.68 (half to even).
 * `Math.round(x * 100) / 100` gets such cases wrong, and PostgreSQL rounds half away from zero,
 * so rounding happens here, once, with decimal digit logic.
 */

/** Column scales (decimal places) of stored values. */
export const SCALE = {
  avgWeightG: 2,
  biomassKg: 2,
  tempC: 2,
  feedKg: 2,
  growthKg: 2,
  fcr: 3,
  tgcUsed: 4,
  confidence: 3,
} as const;

const POW10 = [1, 10, 100, 1000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000];

/**
 * Rounds `x` to `dp` decimal places, half to even, on the decimal digits of `String(x)`.
 * Never returns −0. Non-finite values are returned unchanged.
 */
export function roundHalfEven(x: number, dp: number): number {
  if (!Number.isFinite(x) || x === 0) return x === 0 ? 0 : x;
  const neg = x < 0;
  const a = neg ? -x : x;
  // Fast path: when the scaled value is clearly away from a tie, the binary error of x·10^dp
  // (≤ ~2.3e−16 relative, i.e. < 1e−6 absolute below 1e9) cannot change the rounding direction,
  // and n / 10^dp is the correctly rounded double of the decimal n·10^−dp.
  if (dp >= 0 && dp < POW10.length) {
    const p = POW10[dp]!;
    const y = a * p;
    if (y < 1e9) {
      const fl = Math.floor(y);
      const f = y - fl;
      if (f < 0.5 - 1e-6 || f > 0.5 + 1e-6) {
        const r = (f > 0.5 ? fl + 1 : fl) / p;
        return r === 0 ? 0 : neg ? -r : r;
      }
    }
  }
  const r = roundDecimalString(String(a), dp);
  return r === 0 ? 0 : neg ? -r : r;
}

/** Exact half-even rounding of a non-negative decimal string (plain or exponent notation). */
function roundDecimalString(s: string, dp: number): number {
  let mantissa = s;
  let exp = 0;
  const e = s.indexOf('e');
  if (e >= 0) {
    mantissa = s.slice(0, e);
    exp = Number(s.slice(e + 1));
  }
  const dot = mantissa.indexOf('.');
  const intPart = dot >= 0 ? mantissa.slice(0, dot) : mantissa;
  const fracPart = dot >= 0 ? mantissa.slice(dot + 1) : '';
  const digits = intPart + fracPart;
  // The value is 0.d1d2d3… × 10^point.
  const point = intPart.length + exp;
  const keep = point + dp; // number of leading digits kept
  if (keep >= digits.length) return Number(s);
  if (keep < 0) return 0;
  const next = digits.charCodeAt(keep) - 48;
  let roundUp: boolean;
  if (next > 5) roundUp = true;
  else if (next < 5) roundUp = false;
  else {
    let restNonZero = false;
    for (let i = keep + 1; i < digits.length; i++) {
      if (digits.charCodeAt(i) !== 48) {
        restNonZero = true;
        break;
      }
    }
    if (restNonZero) roundUp = true;
    else {
      const last = keep > 0 ? digits.charCodeAt(keep - 1) - 48 : 0;
      roundUp = last % 2 === 1;
    }
  }
  let kept = digits.slice(0, keep);
  if (roundUp) kept = incrementDigits(kept);
  // kept × 10^−dp, also when the increment grew it by one digit ("999" → "1000").
  return Number(`${kept === '' ? '0' : kept}e${-dp}`);
}

function incrementDigits(d: string): string {
  const chars = d.split('');
  let i = chars.length - 1;
  while (i >= 0) {
    if (chars[i] === '9') {
      chars[i] = '0';
      i--;
    } else {
      chars[i] = String.fromCharCode(chars[i]!.charCodeAt(0) + 1);
      return chars.join('');
    }
  }
  return `1${chars.join('')}`;
}
