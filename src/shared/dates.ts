/**
 * Calendar-day arithmetic on 'YYYY-MM-DD' strings in UTC (data-model.md §1: operational days are UTC dates).
 * The day-index arithmetic is the growth engine's (exact integer civil-date conversion, never local time); the
 * application uses it under these names.
 */
export {
  addDays,
  diffDays,
  dayIndex as toDayIndex,
  dateOf as fromDayIndex,
  isoWeekStart,
  monthBounds,
} from '../modules/growth/engine/dates.js';

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
