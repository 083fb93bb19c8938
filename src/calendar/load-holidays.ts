/**
 * The one place that reads holiday data from disk (the calendar itself does no I/O).
 * Call once at start-up and inject the resulting calendar.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseHolidayYearFile, type HolidayYearFile } from './holiday-data.js';
import { withOverrides, type CalendarOverride } from './overrides.js';
import type { HolidayEntry } from './types.js';
import { createWorkingCalendar, type WorkingCalendar, type WorkingCalendarOptions } from './working-calendar.js';

/** `data/holidays/` of this repository: two levels above src/calendar, three above the build's dist/src/calendar. */
export const DEFAULT_HOLIDAY_DIR = fileURLToPath(new URL(`${import.meta.url.includes('/dist/src/') ? '../' : ''}../../data/holidays/`, import.meta.url));

/** Reads and validates every `YYYY.json` in `dir`, in year order. */
export function loadHolidayYears(dir: string = DEFAULT_HOLIDAY_DIR): HolidayYearFile[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}\.json$/.test(f))
    .sort()
    .map((f) => {
      const parsed = parseHolidayYearFile(JSON.parse(readFileSync(join(dir, f), 'utf8')) as unknown, f);
      if (`${parsed.year}.json` !== f) throw new TypeError(`${f}: year ${parsed.year} does not match the file name`);
      return parsed;
    });
}

/** All entries of all years in `dir`. */
export function loadHolidayEntries(dir: string = DEFAULT_HOLIDAY_DIR): HolidayEntry[] {
  return loadHolidayYears(dir).flatMap((y) => y.entries);
}

export interface VietnamCalendarOptions extends Omit<WorkingCalendarOptions, 'entries'> {
  /** Province/agency corrections, applied with `withOverrides`. */
  readonly overrides?: readonly CalendarOverride[];
  readonly dir?: string;
}

/** The national calendar from `data/holidays/` with optional overrides and office hours. */
export function createVietnamCalendar(options: VietnamCalendarOptions = {}): WorkingCalendar {
  const { overrides = [], dir, ...rest } = options;
  return createWorkingCalendar({ ...rest, entries: withOverrides(loadHolidayEntries(dir), overrides) });
}
