import { DateTime } from 'luxon';
import { badRequest } from '../domain/errors.js';
import { localDay } from './rollup.js';

/** Longest period a summary or trend covers: a leap year (a read is a few rows per month). */
export const MAX_PERIOD_DAYS = 366;

/** Which rollup rows cover [from, to]: month rows for whole months, day rows for the rest. */
export interface PeriodPlan {
  months: string[];
  partialMonths: { month: string; days: Set<string> }[];
}

function day(value: string, name: string): DateTime {
  const d = DateTime.fromISO(value, { zone: 'utc' });
  if (!d.isValid || d.toISODate() !== value) {
    throw badRequest('INVALID_PERIOD', `'${name}' is not a calendar day YYYY-MM-DD (ngày không hợp lệ)`, { [name]: value });
  }
  return d;
}

/** Validates a period of local days: real dates, from ≤ to, at most MAX_PERIOD_DAYS. */
export function checkPeriod(from: string, to: string): { start: DateTime; end: DateTime } {
  const start = day(from, 'from');
  const end = day(to, 'to');
  if (end < start) throw badRequest('INVALID_PERIOD', "'to' must not be before 'from' (kỳ báo cáo không hợp lệ)", { from, to });
  if (end.diff(start, 'days').days + 1 > MAX_PERIOD_DAYS) {
    throw badRequest('PERIOD_TOO_LONG', `A period covers at most ${MAX_PERIOD_DAYS} days (kỳ báo cáo tối đa ${MAX_PERIOD_DAYS} ngày)`, { from, to, maxDays: MAX_PERIOD_DAYS });
  }
  return { start, end };
}

/** The local days of [from, to], in order. */
export function daysOf(from: string, to: string): string[] {
  const { start, end } = checkPeriod(from, to);
  const out: string[] = [];
  for (let d = start; d <= end; d = d.plus({ days: 1 })) out.push(d.toISODate()!);
  return out;
}

/** The months (`YYYY-MM`) [from, to] touches, in order. */
export function monthsOf(from: string, to: string): string[] {
  return [...new Set(daysOf(from, to).map((d) => d.slice(0, 7)))];
}

/** The default period of a figure: the first of this month (local) to today. */
export function thisMonthSoFar(nowIso = new Date().toISOString()): { from: string; to: string } {
  const today = localDay(nowIso);
  return { from: `${today.slice(0, 8)}01`, to: today };
}

/**
 * A month counts as whole when the period covers it up to today (no later day has counts yet),
 * so "this month" is one month row per unit × procedure instead of a row per day.
 */
export function periodPlan(from: string, to: string, nowIso: string, { wholeMonths = true } = {}): PeriodPlan {
  const today = localDay(nowIso);
  const byMonth = new Map<string, string[]>();
  for (const d of daysOf(from, to)) {
    const m = d.slice(0, 7);
    (byMonth.get(m) ?? byMonth.set(m, []).get(m)!).push(d);
  }
  const plan: PeriodPlan = { months: [], partialMonths: [] };
  for (const [month, days] of byMonth) {
    const first = `${month}-01`;
    const last = DateTime.fromISO(first, { zone: 'utc' }).endOf('month').toISODate()!;
    const needed = today < last ? today : last;
    const whole = wholeMonths && days[0] === first && days[days.length - 1]! >= needed;
    if (whole) plan.months.push(month);
    else plan.partialMonths.push({ month, days: new Set(days) });
  }
  return plan;
}
