import { dateOfDayNumber, dayNumberOf, isoWeekdayOfDayNumber } from './time.js';
import type { HolidayEntry } from './types.js';
import type { VnLunarYear } from './vn-lunar-table.js';

/** `source` of every projected entry; `isProjected` recognises it. */
export const PROJECTION_SOURCE = 'projection (Labour Code 2019 art. 112); replace when announced';

/**
 * Ngày Văn hóa Việt Nam (24/11) is a paid day off from 1 July 2026. The primary text was not
 * retrieved: public sources cite Nghị quyết 28/2026/QH16, in force 1/7/2026 (docs/calendar.md).
 */
export const CULTURE_DAY_FIRST_YEAR = 2026;
export const CULTURE_DAY_SOURCE =
  'projection (Nghị quyết 28/2026/QH16, hiệu lực 1/7/2026, theo các nguồn công khai; văn bản gốc chưa đối chiếu); replace when announced';

export const isProjected = (entry: HolidayEntry): boolean => entry.source.startsWith('projection');

const LABOUR_DAY_NAMES = {
  newYear: 'Tết Dương lịch (1/1)',
  victory: 'Ngày Chiến thắng (30/4)',
  labour: 'Ngày Quốc tế Lao động (1/5)',
  national: 'Quốc khánh (2/9)',
  nationalAdjacent: 'Quốc khánh (ngày liền kề)',
  hungKings: 'Giỗ Tổ Hùng Vương (10/3 Âm lịch)',
  culture: 'Ngày Văn hóa Việt Nam (24/11)',
} as const;

const TET_NAMES = [
  'Tết Nguyên đán (ngày cuối năm Âm lịch)',
  'Tết Nguyên đán (mùng 1)',
  'Tết Nguyên đán (mùng 2)',
  'Tết Nguyên đán (mùng 3)',
  'Tết Nguyên đán (mùng 4)',
] as const;

/**
 * Which day next to 2 Sep is the second National Day holiday, by ISO weekday of 2 Sep.
 * Art. 112 allows the day before or after; precedent: 2021 (Thu) → 3 Sep, 2022 (Fri) →
 * 1 Sep, 2023 (Sat) → 1 Sep, 2024 (Mon) → 3 Sep, 2025 (Tue) → 1 Sep, 2026 (Wed) → 1 Sep.
 * The choice always joins the holiday to a weekend where possible.
 */
const NATIONAL_DAY_ADJACENT: Record<number, -1 | 1> = { 1: 1, 2: -1, 3: -1, 4: 1, 5: -1, 6: -1, 7: 1 };

function dayMonth(day: number): string {
  const [, m, d] = dateOfDayNumber(day).split('-');
  return `${Number(d)}/${Number(m)}`;
}

function isWeekend(day: number): boolean {
  return isoWeekdayOfDayNumber(day) >= 6;
}

/**
 * The statutory holidays of `year` computed from the Labour Code 2019 (art. 112(1)), plus
 * 24/11 from 2026 (Ngày Văn hóa Việt Nam),
 * with a day off in lieu (art. 111(3)) on the next weekday that is not itself a holiday
 * for every holiday falling on Saturday or Sunday. No swaps (hoán đổi) are projected:
 * those are decided each year. Tết = last day of the lunar year + mùng 1–4 (5 days).
 */
export function projectYear(year: number, lunar: Pick<VnLunarYear, 'year' | 'tet' | 'hungKings'>): HolidayEntry[] {
  if (lunar.year !== year) throw new RangeError(`lunar dates are for ${lunar.year}, not ${year}`);
  const holidays = new Map<number, { name: string; source: string }>();
  const add = (day: number, name: string, source = PROJECTION_SOURCE): void => {
    holidays.set(day, { name, source });
  };
  const fixed = (month: number, day: number): number =>
    dayNumberOf(`${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`);

  add(fixed(1, 1), LABOUR_DAY_NAMES.newYear);
  const tet = dayNumberOf(lunar.tet);
  TET_NAMES.forEach((name, i) => add(tet - 1 + i, name));
  add(dayNumberOf(lunar.hungKings), LABOUR_DAY_NAMES.hungKings);
  add(fixed(4, 30), LABOUR_DAY_NAMES.victory);
  add(fixed(5, 1), LABOUR_DAY_NAMES.labour);
  const national = fixed(9, 2);
  add(national, LABOUR_DAY_NAMES.national);
  add(national + (NATIONAL_DAY_ADJACENT[isoWeekdayOfDayNumber(national)] ?? 1), LABOUR_DAY_NAMES.nationalAdjacent);
  if (year >= CULTURE_DAY_FIRST_YEAR) add(fixed(11, 24), LABOUR_DAY_NAMES.culture, CULTURE_DAY_SOURCE);

  const entries: HolidayEntry[] = [];
  const inLieu = new Set<number>();
  for (const [day, { name, source }] of [...holidays.entries()].sort((a, b) => a[0] - b[0])) {
    entries.push({ date: dateOfDayNumber(day), kind: 'holiday', name, source });
    if (!isWeekend(day)) continue;
    let d = day + 1;
    while (isWeekend(d) || holidays.has(d) || inLieu.has(d)) d++;
    inLieu.add(d);
    entries.push({
      date: dateOfDayNumber(d),
      kind: 'day-off-in-lieu',
      name: `Nghỉ bù ${name}, trùng ngày nghỉ hằng tuần ${dayMonth(day)}`,
      source,
    });
  }
  return entries.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}
