import { compileOfficeHours } from './office-hours.js';
import {
  DAY_MS,
  MINUTE_MS,
  dateOfDayNumber,
  dayNumberOf,
  instantOfLocalMs,
  isoWeekdayOfDayNumber,
  localMs,
  parseClock,
} from './time.js';
import {
  DEFAULT_OFFICE_HOURS,
  DEADLINE_ENDS,
  DEFAULT_WEEKEND,
  HOLIDAY_KINDS,
  VN_ZONE,
  type CalendarZone,
  type DeadlineEnd,
  type HolidayEntry,
  type IsoWeekday,
  type OfficeHours,
  type WorkingCalendarConfig,
} from './types.js';

/**
 * Working-time calendar for Asia/Ho_Chi_Minh. Pure: no I/O, no clock; every operation
 * is O(calendar days spanned) on epoch milliseconds with the fixed +07:00 offset.
 *
 * Counting convention (docs/calendar.md, "Convention"):
 * - Working time is the union of the office-hour intervals `[start, end)` of working days.
 * - A working day is a weekday that is not a `holiday`/`day-off-in-lieu` entry, or any
 *   day with a `make-up-working-day` entry.
 * - `addWorkingMinutes(start, m)` returns the EARLIEST instant `t >= start` such that the
 *   working time in `[start, t]` equals `m`; so time starts at the next working instant at
 *   or after `start`, and a result that lands exactly on the end of an interval stays
 *   there (17:00, not 07:30 the next morning). `m = 0` returns `start` unchanged.
 *   Negative `m` counts backwards and returns the LATEST `t <= start` with `|m|` working
 *   minutes in `[t, start]` (lands on 07:30 rather than the previous 17:00).
 * - N working days = N × `minutesPerWorkingDay` working minutes (default: the sum of the
 *   office hours, 450), so fractions (0.5 day) work and "3 days from Monday 09:00" is
 *   Thursday 09:00 when all days are working days.
 */
export class WorkingCalendar {
  readonly zone: CalendarZone;
  readonly officeHours: OfficeHours;
  readonly weekend: readonly IsoWeekday[];
  readonly minutesPerWorkingDay: number;
  readonly deadlineEnd: DeadlineEnd;

  /** Office intervals as ms after local midnight, in order and in reverse order. */
  private readonly intervals: readonly { readonly s: number; readonly e: number }[];
  private readonly reversed: readonly { readonly s: number; readonly e: number }[];
  private readonly fullDayMs: number;
  private readonly openMs: number;
  private readonly closeMs: number;
  /** Index by ISO weekday 1..7: true when a weekly rest day. */
  private readonly weekendMask: readonly boolean[];
  /** Day number → working? for dated entries (the per-day status cache). */
  private readonly status = new Map<number, boolean>();
  private readonly byDay = new Map<number, HolidayEntry>();

