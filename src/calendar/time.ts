/**
 * Fixed-offset time arithmetic for Asia/Ho_Chi_Minh.
 *
 * Vietnam has observed UTC+07:00 without daylight saving since 13 June 1975, so a local
 * civil day is exactly 86 400 000 ms and "local time" is `epochMs + 7 h`. Doing the
 * arithmetic on plain numbers keeps the calendar fast (no DateTime object per step) and
 * free of any dependency on the host time zone. A test checks the assumption against the
 * IANA database shipped with the runtime (via luxon).
 */

export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;
/** UTC+07:00 in milliseconds. */
export const VN_OFFSET_MS = 7 * 60 * MINUTE_MS;

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const HHMM_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Day number (days since 1970-01-01, local) of a `YYYY-MM-DD` string; throws if invalid. */
export function dayNumberOf(date: string): number {
  const m = DATE_RE.exec(date);
  if (!m) throw new RangeError(`invalid date '${date}', expected YYYY-MM-DD`);
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const ms = Date.UTC(y, mo - 1, d);
  const check = new Date(ms);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) {
    throw new RangeError(`invalid date '${date}'`);
  }
  return ms / DAY_MS;
}

/** `YYYY-MM-DD` of a local day number. */
export function dateOfDayNumber(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** ISO weekday (1 = Monday … 7 = Sunday) of a local day number; day 0 was a Thursday. */
export function isoWeekdayOfDayNumber(day: number): number {
  return ((((day + 3) % 7) + 7) % 7) + 1;
}

/** Local milliseconds (epoch ms shifted by +07:00) of an instant; throws on an invalid Date. */
export function localMs(t: Date): number {
  const ms = t.getTime();
  if (!Number.isFinite(ms)) throw new RangeError('invalid Date');
  return ms + VN_OFFSET_MS;
}

/** The instant of a local millisecond value. */
export function instantOfLocalMs(local: number): Date {
  return new Date(local - VN_OFFSET_MS);
}

/** Local `YYYY-MM-DD` of an instant. */
export function localDateOf(t: Date): string {
  return dateOfDayNumber(Math.floor(localMs(t) / DAY_MS));
}

/**
 * Milliseconds after local midnight of `HH:mm`. `24:00` is accepted only when
 * `allowEndOfDay` is set (for the end of an office interval).
 */
export function parseClock(text: string, allowEndOfDay = false): number {
  if (allowEndOfDay && text === '24:00') return DAY_MS;
  const m = HHMM_RE.exec(text);
  if (!m) throw new RangeError(`invalid time '${text}', expected HH:mm`);
  return (Number(m[1]) * 60 + Number(m[2])) * MINUTE_MS;
}

/** The instant at local `date` `HH:mm` — convenience for callers and tests. */
export function vnTime(date: string, clock = '00:00'): Date {
  return instantOfLocalMs(dayNumberOf(date) * DAY_MS + parseClock(clock, true));
}

/** ISO 8601 local representation, e.g. `2025-01-02T07:30:00.000+07:00`. */
export function toVnIso(t: Date): string {
  return `${new Date(localMs(t)).toISOString().slice(0, 23)}+07:00`;
}
