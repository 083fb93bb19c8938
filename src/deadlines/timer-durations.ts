import { parseDuration, resolveDue, type WorkingCalendar } from '../calendar/index.js';
import type { DurationResolver } from '../engine/timer-due.js';

/** Timers in diagrams may say "2 working days": resolved on the calendar in force. */
export function calendarDurationResolver(calendar: WorkingCalendar): DurationResolver {
  return (text, from) => {
    try {
      return resolveDue(calendar, from, parseDuration(text));
    } catch {
      return null;
    }
  };
}

/** What publishing accepts as a timer duration beyond plain ISO 8601. */
export function isValidDuration(text: string): boolean {
  try {
    parseDuration(text);
    return true;
  } catch {
    return false;
  }
}
