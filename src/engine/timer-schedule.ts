import { CronExpressionParser } from 'cron-parser';
import { DateTime, Duration } from 'luxon';
import { VN_ZONE } from '../calendar/types.js';

/**
 * When a process's timer start event fires (a procedure that runs on a schedule): a date, an
 * ISO 8601 repeating interval `R[n]/[start/]duration` or a cron expression (Camunda 7 and
 * Zeebe both take cron in timeCycle). Occurrences are computed from fixed anchors only (the
 * cycle's start, else the version's publish instant), so every replica finds the same ones.
 */
export type Schedule =
  | { kind: 'date'; at: number }
  | { kind: 'cycle'; repetitions: number | null; start: number | null; interval: string }
  | { kind: 'cron'; expression: string };

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}(?::?\d{2})?)$/;
const CYCLE = /^R(\d{0,9})\/(?:([^/]+)\/)?(P[^/]+)$/;
const CRON = /^[\d*?/,\-LW#A-Za-z]+( +[\d*?/,\-LW#A-Za-z]+){4,5}$/;
/** Cron fields are read in Vietnam's time zone (the calendar's). */
export const CRON_ZONE = VN_ZONE;
/** The longest a schedule is scanned ahead for its next occurrence. */
const MAX_STEPS = 100_000;

export function parseSchedule(kind: string, text: string): Schedule | { error: string } {
  const value = text.trim();
  if (kind === 'timeDuration') return { error: 'a start event cannot wait a duration: give a date (timeDate) or a cycle (timeCycle)' };
  if (kind === 'timeDate') {
    const at = DATE_TIME.test(value) ? Date.parse(value) : Number.NaN;
    return Number.isFinite(at) ? { kind: 'date', at } : { error: `"${value}" is not an ISO 8601 date-time with offset, such as 2026-03-01T08:00:00+07:00` };
  }
  const cycle = CYCLE.exec(value);
  if (cycle) {
    const [, count, startText, interval = ''] = cycle;
    const duration = Duration.fromISO(interval);
    if (!duration.isValid || duration.toMillis() <= 0) return { error: `"${interval}" is not an ISO 8601 duration such as P1D or P1M` };
    const start = startText === undefined ? null : DATE_TIME.test(startText) ? Date.parse(startText) : Number.NaN;
    if (start !== null && !Number.isFinite(start)) return { error: `the cycle's start "${startText}" is not an ISO 8601 date-time with offset` };
    const repetitions = count === '' || count === undefined ? null : Number(count);
    if (repetitions === 0) return { error: 'a cycle repeats at least once (R1 or more; R alone repeats for ever)' };
    return { kind: 'cycle', repetitions, start, interval };
  }
  if (CRON.test(value)) {
    try {
      CronExpressionParser.parse(value, { tz: CRON_ZONE });
      return { kind: 'cron', expression: value };
    } catch (err) {
      return { error: `cron "${value}": ${(err as Error).message}` };
    }
  }
  return { error: `"${value}" is neither R[n]/[start/]duration (such as R/2026-01-01T08:00:00+07:00/P1M) nor a cron expression (such as 0 0 8 1 * *)` };
}

/** Occurrence k (0-based) of a cycle anchored at `anchor` (its start, or publish + one interval). */
function cycleOccurrence(s: Extract<Schedule, { kind: 'cycle' }>, anchor: number, k: number): number {
  const first = s.start ?? DateTime.fromMillis(anchor).plus(Duration.fromISO(s.interval)).toMillis();
  const duration = Duration.fromISO(s.interval);
  // Calendar units (P1M) are added from the first occurrence, not step by step, so days do not drift.
  return DateTime.fromMillis(first, { zone: CRON_ZONE }).plus(duration.mapUnits((x) => x * k)).toMillis();
}

/** The first occurrence strictly after `after`, or undefined when the schedule is over. */
export function nextOccurrence(s: Schedule, after: number, anchor: number): number | undefined {
  if (s.kind === 'date') return s.at > after ? s.at : undefined;
  if (s.kind === 'cron') {
    try {
      return CronExpressionParser.parse(s.expression, { tz: CRON_ZONE, currentDate: new Date(after) }).next().getTime();
    } catch {
      return undefined;
    }
  }
  // Jump near `after` by the shortest length of the interval, then step.
  const shortest = Math.max(1, minimalMs(s.interval));
  const firstAt = cycleOccurrence(s, anchor, 0);
  let k = after < firstAt ? 0 : Math.max(0, Math.floor((after - firstAt) / (shortest * 1.1)) - 1);
  for (let steps = 0; steps < MAX_STEPS; steps++, k++) {
    if (s.repetitions !== null && k >= s.repetitions) return undefined;
    const at = cycleOccurrence(s, anchor, k);
    if (at > after) return at;
  }
  return undefined;
}

/** The shortest gap between two occurrences, in ms (undefined: fires once). */
export function shortestGapMs(s: Schedule, anchor: number): number | undefined {
  if (s.kind === 'date' || (s.kind === 'cycle' && s.repetitions === 1)) return undefined;
  if (s.kind === 'cycle') return minimalMs(s.interval);
  // Cron: the smallest of the next 60 gaps finds every-minute / every-second patterns at once.
  let smallest = Number.POSITIVE_INFINITY;
  try {
    const it = CronExpressionParser.parse(s.expression, { tz: CRON_ZONE, currentDate: new Date(anchor) });
    let previous = it.next().getTime();
    for (let i = 0; i < 60; i++) {
      const next = it.next().getTime();
      smallest = Math.min(smallest, next - previous);
      previous = next;
    }
  } catch {
    // fewer than 60 occurrences: the gaps seen are the answer
  }
  return Number.isFinite(smallest) ? smallest : undefined;
}

function minimalMs(interval: string): number {
  const d = Duration.fromISO(interval);
  // A month counts as 28 days, a year as 365: the shortest they can be.
  return (
    (d.years * 365 + d.months * 28 + d.weeks * 7 + d.days) * 86_400_000 + d.hours * 3_600_000 + d.minutes * 60_000 + d.seconds * 1000 + d.milliseconds
  );
}
