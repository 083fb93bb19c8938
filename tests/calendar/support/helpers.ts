import { toVnIso, vnTime } from '../../../src/calendar/time.js';
import type { WorkingCalendar } from '../../../src/calendar/working-calendar.js';
import { dateOfDayNumber, dayNumberOf } from '../../../src/calendar/time.js';

/** Instant at local (UTC+7) `date` `HH:mm`. */
export const at = (date: string, clock = '00:00'): Date => vnTime(date, clock);

/** Local `YYYY-MM-DD HH:mm` of an instant, for readable assertions. */
export const local = (t: Date): string => toVnIso(t).slice(0, 16).replace('T', ' ');

/** The maximal run of consecutive non-working days containing `date`. */
export function offRun(cal: WorkingCalendar, date: string): { first: string; last: string; days: number } {
  const d = dayNumberOf(date);
  if (cal.isWorkingDay(date)) return { first: date, last: date, days: 0 };
  let a = d;
  let b = d;
  while (!cal.isWorkingDay(dateOfDayNumber(a - 1))) a--;
  while (!cal.isWorkingDay(dateOfDayNumber(b + 1))) b++;
  return { first: dateOfDayNumber(a), last: dateOfDayNumber(b), days: b - a + 1 };
}

/** Deterministic PRNG (mulberry32) for property-style tests. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
