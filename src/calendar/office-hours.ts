import { MINUTE_MS, parseClock } from './time.js';
import type { OfficeHours } from './types.js';

/** Office hours compiled to millisecond offsets from local midnight. */
export interface CompiledOfficeHours {
  /** Flat `[start0, end0, start1, end1, …]`, sorted, non-overlapping, non-empty intervals. */
  readonly bounds: readonly number[];
  /** Sum of interval lengths, ms. */
  readonly totalMs: number;
  /** Start of the first interval (opening), ms after midnight. */
  readonly openMs: number;
  /** End of the last interval (closing), ms after midnight. */
  readonly closeMs: number;
}

/**
 * Validates office hours and compiles them. Intervals must be given in order, each with
 * `start < end`, and must not overlap (touching is allowed but pointless).
 */
export function compileOfficeHours(hours: OfficeHours): CompiledOfficeHours {
  if (hours.length === 0) throw new RangeError('office hours must contain at least one interval');
  const bounds: number[] = [];
  let previousEnd = -1;
  let totalMs = 0;
  for (const { start, end } of hours) {
    const s = parseClock(start);
    const e = parseClock(end, true);
    if (s >= e) throw new RangeError(`office interval ${start}–${end} is empty or reversed`);
    if (s < previousEnd) throw new RangeError(`office interval ${start}–${end} overlaps or is out of order`);
    bounds.push(s, e);
    totalMs += e - s;
    previousEnd = e;
  }
  return { bounds, totalMs, openMs: bounds[0] ?? 0, closeMs: bounds[bounds.length - 1] ?? 0 };
}

/** Total working minutes of one full day of `hours` (450 for the default hours). */
export function officeMinutesPerDay(hours: OfficeHours): number {
  return compileOfficeHours(hours).totalMs / MINUTE_MS;
}
