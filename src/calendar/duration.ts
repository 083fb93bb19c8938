import { calendarDaysDue, workingDaysEndOfDay } from './day-ends.js';
import { parseClock } from './time.js';
import type { DeadlineEnd } from './types.js';
import type { WorkingCalendar } from './working-calendar.js';

/**
 * Durations written on BPMN diagrams (docs/calendar.md, "Duration notation").
 *
 * - Working time, words: `3 working days`, `0.5 working days`, `4 working hours`,
 *   `30 working minutes` (singular allowed; Vietnamese `3 ngày làm việc`, `4 giờ làm việc`,
 *   `30 phút làm việc`; decimal point or comma).
 * - Calendar days: `15 calendar days`, Vietnamese `15 ngày` (the law's wording without
 *   "làm việc"); a period whose last day is not a working day ends on the next working day.
 * - "Within the day": `within the day`, `within the day, cutoff 15:00`
 *   (Vietnamese `trong ngày`, `trong ngày, sau 15:00`).
 * - Wall-clock time: ISO 8601 durations `PT4H`, `P3D`, `P1DT12H`, `P2W`, `PT90M`; a day is
 *   24 h (no DST in Vietnam). Years and months are rejected: they have no fixed length.
 *
 * ISO strings are ALWAYS wall-clock: `P3D` means 72 hours, never three working days.
 */
export type ParsedDuration =
  | { readonly kind: 'working'; readonly minutes: number }
  | { readonly kind: 'working-days'; readonly days: number }
  | { readonly kind: 'calendar-days'; readonly days: number }
  | { readonly kind: 'wallclock'; readonly ms: number }
  | { readonly kind: 'within-the-day'; readonly cutoff: string | null };

const NUM = String.raw`(\d+(?:[.,]\d+)?)`;
const WORKING_EN = new RegExp(String.raw`^${NUM}\s+working\s+(days?|hours?|minutes?|mins?)$`, 'i');
const WORKING_VI = new RegExp(String.raw`^${NUM}\s+(ngày|giờ|phút)\s+làm\s+việc$`, 'iu');
const CALENDAR_DAYS = new RegExp(String.raw`^${NUM}\s+(?:calendar\s+days?|ngày)$`, 'iu');
const WITHIN = /^(?:within the day|trong ngày)(?:(?:\s*,\s*|\s+)(?:cutoff|sau)\s+(\d{2}:\d{2}))?$/iu;
const ISO =
  /^P(?:(\d+(?:[.,]\d+)?)W)?(?:(\d+(?:[.,]\d+)?)D)?(?:T(?:(\d+(?:[.,]\d+)?)H)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$/;

const toNumber = (text: string): number => Number(text.replace(',', '.'));

/** Parses a duration; throws a `SyntaxError` naming the accepted forms when it cannot. */
export function parseDuration(text: string): ParsedDuration {
  const t = text.normalize('NFC').trim().replace(/\s+/g, ' ');
  let m = WORKING_EN.exec(t);
  if (m) {
    const n = toNumber(m[1] ?? '');
    const unit = (m[2] ?? '').toLowerCase();
    if (unit.startsWith('day')) return { kind: 'working-days', days: n };
    return { kind: 'working', minutes: unit.startsWith('hour') ? n * 60 : n };
  }
  m = WORKING_VI.exec(t);
  if (m) {
    const n = toNumber(m[1] ?? '');
    const unit = (m[2] ?? '').toLowerCase();
    if (unit === 'ngày') return { kind: 'working-days', days: n };
    return { kind: 'working', minutes: unit === 'giờ' ? n * 60 : n };
  }
  m = CALENDAR_DAYS.exec(t);
  if (m) return { kind: 'calendar-days', days: toNumber(m[1] ?? '') };
  m = WITHIN.exec(t);
  if (m) {
    const cutoff = m[1] ?? null;
    if (cutoff !== null) parseClock(cutoff);
    return { kind: 'within-the-day', cutoff };
  }
  const iso = t.toUpperCase();
  m = ISO.exec(iso);
  if (m && iso !== 'P' && !iso.endsWith('T')) {
    const [, w, d, h, min, s] = m;
    const ms =
      (w ? toNumber(w) * 7 * 86_400_000 : 0) +
      (d ? toNumber(d) * 86_400_000 : 0) +
      (h ? toNumber(h) * 3_600_000 : 0) +
      (min ? toNumber(min) * 60_000 : 0) +
      (s ? toNumber(s) * 1000 : 0);
    return { kind: 'wallclock', ms: Math.round(ms) };
  }
  if (iso.startsWith('P') && /[YM]/.test((iso.split('T')[0] ?? '').slice(1))) {
    throw new SyntaxError(`duration '${text}': ISO years and months have no fixed length; use days or weeks`);
  }
  throw new SyntaxError(
    `cannot parse duration '${text}'; expected e.g. '3 working days', '4 working hours', ` +
      `'30 working minutes', '15 calendar days', 'within the day, cutoff 15:00', or an ISO 8601 wall-clock duration such as 'PT4H' or 'P3D'`,
  );
}

/** Canonical text of a parsed duration (round-trips through `parseDuration`). */
export function formatDuration(d: ParsedDuration): string {
  switch (d.kind) {
    case 'working-days':
      return `${d.days} working ${d.days === 1 ? 'day' : 'days'}`;
    case 'calendar-days':
      return `${d.days} calendar ${d.days === 1 ? 'day' : 'days'}`;
    case 'working':
      return `${d.minutes} working ${d.minutes === 1 ? 'minute' : 'minutes'}`;
    case 'within-the-day':
      return d.cutoff === null ? 'within the day' : `within the day, cutoff ${d.cutoff}`;
    case 'wallclock':
      return `PT${d.ms / 1000}S`;
  }
}

export interface ResolveDueOptions {
  /**
   * Cut-off (`HH:mm`) applied to `start` before counting working time, e.g. '15:00'
   * for "received after 15:00 counts from the next working day". Default: none
   * (counting starts at the next working instant). Also the cut-off of a
   * `within the day` duration that does not state its own. Ignored for wall-clock.
   */
  readonly cutoff?: string | null;
  /** How day-based limits end; default the calendar's `deadlineEnd`. Hours and minutes are not affected. */
  readonly end?: DeadlineEnd;
}

/** The due instant of `duration` counted from `start` on `calendar`. */
export function resolveDue(
  calendar: WorkingCalendar,
  start: Date,
  duration: ParsedDuration | string,
  options: ResolveDueOptions = {},
): Date {
  const d = typeof duration === 'string' ? parseDuration(duration) : duration;
  const cutoff = options.cutoff ?? null;
  const end = options.end ?? calendar.deadlineEnd;
  switch (d.kind) {
    case 'wallclock':
      return new Date(start.getTime() + d.ms);
    case 'within-the-day':
      return calendar.dueWithinTheDay(start, d.cutoff ?? cutoff);
    case 'working': {
      const from = cutoff === null ? start : calendar.applyCutoff(start, cutoff);
      return calendar.addWorkingMinutes(from, d.minutes);
    }
    case 'working-days': {
      const from = cutoff === null ? start : calendar.applyCutoff(start, cutoff);
      // Fractions (0.5 day) are working time and keep the clock time in either mode.
      if (end === 'end-of-day' && Number.isInteger(d.days) && d.days > 0) {
        return workingDaysEndOfDay(calendar, start, calendar.nextWorkingInstant(from), d.days);
      }
      return calendar.addWorkingDays(from, d.days);
    }
    case 'calendar-days':
      return calendarDaysDue(calendar, cutoff === null ? start : calendar.applyCutoff(start, cutoff), d.days, end);
  }
}
