import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { parseHolidayYearFile } from '../../src/calendar/holiday-data.js';
import { loadHolidayYears } from '../../src/calendar/load-holidays.js';
import { CULTURE_DAY_SOURCE, PROJECTION_SOURCE, isProjected, projectYear } from '../../src/calendar/projection.js';
import { dayNumberOf, isoWeekdayOfDayNumber } from '../../src/calendar/time.js';
import { VN_LUNAR_TABLE, vnLunarYear } from '../../src/calendar/vn-lunar-table.js';

const years = loadHolidayYears();
const weekday = (date: string): number => isoWeekdayOfDayNumber(dayNumberOf(date));

describe('data/holidays', () => {
  it('has 2024–2026 announced and 2027–2030 projected', () => {
    expect(years.map((y) => [y.year, y.status])).toEqual([
      [2024, 'announced'],
      [2025, 'announced'],
      [2026, 'announced'],
      [2027, 'projected'],
      [2028, 'projected'],
      [2029, 'projected'],
      [2030, 'projected'],
    ]);
  });

  it('announced years cite documents; projected years carry the projection source', () => {
    for (const y of years) {
      for (const e of y.entries) {
        if (y.status === 'announced') expect(isProjected(e), `${e.date}`).toBe(false);
        else expect(e.source, e.date).toBe(e.date.endsWith('-11-24') || e.name.includes('24/11') ? CULTURE_DAY_SOURCE : PROJECTION_SOURCE);
      }
    }
  });

  it('projected files are exactly what scripts/generate-holidays.ts produces', () => {
    for (const y of years.filter((f) => f.status === 'projected')) {
      expect(y.entries).toEqual(projectYear(y.year, vnLunarYear(y.year)));
    }
  });

  it('make-up working days fall on weekends and days off in lieu on weekdays', () => {
    for (const e of years.flatMap((y) => y.entries)) {
      if (e.kind === 'make-up-working-day') expect(weekday(e.date), e.date).toBeGreaterThanOrEqual(6);
      if (e.kind === 'day-off-in-lieu') expect(weekday(e.date), e.date).toBeLessThanOrEqual(5);
    }
  });

  it('every year has 1/1, mùng 1 Tết, 10/3 lunar, 30/4, 1/5, 2/9 (and 24/11 from 2026) as holidays, from the lunar table', () => {
    for (const y of years) {
      const row = vnLunarYear(y.year);
      const holidays = new Set(y.entries.filter((e) => e.kind === 'holiday').map((e) => e.date));
      for (const d of [`${y.year}-01-01`, row.tet, row.hungKings, `${y.year}-04-30`, `${y.year}-05-01`, `${y.year}-09-02`]) {
        expect(holidays.has(d), `${y.year}: ${d}`).toBe(true);
      }
      // Labour Code art. 112(1): 11 statutory holiday days a year; 24/11 added from 2026.
      expect(holidays.has(`${y.year}-11-24`), `${y.year}: 24/11`).toBe(y.year >= 2026);
      expect(holidays.size, `${y.year}`).toBe(y.year >= 2026 ? 12 : 11);
    }
  });

  it('each announced Tết holiday block holds 5 statutory days', () => {
    for (const y of years.filter((f) => f.status === 'announced')) {
      const tet = y.entries.filter((e) => e.kind === 'holiday' && e.name.startsWith('Tết Nguyên đán'));
      expect(tet).toHaveLength(5);
    }
  });

  it('the validator rejects broken files', () => {
    expect(() => parseHolidayYearFile({ year: 2024, status: 'announced', entries: [{ date: '2025-01-01', kind: 'holiday', name: 'x', source: 'y' }] })).toThrow(/not in 2024/);
    expect(() => parseHolidayYearFile({ year: 2024, status: 'guess', entries: [] })).toThrow(/status/);
    expect(() =>
      parseHolidayYearFile({
        year: 2024,
        status: 'announced',
        entries: [
          { date: '2024-01-01', kind: 'holiday', name: 'x', source: 'y' },
          { date: '2024-01-01', kind: 'holiday', name: 'x', source: 'y' },
        ],
      }),
    ).toThrow(/duplicate/);
    expect(() => parseHolidayYearFile({ year: 2024, status: 'announced', entries: [{ date: '2024-01-01', kind: 'off', name: 'x', source: 'y' }] })).toThrow(/kind/);
    expect(() => parseHolidayYearFile({ year: 2024, status: 'announced', entries: [{ date: '2024-01-01', kind: 'holiday', name: '', source: 'y' }] })).toThrow(/name/);
  });
});

describe('time zone assumption', () => {
  it('the IANA database gives Asia/Ho_Chi_Minh a fixed +07:00 offset over the covered years', () => {
    for (const { year } of VN_LUNAR_TABLE) {
      for (let month = 1; month <= 12; month++) {
        const dt = DateTime.fromObject({ year, month, day: 15, hour: 12 }, { zone: 'Asia/Ho_Chi_Minh' });
        expect(dt.isValid).toBe(true);
        expect(dt.offset).toBe(420);
      }
    }
  });
});
