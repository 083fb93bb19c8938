/**
 * Checked table of the lunar dates that set Vietnamese holidays, 2024–2030.
 *
 * Vietnam's lunar calendar is computed for UTC+07:00 (since 1967), China's for UTC+08:00.
 * A month starts on the local civil day of the new moon, so when a new moon falls
 * between 16:00 and 17:00 UTC the two calendars start the month one day apart. That
 * happens for Tết 2030: the new moon is on 2 Feb 2030 ≈16:07 UTC, i.e. 23:07 in Hà Nội
 * (Tết = Sat 2 Feb 2030) but 00:07 on 3 Feb in Beijing (Chinese New Year = 3 Feb).
 *
 * `tet` / `hungKings` are the Vietnamese dates. `cnTet` / `cnHungKings` are set only where
 * the Chinese calendar (lunar-javascript, UTC+8) differs. tests/calendar/lunar.test.ts
 * checks this table against lunar-javascript and against an independent UTC+7
 * astronomical computation (Hồ Ngọc Đức's algorithm).
 */
export interface VnLunarYear {
  readonly year: number;
  /** Mùng 1 Tết (1st day of lunar month 1), solar date. */
  readonly tet: string;
  /** Giỗ Tổ Hùng Vương (10th day of lunar month 3), solar date. */
  readonly hungKings: string;
  readonly cnTet?: string;
  readonly cnHungKings?: string;
}

export const VN_LUNAR_TABLE: readonly VnLunarYear[] = [
  { year: 2024, tet: '2024-02-10', hungKings: '2024-04-18' },
  { year: 2025, tet: '2025-01-29', hungKings: '2025-04-07' },
  { year: 2026, tet: '2026-02-17', hungKings: '2026-04-26' },
  { year: 2027, tet: '2027-02-06', hungKings: '2027-04-16' },
  { year: 2028, tet: '2028-01-26', hungKings: '2028-04-04' },
  { year: 2029, tet: '2029-02-13', hungKings: '2029-04-23' },
  { year: 2030, tet: '2030-02-02', hungKings: '2030-04-12', cnTet: '2030-02-03' },
];

/** The table row of `year`; throws when the year is not covered. */
export function vnLunarYear(year: number): VnLunarYear {
  const row = VN_LUNAR_TABLE.find((r) => r.year === year);
  if (!row) throw new RangeError(`no Vietnamese lunar dates for ${year}; extend VN_LUNAR_TABLE`);
  return row;
}
