import { describe, expect, it } from 'vitest';
import { createWorkingCalendar, WorkingCalendar } from '../../src/calendar/working-calendar.js';
import { officeMinutesPerDay } from '../../src/calendar/office-hours.js';
import { DEFAULT_OFFICE_HOURS } from '../../src/calendar/types.js';
import { at, local } from './support/helpers.js';

// March 2024 with no entries: Mon 4, Tue 5, Wed 6, Thu 7, Fri 8, Sat 9, Sun 10, Mon 11.
const cal = createWorkingCalendar({ entries: [] });

describe('defaults', () => {
  it('uses 07:30–11:30 + 13:30–17:00 = 450 minutes per working day', () => {
    expect(officeMinutesPerDay(DEFAULT_OFFICE_HOURS)).toBe(450);
    expect(cal.minutesPerWorkingDay).toBe(450);
    expect(cal.zone).toBe('Asia/Ho_Chi_Minh');
    expect(cal.weekend).toEqual([6, 7]);
  });

  it('Saturday and Sunday are not working days, weekdays are', () => {
    expect(cal.isWorkingDay('2024-03-08')).toBe(true);
    expect(cal.isWorkingDay('2024-03-09')).toBe(false);
    expect(cal.isWorkingDay('2024-03-10')).toBe(false);
    expect(cal.isWorkingDay('2024-03-11')).toBe(true);
  });
});

describe('working days', () => {
  it('09:00 Monday + 3 working days = 09:00 Thursday', () => {
    expect(local(cal.addWorkingDays(at('2024-03-04', '09:00'), 3))).toBe('2024-03-07 09:00');
  });

  it('16:00 + 1 working day = 16:00 the next working day, across a weekend too', () => {
    expect(local(cal.addWorkingDays(at('2024-03-04', '16:00'), 1))).toBe('2024-03-05 16:00');
    expect(local(cal.addWorkingDays(at('2024-03-08', '16:00'), 1))).toBe('2024-03-11 16:00');
  });

  it('a result exactly at the end of an interval stays there (17:00, not 07:30 next day)', () => {
    expect(local(cal.addWorkingDays(at('2024-03-04', '07:30'), 1))).toBe('2024-03-04 17:00');
    expect(local(cal.addWorkingDays(at('2024-03-04', '07:30'), 5))).toBe('2024-03-08 17:00');
    expect(local(cal.addWorkingMinutes(at('2024-03-04', '11:00'), 30))).toBe('2024-03-04 11:30');
  });

  it('counting starts at the next working instant when received outside office hours', () => {
    expect(local(cal.addWorkingDays(at('2024-03-04', '06:00'), 1))).toBe('2024-03-04 17:00');
    expect(local(cal.addWorkingDays(at('2024-03-04', '18:00'), 1))).toBe('2024-03-05 17:00');
    expect(local(cal.addWorkingDays(at('2024-03-09', '10:00'), 1))).toBe('2024-03-11 17:00');
  });

  it('half days: 0.5 working day = 225 working minutes', () => {
    expect(local(cal.addWorkingDays(at('2024-03-04', '07:30'), 0.5))).toBe('2024-03-04 11:15');
    expect(local(cal.addWorkingDays(at('2024-03-04', '09:00'), 0.5))).toBe('2024-03-04 14:45');
    expect(local(cal.addWorkingDays(at('2024-03-04', '15:00'), 1.5))).toBe('2024-03-06 09:15');
    expect(cal.workingMinutesBetween(at('2024-03-04', '09:00'), at('2024-03-04', '14:45'))).toBe(225);
  });

  it('0 working days returns the start unchanged', () => {
    const sat = at('2024-03-09', '10:00');
    expect(cal.addWorkingDays(sat, 0).getTime()).toBe(sat.getTime());
  });
});

