/**
 * How day-based time limits end (docs/calendar.md, "Deadline end" and "Calendar days").
 * Pure functions over a `WorkingCalendar`.
 */
import { DAY_MS, localMs } from './time.js';
import type { DeadlineEnd } from './types.js';
import type { WorkingCalendar } from './working-calendar.js';

/**
 * `days` working days ending at the close of the last one (Civil Code art. 147–148): the day
 * of receipt is not counted; when counting starts on a later day (received after closing,
 * after the cut-off or on a day off), that day is the first one. `from` is the counting
 * start (a working instant), `receivedAt` the receipt. `days` must be a positive integer.
 */
export function workingDaysEndOfDay(calendar: WorkingCalendar, receivedAt: Date, from: Date, days: number): Date {
  const sameDay = Math.floor(localMs(from) / DAY_MS) === Math.floor(localMs(receivedAt) / DAY_MS);
  return calendar.closeOfNthWorkingDay(from, days, !sameDay);
}

/**
 * The due instant of a calendar-day period whose nominal end (start + N × 24 h, pauses
 * excluded) is `nominal`: a last day that is not a working day moves to the next working
 * day, as the law reads. `end-of-day` ends at that day's close; `clock-time` keeps the clock
 * time, brought into office hours (before opening → opening, after closing → closing).
 */
export function finishCalendarDue(calendar: WorkingCalendar, nominal: Date, end: DeadlineEnd): Date {
  // Close of the first working day on or after the nominal day (day numbers, no date strings).
  const close = calendar.closeOfNthWorkingDay(nominal, 1, true);
  if (end === 'end-of-day') return close;
  const local = localMs(nominal);
  const tod = local - Math.floor(local / DAY_MS) * DAY_MS;
  const dayStart = Math.floor(localMs(close) / DAY_MS) * DAY_MS;
  return calendar.clampToOfficeDay(new Date(close.getTime() - (localMs(close) - dayStart) + tod));
}

/** `days` calendar days from `from`. */
export function calendarDaysDue(calendar: WorkingCalendar, from: Date, days: number, end: DeadlineEnd): Date {
  return finishCalendarDue(calendar, new Date(from.getTime() + Math.round(days * DAY_MS)), end);
}
