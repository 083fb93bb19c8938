import { describe, expect, it } from 'vitest';
import { createVietnamCalendar, loadHolidayEntries } from '../../src/calendar/load-holidays.js';
import { withOverrides, type CalendarOverride } from '../../src/calendar/overrides.js';
import type { HolidayEntry } from '../../src/calendar/types.js';
import { createWorkingCalendar } from '../../src/calendar/working-calendar.js';

const base: HolidayEntry[] = [
  { date: '2025-09-02', kind: 'holiday', name: 'Quốc khánh', source: 'x' },
  { date: '2025-01-01', kind: 'holiday', name: 'Tết Dương lịch', source: 'x' },
  { date: '2025-04-26', kind: 'make-up-working-day', name: 'Làm bù', source: 'x' },
];

describe('withOverrides', () => {
  it('adds, replaces, removes and forces working days; result sorted, one entry per date', () => {
    const overrides: CalendarOverride[] = [
      { date: '2025-03-10', kind: 'holiday', name: 'Ngày lễ địa phương', source: 'QĐ tỉnh' },
      { date: '2025-09-02', kind: 'working-day', source: 'QĐ tỉnh' },
      { date: '2025-04-26', kind: 'remove' },
      { date: '2025-03-10', kind: 'day-off-in-lieu', name: 'later wins', source: 'QĐ tỉnh 2' },
    ];
    const out = withOverrides(base, overrides);
    expect(out.map((e) => [e.date, e.kind])).toEqual([
      ['2025-01-01', 'holiday'],
      ['2025-03-10', 'day-off-in-lieu'],
      ['2025-09-02', 'make-up-working-day'],
    ]);
    expect(out[1]?.name).toBe('later wins');
    expect(out[2]?.source).toBe('QĐ tỉnh');
  });

  it('does not modify its inputs', () => {
    const copy = structuredClone(base);
    withOverrides(base, [{ date: '2025-01-01', kind: 'remove' }]);
    expect(base).toEqual(copy);
  });

  it('later base entries win for the same date', () => {
    const out = withOverrides([...base, { date: '2025-01-01', kind: 'make-up-working-day', name: 'x', source: 'y' }], []);
    expect(out.find((e) => e.date === '2025-01-01')?.kind).toBe('make-up-working-day');
  });

  it('rejects bad dates and kinds', () => {
    expect(() => withOverrides(base, [{ date: '2025-13-01', kind: 'remove' }])).toThrow(/invalid date/);
    expect(() => withOverrides(base, [{ date: '2025-01-02', kind: 'bogus' } as unknown as CalendarOverride])).toThrow(/invalid override kind/);
  });

  it('feeds a calendar: a province holiday and a province working day', () => {
    const cal = createVietnamCalendar({
      overrides: [
        { date: '2025-03-10', kind: 'holiday', name: 'Ngày lễ địa phương', source: 'QĐ tỉnh' },
        { date: '2025-09-01', kind: 'working-day' },
      ],
    });
    expect(cal.isWorkingDay('2025-03-10')).toBe(false);
    expect(cal.isWorkingDay('2025-09-01')).toBe(true);
    expect(cal.isWorkingDay('2025-09-02')).toBe(false);
    const national = createWorkingCalendar({ entries: loadHolidayEntries() });
    expect(national.isWorkingDay('2025-09-01')).toBe(false);
  });
});