describe('working hours and minutes', () => {
  it('hours across the lunch break', () => {
    expect(local(cal.addWorkingHours(at('2024-03-04', '11:00'), 1))).toBe('2024-03-04 14:00');
    expect(local(cal.addWorkingHours(at('2024-03-04', '10:00'), 4))).toBe('2024-03-04 16:00');
    expect(local(cal.addWorkingMinutes(at('2024-03-04', '12:00'), 1))).toBe('2024-03-04 13:31');
  });

  it('hours overnight and over a weekend', () => {
    expect(local(cal.addWorkingHours(at('2024-03-04', '16:30'), 2))).toBe('2024-03-05 09:00');
    expect(local(cal.addWorkingHours(at('2024-03-08', '16:00'), 4))).toBe('2024-03-11 10:30');
  });

  it('fractional minutes and seconds are kept to the millisecond', () => {
    expect(cal.addWorkingMinutes(at('2024-03-04', '08:00'), 0.5).getTime()).toBe(at('2024-03-04', '08:00').getTime() + 30_000);
  });

  it('negative amounts count backwards and land on the start of an interval', () => {
    expect(local(cal.addWorkingMinutes(at('2024-03-05', '08:30'), -60))).toBe('2024-03-05 07:30');
    expect(local(cal.addWorkingMinutes(at('2024-03-05', '08:30'), -61))).toBe('2024-03-04 16:59');
    expect(local(cal.addWorkingHours(at('2024-03-04', '14:00'), -1))).toBe('2024-03-04 11:00');
    expect(local(cal.addWorkingDays(at('2024-03-11', '09:00'), -1))).toBe('2024-03-08 09:00');
  });
});

describe('workingMinutesBetween', () => {
  it('is the working time between two instants', () => {
    expect(cal.workingMinutesBetween(at('2024-03-04', '09:00'), at('2024-03-07', '09:00'))).toBe(1350);
    expect(cal.workingMinutesBetween(at('2024-03-04', '11:00'), at('2024-03-04', '14:00'))).toBe(60);
    expect(cal.workingMinutesBetween(at('2024-03-08', '16:00'), at('2024-03-11', '08:30'))).toBe(120);
    expect(cal.workingMinutesBetween(at('2024-03-09', '00:00'), at('2024-03-11', '00:00'))).toBe(0);
  });

  it('is 0 for equal instants and negative when to < from', () => {
    const t = at('2024-03-04', '09:00');
    expect(cal.workingMinutesBetween(t, t)).toBe(0);
    expect(cal.workingMinutesBetween(at('2024-03-07', '09:00'), t)).toBe(-1350);
  });

  it('is symmetric with addWorkingMinutes', () => {
    const s = at('2024-03-04', '10:17');
    for (const m of [1, 59, 200, 450, 451, 2000, 7777]) {
      expect(cal.workingMinutesBetween(s, cal.addWorkingMinutes(s, m))).toBe(m);
      expect(cal.workingMinutesBetween(s, cal.addWorkingMinutes(s, -m))).toBe(-m);
    }
  });
});

describe('nextWorkingInstant / isWorkingInstant', () => {
  it('moves out of lunch, evenings and weekends; intervals are [start, end)', () => {
    expect(local(cal.nextWorkingInstant(at('2024-03-04', '10:00')))).toBe('2024-03-04 10:00');
    expect(local(cal.nextWorkingInstant(at('2024-03-04', '11:30')))).toBe('2024-03-04 13:30');
    expect(local(cal.nextWorkingInstant(at('2024-03-04', '17:00')))).toBe('2024-03-05 07:30');
    expect(local(cal.nextWorkingInstant(at('2024-03-08', '17:00')))).toBe('2024-03-11 07:30');
    expect(cal.isWorkingInstant(at('2024-03-04', '07:30'))).toBe(true);
    expect(cal.isWorkingInstant(at('2024-03-04', '11:30'))).toBe(false);
    expect(cal.isWorkingInstant(at('2024-03-09', '09:00'))).toBe(false);
  });
});

