/**
 * Calendar-day arithmetic on 'YYYY-MM-DD' strings in UTC (data-model.md §1: operational days are UTC dates).
 * Days are converted through an integer day index, never through local-time Date objects.
 */
const MS_PER_DAY = 86_400_000;

/** Days since 1970-01-01 for a 'YYYY-MM-DD' string. */
export function toDayIndex(date: string): number {
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / MS_PER_DAY;
}

/** The 'YYYY-MM-DD' string of a day index. */
export function fromDayIndex(dayIndex: number): string {
  return new Date(dayIndex * MS_PER_DAY).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return fromDayIndex(toDayIndex(date) + days);
}

/** `a − b` in days. */
export function diffDays(a: string, b: string): number {
  return toDayIndex(a) - toDayIndex(b);
}

/** The UTC calendar day of an instant. */
export function utcDate(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}

/** The last day of the calendar month `months` after the month of `date`. */
export function endOfMonthAfter(date: string, months: number): string {
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7)) - 1 + months;
  return new Date(Date.UTC(year, month + 1, 0)).toISOString().slice(0, 10);
}
