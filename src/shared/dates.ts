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

const MS_PER_DAY = 86_400_000;
let todayText = '';
let todayEndsAt = 0;

/**
 * Today's UTC date. Remembered until the next UTC midnight: a page resolves it once per row (3,250 latest
 * states), and formatting a Date each time was a measurable share of the request.
 */
export function todayUtc(): string {
  const now = Date.now();
  if (now >= todayEndsAt) {
    todayText = utcDate(new Date(now));
    todayEndsAt = (Math.floor(now / MS_PER_DAY) + 1) * MS_PER_DAY;
  }
  return todayText;
}

/** The last day of the calendar month `months` after the month of `date`. */
export function endOfMonthAfter(date: string, months: number): string {
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7)) - 1 + months;
  return new Date(Date.UTC(year, month + 1, 0)).toISOString().slice(0, 10);
}