describe('entries', () => {
  const withEntries = createWorkingCalendar({
    entries: [
      { date: '2024-03-06', kind: 'holiday', name: 'H', source: 'test' },
      { date: '2024-03-07', kind: 'day-off-in-lieu', name: 'L', source: 'test' },
      { date: '2024-03-09', kind: 'make-up-working-day', name: 'M', source: 'test' },
    ],
  });

  it('holidays and days off in lieu override weekdays; make-up days override weekends', () => {
    expect(withEntries.isWorkingDay('2024-03-06')).toBe(false);
    expect(withEntries.isWorkingDay('2024-03-07')).toBe(false);
    expect(withEntries.isWorkingDay('2024-03-09')).toBe(true);
    expect(withEntries.entryFor('2024-03-09')?.name).toBe('M');
    expect(withEntries.entryFor('2024-03-08')).toBeUndefined();
  });

  it('counts through them', () => {
    // Tue 5 10:00 → Tue 17:00 (360) … Fri 8 (450) … Sat 9 (make-up) 07:30 + 90 = 09:00.
    expect(local(withEntries.addWorkingDays(at('2024-03-05', '10:00'), 2))).toBe('2024-03-09 10:00');
    expect(withEntries.workingMinutesBetween(at('2024-03-05', '00:00'), at('2024-03-11', '00:00'))).toBe(3 * 450);
  });

  it('a later entry for the same date wins', () => {
    const c = createWorkingCalendar({
      entries: [
        { date: '2024-03-06', kind: 'holiday', name: 'H', source: 'a' },
        { date: '2024-03-06', kind: 'make-up-working-day', name: 'W', source: 'b' },
      ],
    });
    expect(c.isWorkingDay('2024-03-06')).toBe(true);
  });
});

describe('configuration', () => {
  it('minutesPerWorkingDay can differ from the office hours (e.g. an 8-hour "day")', () => {
    const c = createWorkingCalendar({ entries: [], minutesPerWorkingDay: 480 });
    expect(local(c.addWorkingDays(at('2024-03-04', '07:30'), 1))).toBe('2024-03-05 08:00');
  });

  it('custom office hours and weekend', () => {
    const c = createWorkingCalendar({
      entries: [],
      officeHours: [{ start: '08:00', end: '12:00' }, { start: '13:00', end: '17:00' }],
      weekend: [7],
    });
    expect(c.minutesPerWorkingDay).toBe(480);
    expect(c.isWorkingDay('2024-03-09')).toBe(true);
    expect(local(c.addWorkingDays(at('2024-03-08', '12:30'), 1))).toBe('2024-03-09 12:00');
  });

  it('rejects invalid configuration', () => {
    expect(() => createWorkingCalendar({ entries: [], officeHours: [] })).toThrow(RangeError);
    expect(() => createWorkingCalendar({ entries: [], officeHours: [{ start: '12:00', end: '08:00' }] })).toThrow(/reversed/);
    expect(() =>
      createWorkingCalendar({
        entries: [],
        officeHours: [
          { start: '08:00', end: '12:00' },
          { start: '11:00', end: '17:00' },
        ],
      }),
    ).toThrow(/overlaps/);
    expect(() => createWorkingCalendar({ entries: [], officeHours: [{ start: '7:30', end: '11:30' }] })).toThrow(/HH:mm/);
    expect(() => createWorkingCalendar({ entries: [], weekend: [1, 2, 3, 4, 5, 6, 7] })).toThrow(/whole week/);
    expect(() => createWorkingCalendar({ entries: [], minutesPerWorkingDay: 0 })).toThrow(RangeError);
    expect(() => createWorkingCalendar({ entries: [{ date: '2024-02-30', kind: 'holiday', name: 'x', source: 'x' }] })).toThrow(/invalid date/);
    expect(
      () => new WorkingCalendar({ zone: 'Asia/Bangkok' as 'Asia/Ho_Chi_Minh', officeHours: DEFAULT_OFFICE_HOURS, weekend: [6, 7], entries: [] }),
    ).toThrow(/unsupported zone/);
    expect(() => cal.addWorkingMinutes(new Date(Number.NaN), 1)).toThrow(/invalid Date/);
    expect(() => cal.addWorkingMinutes(at('2024-03-04'), Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(() => cal.isWorkingDay('2024-3-4')).toThrow(/YYYY-MM-DD/);
  });

  it('office hours ending at 24:00 are accepted', () => {
    const c = createWorkingCalendar({ entries: [], officeHours: [{ start: '22:00', end: '24:00' }] });
    expect(local(c.addWorkingHours(at('2024-03-04', '23:00'), 2))).toBe('2024-03-05 23:00');
  });
});
