/**
 * Issue 12: Ngày Văn hóa Việt Nam (24/11) from 2026, limits in calendar days, and the
 * province setting `deadlineEnd` (clock time kept, or the end of the last day).
 */
import { describe, expect, it } from 'vitest';
import { parseDuration, resolveDue } from '../../src/calendar/duration.js';
import { createVietnamCalendar } from '../../src/calendar/load-holidays.js';
import { at, local } from './support/helpers.js';

const clockTime = createVietnamCalendar();
const endOfDay = createVietnamCalendar({ deadlineEnd: 'end-of-day' });

describe('Ngày Văn hóa Việt Nam (24/11)', () => {
  it('is a day off from 2026 (Tuesday 24/11/2026), not in 2025', () => {
    expect(clockTime.isWorkingDay('2026-11-24')).toBe(false);
    expect(clockTime.entryFor('2026-11-24')?.source).toMatch(/28\/2026\/QH16/);
    expect(clockTime.isWorkingDay('2025-11-24')).toBe(true);
    // The reported 2026 swap (off 23/11, work 28/11) is only a proposal: not in the data.
    expect(clockTime.isWorkingDay('2026-11-23')).toBe(true);
    expect(clockTime.isWorkingDay('2026-11-28')).toBe(false);
  });

  it('a deadline running over it ends one working day later', () => {
    const received = at('2026-11-23', '09:00'); // Monday
    expect(local(resolveDue(clockTime, received, '3 working days'))).toBe('2026-11-27 09:00');
    expect(local(resolveDue(endOfDay, received, '3 working days'))).toBe('2026-11-27 17:00');
    // Same count a week earlier, no holiday in between.
    expect(local(resolveDue(clockTime, at('2026-11-16', '09:00'), '3 working days'))).toBe('2026-11-19 09:00');
  });

  it('projected years: weekday 24/11 off, weekend 24/11 gives the next Monday in lieu', () => {
    expect(clockTime.isWorkingDay('2027-11-24')).toBe(false); // Wednesday
    expect(clockTime.isWorkingDay('2028-11-24')).toBe(false); // Friday
    expect(clockTime.entryFor('2029-11-26')?.kind).toBe('day-off-in-lieu'); // 24/11/2029 is a Saturday
    expect(clockTime.entryFor('2030-11-25')?.kind).toBe('day-off-in-lieu'); // 24/11/2030 is a Sunday
    expect(local(resolveDue(clockTime, at('2029-11-23', '09:00'), '1 working day'))).toBe('2029-11-27 09:00');
    expect(local(resolveDue(clockTime, at('2030-11-22', '10:00'), '2 working days'))).toBe('2030-11-27 10:00');
  });
});

describe('calendar days', () => {
  it('parses the law\'s wording and the English form', () => {
    expect(parseDuration('15 ngày')).toEqual({ kind: 'calendar-days', days: 15 });
    expect(parseDuration('15 calendar days')).toEqual({ kind: 'calendar-days', days: 15 });
    expect(parseDuration('1 calendar day')).toEqual({ kind: 'calendar-days', days: 1 });
    expect(parseDuration('15 ngày làm việc')).toEqual({ kind: 'working-days', days: 15 });
  });

  it('counts weekends and holidays, ending on a working day', () => {
    // Thursday 05/11/2026 + 15 days = Friday 20/11 (a working day): weekends count.
    expect(local(resolveDue(clockTime, at('2026-11-05', '09:00'), '15 calendar days'))).toBe('2026-11-20 09:00');
    // Friday 06/11/2026 + 15 days = Saturday 21/11 → Monday 23/11.
    expect(local(resolveDue(clockTime, at('2026-11-06', '09:00'), '15 ngày'))).toBe('2026-11-23 09:00');
    // Monday 09/11/2026 + 15 days = Tuesday 24/11, Ngày Văn hóa → Wednesday 25/11.
    expect(local(resolveDue(clockTime, at('2026-11-09', '09:00'), '15 ngày'))).toBe('2026-11-25 09:00');
    expect(local(resolveDue(endOfDay, at('2026-11-09', '09:00'), '15 ngày'))).toBe('2026-11-25 17:00');
    // Ends in Tết 2027 (Fri 5/2 – Thu 11/2 projected, then the weekend does not apply): Friday 12/2.
    expect(local(resolveDue(clockTime, at('2027-01-25', '10:00'), '15 ngày'))).toBe('2027-02-12 10:00');
  });

  it('clock time outside office hours is brought to the closing or opening', () => {
    // Received Monday 18:00 (after closing): 16/11/2026 + 3 days = Thursday 19/11, ends 17:00.
    expect(local(resolveDue(clockTime, at('2026-11-16', '18:00'), '3 calendar days'))).toBe('2026-11-19 17:00');
    expect(local(resolveDue(clockTime, at('2026-11-16', '06:00'), '3 calendar days'))).toBe('2026-11-19 07:30');
  });

  it('a receipt cut-off moves the start to the next working day', () => {
    const due = resolveDue(clockTime, at('2026-11-06', '16:00'), '3 calendar days', { cutoff: '15:00' });
    // Friday after 15:00 → counts from Monday 09/11 07:30 → Thursday 12/11 07:30.
    expect(local(due)).toBe('2026-11-12 07:30');
  });
});

describe('deadlineEnd', () => {
  it('clock-time keeps the receipt time; end-of-day ends at the close of the last day', () => {
    const monday = at('2026-10-05', '09:00');
    expect(local(resolveDue(clockTime, monday, '3 working days'))).toBe('2026-10-08 09:00');
    expect(local(resolveDue(endOfDay, monday, '3 working days'))).toBe('2026-10-08 17:00');
  });

  it('end-of-day does not count the day of receipt, whatever the time of receipt', () => {
    expect(local(resolveDue(endOfDay, at('2026-10-05', '07:30'), '3 working days'))).toBe('2026-10-08 17:00');
    expect(local(resolveDue(endOfDay, at('2026-10-05', '16:59'), '3 working days'))).toBe('2026-10-08 17:00');
    // After closing, or on a weekend, the next working day is the first day counted.
    expect(local(resolveDue(endOfDay, at('2026-10-05', '18:00'), '3 working days'))).toBe('2026-10-08 17:00');
    expect(local(resolveDue(endOfDay, at('2026-10-03', '10:00'), '3 working days'))).toBe('2026-10-07 17:00');
    // After the receipt cut-off: the next working day is the first day counted.
    expect(local(resolveDue(endOfDay, at('2026-10-05', '16:00'), '3 working days', { cutoff: '15:00' }))).toBe('2026-10-08 17:00');
  });

  it('hours and fractions of a day keep their instant in both modes', () => {
    const monday = at('2026-10-05', '09:00');
    expect(resolveDue(endOfDay, monday, '4 working hours')).toEqual(resolveDue(clockTime, monday, '4 working hours'));
    expect(resolveDue(endOfDay, monday, '0.5 working days')).toEqual(resolveDue(clockTime, monday, '0.5 working days'));
  });

  it('an unknown setting is refused', () => {
    expect(() => createVietnamCalendar({ deadlineEnd: 'noon' as never })).toThrow(/deadlineEnd/);
  });
});