  constructor(config: WorkingCalendarConfig) {
    if (config.zone !== VN_ZONE) {
      throw new RangeError(`unsupported zone '${String(config.zone)}'; only ${VN_ZONE} (fixed +07:00) is supported`);
    }
    this.zone = config.zone;
    this.officeHours = config.officeHours.map((i) => ({ start: i.start, end: i.end }));
    const compiled = compileOfficeHours(config.officeHours);
    const list: { s: number; e: number }[] = [];
    for (let i = 0; i + 1 < compiled.bounds.length; i += 2) {
      list.push({ s: compiled.bounds[i] ?? 0, e: compiled.bounds[i + 1] ?? 0 });
    }
    this.intervals = list;
    this.reversed = [...list].reverse();
    this.fullDayMs = compiled.totalMs;
    this.openMs = compiled.openMs;
    this.closeMs = compiled.closeMs;

    const mask = [false, false, false, false, false, false, false, false];
    for (const d of config.weekend) {
      if (!Number.isInteger(d) || d < 1 || d > 7) throw new RangeError(`invalid ISO weekday ${String(d)} in weekend`);
      mask[d] = true;
    }
    if (mask.filter(Boolean).length >= 7) throw new RangeError('weekend cannot cover the whole week');
    this.weekendMask = mask;
    this.weekend = [...config.weekend];

    const perDay = config.minutesPerWorkingDay ?? compiled.totalMs / MINUTE_MS;
    if (!Number.isFinite(perDay) || perDay <= 0) {
      throw new RangeError(`minutesPerWorkingDay must be a positive number, got ${String(perDay)}`);
    }
    this.minutesPerWorkingDay = perDay;
    const end = config.deadlineEnd ?? 'clock-time';
    if (!DEADLINE_ENDS.includes(end)) throw new RangeError(`invalid deadlineEnd '${String(end)}'`);
    this.deadlineEnd = end;

    for (const entry of config.entries) {
      const day = dayNumberOf(entry.date);
      if (!HOLIDAY_KINDS.includes(entry.kind)) {
        throw new RangeError(`invalid kind '${String(entry.kind)}' for ${entry.date}`);
      }
      // Later entries win for the same date (same rule as withOverrides).
      this.byDay.set(day, entry);
      this.status.set(day, entry.kind === 'make-up-working-day');
    }
  }

  /** Whether the local date `YYYY-MM-DD` is a working day. */
  isWorkingDay(date: string): boolean {
    return this.isWorkingDayNumber(dayNumberOf(date));
  }

  /** The calendar entry in force for a date, if any. */
  entryFor(date: string): HolidayEntry | undefined {
    return this.byDay.get(dayNumberOf(date));
  }

  /** Whether `t` lies inside an office interval `[start, end)` of a working day. */
  isWorkingInstant(t: Date): boolean {
    const local = localMs(t);
    const day = Math.floor(local / DAY_MS);
    if (!this.isWorkingDayNumber(day)) return false;
    const tod = local - day * DAY_MS;
    for (const { s, e } of this.intervals) if (tod >= s && tod < e) return true;
    return false;
  }

  /** `t` itself when it is a working instant, else the start of the next office interval. */
  nextWorkingInstant(t: Date): Date {
    return instantOfLocalMs(this.nextWorkingLocal(localMs(t)));
  }

  /** See the class comment for the exact definition. `minutes` may be fractional or negative. */
  addWorkingMinutes(start: Date, minutes: number): Date {
    if (!Number.isFinite(minutes)) throw new RangeError(`minutes must be finite, got ${String(minutes)}`);
    const local = localMs(start);
    const amount = Math.round(minutes * MINUTE_MS);
    if (amount === 0) return new Date(start.getTime());
    return instantOfLocalMs(amount > 0 ? this.forward(local, amount) : this.backward(local, -amount));
  }

  addWorkingHours(start: Date, hours: number): Date {
    return this.addWorkingMinutes(start, hours * 60);
  }

  /** `days` × `minutesPerWorkingDay` working minutes; fractions such as 0.5 are allowed. */
  addWorkingDays(start: Date, days: number): Date {
    return this.addWorkingMinutes(start, days * this.minutesPerWorkingDay);
  }

  /**
   * Working minutes in `[from, to]` (fractional when the instants are not whole minutes).
   * When `to < from` the result is the negated working time of `[to, from]` (so ≤ 0);
   * it is 0 when `to === from`. Inverse of `addWorkingMinutes`:
   * `workingMinutesBetween(s, addWorkingMinutes(s, m)) === m` for every `s` and `m`.
   */
  workingMinutesBetween(from: Date, to: Date): number {
    const a = localMs(from);
    const b = localMs(to);
    if (a === b) return 0;
    return a < b ? this.between(a, b) / MINUTE_MS : -this.between(b, a) / MINUTE_MS;
  }

