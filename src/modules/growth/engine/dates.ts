/**
 * Pure UTC calendar-date helpers. Dates are `YYYY-MM-DD` strings; internally days are integers
 * counted from 1970-01-01 (day 0), so date arithmetic is integer arithmetic.
 */
import { EngineError } from './types.js';

const MS_PER_DAY = 86_400_000;

function digit(s: string, i: number): number {
  const c = s.charCodeAt(i) - 48;
  if (c < 0 || c > 9) throw new EngineError('INVALID_INPUT', `invalid date "${s}"`);
  return c;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/** Days since 1970-01-01 of a `YYYY-MM-DD` date. Throws `INVALID_INPUT` on malformed input. */
export function dayIndex(date: string): number {
  if (date.length !== 10 || date.charCodeAt(4) !== 45 || date.charCodeAt(7) !== 45) {
    throw new EngineError('INVALID_INPUT', `invalid date "${date}"`);
  }
  const y = digit(date, 0) * 1000 + digit(date, 1) * 100 + digit(date, 2) * 10 + digit(date, 3);
  const m = digit(date, 5) * 10 + digit(date, 6);
  const d = digit(date, 8) * 10 + digit(date, 9);
  if (m < 1 || m > 12 || d < 1 || d > (m === 2 && isLeap(y) ? 29 : DAYS_IN_MONTH[m - 1]!)) {
    throw new EngineError('INVALID_INPUT', `invalid date "${date}"`);
  }
  // Days from civil (proleptic Gregorian), exact integer arithmetic; equals Date.UTC(y, m − 1, d) / 86 400 000.
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** The `YYYY-MM-DD` date of a day index. */
export function dateOf(index: number): string {
  // Civil from days (proleptic Gregorian), the inverse of dayIndex.
  const z = index + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  if (y < 0 || y > 9999) return new Date(index * MS_PER_DAY).toISOString().slice(0, 10);
  return `${String(y).padStart(4, '0')}-${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}`;
}

/** `date` plus `days` (may be negative). */
export function addDays(date: string, days: number): string {
  return dateOf(dayIndex(date) + days);
}

/** `a − b` in days. */
export function diffDays(a: string, b: string): number {
  return dayIndex(a) - dayIndex(b);
}

/** ISO weekday of a day index: 0 = Monday … 6 = Sunday (1970-01-01 was a Thursday). */
export function isoWeekday(index: number): number {
  return (((index + 3) % 7) + 7) % 7;
}

/** Day index of the Monday starting the ISO week containing `index`. */
export function isoWeekStart(index: number): number {
  return index - isoWeekday(index);
}

/** Day indices of the first and last day of the calendar month containing `index`. */
export function monthBounds(index: number): { start: number; end: number } {
  const d = new Date(index * MS_PER_DAY);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  return {
    start: Date.UTC(y, m, 1) / MS_PER_DAY,
    end: Date.UTC(y, m + 1, 1) / MS_PER_DAY - 1,
  };
}
