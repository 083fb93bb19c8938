import { dayNumberOf } from './time.js';
import { HOLIDAY_KINDS, type HolidayEntry } from './types.js';

/**
 * A per-province (or per-agency) correction of the national calendar.
 *
 * - any `HolidayEntry` replaces whatever the base says for that date;
 * - `working-day`: the date is worked whatever the base or the weekday says (stored as a
 *   `make-up-working-day` entry);
 * - `remove`: drops the base entry for the date, so the ordinary week applies again.
 */
export type CalendarOverride =
  | HolidayEntry
  | { readonly date: string; readonly kind: 'working-day'; readonly name?: string; readonly source?: string }
  | { readonly date: string; readonly kind: 'remove'; readonly source?: string };

/**
 * Applies `overrides` to `base`, pure. Exactly one entry per date results: within `base`
 * and then within `overrides`, a later item wins over an earlier one for the same date.
 * The result is sorted by date; inputs are not modified. Throws on an invalid date or kind.
 */
export function withOverrides(
  base: readonly HolidayEntry[],
  overrides: readonly CalendarOverride[],
): HolidayEntry[] {
  const byDate = new Map<string, HolidayEntry>();
  for (const entry of base) {
    dayNumberOf(entry.date);
    if (!HOLIDAY_KINDS.includes(entry.kind)) throw new RangeError(`invalid kind '${String(entry.kind)}' for ${entry.date}`);
    byDate.set(entry.date, entry);
  }
  for (const o of overrides) {
    dayNumberOf(o.date);
    if (o.kind === 'remove') {
      byDate.delete(o.date);
    } else if (o.kind === 'working-day') {
      byDate.set(o.date, {
        date: o.date,
        kind: 'make-up-working-day',
        name: o.name ?? 'Ngày làm việc (điều chỉnh)',
        source: o.source ?? 'override',
      });
    } else if (HOLIDAY_KINDS.includes(o.kind)) {
      byDate.set(o.date, { date: o.date, kind: o.kind, name: o.name, source: o.source });
    } else {
      throw new RangeError(`invalid override kind '${String((o as { kind: unknown }).kind)}' for ${o.date}`);
    }
  }
  return [...byDate.values()].sort((x, y) => (x.date < y.date ? -1 : x.date > y.date ? 1 : 0));
}
