import { describe, expect, it } from 'vitest';
import { createVietnamCalendar } from '../../src/calendar/load-holidays.js';
import { at, local, offRun } from './support/helpers.js';

const cal = createVietnamCalendar();

describe('announced schedules for civil servants (công chức, viên chức)', () => {
  it.each([
    ['Tết 2024 (TB 5015/TB-LĐTBXH)', '2024-02-10', '2024-02-08', '2024-02-14', 7],
    ['Tết 2025 (TB 6150/TB-LĐTBXH)', '2025-01-29', '2025-01-25', '2025-02-02', 9],
    ['Tết 2026 (TB 9441/TB-BNV)', '2026-02-17', '2026-02-14', '2026-02-22', 9],
  ])('%s: consecutive days off', (_name, tet, first, last, days) => {
    expect(offRun(cal, tet)).toEqual({ first, last, days });
  });

  it.each([
    ['New Year 2024', '2024-01-01', '2023-12-30', '2024-01-01', 3],
    ['New Year 2025', '2025-01-01', '2025-01-01', '2025-01-01', 1],
    ['New Year 2026 (2/1 swapped with Sat 10/1)', '2026-01-01', '2026-01-01', '2026-01-04', 4],
    ['Hùng Kings 2024 (Thu)', '2024-04-18', '2024-04-18', '2024-04-18', 1],
    ['Hùng Kings 2025 (Mon)', '2025-04-07', '2025-04-05', '2025-04-07', 3],
    ['Hùng Kings 2026 (Sun, in lieu Mon 27/4)', '2026-04-26', '2026-04-25', '2026-04-27', 3],
    ['30/4–1/5 2024 (29/4 swapped with Sat 4/5)', '2024-04-30', '2024-04-27', '2024-05-01', 5],
    ['30/4–1/5 2025 (2/5 swapped with Sat 26/4)', '2025-04-30', '2025-04-30', '2025-05-04', 5],
    ['30/4–1/5 2026', '2026-04-30', '2026-04-30', '2026-05-03', 4],
    ['National Day 2024', '2024-09-02', '2024-08-31', '2024-09-03', 4],
    ['National Day 2025', '2025-09-02', '2025-08-30', '2025-09-02', 4],
    ['National Day 2026 (31/8 swapped with Sat 22/8)', '2026-09-02', '2026-08-29', '2026-09-02', 5],
  ])('%s', (_name, date, first, last, days) => {
    expect(offRun(cal, date)).toEqual({ first, last, days });
  });

  it.each(['2024-05-04', '2025-04-26', '2026-01-10', '2026-08-22'])('make-up Saturday %s is a working day', (d) => {
    expect(new Date(`${d}T00:00:00Z`).getUTCDay()).toBe(6);
    expect(cal.isWorkingDay(d)).toBe(true);
    expect(cal.entryFor(d)?.kind).toBe('make-up-working-day');
  });

  it('counts working days over the year: 2024 has 251, 2025 has 250, 2026 has 249', () => {
    const count = (year: number): number => {
      let n = 0;
      for (let t = Date.UTC(year, 0, 1); t < Date.UTC(year + 1, 0, 1); t += 86_400_000) {
        if (cal.isWorkingDay(new Date(t).toISOString().slice(0, 10))) n++;
      }
      return n;
    };
    // weekdays − weekday non-working days + make-up Saturdays
    expect(count(2024)).toBe(262 - 12 + 1);
    expect(count(2025)).toBe(261 - 12 + 1);
    // 2026: 13 weekday days off + 24/11 (Ngày Văn hóa Việt Nam), 2 make-up Saturdays.
    expect(count(2026)).toBe(261 - 14 + 2);
  });
});

describe('deadlines over real holidays', () => {
  it('Tết 2025 spanning two weekends: Fri 24/1 09:00 + 3 working days = Wed 5/2 09:00', () => {
    expect(local(cal.addWorkingDays(at('2025-01-24', '09:00'), 3))).toBe('2025-02-05 09:00');
    expect(cal.workingMinutesBetween(at('2025-01-24', '09:00'), at('2025-02-05', '09:00'))).toBe(3 * 450);
  });

  it('Tết 2026: Thu 12/2 10:00 + 2 working days = Mon 23/2 10:00', () => {
    expect(local(cal.addWorkingDays(at('2026-02-12', '10:00'), 1))).toBe('2026-02-13 10:00');
    expect(local(cal.addWorkingDays(at('2026-02-12', '10:00'), 2))).toBe('2026-02-23 10:00');
  });

  it('Hùng Kings 2026 on a Sunday gives Monday 27/4 off in lieu', () => {
    expect(cal.entryFor('2026-04-27')?.kind).toBe('day-off-in-lieu');
    expect(local(cal.addWorkingDays(at('2026-04-24', '14:00'), 1))).toBe('2026-04-28 14:00');
  });

  it('make-up Saturday 4/5/2024 is counted: Fri 3/5 10:00 + 1 working day = Sat 4/5 10:00', () => {
    expect(local(cal.addWorkingDays(at('2024-05-03', '10:00'), 1))).toBe('2024-05-04 10:00');
    expect(local(cal.addWorkingDays(at('2025-04-25', '16:00'), 1))).toBe('2025-04-26 16:00');
    // …and the swapped Friday is skipped: Sat 26/4/2025 07:30 + 4 days = Sat 26, Mon 28, Tue 29, Mon 5/5.
    expect(local(cal.addWorkingDays(at('2025-04-26', '07:30'), 4))).toBe('2025-05-05 17:00');
  });

  it('crosses the year boundary: Tue 31/12/2024 10:00 + 1 working day = Thu 2/1/2025 10:00', () => {
    expect(cal.isWorkingDay('2025-01-01')).toBe(false);
    expect(local(cal.addWorkingDays(at('2024-12-31', '10:00'), 1))).toBe('2025-01-02 10:00');
    expect(cal.workingMinutesBetween(at('2024-12-31', '10:00'), at('2025-01-02', '10:00'))).toBe(450);
    expect(local(cal.addWorkingDays(at('2025-12-31', '16:00'), 1))).toBe('2026-01-05 16:00');
  });

  it('projected years: 1/1/2028 on a Saturday gives Monday 3/1 off in lieu', () => {
    expect(cal.isWorkingDay('2028-01-03')).toBe(false);
    expect(local(cal.addWorkingDays(at('2027-12-31', '16:00'), 1))).toBe('2028-01-04 16:00');
  });
});
