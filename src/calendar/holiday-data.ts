import { dayNumberOf } from './time.js';
import { HOLIDAY_KINDS, type HolidayEntry, type HolidayKind } from './types.js';

/** Shape of one `data/holidays/YYYY.json` file. */
export interface HolidayYearFile {
  readonly year: number;
  /** `announced`: transcribed from government documents; `projected`: generated. */
  readonly status: 'announced' | 'projected';
  readonly note?: string;
  readonly entries: readonly HolidayEntry[];
}

function fail(where: string, message: string): never {
  throw new TypeError(`${where}: ${message}`);
}

/**
 * Validates parsed JSON as a `HolidayYearFile` (pure). Checks the year, each entry's
 * fields and kind, that every date is in that year, and that no date repeats.
 */
export function parseHolidayYearFile(json: unknown, where = 'holiday file'): HolidayYearFile {
  if (typeof json !== 'object' || json === null) fail(where, 'not an object');
  const o = json as Record<string, unknown>;
  const year = o.year;
  if (typeof year !== 'number' || !Number.isInteger(year)) fail(where, '`year` must be an integer');
  if (o.status !== 'announced' && o.status !== 'projected') fail(where, "`status` must be 'announced' or 'projected'");
  if (!Array.isArray(o.entries)) fail(where, '`entries` must be an array');
  const seen = new Set<string>();
  const entries = o.entries.map((raw: unknown, i: number): HolidayEntry => {
    const at = `${where} entries[${i}]`;
    if (typeof raw !== 'object' || raw === null) fail(at, 'not an object');
    const e = raw as Record<string, unknown>;
    const { date, kind, name, source } = e;
    if (typeof date !== 'string') fail(at, '`date` must be a string');
    try {
      dayNumberOf(date);
    } catch {
      fail(at, `invalid date '${date}'`);
    }
    if (!date.startsWith(`${year}-`)) fail(at, `date ${date} is not in ${year}`);
    if (seen.has(date)) fail(at, `duplicate date ${date}`);
    seen.add(date);
    if (typeof kind !== 'string' || !HOLIDAY_KINDS.includes(kind as HolidayKind)) fail(at, `invalid kind '${String(kind)}'`);
    if (typeof name !== 'string' || name === '') fail(at, '`name` must be a non-empty string');
    if (typeof source !== 'string' || source === '') fail(at, '`source` must be a non-empty string');
    return { date, kind: kind as HolidayKind, name, source };
  });
  const note = typeof o.note === 'string' ? o.note : undefined;
  return { year, status: o.status, ...(note !== undefined ? { note } : {}), entries };
}