  /**
   * The instant from which a time limit counts, for a dossier received at `receivedAt`:
   * received on a working day at or before `cutoff` (local `HH:mm`) → the next working
   * instant (the same day; 07:30 if before opening, 13:30 if during lunch); received after
   * the cutoff on a working day → the opening of the next working day; received on a
   * non-working day or after closing → the opening of the next working day. With
   * `cutoff = null` this is `nextWorkingInstant(receivedAt)`.
   */
  applyCutoff(receivedAt: Date, cutoff: string | null): Date {
    return instantOfLocalMs(this.cutoffLocal(localMs(receivedAt), cutoff));
  }

  /**
   * "Within the day": the closing time of the working day on which counting starts,
   * i.e. of `applyCutoff(receivedAt, cutoff)`. Received on a working day before the cutoff
   * and before closing → 17:00 the same day; after the cutoff, after closing or on a
   * non-working day → 17:00 of the next working day.
   */
  dueWithinTheDay(receivedAt: Date, cutoff: string | null): Date {
    const start = this.cutoffLocal(localMs(receivedAt), cutoff);
    const day = Math.floor(start / DAY_MS);
    return instantOfLocalMs(day * DAY_MS + this.closeMs);
  }

  /** The first working date on or after `date` (`YYYY-MM-DD`). */
  nextWorkingDate(date: string): string {
    return dateOfDayNumber(this.nextWorkingDayNumber(dayNumberOf(date)));
  }

  /**
   * Closing instant of the `n`-th working day (n ≥ 1) counted from the local day of `t`,
   * which is itself the first when `countFirst` (and a working day), else the day after it.
   */
  closeOfNthWorkingDay(t: Date, n: number, countFirst: boolean): Date {
    let day = this.nextWorkingDayNumber(Math.floor(localMs(t) / DAY_MS) + (countFirst ? 0 : 1));
    for (let i = 1; i < n; i++) day = this.nextWorkingDayNumber(day + 1);
    return instantOfLocalMs(day * DAY_MS + this.closeMs);
  }

  /** Closing time of the local day of `t` if it is a working day, else of the next working day. */
  closeOfDay(t: Date): Date {
    const day = this.nextWorkingDayNumber(Math.floor(localMs(t) / DAY_MS));
    return instantOfLocalMs(day * DAY_MS + this.closeMs);
  }

  /** Local time of day of `t` moved into the day's opening hours: before opening → opening, after closing → closing. */
  clampToOfficeDay(t: Date): Date {
    const local = localMs(t);
    const day = Math.floor(local / DAY_MS);
    const tod = Math.min(Math.max(local - day * DAY_MS, this.openMs), this.closeMs);
    return instantOfLocalMs(day * DAY_MS + tod);
  }

  // ---- internals (local milliseconds) ----

  private isWorkingDayNumber(day: number): boolean {
    const s = this.status.get(day);
    if (s !== undefined) return s;
    return !this.weekendMask[isoWeekdayOfDayNumber(day)];
  }

  private nextWorkingDayNumber(day: number): number {
    let d = day;
    for (let guard = 0; guard < 3660; guard++) {
      if (this.isWorkingDayNumber(d)) return d;
      d++;
    }
    throw new RangeError('no working day within ten years');
  }

  private nextWorkingLocal(local: number): number {
    const day = Math.floor(local / DAY_MS);
    if (this.isWorkingDayNumber(day)) {
      const tod = local - day * DAY_MS;
      for (const { s, e } of this.intervals) {
        if (tod < e) return tod > s ? local : day * DAY_MS + s;
      }
    }
    return this.nextWorkingDayNumber(day + 1) * DAY_MS + this.openMs;
  }

  private cutoffLocal(local: number, cutoff: string | null): number {
    if (cutoff !== null) {
      const cutoffMs = parseClock(cutoff);
      const day = Math.floor(local / DAY_MS);
      if (this.isWorkingDayNumber(day) && local - day * DAY_MS > cutoffMs) {
        return this.nextWorkingDayNumber(day + 1) * DAY_MS + this.openMs;
      }
    }
    return this.nextWorkingLocal(local);
  }

