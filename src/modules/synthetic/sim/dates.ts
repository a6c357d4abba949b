/**
 * Calendar helpers on UTC epoch days (whole days since 1970-01-01). The simulator never reads the
 * clock: every date is derived from the profile or the caller's `today`.
 */
import { dateOf } from '../../growth/engine/dates.js';

/** A UTC calendar date as whole days since 1970-01-01. */
export type EpochDay = number;

const MS_PER_DAY = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parse `YYYY-MM-DD` (UTC) into an epoch day; throws on malformed or impossible dates. */
export function parseIsoDate(text: string): EpochDay {
  const match = ISO_DATE.exec(text);
  if (!match) throw new Error(`Invalid date "${text}": expected YYYY-MM-DD`);
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  const ms = Date.UTC(year, month - 1, day);
  const check = new Date(ms);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    throw new Error(`Invalid date "${text}": no such calendar day`);
  }
  return ms / MS_PER_DAY;
}

/** Format an epoch day as `YYYY-MM-DD`. */
export const formatIsoDate: (day: EpochDay) => string = dateOf;

/** UTC calendar year of an epoch day. */
export function yearOf(day: EpochDay): number {
  return new Date(day * MS_PER_DAY).getUTCFullYear();
}

/** Day of year, 1 on 1 January (366 on 31 December of a leap year). */
export function dayOfYear(day: EpochDay): number {
  const year = yearOf(day);
  return day - Date.UTC(year, 0, 1) / MS_PER_DAY + 1;
}

/** Milliseconds since the epoch of `hourUtc:00` on an epoch day (for timestamptz columns). */
export function epochMs(day: EpochDay, hourUtc: number): number {
  return day * MS_PER_DAY + hourUtc * 3_600_000;
}
