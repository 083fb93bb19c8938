import { parseDuration, type ParsedDuration } from '../calendar/index.js';

/**
 * The per-procedure unit of the statutory time (docs/procedures.md, "Time units"): the
 * process extension property `statutoryTimeUnit`, so `statutoryTime=15` with
 * `statutoryTimeUnit=calendar-days` reads as the law writes "15 ngày".
 */
export const TIME_UNIT_PROPERTY = 'statutoryTimeUnit';

export type TimeUnit = 'working-days' | 'working-hours' | 'calendar-days';

const UNIT_WORDS: Record<TimeUnit, string> = {
  'working-days': 'working days',
  'working-hours': 'working hours',
  'calendar-days': 'calendar days',
};

export const TIME_UNITS = Object.keys(UNIT_WORDS) as TimeUnit[];

export interface TimeUnitProblem {
  code: 'INVALID_TIME_UNIT' | 'TIME_UNIT_CONFLICT' | 'INVALID_DURATION';
  message: string;
}

/** The unit a parsed duration is written in; null for wall-clock ISO durations. */
export function unitOf(d: ParsedDuration): TimeUnit | null {
  if (d.kind === 'working-days' || d.kind === 'within-the-day') return 'working-days';
  if (d.kind === 'working') return 'working-hours';
  if (d.kind === 'calendar-days') return 'calendar-days';
  return null;
}

const BARE_NUMBER = /^\d+(?:[.,]\d+)?$/;

/**
 * The statutory time as one duration text, from `statutoryTime` and `statutoryTimeUnit`.
 * A bare number takes the unit; a text with its own unit must agree with the property.
 */
export function statutorySpec(props: Record<string, string>, timeProperty: string): { spec: string | null; unit: TimeUnit | null; problem?: TimeUnitProblem } {
  const text = props[timeProperty]?.trim();
  const unitText = props[TIME_UNIT_PROPERTY]?.trim();
  const unit = unitText === undefined ? null : (TIME_UNITS.find((u) => u === unitText) ?? null);
  if (unitText !== undefined && unit === null) {
    return { spec: text ?? null, unit: null, problem: { code: 'INVALID_TIME_UNIT', message: `${TIME_UNIT_PROPERTY} '${unitText}' is not one of ${TIME_UNITS.join(', ')}` } };
  }
  if (text === undefined) {
    if (unit !== null) return { spec: null, unit, problem: { code: 'INVALID_TIME_UNIT', message: `${TIME_UNIT_PROPERTY} is set but the procedure has no ${timeProperty}` } };
    return { spec: null, unit: null };
  }
  if (unit !== null && BARE_NUMBER.test(text)) return { spec: `${text} ${UNIT_WORDS[unit]}`, unit };
  let parsed: ParsedDuration;
  try {
    parsed = parseDuration(text);
  } catch (err) {
    return { spec: text, unit, problem: { code: 'INVALID_DURATION', message: (err as Error).message } };
  }
  const written = unitOf(parsed);
  if (unit !== null && written !== unit) {
    return { spec: text, unit, problem: { code: 'TIME_UNIT_CONFLICT', message: `${timeProperty} '${text}' is not in ${TIME_UNIT_PROPERTY} '${unit}'` } };
  }
  return { spec: text, unit: written };
}
