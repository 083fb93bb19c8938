/**
 * Types of the working-time calendar (see docs/calendar.md).
 *
 * Everything here is plain data so that calendars can be built from JSON, stored per
 * province and overridden without code changes.
 */

/** The three kinds of calendar entry announced by the government each year. */
export type HolidayKind = 'holiday' | 'day-off-in-lieu' | 'make-up-working-day';

export const HOLIDAY_KINDS: readonly HolidayKind[] = ['holiday', 'day-off-in-lieu', 'make-up-working-day'];

/**
 * One dated exception to the ordinary Monday–Friday week.
 *
 * - `holiday`: a statutory public holiday (Labour Code 2019 art. 112); not a working day
 *   even when it falls on a weekday.
 * - `day-off-in-lieu`: a weekday that is not worked, either because a holiday fell on a
 *   weekly rest day (art. 111(3)) or because the government swapped it with a Saturday
 *   ("hoán đổi ngày làm việc"); the name says which.
 * - `make-up-working-day`: a weekend day that is worked ("làm bù") in exchange for a swap.
 */
export interface HolidayEntry {
  /** Local civil date in Asia/Ho_Chi_Minh, `YYYY-MM-DD`. */
  readonly date: string;
  readonly kind: HolidayKind;
  /** Human-readable name, Vietnamese. */
  readonly name: string;
  /** Document number and date, or `projection (...)` for computed years. */
  readonly source: string;
}

/** One office-hours interval in local wall-clock time, `HH:mm` (end may be `24:00`). */
export interface OfficeInterval {
  readonly start: string;
  readonly end: string;
}

/** Office hours of a working day: sorted, non-overlapping intervals. */
export type OfficeHours = readonly OfficeInterval[];

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/** The only zone supported: Vietnam has used a fixed UTC+07:00 offset since 1975. */
export type CalendarZone = 'Asia/Ho_Chi_Minh';

/**
 * How a time limit counted in days ends (a province setting, docs/calendar.md "Deadline end"):
 * `clock-time` keeps the clock time of the start (Monday 09:00 + 3 working days = Thursday
 * 09:00); `end-of-day` ends at the close of the last day (Civil Code 2015 art. 147–148: the
 * day of receipt is not counted, the period ends at the end of its last day).
 */
export type DeadlineEnd = 'clock-time' | 'end-of-day';

export const DEADLINE_ENDS: readonly DeadlineEnd[] = ['clock-time', 'end-of-day'];

export interface WorkingCalendarConfig {
  readonly zone: CalendarZone;
  readonly officeHours: OfficeHours;
  /** Weekly rest days as ISO weekdays; default `[6, 7]` (Saturday, Sunday). */
  readonly weekend: readonly IsoWeekday[];
  readonly entries: readonly HolidayEntry[];
  /**
   * Working minutes that make up one "working day" when converting days to time.
   * Default: the sum of `officeHours` (450 for 07:30–11:30 + 13:30–17:00).
   */
  readonly minutesPerWorkingDay?: number;
  /** Default `clock-time`. */
  readonly deadlineEnd?: DeadlineEnd;
}

/** Default office hours: 07:30–11:30 and 13:30–17:00 (7 h 30 min). */
export const DEFAULT_OFFICE_HOURS: OfficeHours = [
  { start: '07:30', end: '11:30' },
  { start: '13:30', end: '17:00' },
];

export const DEFAULT_WEEKEND: readonly IsoWeekday[] = [6, 7];

export const VN_ZONE: CalendarZone = 'Asia/Ho_Chi_Minh';