  private forward(local: number, amount: number): number {
    let day = Math.floor(local / DAY_MS);
    let tod = local - day * DAY_MS;
    let remaining = amount;
    const full = this.fullDayMs;
    for (let guard = 0; guard < 400_000; guard++) {
      if (this.isWorkingDayNumber(day)) {
        if (tod <= this.openMs && remaining > full) {
          remaining -= full;
        } else {
          for (const { s, e } of this.intervals) {
            if (tod >= e) continue;
            const from = tod > s ? tod : s;
            const avail = e - from;
            if (remaining <= avail) return day * DAY_MS + from + remaining;
            remaining -= avail;
          }
        }
      }
      day++;
      tod = 0;
    }
    throw new RangeError('working-time span too large');
  }

  private backward(local: number, amount: number): number {
    let day = Math.floor(local / DAY_MS);
    let tod = local - day * DAY_MS;
    let remaining = amount;
    const full = this.fullDayMs;
    for (let guard = 0; guard < 400_000; guard++) {
      if (this.isWorkingDayNumber(day)) {
        if (tod >= this.closeMs && remaining > full) {
          remaining -= full;
        } else {
          for (const { s, e } of this.reversed) {
            if (tod <= s) continue;
            const to = tod < e ? tod : e;
            const avail = to - s;
            if (remaining <= avail) return day * DAY_MS + to - remaining;
            remaining -= avail;
          }
        }
      }
      day--;
      tod = DAY_MS;
    }
    throw new RangeError('working-time span too large');
  }

  /** Working ms in `[a, b]`, `a <= b`, both local ms. */
  private between(a: number, b: number): number {
    const dayA = Math.floor(a / DAY_MS);
    const dayB = Math.floor(b / DAY_MS);
    const todA = a - dayA * DAY_MS;
    const todB = b - dayB * DAY_MS;
    if (dayA === dayB) return this.isWorkingDayNumber(dayA) ? this.overlap(todA, todB) : 0;
    let sum = this.isWorkingDayNumber(dayA) ? this.overlap(todA, DAY_MS) : 0;
    for (let d = dayA + 1; d < dayB; d++) if (this.isWorkingDayNumber(d)) sum += this.fullDayMs;
    if (this.isWorkingDayNumber(dayB)) sum += this.overlap(0, todB);
    return sum;
  }

  private overlap(x: number, y: number): number {
    let sum = 0;
    for (const { s, e } of this.intervals) {
      const lo = x > s ? x : s;
      const hi = y < e ? y : e;
      if (hi > lo) sum += hi - lo;
    }
    return sum;
  }
}

/** Options of `createWorkingCalendar`: everything but `entries` has a default. */
export interface WorkingCalendarOptions {
  readonly entries: readonly HolidayEntry[];
  readonly zone?: CalendarZone;
  readonly officeHours?: OfficeHours;
  readonly weekend?: readonly IsoWeekday[];
  readonly minutesPerWorkingDay?: number;
  readonly deadlineEnd?: DeadlineEnd;
}

/** Builds a calendar with defaults: Asia/Ho_Chi_Minh, 07:30–11:30 + 13:30–17:00, Sat/Sun off. */
export function createWorkingCalendar(options: WorkingCalendarOptions): WorkingCalendar {
  const config: WorkingCalendarConfig = {
    zone: options.zone ?? VN_ZONE,
    officeHours: options.officeHours ?? DEFAULT_OFFICE_HOURS,
    weekend: options.weekend ?? DEFAULT_WEEKEND,
    entries: options.entries,
    ...(options.minutesPerWorkingDay !== undefined ? { minutesPerWorkingDay: options.minutesPerWorkingDay } : {}),
    ...(options.deadlineEnd !== undefined ? { deadlineEnd: options.deadlineEnd } : {}),
  };
  return new WorkingCalendar(config);
}
